#include "model/yaml.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

#include "model/error.hpp"

namespace crm {

Mark YamlDocument::mark_of(const std::string& pointer) const {
  // The closest enclosing value that has a mark.
  std::string p = pointer;
  while (true) {
    auto it = marks.find(p);
    if (it != marks.end()) return it->second;
    if (p.empty()) return {1, 1};
    p = p.substr(0, p.rfind('/'));
  }
}

namespace {

std::string escape_pointer(const std::string& key) {
  std::string r;
  for (char c : key) {
    if (c == '~') r += "~0";
    else if (c == '/') r += "~1";
    else r += c;
  }
  return r;
}

class Builder : public YAML::EventHandler {
 public:
  Builder(const std::string& origin, std::string_view text) : origin_(origin), text_(text) {}
  YamlDocument doc;

  void OnDocumentStart(const YAML::Mark& m) override {
    if (done_) refuse(m, "a second YAML document; keep one record per file");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { check_anchor(m, a); add(m, Json(nullptr)); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
    refuse(m, "aliases (*name) are not allowed in crm files; write the value out");
  }
  void OnAnchor(const YAML::Mark& m, const std::string&) override {
    refuse(m, "anchors (&name) are not allowed in crm files; write the value out");
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, const std::string& value) override {
    check_anchor(m, a);
    check_tag(m, tag);
    bool plain = tag == "?";
    if (!plain) check_closed_quote(m);
    if (plain && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL"))
      add(m, Json(nullptr));
    else
      add(m, Json(value));
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                       YAML::EmitterStyle::value) override {
    check_anchor(m, a);
    check_tag(m, tag);
    open(m, Json::array());
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                  YAML::EmitterStyle::value) override {
    check_anchor(m, a);
    check_tag(m, tag);
    open(m, Json::object());
  }
  void OnMapEnd() override {
    if (frames_.back().pending_key)
      refuse(frames_.back().mark, "a map key has no value");
    close();
  }

  [[noreturn]] void refuse(const YAML::Mark& m, const std::string& what) {
    fail(Failure::Invalid, origin_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what);
  }

 private:
  struct Frame {
    Json value;
    std::string pointer;
    YAML::Mark mark;
    bool pending_key = false;  // maps: the next scalar is a key
    std::string key;
  };
  std::vector<Frame> frames_;
  const std::string& origin_;
  std::string_view text_;
  bool done_ = false;

  // yaml-cpp 0.7 reads a quote left open at the end of the file as if it were closed.
  void check_closed_quote(const YAML::Mark& m) {
    size_t pos = static_cast<size_t>(m.pos);
    if (pos >= text_.size() || (text_[pos] != '\'' && text_[pos] != '"')) return;
    char q = text_[pos];
    for (size_t i = pos + 1; i < text_.size(); ++i) {
      if (q == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == q) {
        if (q == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
          continue;
        }
        return;
      }
    }
    refuse(m, std::string("the quote (") + q + ") opened here is never closed");
  }

  void check_anchor(const YAML::Mark& m, YAML::anchor_t a) {
    if (a != YAML::NullAnchor) refuse(m, "anchors (&name) are not allowed in crm files; write the value out");
  }
  void check_tag(const YAML::Mark& m, const std::string& tag) {
    if (!tag.empty() && tag != "?" && tag != "!")
      refuse(m, "YAML tags (" + tag + ") are not allowed in crm files");
  }
  // Where the next value goes, as a JSON pointer; consumes a pending map key.
  std::string child_pointer(const YAML::Mark& m, bool& is_key) {
    is_key = false;
    if (frames_.empty()) {
      if (done_) refuse(m, "more than one value at the top of the file");
      return "";
    }
    Frame& f = frames_.back();
    if (f.value.is_array()) return f.pointer + "/" + std::to_string(f.value.size());
    if (!f.pending_key) {
      is_key = true;
      return {};
    }
    return f.pointer + "/" + escape_pointer(f.key);
  }
  void add(const YAML::Mark& m, Json v) {
    bool is_key;
    std::string ptr = child_pointer(m, is_key);
    if (is_key) {
      if (!v.is_string()) {
        if (v.is_null()) refuse(m, "a map key is empty");
        refuse(m, "map keys must be plain text");
      }
      Frame& f = frames_.back();
      std::string key = v.get<std::string>();
      if (f.value.contains(key)) refuse(m, "duplicate key '" + key + "'");
      f.key = key;
      f.pending_key = true;
      doc.marks[f.pointer + "/" + escape_pointer(key)] = Mark{m.line + 1, m.column + 1};
      return;
    }
    if (doc.marks.find(ptr) == doc.marks.end()) doc.marks[ptr] = Mark{m.line + 1, m.column + 1};
    attach(std::move(v));
  }
  void attach(Json v) {
    if (frames_.empty()) {
      doc.value = std::move(v);
      done_ = true;
      return;
    }
    Frame& f = frames_.back();
    if (f.value.is_array()) {
      f.value.push_back(std::move(v));
    } else {
      f.value[f.key] = std::move(v);
      f.pending_key = false;
    }
  }
  void open(const YAML::Mark& m, Json v) {
    bool is_key;
    std::string ptr = child_pointer(m, is_key);
    if (is_key) refuse(m, "map keys must be plain text, not lists or maps");
    if (static_cast<int>(frames_.size()) >= kMaxYamlDepth)
      refuse(m, "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
    if (doc.marks.find(ptr) == doc.marks.end()) doc.marks[ptr] = Mark{m.line + 1, m.column + 1};
    frames_.push_back(Frame{std::move(v), ptr, m});
  }
  void close() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    attach(std::move(f.value));
  }
};

}  // namespace

namespace {

// Where a comment starts on a line, outside quotes; npos when there is none.
size_t comment_start(std::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      if (i == 0 || line[i - 1] == ' ' || line[i - 1] == ':' || line[i - 1] == '[' || line[i - 1] == ',') quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return i;
    }
  }
  return std::string_view::npos;
}

Comments collect_comments(std::string_view text) {
  Comments out;
  std::vector<std::string> pending;
  std::string current;  // the top-level key whose block we are in
  bool in_block_scalar = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() : nl + 1;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    bool top = first == 0 && line[0] != '#' && line[0] != '-';
    if (in_block_scalar && !top) continue;  // "#" inside a literal block is text, not a comment
    in_block_scalar = false;
    if (line[first] == '#') {
      if (line.substr(first).rfind("# crm: ", 0) == 0) continue;  // crm edit's own error notes
      // Unindented: it introduces what follows; indented: it belongs to the block it sits in.
      (first == 0 || current.empty() ? pending : out.above[current]).push_back(std::string(line.substr(first)));
      continue;
    }
    if (!top) {
      size_t c = comment_start(line);
      if (c != std::string_view::npos && !current.empty()) out.above[current].push_back(std::string(line.substr(c)));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key(line.substr(0, colon));
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
      key = key.substr(1, key.size() - 2);
    current = key;
    for (auto& p : pending) out.above[key].push_back(std::move(p));
    pending.clear();
    std::string_view rest = line.substr(colon + 1);
    size_t c = comment_start(rest);
    std::string_view value = rest.substr(0, c);
    size_t v = value.find_first_not_of(" \t");
    if (v != std::string_view::npos && (value[v] == '|' || value[v] == '>')) in_block_scalar = true;
    if (c != std::string_view::npos) out.inline_[key] = std::string(rest.substr(c));
  }
  if (!pending.empty()) out.above[""] = pending;
  return out;
}

}  // namespace

YamlDocument parse_yaml(std::string_view text, const std::string& origin) {
  std::istringstream in{std::string(text)};
  Builder builder(origin, text);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) builder.doc.value = nullptr;
    if (parser.HandleNextDocument(builder))
      fail(Failure::Invalid, origin + ": holds more than one YAML document; keep one record per file");
  } catch (const YAML::DeepRecursion& e) {
    fail(Failure::Invalid, origin + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                               ": nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  } catch (const YAML::Exception& e) {
    std::string what = e.msg.empty() ? "invalid YAML" : e.msg;
    if (e.mark.is_null())
      fail(Failure::Invalid, origin + ": " + what);
    fail(Failure::Invalid,
         origin + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + what);
  }
  if (text.find('#') != std::string_view::npos) builder.doc.comments = collect_comments(text);
  return std::move(builder.doc);
}

// ---------------------------------------------------------------------------
// Emitter

namespace {

// C1 controls (U+0080-U+009F, including NEL) and U+2028/U+2029: other readers treat them as line
// breaks or refuse them, so they are never written raw.
size_t special_sequence(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
      static_cast<unsigned char>(s[i + 1]) <= 0x9f)
    return 2;
  if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(s[i + 2]) == 0xa8 || static_cast<unsigned char>(s[i + 2]) == 0xa9))
    return 3;
  return 0;
}

bool has_special(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (special_sequence(s, i)) return true;
  return false;
}

bool is_reserved_word(std::string_view s) {
  static const std::set<std::string, std::less<>> words = {
      "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
      "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~"};
  return words.count(s) > 0;
}

// A string every YAML 1.1 and 1.2 reader reads back as this same string.
bool plain_safe(std::string_view s) {
  if (s.empty() || is_reserved_word(s)) return false;
  unsigned char first = static_cast<unsigned char>(s.front());
  if (!(std::isalpha(first) || first >= 0x80)) return false;
  if (s.back() == ' ') return false;
  for (unsigned char c : s) {
    if (c >= 0x80 || std::isalnum(c)) continue;
    if (std::string_view(" ._-@/'()&,+;!?").find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return !has_special(s);
}

// A number, a date or a datetime: plain in typed fields (hand-written: it runs on every write).
bool typed_plain(std::string_view s) {
  auto digits = [](std::string_view d) {
    if (d.empty()) return false;
    for (char c : d)
      if (c < '0' || c > '9') return false;
    return true;
  };
  std::string_view n = s.substr(!s.empty() && s.front() == '-' ? 1 : 0);
  size_t dot = n.find('.');
  if (digits(n.substr(0, dot)) && (dot == std::string_view::npos || digits(n.substr(dot + 1)))) return true;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s.substr(0, 4)) || !digits(s.substr(5, 2)) ||
      !digits(s.substr(8, 2)))
    return false;
  if (s.size() == 10) return true;
  // 2026-11-22T10:30[:00[.000]](Z|+01:00)
  if (s[10] != 'T') return false;
  for (char c : s.substr(11))
    if (!((c >= '0' && c <= '9') || c == ':' || c == '.' || c == 'Z' || c == '+' || c == '-')) return false;
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string r = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    if (size_t n = special_sequence(s, i)) {
      if (n == 2) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i + 1]));
        r += buf;
      } else {
        r += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\L" : "\\P";
      }
      i += n - 1;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': r += "\\\""; break;
      case '\\': r += "\\\\"; break;
      case '\n': r += "\\n"; break;
      case '\t': r += "\\t"; break;
      case '\r': r += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          r += buf;
        } else {
          r += static_cast<char>(c);
        }
    }
  }
  return r + "\"";
}

bool literal_ok(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.find_first_not_of('\n') == std::string_view::npos) return false;
  if (has_special(s)) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  // A line of only spaces before content, or trailing spaces at the end, is fragile in blocks.
  return s.find('\r') == std::string_view::npos;
}

std::string literal_block(std::string_view s, int indent) {
  std::string head = "|";
  if (!s.empty() && (s.front() == ' ' || s.front() == '\n')) head += "2";
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  if (trailing == 0) head += "-";
  else if (trailing > 1) head += "+";
  std::string body(s.substr(0, s.size() - trailing));
  std::string pad(static_cast<size_t>(indent), ' ');
  std::string r = head + "\n";
  size_t start = 0;
  while (true) {
    size_t nl = body.find('\n', start);
    std::string_view line = std::string_view(body).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) r += pad;
    r += line;
    r += "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  for (size_t i = 1; i < trailing; ++i) r += "\n";
  return r;
}

std::string scalar(const Json& v, bool typed, int indent, bool& block) {
  block = false;
  if (v.is_null()) return "null";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  std::string s = v.get<std::string>();
  if (typed && typed_plain(s)) return s;
  if (plain_safe(s)) return s;
  if (literal_ok(s)) {
    block = true;
    return literal_block(s, indent);
  }
  return double_quoted(s);
}

std::string key_text(const std::string& k) { return plain_safe(k) ? k : double_quoted(k); }

void emit(std::string& out, const Json& v, int indent, const std::set<std::string>& plain_keys, bool typed);

void emit_map_body(std::string& out, const Json& m, int indent, const std::set<std::string>& plain_keys,
                   bool first_inline, const Comments* comments = nullptr) {
  std::string pad(static_cast<size_t>(indent), ' ');
  bool first = true;
  for (auto it = m.begin(); it != m.end(); ++it) {
    const Json& value = it.value();
    bool typed_value = plain_keys.count(it.key()) > 0;
    std::string inline_comment;
    if (comments) {
      if (auto a = comments->above.find(it.key()); a != comments->above.end())
        for (const auto& line : a->second) out += line + "\n";
      if (auto c = comments->inline_.find(it.key()); c != comments->inline_.end()) inline_comment = c->second;
    }
    bool scalar_value = !(value.is_object() && !value.empty()) && !(value.is_array() && !value.empty());
    if (!inline_comment.empty() && scalar_value) {
      std::string one;
      emit(one, value, indent + 2, plain_keys, typed_value);
      if (one.find('\n') == one.size() - 1) {
        out += pad + key_text(it.key()) + ": " + one.substr(0, one.size() - 1) + "  " + inline_comment + "\n";
        continue;
      }
      out += pad + inline_comment + "\n";  // a multi-line value: the comment goes above its key
      inline_comment.clear();
    }
    if (!(first && first_inline)) out += pad;
    first = false;
    out += key_text(it.key());
    out += ":";
    if (!inline_comment.empty()) out += "  " + inline_comment;
    if (value.is_object() && !value.empty()) {
      out += "\n";
      emit_map_body(out, value, indent + 2, plain_keys, false);
    } else if (value.is_array() && !value.empty()) {
      out += "\n";
      emit(out, value, indent + 2, plain_keys, typed_value);
    } else {
      out += " ";
      emit(out, value, indent + 2, plain_keys, typed_value);
    }
  }
}

void emit(std::string& out, const Json& v, int indent, const std::set<std::string>& plain_keys, bool typed) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    if (v.empty()) { out += "{}\n"; return; }
    emit_map_body(out, v, indent, plain_keys, false);
  } else if (v.is_array()) {
    if (v.empty()) { out += "[]\n"; return; }
    for (const auto& item : v) {
      out += pad + "- ";
      if (item.is_object() && !item.empty()) {
        emit_map_body(out, item, indent + 2, plain_keys, true);
      } else if (item.is_array() && !item.empty()) {
        out += "\n";
        emit(out, item, indent + 2, plain_keys, typed);
      } else {
        emit(out, item, indent + 2, plain_keys, typed);
      }
    }
  } else {
    bool block;
    out += scalar(v, typed, indent, block);
    if (!block) out += "\n";
  }
}

}  // namespace

std::string emit_yaml(const Json& map, const std::set<std::string>& plain_keys, const Comments* comments) {
  std::string out;
  if (comments && comments->empty()) comments = nullptr;
  if (map.is_object()) emit_map_body(out, map, 0, plain_keys, false, comments);
  else emit(out, map, 0, plain_keys, false);
  if (comments) {
    // Comments of keys that are gone, and those after the last key, are kept at the end.
    for (const auto& [key, lines] : comments->above)
      if (!key.empty() && !(map.is_object() && map.contains(key)))
        for (const auto& line : lines) out += line + "\n";
    for (const auto& [key, line] : comments->inline_)
      if (!(map.is_object() && map.contains(key))) out += line + "\n";
    if (auto end = comments->above.find(""); end != comments->above.end())
      for (const auto& line : end->second) out += line + "\n";
  }
  return out;
}

}  // namespace crm
