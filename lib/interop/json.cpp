#include "interop/json.hpp"

#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

struct Position {
  size_t line = 1, column = 1;
};

Position position_of(std::string_view text, size_t offset) {
  Position p;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// The line where each element of the top-level array starts (nlohmann's parser keeps no positions).
std::vector<size_t> element_lines(std::string_view text) {
  std::vector<size_t> lines;
  size_t line = 1;
  int depth = 0;
  bool in_string = false, escaped = false, expecting = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 1 && expecting && c != ']') {
      lines.push_back(line);
      expecting = false;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth == 1) expecting = true;
    } else if (c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 1) expecting = true;
  }
  return lines;
}

}  // namespace

Batch read_json_records(std::string_view text, const std::string& origin) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  Json all;
  try {
    all = Json::parse(text);
  } catch (const Json::parse_error& e) {
    Position p = position_of(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    if (size_t colon = what.find(": "); colon != std::string::npos && what.rfind("[json.exception", 0) == 0)
      what = what.substr(colon + 2);
    fail(Failure::Invalid, origin + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": not valid JSON: " + what,
         "a JSON import is an array of records as `crm export json` writes them; nothing was imported");
  }
  if (!all.is_array())
    fail(Failure::Invalid, origin + ": the file holds a JSON " + std::string(all.type_name()) + ", not an array of records",
         "a JSON import is an array of records as `crm export json` writes them; nothing was imported");
  std::vector<size_t> lines = element_lines(text);
  Batch batch;
  for (size_t i = 0; i < all.size(); ++i) {
    std::string where = origin + ":" + (i < lines.size() ? std::to_string(lines[i]) : std::string("?")) + ": record " +
                        std::to_string(i + 1);
    const Json& item = all[i];
    auto reject = [&](const std::string& why) { batch.rejected.push_back({where, why}); };
    if (!item.is_object()) {
      reject("a record is a JSON object, not a " + std::string(item.type_name()));
      continue;
    }
    if (!item.contains("type") || !item["type"].is_string()) {
      reject("\"type\" is missing (contact, company, deal, note, task or campaign)");
      continue;
    }
    const TypeSpec* type = find_type(item["type"].get<std::string>());
    if (!type || type->name != item["type"].get<std::string>()) {
      reject("unknown type '" + item["type"].get<std::string>() + "'");
      continue;
    }
    Incoming in;
    in.where = where;
    in.record.type = type;
    if (item.contains("id")) {
      if (!item["id"].is_string() || !valid_id(item["id"].get<std::string>())) {
        reject("\"id\" " + item["id"].dump() + " is not a record id (8 to 32 of 0-9 and a-z)");
        continue;
      }
      in.record.id = item["id"].get<std::string>();
    }
    for (auto it = item.begin(); it != item.end(); ++it)
      if (it.key() != "id" && it.key() != "type") in.record.data[it.key()] = it.value();
    batch.records.push_back(std::move(in));
  }
  return batch;
}

std::string write_json_records(const std::vector<Json>& records) {
  Json all = Json::array();
  for (const auto& r : records) all.push_back(r);
  return all.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace crm
