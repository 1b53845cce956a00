#include "report/chart.hpp"

#include <algorithm>
#include <cstdio>

#include "model/text.hpp"
#include "render/output.hpp"

namespace crm {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// value / max as a fraction for drawing (0 when max is 0).
double share(const Decimal& value, const Decimal& max) {
  if (max.zero()) return 0;
  double f = value.approx() / max.approx();
  return std::clamp(f, 0.0, 1.0);
}

std::string text(double x, double y, const std::string& s, const std::string& attrs = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (attrs.empty() ? "" : " " + attrs) + ">" +
         html_escape(s) + "</text>\n";
}

std::string rect(double x, double y, double w, double h, const std::string& cls) {
  return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
         "\" class=\"" + cls + "\"/>\n";
}

std::string open_svg(double w, double h, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(w) + " " + num(h) +
         "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" role=\"img\" aria-label=\"" + html_escape(title) +
         "\">\n<title>" + html_escape(title) + "</title>\n";
}

// Labels longer than `n` characters are cut (the table under the chart has them whole).
std::string cut(const std::string& s, size_t n) { return truncate_to_width(s, n); }

Decimal max_of(const std::vector<ChartPoint>& points, bool with_value2) {
  Decimal m;
  for (const auto& p : points) {
    if (m < p.value) m = p.value;
    if (with_value2 && m < p.value2) m = p.value2;
  }
  return m;
}

}  // namespace

std::string text_bar(const Decimal& value, const Decimal& max, size_t width) {
  static const char* parts[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  size_t eighths = static_cast<size_t>(share(value, max) * static_cast<double>(width * 8) + 0.5);
  std::string s;
  for (size_t i = 0; i < eighths / 8; ++i) s += "█";
  s += parts[eighths % 8];
  if (s.empty() && !value.zero() && value > Decimal()) s = "▏";
  return s;
}

std::string funnel_svg(const std::string& title, const std::vector<ChartPoint>& points) {
  const double width = 720, row = 34, gap = 8, top = 10, mid = 360, span = 360;
  double height = top + static_cast<double>(points.size()) * (row + gap) + 4;
  Decimal max = max_of(points, false);
  std::string s = open_svg(width, height, title);
  double prev_w = -1, y = top;
  for (const auto& p : points) {
    double w = std::max(3.0, span * share(p.value, max));
    if (prev_w >= 0) {
      // The narrowing between two steps.
      s += "<polygon class=\"neck\" points=\"" + num(mid - prev_w / 2) + "," + num(y - gap) + " " +
           num(mid + prev_w / 2) + "," + num(y - gap) + " " + num(mid + w / 2) + "," + num(y) + " " +
           num(mid - w / 2) + "," + num(y) + "\"/>\n";
    }
    s += rect(mid - w / 2, y, w, row, "bar");
    s += text(mid - span / 2 - 10, y + row / 2 + 5, cut(p.label, 22), "text-anchor=\"end\"");
    s += text(mid + span / 2 + 10, y + row / 2 + 5, p.value.fixed(2, ','));
    prev_w = w;
    y += row + gap;
  }
  return s + "</svg>";
}

std::string bars_svg(const std::string& title, const std::vector<ChartPoint>& points, const std::string& value_name,
                     const std::string& value2_name) {
  const double width = 720, left = 90, right = 700, top = 30, bottom = 230;
  bool second = !value2_name.empty();
  bool rotate = points.size() > 8;
  double height = bottom + (rotate ? 90 : 40);
  Decimal max = max_of(points, second);
  std::string s = open_svg(width, height, title);
  for (int i = 0; i <= 4; ++i) {
    double y = bottom - (bottom - top) * i / 4.0;
    s += "<line class=\"grid\" x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(right) + "\" y2=\"" +
         num(y) + "\"/>\n";
  }
  s += text(left - 6, top + 4, max.fixed(0, ','), "text-anchor=\"end\" class=\"axis\"");
  s += text(left - 6, bottom + 4, "0", "text-anchor=\"end\" class=\"axis\"");
  double slot = points.empty() ? 0 : (right - left) / static_cast<double>(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    double x = left + slot * static_cast<double>(i);
    if (second) {
      double h2 = (bottom - top) * share(p.value2, max);
      s += rect(x + slot * 0.15, bottom - h2, slot * 0.7, h2, "bar2");
    }
    double h = (bottom - top) * share(p.value, max);
    s += rect(x + slot * (second ? 0.27 : 0.15), bottom - h, slot * (second ? 0.46 : 0.7), h, "bar");
    double cx = x + slot / 2;
    if (rotate)
      s += text(cx, bottom + 14, cut(p.label, 16),
                "text-anchor=\"end\" class=\"axis\" transform=\"rotate(-45 " + num(cx) + " " + num(bottom + 14) + ")\"");
    else
      s += text(cx, bottom + 18, cut(p.label, 14), "text-anchor=\"middle\" class=\"axis\"");
  }
  // Legend, top left: a swatch and a name for each series.
  double lx = left;
  s += rect(lx, 6, 12, 12, "bar");
  s += text(lx + 18, 16, value_name, "class=\"axis\"");
  if (second) {
    lx += 18 + 7.0 * static_cast<double>(value_name.size()) + 20;
    s += rect(lx, 6, 12, 12, "bar2");
    s += text(lx + 18, 16, value2_name, "class=\"axis\"");
  }
  return s + "</svg>";
}

std::string pareto_svg(const std::string& title, const std::vector<ChartPoint>& points, const Decimal& total) {
  const double width = 720, left = 90, right = 660, top = 20, bottom = 250, height = 300;
  Decimal max = max_of(points, false);
  std::string s = open_svg(width, height, title);
  for (int i = 0; i <= 4; ++i) {
    double y = bottom - (bottom - top) * i / 4.0;
    s += "<line class=\"grid\" x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(right) + "\" y2=\"" +
         num(y) + "\"/>\n";
    s += text(right + 6, y + 4, std::to_string(i * 25) + "%", "class=\"axis\"");
  }
  s += text(left - 6, top + 4, max.fixed(0, ','), "text-anchor=\"end\" class=\"axis\"");
  s += text(left - 6, bottom + 4, "0", "text-anchor=\"end\" class=\"axis\"");
  size_t n = points.size();
  double slot = n ? (right - left) / static_cast<double>(n) : 0;
  if (n <= 60)
    for (size_t i = 0; i < n; ++i) {
      double h = (bottom - top) * share(points[i].value, max);
      s += rect(left + slot * static_cast<double>(i) + slot * 0.1, bottom - h, slot * 0.8, h, "bar");
    }
  // The cumulative share: at most ~300 points, always the first and the last.
  std::string line = num(left) + "," + num(bottom);
  size_t step = std::max<size_t>(1, n / 300);
  size_t cut_at = n;
  Decimal eighty = total.percent_of(80);
  for (size_t i = 0; i < n; ++i) {
    if (cut_at == n && !(points[i].cumulative < eighty)) cut_at = i;
    if (i % step && i + 1 != n) continue;
    double x = left + slot * static_cast<double>(i + 1);
    double y = bottom - (bottom - top) * share(points[i].cumulative, total);
    line += " " + num(x) + "," + num(y);
  }
  s += "<polyline class=\"curve\" points=\"" + line + "\"/>\n";
  double y80 = bottom - (bottom - top) * 0.8;
  s += "<line class=\"mark\" x1=\"" + num(left) + "\" y1=\"" + num(y80) + "\" x2=\"" + num(right) + "\" y2=\"" +
       num(y80) + "\"/>\n";
  if (cut_at < n) {
    double x = left + slot * static_cast<double>(cut_at + 1);
    s += "<line class=\"mark\" x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(bottom) + "\"/>\n";
    std::string pct = Decimal::ratio(static_cast<long long>(cut_at + 1) * 100, static_cast<long long>(n), 1);
    s += text(std::min(x + 6, right - 150), top + 14,
              std::to_string(cut_at + 1) + " of " + std::to_string(n) + " (" + pct + "%) make 80%", "class=\"axis\"");
  }
  s += text((left + right) / 2, bottom + 24, "customers, largest revenue first", "text-anchor=\"middle\" class=\"axis\"");
  s += text(left - 6, bottom + 24, "revenue", "text-anchor=\"end\" class=\"axis\"");
  s += text(width - 4, bottom + 24, "cumulative", "text-anchor=\"end\" class=\"axis\"");
  return s + "</svg>";
}

}  // namespace crm
