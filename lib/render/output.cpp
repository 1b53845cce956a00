#include "render/output.hpp"

#include <algorithm>
#include <ostream>

#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {
struct FormatName {
  Format format;
  const char* name;
};
constexpr FormatName kFormats[] = {{Format::Table, "table"}, {Format::Json, "json"}, {Format::Ndjson, "ndjson"},
                                   {Format::Csv, "csv"},     {Format::Tsv, "tsv"},   {Format::Yaml, "yaml"},
                                   {Format::Markdown, "markdown"}, {Format::Html, "html"},
                                   {Format::Ids, "ids"}};
}  // namespace

std::string format_names() {
  std::string r;
  for (const auto& f : kFormats) r += (r.empty() ? "" : ", ") + std::string(f.name);
  return r;
}

Format parse_format(const std::string& name) {
  for (const auto& f : kFormats)
    if (name == f.name) return f.format;
  fail(Failure::Usage, "--format: unknown format '" + name + "'", "formats are: " + format_names());
}

std::string csv_field(const std::string& s, char sep) {
  if (sep == '\t') {
    std::string r;
    for (char c : s) {
      if (c == '\t') r += "\\t";
      else if (c == '\n') r += "\\n";
      else if (c == '\r') r += "\\r";
      else if (c == '\\') r += "\\\\";
      else r += c;
    }
    return r;
  }
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string r = "\"";
  for (char c : s) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

static std::string one_line(const std::string& s) {
  std::string r = s;
  std::replace(r.begin(), r.end(), '\n', ' ');
  std::replace(r.begin(), r.end(), '\t', ' ');
  return r;
}

std::string markdown_escape(const std::string& s) {
  std::string r;
  for (char c : one_line(s)) {
    if (std::string_view("\\`*_[]<>|#").find(c) != std::string_view::npos) r += '\\';
    r += c;
  }
  return r;
}

std::string html_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    switch (c) {
      case '&': r += "&amp;"; break;
      case '<': r += "&lt;"; break;
      case '>': r += "&gt;"; break;
      case '"': r += "&quot;"; break;
      case '\'': r += "&#39;"; break;
      default: r += c;
    }
  }
  return r;
}

void RecordStream::add(const Json& r) {
  ++count_;
  switch (format_) {
    case Format::Json: {
      // As Json(records).dump(2) prints a list: each line of the record two spaces further in.
      out_ << (count_ == 1 ? "[\n" : ",\n");
      std::string text = r.dump(2);
      for (size_t at = 0; at < text.size();) {
        size_t nl = std::min(text.find('\n', at), text.size());
        out_ << "  " << std::string_view(text).substr(at, nl - at) << (nl < text.size() ? "\n" : "");
        at = nl + 1;
      }
      break;
    }
    case Format::Yaml: {
      std::string text = emit_yaml(r, {"amount", "close", "birthday", "created", "at", "probability", "employees"});
      if (count_ == 1) {
        first_yaml_ = std::move(text);
        break;
      }
      if (count_ == 2) out_ << "---\n" << first_yaml_;
      out_ << "---\n" << text;
      break;
    }
    default:
      out_ << r.dump() << "\n";
  }
}

void RecordStream::finish() {
  if (finished_) return;
  finished_ = true;
  if (format_ == Format::Json) out_ << (count_ == 0 ? "[]\n" : "\n]\n");
  if (format_ == Format::Yaml && count_ == 1) out_ << first_yaml_;
}

void render_records(std::ostream& out, Format format, const std::vector<Json>& records) {
  RecordStream stream(out, format);
  for (const auto& r : records) stream.add(r);
}

void render(std::ostream& out, Format format, const Listing& l, const Style& style) {
  switch (format) {
    case Format::Json:
    case Format::Ndjson:
    case Format::Yaml:
      render_records(out, format, l.records);
      return;
    case Format::Ids:
      for (const auto& id : l.ids) out << id << "\n";
      return;
    case Format::Csv:
    case Format::Tsv: {
      char sep = format == Format::Csv ? ',' : '\t';
      auto line = [&](const std::vector<std::string>& cells) {
        for (size_t i = 0; i < cells.size(); ++i) out << (i ? std::string(1, sep) : "") << csv_field(cells[i], sep);
        out << (format == Format::Csv ? "\r\n" : "\n");
      };
      line(l.headers);
      for (const auto& r : l.rows) line(r);
      return;
    }
    case Format::Markdown: {
      auto cell = [](const std::string& s) { return markdown_escape(s); };
      out << "|";
      for (const auto& h : l.headers) out << " " << cell(h) << " |";
      out << "\n|";
      for (size_t i = 0; i < l.headers.size(); ++i) out << " --- |";
      out << "\n";
      for (const auto& r : l.rows) {
        out << "|";
        for (const auto& c : r) out << " " << cell(c) << " |";
        out << "\n";
      }
      return;
    }
    case Format::Html: {
      // A plain table, for lists; reports have their own page (lib/report/render.cpp).
      out << "<table>\n<tr>";
      for (const auto& h : l.headers) out << "<th>" << html_escape(h) << "</th>";
      out << "</tr>\n";
      for (const auto& r : l.rows) {
        out << "<tr>";
        for (const auto& c : r) out << "<td>" << html_escape(c) << "</td>";
        out << "</tr>\n";
      }
      out << "</table>\n";
      return;
    }
    case Format::Table: {
      size_t n = l.headers.size();
      std::vector<size_t> w(n, 0);
      for (size_t i = 0; i < n; ++i) w[i] = display_width(l.headers[i]);
      for (const auto& r : l.rows)
        for (size_t i = 0; i < n && i < r.size(); ++i) w[i] = std::max(w[i], display_width(one_line(r[i])));
      // Fit the terminal: shrink the widest columns first.
      if (style.width > 0) {
        size_t total = 0;
        for (size_t x : w) total += x + 2;
        while (total > style.width) {
          auto widest = std::max_element(w.begin(), w.end());
          if (*widest <= 8) break;
          --*widest;
          --total;
        }
      }
      auto line = [&](const std::vector<std::string>& cells, bool header) {
        std::string s;
        for (size_t i = 0; i < n; ++i) {
          std::string c = truncate_to_width(one_line(i < cells.size() ? cells[i] : ""), w[i]);
          if (i + 1 < n) c += std::string(w[i] - display_width(c) + 2, ' ');
          s += c;
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        if (header && style.color) out << ansi::bold << s << ansi::reset << "\n";
        else out << s << "\n";
      };
      line(l.headers, true);
      for (const auto& r : l.rows) line(r, false);
      return;
    }
  }
}

}  // namespace crm
