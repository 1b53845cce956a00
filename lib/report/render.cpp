#include "report/render.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <set>

#include "index/index.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "report/chart.hpp"
#include "report/template.hpp"

namespace crm {

namespace {

bool right_aligned(ColumnType t) {
  return t == ColumnType::Count || t == ColumnType::Money || t == ColumnType::Percent || t == ColumnType::Number;
}

// A value as a number, for bars and charts (money text, counts).
Decimal measure(const Json& v) {
  if (v.is_number_integer()) return Decimal::whole(v.get<long long>());
  if (v.is_string()) return Decimal::parse(v.get<std::string>()).value_or(Decimal());
  return Decimal();
}

// What people read in a cell.
std::string shown(const Column& c, const Json& v, bool full_ids) {
  if (v.is_null()) return "";
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  switch (c.type) {
    case ColumnType::Money: {
      auto d = Decimal::parse(s);
      return d ? d->fixed(2, ',') : s;
    }
    case ColumnType::Percent:
      return s + "%";
    case ColumnType::Id:
      return full_ids ? s : short_id(s);
    default:
      return s;
  }
}

std::set<std::string> currencies_of(const Section& s) {
  std::set<std::string> c;
  for (const auto* rows : {&s.rows, &s.totals})
    for (const auto& r : *rows)
      if (r.contains("currency") && r["currency"].is_string()) c.insert(r["currency"].get<std::string>());
  return c;
}

bool has_column(const Section& s, const std::string& key) {
  return std::any_of(s.columns.begin(), s.columns.end(), [&](const Column& c) { return c.key == key; });
}

// The columns people see: with one currency, its column goes and money titles name it instead.
std::vector<Column> people_columns(const Section& s) {
  std::set<std::string> cur = currencies_of(s);
  std::vector<Column> out;
  bool stale = s.name == "stale";
  for (auto c : s.columns) {
    if (c.key == "currency" && cur.size() <= 1 && !stale) continue;
    if (c.type == ColumnType::Money && cur.size() == 1 && !stale) c.title += " " + *cur.begin();
    out.push_back(c);
  }
  return out;
}

std::string period_text(const Report& r) {
  if (r.since.empty() && r.until.empty()) return "";
  if (r.until.empty()) return "from " + r.since;
  if (r.since.empty()) return "until " + r.until;
  return r.since + " to " + r.until;
}

std::string heading(const Report& r) {
  std::string h = r.title + " · " + r.generated;
  std::string p = period_text(r);
  if (!p.empty()) h += " · " + p;
  for (const auto& [k, v] : r.filters) h += " · " + k + " " + v;
  return h;
}

// ---------------------------------------------------------------------------

void table(std::ostream& out, const Report& r, const Style& style) {
  auto paint = [&](const char* code, const std::string& s) { return style.color ? code + s + ansi::reset : s; };
  out << paint(ansi::bold, heading(r)) << "\n";
  for (const auto& s : r.sections) {
    out << "\n" << paint(ansi::bold, s.title) << "\n";
    std::vector<Column> cols = people_columns(s);
    std::vector<std::vector<std::string>> cells;
    auto add = [&](const Json& row) {
      std::vector<std::string> line;
      for (const auto& c : cols) line.push_back(shown(c, row.value(c.key, Json()), false));
      cells.push_back(line);
    };
    for (const auto& row : s.rows) add(row);
    for (const auto& row : s.totals) add(row);
    std::vector<size_t> w(cols.size());
    for (size_t i = 0; i < cols.size(); ++i) {
      w[i] = display_width(cols[i].title);
      for (const auto& line : cells) w[i] = std::max(w[i], display_width(line[i]));
    }
    // Long text columns give way so that a row fits the terminal.
    size_t used = 0;
    for (size_t x : w) used += x + 2;
    if (style.width)
      while (used > style.width) {
        size_t widest = cols.size();
        for (size_t i = 0; i < cols.size(); ++i)
          if (!right_aligned(cols[i].type) && w[i] > 12 && (widest == cols.size() || w[i] > w[widest])) widest = i;
        if (widest == cols.size()) break;
        --w[widest];
        --used;
      }
    // Bars on a terminal: as long as the value over the largest of its currency.
    bool bars = style.width > 0 && !s.bar.empty() && !s.rows.empty();
    size_t bar_width = bars && style.width > used + 12 ? std::min<size_t>(30, style.width - used - 2) : 0;
    std::map<std::string, Decimal> max;
    if (bar_width)
      for (const auto& row : s.rows) {
        Decimal v = measure(row.value(s.bar, Json()));
        Decimal& m = max[row.value("currency", "")];
        if (m < v) m = v;
      }
    auto line = [&](const std::vector<std::string>& c, const Json* row, bool bold) {
      std::string text;
      for (size_t i = 0; i < cols.size(); ++i) {
        std::string v = truncate_to_width(c[i], w[i]);
        std::string pad(w[i] - display_width(v), ' ');
        text += right_aligned(cols[i].type) ? pad + v : v + pad;
        if (i + 1 < cols.size()) text += "  ";
      }
      if (row && bar_width)
        text += "  " + paint(ansi::cyan, text_bar(measure(row->value(s.bar, Json())), max[row->value("currency", "")], bar_width));
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out << (bold ? paint(ansi::bold, text) : text) << "\n";
    };
    std::vector<std::string> titles;
    for (const auto& c : cols) titles.push_back(c.title);
    line(titles, nullptr, true);
    for (size_t i = 0; i < s.rows.size(); ++i) line(cells[i], &s.rows[i], false);
    if (s.rows.empty()) out << paint(ansi::dim, "(nothing)") << "\n";
    for (size_t i = 0; i < s.totals.size(); ++i) line(cells[s.rows.size() + i], nullptr, true);
    for (const auto& n : s.notes) out << paint(ansi::dim, n) << "\n";
  }
  if (!r.notes.empty()) out << "\n";
  for (const auto& n : r.notes) out << paint(ansi::yellow, "note: " + n) << "\n";
}

void delimited(std::ostream& out, const Report& r, char sep) {
  if (r.sections.size() != 1)
    fail(Failure::Usage, "the " + r.name + " report has several tables; csv and tsv hold one",
         "use --format json, markdown, html or table");
  const Section& s = r.sections.front();
  const char* eol = sep == ',' ? "\r\n" : "\n";
  std::vector<std::string> keys;
  for (const auto& c : s.columns) keys.push_back(c.key);
  for (size_t i = 0; i < keys.size(); ++i) out << (i ? std::string(1, sep) : "") << csv_field(keys[i], sep);
  out << eol;
  for (const auto& row : s.rows) {
    for (size_t i = 0; i < keys.size(); ++i) {
      Json v = row.value(keys[i], Json());
      out << (i ? std::string(1, sep) : "") << csv_field(v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump(), sep);
    }
    out << eol;
  }
}

// ---------------------------------------------------------------------------
// The data templates see.

std::vector<std::string> chart_currencies(const Section& s) {
  std::set<std::string> c = currencies_of(s);
  if (c.empty()) c.insert("");
  return {c.begin(), c.end()};
}

Json charts_of(const Section& s) {
  Json charts = Json::array();
  if (s.chart.kind.empty() || s.rows.empty()) return charts;
  std::vector<std::string> currencies = chart_currencies(s);
  for (const auto& currency : currencies) {
    std::vector<ChartPoint> points;
    Decimal running, total;
    for (const auto& row : s.rows) {
      if (row.value("currency", "") != currency) continue;
      ChartPoint p;
      Json label = row.value(s.chart.label, Json());
      p.label = label.is_string() ? label.get<std::string>() : label.dump();
      p.value = measure(row.value(s.chart.value, Json()));
      if (!s.chart.value2.empty()) p.value2 = measure(row.value(s.chart.value2, Json()));
      running += p.value;
      p.cumulative = running;
      points.push_back(p);
    }
    if (points.empty()) continue;
    for (const auto& t : s.totals)
      if (t.value("currency", "") == currency) total = measure(t.value(s.chart.value, Json()));
    if (total.zero()) total = running;
    std::string title = s.title + (currency.empty() ? "" : " (" + currency + ")");
    auto column_title = [&](const std::string& key) {
      for (const auto& c : s.columns)
        if (c.key == key) return c.title;
      return key;
    };
    std::string svg = s.chart.kind == "funnel"   ? funnel_svg(title, points)
                      : s.chart.kind == "pareto" ? pareto_svg(title, points, total)
                                                 : bars_svg(title, points, column_title(s.chart.value),
                                                            s.chart.value2.empty() ? "" : column_title(s.chart.value2));
    charts.push_back({{"svg", svg}, {"currency", currency}, {"title", title}});
  }
  return charts;
}

Json view(const Report& r, bool with_charts) {
  Json v = {{"report", r.name}, {"title", r.title}, {"generated", r.generated}, {"period", period_text(r)}, {"has_period", !period_text(r).empty()},
            {"heading", heading(r)}};
  v["filters"] = Json::array();
  for (const auto& [k, x] : r.filters) v["filters"].push_back({{"name", k}, {"value", x}});
  v["has_filters"] = !r.filters.empty();
  v["notes"] = r.notes;
  v["has_notes"] = !r.notes.empty();
  v["skipped"] = std::to_string(r.skipped);
  v["sections"] = Json::array();
  for (const auto& s : r.sections) {
    std::vector<Column> cols = people_columns(s);
    Json sec = {{"name", s.name}, {"title", s.title}, {"is_" + s.name, true}};
    sec["headers"] = Json::array();
    for (const auto& c : cols) sec["headers"].push_back({{"title", c.title}, {"right", right_aligned(c.type)}, {"key", c.key}});
    auto cells = [&](const Json& row) {
      Json line = Json::array();
      for (const auto& c : cols) {
        std::string t = shown(c, row.value(c.key, Json()), false);
        line.push_back({{"text", t}, {"right", right_aligned(c.type)}, {"empty", t.empty()}, {"key", c.key}});
      }
      return Json{{"cells", line}};
    };
    sec["rows"] = Json::array();
    for (const auto& row : s.rows) sec["rows"].push_back(cells(row));
    sec["totals"] = Json::array();
    for (const auto& row : s.totals) sec["totals"].push_back(cells(row));
    sec["has_rows"] = !s.rows.empty();
    sec["has_totals"] = !s.totals.empty();
    sec["notes"] = s.notes;
    sec["has_notes"] = !s.notes.empty();
    sec["charts"] = with_charts ? charts_of(s) : Json::array();
    v["sections"].push_back(sec);
  }
  return v;
}

}  // namespace

void render_report(std::ostream& out, Format format, const Report& r, const Style& style, const std::string& root) {
  switch (format) {
    case Format::Table:
      table(out, r, style);
      return;
    case Format::Csv:
      delimited(out, r, ',');
      return;
    case Format::Tsv:
      delimited(out, r, '\t');
      return;
    case Format::Json:
      out << report_json(r).dump(2) << "\n";
      return;
    case Format::Yaml:
      out << emit_yaml(report_json(r));
      return;
    case Format::Ndjson:
      for (const auto& s : r.sections)
        for (const auto& row : s.rows) {
          Json j = {{"section", s.name}};
          j.update(row);
          out << j.dump() << "\n";
        }
      return;
    case Format::Ids: {
      bool any = false;
      for (const auto& s : r.sections)
        if (has_column(s, "id")) {
          any = true;
          for (const auto& row : s.rows)
            if (row.contains("id") && row["id"].is_string()) out << row["id"].get<std::string>() << "\n";
        }
      if (!any) fail(Failure::Usage, "the " + r.name + " report lists no records", "--format ids works for stale, customers and campaigns");
      return;
    }
    case Format::Markdown: {
      Template t = find_template(root, r.name, "markdown");
      std::string text = render_template(t, view(r, false), [](const std::string& s) { return markdown_escape(s); });
      // Templates leave blank lines where sections were empty: at most one in a row, none at the end.
      std::string tidy;
      for (char c : text) {
        if (c == '\n' && tidy.size() >= 2 && tidy[tidy.size() - 1] == '\n' && tidy[tidy.size() - 2] == '\n') continue;
        tidy += c;
      }
      while (tidy.size() >= 2 && tidy[tidy.size() - 1] == '\n' && tidy[tidy.size() - 2] == '\n') tidy.pop_back();
      out << tidy;
      return;
    }
    case Format::Html: {
      Template t = find_template(root, r.name, "html");
      out << render_template(t, view(r, true), [](const std::string& s) { return html_escape(s); });
      return;
    }
  }
}

}  // namespace crm
