// Reading record files and writing them back canonically.
//
// Reading uses yaml-cpp's event parser so that every value keeps its line and
// column, and so that anchors, aliases, tags, duplicate keys, deep nesting and
// several documents are refused before anything walks the tree. Scalars come
// out as strings (null for `~`, `null` and empty plain scalars): the schema
// decides types, so `'0123'` and `0123` both stay the text the user wrote.
//
// Writing is our own small emitter, because yaml-cpp drops the quoting of
// strings such as 'yes' or "0123" (which changes their type for other tools)
// and writes multi-line text as escaped one-liners. Output is byte-stable:
// keys in the order given, 2-space indent, block lists, literal blocks for
// multi-line text, plain scalars only where every YAML reader agrees they are
// strings.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace crm {

using Json = nlohmann::ordered_json;

struct Mark {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// Comments people wrote by hand, kept when crm rewrites the file: whole-line
// comments go above the top-level key they precede (or sit inside), an inline
// comment stays on its key's line, and comments after the last key stay last.
struct Comments {
  std::map<std::string, std::vector<std::string>> above;  // top-level key -> "# ..." lines ("" : end of file)
  std::map<std::string, std::string> inline_;             // top-level key -> "# ..." on its line
  bool empty() const { return above.empty() && inline_.empty(); }
};

struct YamlDocument {
  Json value;
  Comments comments;
  std::map<std::string, Mark> marks;  // JSON pointer ("/emails/0") -> where it was written
  Mark mark_of(const std::string& pointer) const;
};

// Throws Error(Invalid, "ORIGIN:LINE:COL: what") on anything it refuses.
YamlDocument parse_yaml(std::string_view text, const std::string& origin);

// Keys listed in `plain_keys` hold typed scalars (dates, decimals) that are
// written plain when they look like one; other strings are quoted unless safe.
std::string emit_yaml(const Json& map, const std::set<std::string>& plain_keys = {},
                      const Comments* comments = nullptr);

constexpr int kMaxYamlDepth = 16;

}  // namespace crm
