// One output interface for every command: a command builds a Listing once
// (columns for people, records for programs, ids for scripts) and the chosen
// format renders it. Machine formats (json, ndjson, csv, tsv, yaml, ids) are
// stable; the table is for people and may change.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "model/yaml.hpp"

namespace crm {

enum class Format { Table, Json, Ndjson, Csv, Tsv, Yaml, Markdown, Html, Ids };

Format parse_format(const std::string& name);  // throws Usage listing the formats
std::string format_names();

struct Style {
  bool color = false;
  size_t width = 0;  // terminal columns; 0: unlimited
};

struct Listing {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::vector<Json> records;  // one per row, for json/ndjson/yaml
  std::vector<std::string> ids;
};

void render(std::ostream& out, Format format, const Listing& listing, const Style& style);

// Single values.
void render_records(std::ostream& out, Format format, const std::vector<Json>& records);

// The same output as render_records, a record at a time: a list of 100,000 records need not be
// held whole. finish() (or the destructor) closes it.
class RecordStream {
 public:
  RecordStream(std::ostream& out, Format format) : out_(out), format_(format) {}
  ~RecordStream() { finish(); }
  RecordStream(const RecordStream&) = delete;
  RecordStream& operator=(const RecordStream&) = delete;
  void add(const Json& record);
  void finish();

 private:
  std::ostream& out_;
  Format format_;
  size_t count_ = 0;
  std::string first_yaml_;  // yaml marks records with "---" only when there are two or more
  bool finished_ = false;
};
std::string csv_field(const std::string& s, char sep);
// Text for a markdown line: one line, with the characters markdown would act on escaped.
std::string markdown_escape(const std::string& s);
// Text for HTML and XML (SVG): & < > " ' escaped.
std::string html_escape(const std::string& s);

namespace ansi {
constexpr const char* bold = "\033[1m";
constexpr const char* dim = "\033[2m";
constexpr const char* red = "\033[31m";
constexpr const char* green = "\033[32m";
constexpr const char* yellow = "\033[33m";
constexpr const char* cyan = "\033[36m";
constexpr const char* reset = "\033[0m";
}  // namespace ansi

}  // namespace crm
