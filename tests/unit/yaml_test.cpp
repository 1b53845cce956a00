// parse_yaml / emit_yaml: the reader that keeps marks and refuses what crm
// files must not hold, and the canonical writer whose output reads back as the
// same strings (in crm and in other YAML readers).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/yaml.hpp"

using crm::Error;
using crm::Failure;
using crm::Json;
using crm::Mark;
using crm::emit_yaml;
using crm::parse_yaml;

namespace {

std::optional<Error> refusal(std::string_view text, const std::string& origin = "t.yaml") {
  try {
    parse_yaml(text, origin);
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Checks a refusal: Invalid, and the message begins with "origin:line:col: ".
void check_refused(std::string_view text, int line, int column, const std::string& needle) {
  INFO("input: " << text);
  auto e = refusal(text, "rec/ana.yaml");
  REQUIRE(e.has_value());
  CHECK(e->failure() == Failure::Invalid);
  std::string msg = e->what();
  INFO("message: " << msg);
  CHECK(starts_with(msg, "rec/ana.yaml:" + std::to_string(line) + ":" + std::to_string(column) + ": "));
  if (!needle.empty()) CHECK(msg.find(needle) != std::string::npos);
}

// Only checks that the refusal is Invalid and names origin:LINE:COL (and holds `needle`).
void check_refused_somewhere(std::string_view text, const std::string& needle = {}) {
  INFO("input: " << text);
  auto e = refusal(text, "rec/ana.yaml");
  REQUIRE(e.has_value());
  CHECK(e->failure() == Failure::Invalid);
  std::string msg = e->what();
  INFO("message: " << msg);
  bool named = false;
  if (starts_with(msg, "rec/ana.yaml:")) {
    size_t p = std::string("rec/ana.yaml:").size();
    size_t q = msg.find(':', p);
    size_t r = q == std::string::npos ? q : msg.find(':', q + 1);
    named = q != std::string::npos && r != std::string::npos && q > p && r > q + 1 &&
            msg.find_first_not_of("0123456789", p) == q && msg.find_first_not_of("0123456789", q + 1) == r;
  }
  CHECK(named);
  if (!needle.empty()) CHECK(msg.find(needle) != std::string::npos);
}

Json round_trip(const Json& v, const std::set<std::string>& plain = {}) {
  return parse_yaml(emit_yaml(v, plain), "emitted.yaml").value;
}

// Strings that need care when written: reserved words, numbers, indicators,
// spaces, unicode, control characters and multi-line text.
const std::vector<std::string>& tricky_strings() {
  static const std::vector<std::string> s = {
      "", " ", "  ", "yes", "Yes", "YES", "no", "No", "NO", "y", "Y", "n", "N", "on", "On", "ON", "off", "Off",
      "OFF", "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "0123", "123",
      "-1", "1.5", "1e3", ".5", "0x1F", "0o17", "1_000", "12:30", "1:20:30", ".inf", "-.inf", ".nan", "NaN",
      "2026-11-23", "2026-11-23T10:00:00Z", "+34 600 123 456", "+", "-", "--", "---", "...", "- item",
      "a: b", "a:b", "key:", ":", "#x", "a #b", "a#b", "x # y", "[x]", "{x}", "*x", "&x", "!x", "!!str x",
      "%x", "@x", "`x", "|x", ">x", "?x", "? x", "'x'", "\"x\"", "'", "\"", "a'b", "a\"b", "back\\slash",
      "=", "<<", " lead", "trail ", " both ", "\ttab", "tab\t", "a\tb", "García", "ÅNGSTRÖM", "Straße",
      "日本語", "Nguyễn Văn", "emoji 😀", "Ünïcödé: yes", "\xc2\xa0nbsp", "ana@x.example", "O'Brien",
      "Acme, S.L.", "Smith & Sons (UK)", "Is it? Yes!", "a/b", "50%", "100 %", "€ 1.000,50", "a\x01z", "bell\x07",
      "del\x7f", "esc\x1b[0m", "cr\rlf", "one\ntwo", "one\ntwo\n", "one\ntwo\n\n", "one\ntwo\n\n\n",
      "\none", "\n\none\n", "  indented\nnext", "  indented\nnext\n", "one\n  two\n", "first\n\n\nlast",
      "trailing spaces  \nline", "line\n  ", "x\n\n  \n", "\ttab first\nline", "a\n\tb\n", "  \n", "\n\n",
      "\n\n\n", "crlf\r\nline", "multi\nline: with colon\n# not a comment\n- not a list\n",
      "ends with space \n", "quote \"inside\"\nand 'single'\n", "unicode\nGarcía 日本\n",
  };
  return s;
}

std::string python_yaml_json(const std::string& yaml_text) {
  char path[] = "/tmp/crm-unit-yaml-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return {};
  {
    std::ofstream out(path, std::ios::binary);
    out << yaml_text;
  }
  close(fd);
  std::string cmd = std::string("/usr/bin/python3 -c '") +
                    "import sys, json, yaml\n"
                    "try:\n"
                    "  d = yaml.safe_load(open(sys.argv[1], encoding=\"utf-8\"))\n"
                    "  print(json.dumps(d, ensure_ascii=True))\n"
                    "except Exception as e:\n"
                    "  print(\"ERROR \" + type(e).__name__)\n"
                    "' " + path + " 2>/dev/null";
  std::string result;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) result.append(buf, n);
    pclose(p);
  }
  unlink(path);
  while (!result.empty() && result.back() == '\n') result.pop_back();
  return result;
}

bool python_yaml_available() {
  static const bool ok = std::system("/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1") == 0;
  return ok;
}

}  // namespace

// ---------------------------------------------------------------------------
// Reading

TEST_CASE("parse_yaml reads maps, lists and nested maps in lists as strings", "[yaml]") {
  auto doc = parse_yaml(
      "name: Ana García\n"
      "employees: 250\n"
      "tags: [vip, partner]\n"
      "emails:\n"
      "  - ana@x.example\n"
      "  - work: ana@work.example\n"
      "addresses:\n"
      "  - label: billing\n"
      "    city: Madrid\n"
      "  - label: shipping\n"
      "    city: Sevilla\n"
      "nested:\n"
      "  inner:\n"
      "    deeper: value\n",
      "t.yaml");
  const Json& v = doc.value;
  REQUIRE(v.is_object());
  CHECK(v["name"] == "Ana García");
  CHECK(v["employees"] == "250");  // scalars stay text; the schema decides types
  CHECK(v["tags"] == Json::array({"vip", "partner"}));
  REQUIRE(v["emails"].is_array());
  REQUIRE(v["emails"].size() == 2u);
  CHECK(v["emails"][0] == "ana@x.example");
  CHECK(v["emails"][1] == Json::object({{"work", "ana@work.example"}}));
  REQUIRE(v["addresses"].size() == 2u);
  CHECK(v["addresses"][0] == Json::object({{"label", "billing"}, {"city", "Madrid"}}));
  CHECK(v["addresses"][1]["city"] == "Sevilla");
  CHECK(v["nested"]["inner"]["deeper"] == "value");
}

TEST_CASE("parse_yaml keeps key order as written", "[yaml]") {
  auto doc = parse_yaml("zeta: 1\nalpha: 2\nmid: 3\n", "t.yaml");
  std::vector<std::string> keys;
  for (auto it = doc.value.begin(); it != doc.value.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"zeta", "alpha", "mid"});
}

TEST_CASE("parse_yaml reads a top-level list and a top-level scalar", "[yaml]") {
  CHECK(parse_yaml("- a\n- b\n", "t.yaml").value == Json::array({"a", "b"}));
  CHECK(parse_yaml("just text\n", "t.yaml").value == "just text");
  CHECK(parse_yaml("[a, {b: c}]\n", "t.yaml").value == Json::array({"a", Json::object({{"b", "c"}})}));
}

TEST_CASE("parse_yaml of an empty or comment-only text is null", "[yaml]") {
  CHECK(parse_yaml("", "t.yaml").value.is_null());
  CHECK(parse_yaml("# only a comment\n\n", "t.yaml").value.is_null());
}

TEST_CASE("parse_yaml accepts one explicit document with --- and ...", "[yaml]") {
  auto doc = parse_yaml("---\nname: Ana\n...\n", "t.yaml");
  CHECK(doc.value == Json::object({{"name", "Ana"}}));
}

TEST_CASE("parse_yaml literal blocks: clip, strip and keep", "[yaml]") {
  auto doc = parse_yaml(
      "clip: |\n"
      "  one\n"
      "  two\n"
      "\n"
      "strip: |-\n"
      "  one\n"
      "\n"
      "  two\n"
      "\n"
      "keep: |+\n"
      "  z\n"
      "\n"
      "\n"
      "indented: |2\n"
      "    four\n"
      "  two\n"
      "last: x\n",
      "t.yaml");
  CHECK(doc.value["clip"] == "one\ntwo\n");
  CHECK(doc.value["strip"] == "one\n\ntwo");
  CHECK(doc.value["keep"] == "z\n\n\n");
  CHECK(doc.value["indented"] == "  four\ntwo\n");
  CHECK(doc.value["last"] == "x");
}

TEST_CASE("parse_yaml folded blocks and multi-line plain scalars", "[yaml]") {
  auto doc = parse_yaml(
      "folded: >\n"
      "  first\n"
      "  second\n"
      "\n"
      "  third\n"
      "folded_strip: >-\n"
      "  a\n"
      "  b\n"
      "plain: word\n"
      "  continued\n",
      "t.yaml");
  CHECK(doc.value["folded"] == "first second\nthird\n");
  CHECK(doc.value["folded_strip"] == "a b");
  CHECK(doc.value["plain"] == "word continued");
}

TEST_CASE("parse_yaml: quoted and plain scalars are both text; ~, null and empty are null", "[yaml]") {
  auto doc = parse_yaml(
      "single: '0123'\n"
      "plain: 0123\n"
      "double: \"0123\"\n"
      "yes_plain: yes\n"
      "true_plain: true\n"
      "float: 1.50\n"
      "tilde: ~\n"
      "null_word: null\n"
      "null_cap: Null\n"
      "null_upper: NULL\n"
      "empty:\n"
      "quoted_null: 'null'\n"
      "quoted_tilde: \"~\"\n"
      "quoted_empty: ''\n"
      "escapes: \"tab\\there \\u00e9 \\x41\"\n"
      "single_escape: 'it''s'\n"
      "comment: value # a comment\n"
      "hash: a#b\n",
      "t.yaml");
  const Json& v = doc.value;
  CHECK(v["single"] == "0123");
  CHECK(v["plain"] == "0123");
  CHECK(v["double"] == "0123");
  CHECK(v["yes_plain"] == "yes");
  CHECK(v["true_plain"] == "true");
  CHECK(v["float"] == "1.50");
  CHECK(v["tilde"].is_null());
  CHECK(v["null_word"].is_null());
  CHECK(v["null_cap"].is_null());
  CHECK(v["null_upper"].is_null());
  CHECK(v["empty"].is_null());
  CHECK(v["quoted_null"] == "null");
  CHECK(v["quoted_tilde"] == "~");
  CHECK(v["quoted_empty"] == "");
  CHECK(v["escapes"] == "tab\there é A");
  CHECK(v["single_escape"] == "it's");
  CHECK(v["comment"] == "value");
  CHECK(v["hash"] == "a#b");
}

TEST_CASE("parse_yaml: an empty list item is null and a non-specific tag is allowed", "[yaml]") {
  CHECK(parse_yaml("a:\n  -\n  - x\n", "t.yaml").value["a"] == Json::array({nullptr, "x"}));
  CHECK(parse_yaml("a: ! 0123\n", "t.yaml").value["a"] == "0123");
}

TEST_CASE("parse_yaml: keys with / and ~ are escaped in mark pointers", "[yaml]") {
  auto doc = parse_yaml("\"a/b\": 1\n\"t~x\": [1, 2]\n", "t.yaml");
  CHECK(doc.value["a/b"] == "1");
  CHECK(doc.value["t~x"] == Json::array({"1", "2"}));
  CHECK(doc.mark_of("/a~1b").line == 1);
  CHECK(doc.mark_of("/t~0x").line == 2);
  Mark m = doc.mark_of("/t~0x/1");
  CHECK(m.line == 2);
  CHECK(m.column == 12);
}

TEST_CASE("YamlDocument::mark_of gives 1-based lines and columns of keys and list items", "[yaml][marks]") {
  auto doc = parse_yaml(
      "# Ana\n"                            // 1
      "\n"                                 // 2
      "name: Ana\n"                        // 3
      "emails:\n"                          // 4
      "  - ana@x.example\n"                // 5
      "  - work: ana@work.example\n"       // 6
      "addresses:\n"                       // 7
      "  - label: billing\n"               // 8
      "    city: Madrid\n"                 // 9
      "tags: [vip, partner]\n"             // 10
      "notes: |\n"                         // 11
      "  hello\n",                         // 12
      "t.yaml");
  auto at = [&](const std::string& p) {
    Mark m = doc.mark_of(p);
    return std::to_string(m.line) + ":" + std::to_string(m.column);
  };
  CHECK(at("") == "3:1");  // the top-level map starts at its first key
  CHECK(at("/name") == "3:1");
  CHECK(at("/emails") == "4:1");
  CHECK(at("/emails/0") == "5:5");
  CHECK(at("/emails/1") == "6:5");
  CHECK(at("/emails/1/work") == "6:5");
  CHECK(at("/addresses") == "7:1");
  CHECK(at("/addresses/0") == "8:5");
  CHECK(at("/addresses/0/label") == "8:5");
  CHECK(at("/addresses/0/city") == "9:5");
  CHECK(at("/tags") == "10:1");
  CHECK(at("/tags/0") == "10:8");
  CHECK(at("/tags/1") == "10:13");
  CHECK(at("/notes") == "11:1");
  // Missing pointers fall back to the closest enclosing value that has a mark.
  CHECK(at("/emails/9") == "4:1");
  CHECK(at("/addresses/0/country") == "8:5");
  CHECK(at("/nope/deeper/still") == "3:1");
  // Every recorded mark is 1-based.
  for (const auto& [ptr, m] : doc.marks) {
    INFO(ptr);
    CHECK(m.line >= 1);
    CHECK(m.column >= 1);
  }
}

TEST_CASE("YamlDocument::mark_of of an empty document is 1:1", "[yaml][marks]") {
  auto doc = parse_yaml("", "t.yaml");
  Mark m = doc.mark_of("/anything");
  CHECK(m.line == 1);
  CHECK(m.column == 1);
}

// ---------------------------------------------------------------------------
// Refusals

TEST_CASE("parse_yaml refuses duplicate keys naming origin:line:col", "[yaml][refuse]") {
  check_refused("name: Ana\nphone: 1\nname: Eva\n", 3, 1, "duplicate key 'name'");
  check_refused("a:\n  b: 1\n  b: 2\n", 3, 3, "duplicate key 'b'");
  check_refused("- x: 1\n  x: 2\n", 2, 3, "duplicate key 'x'");
  check_refused("{a: 1, a: 2}\n", 1, 8, "duplicate key 'a'");
  // Quoted and plain spellings of the same key are the same key.
  check_refused("a: 1\n'a': 2\n", 2, 1, "duplicate key 'a'");
}

TEST_CASE("parse_yaml refuses anchors and aliases", "[yaml][refuse]") {
  check_refused("a: &x 1\nb: 2\n", 1, 4, "anchors");
  check_refused("a: &x [1, 2]\n", 1, 4, "anchors");
  check_refused("a: &x\n  k: v\n", 1, 4, "anchors");
  check_refused("- &first a\n", 1, 3, "anchors");
  // An alias (defined or not) is refused too.
  check_refused_somewhere("a: 1\nb: *x\n");
  check_refused_somewhere("a: &x 1\nb: *x\n");
  check_refused_somewhere("base: &b {k: v}\nother:\n  <<: *b\n");
}

TEST_CASE("parse_yaml refuses tags", "[yaml][refuse]") {
  check_refused("a: !!str 0123\n", 1, 4, "tags");
  check_refused("a: !!int 12\n", 1, 4, "tags");
  check_refused("a: !foo x\n", 1, 4, "!foo");
  check_refused("a: !!map {b: c}\n", 1, 4, "tags");
  check_refused("a: !!seq [1]\n", 1, 4, "tags");
  check_refused("a: !!binary aGVsbG8=\n", 1, 4, "tags");
}

TEST_CASE("parse_yaml refuses a second document", "[yaml][refuse]") {
  check_refused("a: 1\n---\nb: 2\n", 2, 1, "second YAML document");
  check_refused("--- \na: 1\n---\n", 3, 1, "second YAML document");
  check_refused("a: 1\n...\n---\nb: 2\n", 3, 1, "second YAML document");
}

TEST_CASE("parse_yaml refuses syntax errors naming origin:line:col", "[yaml][refuse]") {
  check_refused_somewhere("a: [1, 2\n");
  check_refused_somewhere("a: {b: c\n");
  check_refused_somewhere("a: b: c\n");
  check_refused_somewhere("a: 1\n  b: 2\n");
  check_refused_somewhere("\ta: b\n");
  check_refused_somewhere("a:\n- b\n  c: d\n");
  check_refused("a: b: c\n", 1, 5, "");
}

TEST_CASE("parse_yaml refuses unterminated quoted scalars", "[yaml][refuse]") {
  // yaml-cpp reads a quote left open at the end of the file as if closed there
  // (`name: 'Ana` becomes "Ana "); crm checks the closing quote itself.
  check_refused_somewhere("name: 'Ana\n");
  check_refused_somewhere("name: \"Ana\n");
}

TEST_CASE("parse_yaml refuses empty keys and non-text keys", "[yaml][refuse]") {
  check_refused("~: x\n", 1, 1, "key is empty");
  check_refused("? [a, b]\n: x\n", 1, 3, "map keys must be plain text");
  check_refused("? {a: b}\n: x\n", 1, 3, "map keys must be plain text");
}

TEST_CASE("parse_yaml allows kMaxYamlDepth levels and refuses one more", "[yaml][refuse][depth]") {
  STATIC_REQUIRE(crm::kMaxYamlDepth == 16);
  auto flow = [](int n) { return std::string(static_cast<size_t>(n), '[') + std::string(static_cast<size_t>(n), ']'); };
  auto block = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += std::string(static_cast<size_t>(2 * i), ' ') + "k:\n";
    return s + std::string(static_cast<size_t>(2 * n), ' ') + "v\n";
  };

  auto ok_flow = parse_yaml(flow(crm::kMaxYamlDepth), "t.yaml");
  const Json* p = &ok_flow.value;
  for (int i = 1; i < crm::kMaxYamlDepth; ++i) {
    REQUIRE(p->is_array());
    REQUIRE(p->size() == 1u);
    p = &(*p)[0];
  }
  CHECK(*p == Json::array());

  auto ok_block = parse_yaml(block(crm::kMaxYamlDepth), "t.yaml");
  p = &ok_block.value;
  for (int i = 0; i < crm::kMaxYamlDepth; ++i) p = &(*p)["k"];
  CHECK(*p == "v");

  check_refused(flow(crm::kMaxYamlDepth + 1), 1, crm::kMaxYamlDepth + 1, "nesting deeper than 16");
  check_refused(block(crm::kMaxYamlDepth + 1), crm::kMaxYamlDepth + 1, 2 * crm::kMaxYamlDepth + 1,
                "nesting deeper than 16");
}

TEST_CASE("parse_yaml refuses 10,000 levels of nesting without crashing", "[yaml][refuse][depth]") {
  const size_t n = 10000;
  check_refused_somewhere(std::string(n, '[') + std::string(n, ']'), "nesting deeper than 16");
  check_refused_somewhere(std::string(n, '['));  // never closed
  std::string maps;
  for (size_t i = 0; i < n; ++i) maps += "{a: ";
  maps += "x" + std::string(n, '}');
  check_refused_somewhere(maps, "nesting deeper than 16");
  // Block sequences written compactly on one line: "- - - ... x".
  std::string seqs;
  for (size_t i = 0; i < n; ++i) seqs += "- ";
  check_refused_somewhere(seqs + "x\n", "nesting deeper than 16");
  // Block maps, one space deeper per level (3,000 levels keep the text small).
  std::string block;
  for (size_t i = 0; i < 3000; ++i) block += std::string(i, ' ') + "k:\n";
  auto e = refusal(block, "rec/ana.yaml");
  REQUIRE(e.has_value());
  CHECK(std::string(e->what()).find("nesting deeper") != std::string::npos);
}

TEST_CASE("parse_yaml refuses a billion-laughs alias bomb quickly", "[yaml][refuse]") {
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  const char* names = "abcdefghi";
  for (int i = 1; i < 9; ++i) {
    std::string n(1, names[i]), prev(1, names[i - 1]);
    bomb += n + ": &" + n + " [";
    for (int k = 0; k < 9; ++k) bomb += (k ? ",*" : "*") + prev;
    bomb += "]\n";
  }
  auto start = std::chrono::steady_clock::now();
  auto e = refusal(bomb, "bomb.yaml");
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(e.has_value());
  CHECK(e->failure() == Failure::Invalid);
  CHECK(starts_with(e->what(), "bomb.yaml:1:4: "));
  CHECK(elapsed < std::chrono::seconds(1));
}

// ---------------------------------------------------------------------------
// Writing

TEST_CASE("emit_yaml quotes strings other readers would not read as text", "[yaml][emit]") {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"yes", "\"yes\""},     {"no", "\"no\""},        {"on", "\"on\""},          {"off", "\"off\""},
      {"true", "\"true\""},   {"False", "\"False\""},  {"null", "\"null\""},      {"~", "\"~\""},
      {"Y", "\"Y\""},         {"n", "\"n\""},          {"0123", "\"0123\""},      {"12000.50", "\"12000.50\""},
      {"2026-12-31", "\"2026-12-31\""},                {"+34 600", "\"+34 600\""}, {"a: b", "\"a: b\""},
      {"#x", "\"#x\""},       {"- x", "\"- x\""},      {"[x]", "\"[x]\""},        {"{x}", "\"{x}\""},
      {"*x", "\"*x\""},       {"&x", "\"&x\""},        {"!x", "\"!x\""},          {"%x", "\"%x\""},
      {"@x", "\"@x\""},       {"|x", "\"|x\""},        {">x", "\">x\""},          {"'x'", "\"'x'\""},
      {"a #b", "\"a #b\""},   {" lead", "\" lead\""},  {"trail ", "\"trail \""}, {"", "\"\""},
      {"a\tb", "\"a\\tb\""},  {"a\"b", "\"a\\\"b\""},  {"back\\slash", "\"back\\\\slash\""},
      {"a\x01z", "\"a\\x01z\""},                       {"del\x7f", "\"del\\x7f\""},
      {"esc\x1b", "\"esc\\x1b\""},                     {"cr\rlf", "\"cr\\rlf\""},
      {"crlf\r\nline", "\"crlf\\r\\nline\""},
      // Plain where every reader agrees it is text.
      {"Ana García", "Ana García"},                    {"日本語", "日本語"},
      {"Nguyễn Văn", "Nguyễn Văn"},                    {"ana@x.example", "ana@x.example"},
      {"O'Brien", "O'Brien"},                          {"Acme, S.L.", "Acme, S.L."},
      {"Smith & Sons (UK)", "Smith & Sons (UK)"},      {"Is it? Yes!", "Is it? Yes!"},
      {"yes please", "yes please"},                    {"Calle Mayor 1", "Calle Mayor 1"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.in);
    CHECK(emit_yaml(Json::object({{"k", c.in}})) == "k: " + c.out + "\n");
  }
}

TEST_CASE("emit_yaml writes multi-line text as literal blocks", "[yaml][emit]") {
  auto e = [](const std::string& s) { return emit_yaml(Json::object({{"notes", s}})); };
  CHECK(e("line one\nline two") == "notes: |-\n  line one\n  line two\n");
  CHECK(e("line one\nline two\n") == "notes: |\n  line one\n  line two\n");
  CHECK(e("line one\n\n\n") == "notes: |+\n  line one\n\n\n");
  CHECK(e("first\n\nlast\n") == "notes: |\n  first\n\n  last\n");
  // Leading spaces need an explicit indentation indicator.
  CHECK(e("  indented\nnext\n") == "notes: |2\n    indented\n  next\n");
  CHECK(e("\nafter a blank line") == "notes: |2-\n\n  after a blank line\n");
  // Tabs are fine inside a block.
  CHECK(e("a\n\tb\n") == "notes: |\n  a\n  \tb\n");
  // A block is followed by the next key at the map's indentation.
  CHECK(emit_yaml(Json::object({{"notes", "a\nb\n"}, {"next", "x"}})) == "notes: |\n  a\n  b\nnext: x\n");
  // Multi-line text with control characters other than tab cannot be a block.
  CHECK(e("a\x01\nb") == "notes: \"a\\x01\\nb\"\n");
  CHECK(e("a\r\nb") == "notes: \"a\\r\\nb\"\n");
}

TEST_CASE("emit_yaml writes nested lists of maps with 2-space indentation", "[yaml][emit]") {
  Json v = Json::object({
      {"name", "Ana"},
      {"emails", Json::array({"ana@x.example", Json::object({{"work", "ana@work.example"}})})},
      {"addresses",
       Json::array({Json::object({{"label", "billing"}, {"street", "Calle 1\nPiso 2"}, {"city", "Madrid"}}),
                    Json::object({{"label", "shipping"}, {"city", "yes"}})})},
      {"nested", Json::object({{"inner", Json::object({{"deeper", "v"}})}, {"list", Json::array({"a"})}})},
      {"matrix", Json::array({Json::array({"a", "b"}), Json::array()})},
      {"empty_list", Json::array()},
      {"empty_map", Json::object()},
      {"nothing", nullptr},
  });
  const std::string expected =
      "name: Ana\n"
      "emails:\n"
      "  - ana@x.example\n"
      "  - work: ana@work.example\n"
      "addresses:\n"
      "  - label: billing\n"
      "    street: |-\n"
      "      Calle 1\n"
      "      Piso 2\n"
      "    city: Madrid\n"
      "  - label: shipping\n"
      "    city: \"yes\"\n"
      "nested:\n"
      "  inner:\n"
      "    deeper: v\n"
      "  list:\n"
      "    - a\n"
      "matrix:\n"
      "  - \n"
      "    - a\n"
      "    - b\n"
      "  - []\n"
      "empty_list: []\n"
      "empty_map: {}\n"
      "nothing: null\n";
  CHECK(emit_yaml(v) == expected);
  CHECK(round_trip(v) == v);
}

TEST_CASE("emit_yaml quotes keys that need it", "[yaml][emit]") {
  Json v = Json::object({{"yes", "1"}, {"a: b", "2"}, {"", "3"}, {"plain_key", "4"}, {"0123", "5"}});
  std::string out = emit_yaml(v);
  CHECK(out == "\"yes\": \"1\"\n\"a: b\": \"2\"\n\"\": \"3\"\nplain_key: \"4\"\n\"0123\": \"5\"\n");
  CHECK(round_trip(v) == v);
}

TEST_CASE("emit_yaml writes plain_keys' dates and decimals plain, other text quoted", "[yaml][emit]") {
  Json v = Json::object({{"close", "2026-12-31"},
                         {"amount", "12000.50"},
                         {"created", "2026-11-23T10:30:00Z"},
                         {"at", "2026-11-23T10:30:00+01:00"},
                         {"count", "-12"},
                         {"other", "2026-12-31"},
                         {"odd", "yes"}});
  std::set<std::string> plain = {"close", "amount", "created", "at", "count", "odd"};
  CHECK(emit_yaml(v, plain) ==
        "close: 2026-12-31\n"
        "amount: 12000.50\n"
        "created: 2026-11-23T10:30:00Z\n"
        "at: 2026-11-23T10:30:00+01:00\n"
        "count: -12\n"
        "other: \"2026-12-31\"\n"
        "odd: \"yes\"\n");
  // Plain typed scalars still read back as the same text.
  CHECK(round_trip(v, plain) == v);
  // Inside lists of maps too.
  Json h = Json::object({{"stage_history", Json::array({Json::object({{"stage", "won"}, {"at", "2026-11-23T10:30:00Z"}})})}});
  CHECK(emit_yaml(h, {"at"}) == "stage_history:\n  - stage: won\n    at: 2026-11-23T10:30:00Z\n");
}

TEST_CASE("emit_yaml writes numbers and booleans as YAML scalars", "[yaml][emit]") {
  Json v = Json::object({{"probability", 50}, {"flag", true}, {"off", false}});
  CHECK(emit_yaml(v) == "probability: 50\nflag: true\n\"off\": false\n");
  // Read back, every scalar is text.
  CHECK(round_trip(v) == Json::object({{"probability", "50"}, {"flag", "true"}, {"off", "false"}}));
}

TEST_CASE("emit_yaml round trip: parse_yaml(emit_yaml(x)) == x for tricky strings", "[yaml][emit][roundtrip]") {
  for (const auto& s : tricky_strings()) {
    if (s == "\n") continue;  // covered by its own test below
    INFO("string: " << Json(s).dump());
    Json as_value = Json::object({{"k", s}});
    Json as_item = Json::object({{"list", Json::array({s, "after"})}});
    Json as_key = Json::object({{s, "v"}});
    Json in_map_in_list = Json::object({{"list", Json::array({Json::object({{"a", s}, {"b", "after"}})})}});
    Json nested = Json::object({{"outer", Json::object({{"inner", Json::object({{"k", s}})}, {"next", "x"}})}});
    for (const Json& v : {as_value, as_item, as_key, in_map_in_list, nested}) {
      std::string once = emit_yaml(v);
      INFO("emitted:\n" << once);
      Json back;
      REQUIRE_NOTHROW(back = parse_yaml(once, "emitted.yaml").value);
      CHECK(back == v);
      // Writing what was read gives the same bytes.
      CHECK(emit_yaml(back) == once);
    }
  }
}

TEST_CASE("emit_yaml round trip of a whole record-like map is stable", "[yaml][emit][roundtrip]") {
  Json v = Json::object();
  v["name"] = "Ana García";
  v["emails"] = Json::array();
  for (const auto& s : tricky_strings())
    if (s != "\n") v["emails"].push_back(Json::object({{"label", s}}));
  v["notes"] = "first line\n  indented\n\nlast: yes\n";
  v["fields"] = Json::object({{"a", "0123"}, {"b", "~"}, {"c", "x"}});
  std::string once = emit_yaml(v);
  auto doc = parse_yaml(once, "emitted.yaml");
  CHECK(doc.value == v);
  CHECK(emit_yaml(doc.value) == once);
}

TEST_CASE("emit_yaml round trip of a lone newline", "[yaml][emit][roundtrip]") {
  // "\n" is written as `k: |2` followed by an empty line, which reads back as "".
  Json v = Json::object({{"k", "\n"}});
  std::string once = emit_yaml(v);
  INFO("emitted: " << Json(once).dump());
  CHECK(parse_yaml(once, "emitted.yaml").value == v);
}

TEST_CASE("emit_yaml output reads back the same in PyYAML", "[yaml][emit][python]") {
  if (!python_yaml_available()) {
    WARN("python3 with PyYAML is not available; skipped");
    return;
  }
  Json v = Json::object();
  Json list = Json::array();
  for (const auto& s : tricky_strings()) {
    if (s == "\n") continue;
    list.push_back(s);
  }
  v["values"] = list;
  v["nested"] = Json::array({Json::object({{"label", "billing"}, {"street", "Calle 1\nPiso 2"}, {"city", "yes"}})});
  v["keys"] = Json::object({{"yes", "no"}, {"0123", "x"}, {"a: b", "~"}});
  std::string text = emit_yaml(v);
  std::string out = python_yaml_json(text);
  INFO("PyYAML said: " << out);
  REQUIRE(!out.empty());
  REQUIRE(out.rfind("ERROR", 0) != 0);
  Json py = Json::parse(out);
  CHECK(py == v);
  // Element by element, for a precise report if they differ.
  if (py.is_object() && py["values"].is_array() && py["values"].size() == list.size())
    for (size_t i = 0; i < list.size(); ++i) {
      INFO("string: " << list[i].dump());
      CHECK(py["values"][i] == list[i]);
    }
}

TEST_CASE("emit_yaml output with NEL, LS/PS and C1 controls reads back the same in PyYAML",
          "[yaml][emit][python]") {
  // U+0085, U+2028 and U+2029 are line breaks to YAML 1.1 readers, and C1
  // controls (U+0080..U+009F) are not printable: the emitter must escape them.
  if (!python_yaml_available()) {
    WARN("python3 with PyYAML is not available; skipped");
    return;
  }
  const std::vector<std::string> strings = {"a\xc2\x85z",           "a\xe2\x80\xa8z", "a\xe2\x80\xa9z",
                                            "x\xc2\x80y",           "x\xc2\x9fy",     "line\xc2\x85one\nline two\n",
                                            "line\xe2\x80\xa8one\nline two\n"};
  for (const auto& s : strings) {
    Json v = Json::object({{"k", s}});
    std::string text = emit_yaml(v);
    std::string out = python_yaml_json(text);
    INFO("string: " << Json(s).dump() << "\nemitted: " << Json(text).dump() << "\nPyYAML: " << out);
    REQUIRE(!out.empty());
    bool parsed = out.rfind("ERROR", 0) != 0;
    CHECK(parsed);
    if (parsed) CHECK(Json::parse(out) == v);
  }
}
