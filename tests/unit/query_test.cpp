// The search language's parser (lib/index/query.hpp) against lunr.js 2.3.9's own lexer and
// parser tests (test/query_lexer_test.js, test/query_parser_test.js; the tables in
// research/performance.md 3.2 and 3.3), crm's extensions (phrases, ranges), its limits, and
// the column numbers in its error messages; and the helpers edit_distance and glob_match.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "index/query.hpp"
#include "index/search.hpp"
#include "model/error.hpp"

using crm::Clause;
using Catch::Matchers::Contains;
using P = Clause::Presence;
using R = Clause::Range;

namespace {

// The fields of lunr's parser tests (title, body), plus a few crm fields for the extensions.
bool lunr_fields(std::string_view f) {
  return f == "title" || f == "body" || f == "ti:tle" || f == "amount" || f == "close" || f == "at" ||
         f == "name" || f == "type" || f == "has" || f == "tag" || f == "notes";
}
// An index that has a field called TITLE (field names are case-sensitive).
bool upper_fields(std::string_view f) { return f == "TITLE"; }
bool any_field(std::string_view) { return true; }

std::vector<Clause> parse(std::string_view q, bool (*known)(std::string_view) = lunr_fields) {
  return crm::parse_query(q, known);
}

// The message of the Usage error parsing q throws ("(no error)" when it parses).
std::string error_of(std::string_view q, bool (*known)(std::string_view) = lunr_fields) {
  try {
    crm::parse_query(q, known);
  } catch (const crm::Error& e) {
    CHECK(e.failure() == crm::Failure::Usage);
    CHECK(e.exit_code() == 2);
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> terms(const std::vector<Clause>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.term);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

// ---------------------------------------------------------------------------------------------
// lunr's lexer tests (test/query_lexer_test.js)

TEST_CASE("lexer: a single term", "[query][lunr]") {
  auto cs = parse("foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].field.empty());
  CHECK(cs[0].presence == P::Optional);
  CHECK(cs[0].boost == 1);
  CHECK_FALSE(cs[0].boosted);
  CHECK(cs[0].edit_distance == 0);
  CHECK_FALSE(cs[0].phrase);
  CHECK(cs[0].range == R::None);
  CHECK(cs[0].column == 1);
}

TEST_CASE("lexer: a hyphen separates terms", "[query][lunr]") {
  auto cs = parse("foo-bar");
  CHECK(terms(cs) == Strings{"foo", "bar"});
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].presence == P::Optional);
  CHECK(cs[1].presence == P::Optional);  // the hyphen is a separator, not "prohibited"
  CHECK(cs[1].column == 5);
  CHECK(terms(parse("foo-")) == Strings{"foo"});
  CHECK(terms(parse("foo--bar")) == Strings{"foo", "bar"});
}

TEST_CASE("lexer: an escaped colon is part of the term", "[query][lunr]") {
  auto cs = parse("foo\\:bar", [](std::string_view) { return false; });  // no field lookup happens
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "foo:bar");
  CHECK(cs[0].field.empty());
}

TEST_CASE("lexer: white space separates terms, runs of it too", "[query][lunr]") {
  auto cs = parse("foo bar");
  CHECK(terms(cs) == Strings{"foo", "bar"});
  cs = parse("foo    bar");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].column == 1);  // lunr: [0,3]
  CHECK(cs[1].column == 8);  // lunr: [7,10]
  CHECK(terms(parse("  foo \t\n\r bar  ")) == Strings{"foo", "bar"});
  CHECK(parse("").empty());
  CHECK(parse("   \t ").empty());
}

TEST_CASE("lexer: presence on several terms", "[query][lunr]") {
  auto cs = parse("+foo +bar");
  REQUIRE(cs.size() == 2);
  CHECK(terms(cs) == Strings{"foo", "bar"});
  CHECK(cs[0].presence == P::Required);
  CHECK(cs[1].presence == P::Required);
  CHECK(cs[0].column == 1);
  CHECK(cs[1].column == 6);
}

TEST_CASE("lexer: presence with an edit distance", "[query][lunr]") {
  auto cs = parse("+foo~1 +bar");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].presence == P::Required);
  CHECK(cs[0].edit_distance == 1);
  CHECK(cs[1].term == "bar");
  CHECK(cs[1].presence == P::Required);
  CHECK(cs[1].edit_distance == 0);
}

TEST_CASE("lexer: a field and its term", "[query][lunr]") {
  auto cs = parse("title:foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "title");
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].column == 1);
}

TEST_CASE("lexer: an escaped colon inside a field name", "[query][lunr]") {
  auto cs = parse("ti\\:tle:foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "ti:tle");
  CHECK(cs[0].term == "foo");
}

TEST_CASE("lexer: prohibited and required terms and fields", "[query][lunr]") {
  auto cs = parse("-foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].presence == P::Prohibited);
  cs = parse("+foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].presence == P::Required);
  cs = parse("+title:foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].presence == P::Required);
  CHECK(cs[0].field == "title");
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].column == 1);
  cs = parse("-title:foo");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].presence == P::Prohibited);
  CHECK(cs[0].field == "title");
}

TEST_CASE("lexer: edit distance and boost", "[query][lunr]") {
  auto cs = parse("foo~2");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].edit_distance == 2);
  CHECK_FALSE(cs[0].boosted);
  cs = parse("foo^10");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].boost == 10);
  CHECK(cs[0].boosted);
  CHECK(cs[0].edit_distance == 0);
}

TEST_CASE("lexer: field, term, boost and edit distance together", "[query][lunr]") {
  auto cs = parse("title:foo^10~5");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "title");
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].boost == 10);
  CHECK(cs[0].boosted);
  CHECK(cs[0].edit_distance == 5);
}

// ---------------------------------------------------------------------------------------------
// lunr's parser tests (test/query_parser_test.js)

TEST_CASE("parser: terms are lower-cased", "[query][lunr]") {
  CHECK(terms(parse("FOO")) == Strings{"foo"});
  CHECK(terms(parse("FoO BaR")) == Strings{"foo", "bar"});
}

TEST_CASE("parser: a wildcard term is kept as typed", "[query][lunr]") {
  CHECK(terms(parse("fo*")) == Strings{"fo*"});
  CHECK(terms(parse("*oo")) == Strings{"*oo"});
  CHECK(terms(parse("f*o")) == Strings{"f*o"});
  CHECK(terms(parse("*")) == Strings{"*"});
  // lunr: even an escaped star is a wildcard
  CHECK(terms(parse("foo\\*")) == Strings{"foo*"});
}

TEST_CASE("parser: multiple terms and modifiers", "[query][lunr]") {
  auto cs = parse("foo~10 +bar");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].edit_distance == 10);
  CHECK(cs[0].presence == P::Optional);
  CHECK(cs[1].presence == P::Required);
  cs = parse("foo^10 +bar");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].boost == 10);
  CHECK(cs[1].presence == P::Required);
  cs = parse("foo~2 bar~3");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].edit_distance == 2);
  CHECK(cs[1].edit_distance == 3);
  cs = parse("foo^2 bar^3");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].boost == 2);
  CHECK(cs[1].boost == 3);
  cs = parse("title:foo~2");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].edit_distance == 2);
  CHECK(cs[0].field == "title");
  cs = parse("title:foo^2");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].boost == 2);
  CHECK(cs[0].field == "title");
}

TEST_CASE("parser: boost then edit distance", "[query][lunr]") {
  auto cs = parse("foo^2~3");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].boost == 2);
  CHECK(cs[0].edit_distance == 3);
  cs = parse("foo~3^2");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].boost == 2);
  CHECK(cs[0].edit_distance == 3);
}

TEST_CASE("parser: two fields", "[query][lunr]") {
  auto cs = parse("title:foo body:bar");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].field == "title");
  CHECK(cs[0].term == "foo");
  CHECK(cs[1].field == "body");
  CHECK(cs[1].term == "bar");
  CHECK(cs[1].column == 11);
}

TEST_CASE("parser: field names are case-sensitive, terms are not", "[query][lunr]") {
  auto cs = parse("TITLE:FOO", upper_fields);
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "TITLE");
  CHECK(cs[0].term == "foo");
  CHECK_THAT(error_of("TITLE:foo"), Contains("TITLE") && Contains("at column 1"));
}

TEST_CASE("parser: a plus inside a term is part of it", "[query][lunr]") {
  auto cs = parse("a+b");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "a+b");
  CHECK(cs[0].presence == P::Optional);
}

TEST_CASE("parser: a field with no term is an error", "[query][lunr]") {
  std::string e = error_of("title:");
  CHECK_THAT(e, Contains("query:"));
  CHECK_THAT(e, Contains("expecting a term"));
  CHECK_THAT(e, Contains("at column 7"));  // just after the colon, where the term belongs
  CHECK_THAT(error_of("foo title:"), Contains("expecting a term") && Contains("at column 11"));
  CHECK_THAT(error_of("+title:"), Contains("expecting a term") && Contains("at column 8"));
}

TEST_CASE("parser: an unknown field is an error naming it", "[query][lunr]") {
  std::string e = error_of("unknown:foo");
  CHECK_THAT(e, Contains("'unknown'"));
  CHECK_THAT(e, Contains("at column 1"));
  CHECK_THAT(error_of("foo unknown:bar"), Contains("'unknown'") && Contains("at column 5"));
  CHECK_THAT(error_of("+unknown:foo"), Contains("'unknown'") && Contains("at column 2"));
  // lunr: foo:bar:baz gives two field lexemes; the first is unknown
  CHECK_THAT(error_of("foo:bar:baz"), Contains("'foo'") && Contains("at column 1"));
}

TEST_CASE("parser: an edit distance must be a number", "[query][lunr]") {
  std::string e = error_of("foo~a");
  CHECK_THAT(e, Contains("edit distance"));
  CHECK_THAT(e, Contains("at column 4"));
  e = error_of("foo~");
  CHECK_THAT(e, Contains("edit distance"));
  CHECK_THAT(e, Contains("at column 4"));
  CHECK_THAT(error_of("bar foo~x1"), Contains("edit distance") && Contains("at column 8"));
}

TEST_CASE("parser: a boost must be a number", "[query][lunr]") {
  std::string e = error_of("foo^a");
  CHECK_THAT(e, Contains("boost"));
  CHECK_THAT(e, Contains("at column 4"));
  CHECK_THAT(error_of("foo^"), Contains("boost") && Contains("at column 4"));
  CHECK_THAT(error_of("foo^abc"), Contains("boost") && Contains("at column 4"));
  CHECK_THAT(error_of("foo^2~a"), Contains("edit distance") && Contains("at column 6"));
}

TEST_CASE("parser: a modifier with no term is an error", "[query][lunr]") {
  std::string e = error_of("~2");
  CHECK_THAT(e, Contains("~2"));
  CHECK_THAT(e, Contains("at column 1"));
  e = error_of("^2");
  CHECK_THAT(e, Contains("^2"));
  CHECK_THAT(e, Contains("at column 1"));
  CHECK_THAT(error_of("+^2"), Contains("at column 2"));
  CHECK_THAT(error_of("title:foo -~1"), Contains("at column 12"));
}

TEST_CASE("parser: a modifier after white space still belongs to the term before it", "[query][lunr]") {
  // lunr's lexer does not keep white space between lexemes: "foo ^2" is TERM(foo) BOOST(2).
  auto cs = parse("foo ^2");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "foo");
  CHECK(cs[0].boost == 2);
  cs = parse("foo ~1");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].edit_distance == 1);
}

TEST_CASE("parser: a presence sign alone is an error", "[query][lunr]") {
  for (const char* q : {"+", "-"}) {
    INFO(q);
    std::string e = error_of(q);
    CHECK_THAT(e, Contains("expecting a term"));
    CHECK_THAT(e, Contains("at column 1"));
  }
  CHECK_THAT(error_of("foo +"), Contains("at column 5"));
  CHECK_THAT(error_of("foo -"), Contains("at column 5"));
}

TEST_CASE("parser: error messages have the documented shape", "[query]") {
  for (const char* q : {"title:", "unknown:foo", "foo~a", "foo~", "~2", "^2", "foo^a", "+", "-", "\"open"}) {
    INFO(q);
    std::string e = error_of(q);
    CHECK(e.rfind("query: ", 0) == 0);
    CHECK_THAT(e, Contains(" at column "));
  }
}

TEST_CASE("parser: an oversized number in a modifier is refused, not overflowed", "[query]") {
  CHECK_THAT(error_of("foo~99999999999999999999"), Contains("edit distance") && Contains("at column 4"));
  CHECK_THAT(error_of("foo^99999999999999999999"), Contains("boost") && Contains("at column 4"));
}

// ---------------------------------------------------------------------------------------------
// crm's extensions

TEST_CASE("phrase: a quoted phrase is one clause", "[query][phrase]") {
  auto cs = parse("\"a phrase\"");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].phrase);
  CHECK(cs[0].term == "a phrase");
  CHECK(cs[0].field.empty());
  CHECK(cs[0].column == 1);
  cs = parse("foo \"Budget Approved\" bar");
  REQUIRE(cs.size() == 3);
  CHECK_FALSE(cs[0].phrase);
  CHECK(cs[1].phrase);
  CHECK(cs[1].term == "budget approved");  // lower-cased like any term
  CHECK(cs[1].column == 5);
  CHECK_FALSE(cs[2].phrase);
  CHECK(cs[2].term == "bar");
}

TEST_CASE("phrase: hyphens and colons inside quotes are kept", "[query][phrase]") {
  auto cs = parse("\"foo-bar baz:qux\"", [](std::string_view) { return false; });
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].phrase);
  CHECK(cs[0].term == "foo-bar baz:qux");
}

TEST_CASE("phrase: presence and boost apply to a phrase", "[query][phrase]") {
  auto cs = parse("-\"a phrase\"");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].phrase);
  CHECK(cs[0].presence == P::Prohibited);
  cs = parse("+\"a phrase\"^3");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].phrase);
  CHECK(cs[0].presence == P::Required);
  CHECK(cs[0].boost == 3);
}

TEST_CASE("phrase: a field may take a phrase", "[query][phrase]") {
  // The parser accepts a Phrase lexeme after a field and the builder handles field phrases.
  auto cs = parse("notes:\"budget approved\"");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "notes");
  CHECK(cs[0].phrase);
  CHECK(cs[0].term == "budget approved");
}

TEST_CASE("phrase: an unbalanced quote is an error with its column", "[query][phrase]") {
  std::string e = error_of("\"open");
  CHECK_THAT(e, Contains("quote"));
  CHECK_THAT(e, Contains("at column 1"));
  CHECK_THAT(error_of("foo \"bar baz"), Contains("quote") && Contains("at column 5"));
  CHECK_THAT(error_of("\"one\" \"two"), Contains("quote") && Contains("at column 7"));
  CHECK_THAT(error_of("\"\""), Contains("at column 1"));  // an empty phrase
}

TEST_CASE("range: comparisons", "[query][range]") {
  auto cs = parse("amount:>=5000");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "amount");
  CHECK(cs[0].range == R::GreaterEqual);
  CHECK(cs[0].low == "5000");
  CHECK(cs[0].high.empty());
  CHECK(cs[0].column == 1);

  cs = parse("amount:>5000");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Greater);
  CHECK(cs[0].low == "5000");
  cs = parse("amount:<=5000");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::LessEqual);
  CHECK(cs[0].low == "5000");
  cs = parse("amount:<5000.50");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Less);
  CHECK(cs[0].low == "5000.50");
}

TEST_CASE("range: between two bounds, or one", "[query][range]") {
  auto cs = parse("amount:1000..5000");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Between);
  CHECK(cs[0].low == "1000");
  CHECK(cs[0].high == "5000");

  cs = parse("amount:..5000");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Between);
  CHECK(cs[0].low.empty());
  CHECK(cs[0].high == "5000");

  cs = parse("amount:5000..");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Between);
  CHECK(cs[0].low == "5000");
  CHECK(cs[0].high.empty());

  CHECK_THAT(error_of("amount:.."), Contains("at column 1"));
  CHECK_THAT(error_of("amount:>="), Contains("at column 1"));
}

TEST_CASE("range: dates keep their hyphens", "[query][range]") {
  auto cs = parse("close:<2026-12-01");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "close");
  CHECK(cs[0].range == R::Less);
  CHECK(cs[0].low == "2026-12-01");

  cs = parse("close:2026-01-01..2026-12-31");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Between);
  CHECK(cs[0].low == "2026-01-01");
  CHECK(cs[0].high == "2026-12-31");

  cs = parse("close:2026-12-01");  // an exact date: one term, not three
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "2026-12-01");
  CHECK(cs[0].range == R::None);

  cs = parse("close:2026-12-01.. foo");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].range == R::Between);
  CHECK(cs[0].low == "2026-12-01");
  CHECK(cs[1].term == "foo");
}

TEST_CASE("range: an open start before a date keeps the date whole", "[query][range]") {
  // amount:..5000 works; the same form with a date must not split the date at its hyphens.
  auto cs = parse("close:..2026-12-01");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::Between);
  CHECK(cs[0].low.empty());
  CHECK(cs[0].high == "2026-12-01");
}

TEST_CASE("range: relative dates", "[query][range]") {
  auto cs = parse("at:>=-7d");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].field == "at");
  CHECK(cs[0].range == R::GreaterEqual);
  CHECK(cs[0].low == "-7d");
  CHECK(cs[0].presence == P::Optional);  // the '-' belongs to the value

  cs = parse("+at:>=-7d -tag:lost");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].presence == P::Required);
  CHECK(cs[0].low == "-7d");
  CHECK(cs[1].presence == P::Prohibited);
  CHECK(cs[1].field == "tag");
  CHECK(cs[1].term == "lost");
}

TEST_CASE("range: only a field's value is a range, with its own column", "[query][range]") {
  auto cs = parse("foo amount:>=5000 close:<2026-12-31");
  REQUIRE(cs.size() == 3);
  CHECK(cs[0].range == R::None);
  CHECK(cs[1].column == 5);
  CHECK(cs[1].range == R::GreaterEqual);
  CHECK(cs[2].column == 19);
  CHECK(cs[2].range == R::Less);
  CHECK(cs[2].low == "2026-12-31");
  // without a field, ">=5000" and "1..2" are words
  cs = parse("1000..5000");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].range == R::None);
}

TEST_CASE("limits: an oversized query is refused", "[query][limits]") {
  std::string big;
  while (big.size() < 100 * 1024) big += "word ";
  try {
    crm::parse_query(big, lunr_fields);
    FAIL("a 100 KB query parsed");
  } catch (const crm::Error& e) {
    CHECK(e.failure() == crm::Failure::Usage);
    CHECK(std::string(e.what()).rfind("query: ", 0) == 0);
    CHECK_THAT(std::string(e.what()), Contains(std::to_string(crm::kMaxQueryLength)));
  }
  // the limit itself is accepted
  std::string at_limit(crm::kMaxQueryLength, 'a');
  CHECK(parse(at_limit).size() == 1);
  CHECK_THAT(error_of(at_limit + "a"), Contains("query:"));
}

TEST_CASE("limits: invalid UTF-8 is refused", "[query][limits]") {
  CHECK_THAT(error_of("caf\xe9"), Contains("UTF-8"));
  CHECK_THAT(error_of("ok \xc3"), Contains("UTF-8"));
  CHECK_THAT(error_of("\xff\xfe"), Contains("UTF-8"));
  // valid UTF-8 passes through, lower-casing only ASCII
  auto cs = parse("García");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].term == "garcía");
}

TEST_CASE("parser: the known-field check sees the field as typed", "[query]") {
  static std::vector<std::string> asked;
  asked.clear();
  crm::parse_query("a:x +b:y -c:z", [](std::string_view f) {
    asked.emplace_back(f);
    return true;
  });
  CHECK(asked == Strings{"a", "b", "c"});
  CHECK(parse("type:deal has:email", any_field).size() == 2);
}

// ---------------------------------------------------------------------------------------------
// edit_distance: optimal string alignment, limited

TEST_CASE("edit_distance: basic edits", "[query][edit]") {
  CHECK(crm::edit_distance("alice", "alice", 2) == 0);
  CHECK(crm::edit_distance("", "", 0) == 0);
  CHECK(crm::edit_distance("ana", "anna", 1) == 1);  // insertion
  CHECK(crm::edit_distance("anna", "ana", 1) == 1);  // deletion
  CHECK(crm::edit_distance("ana", "ama", 1) == 1);   // substitution
  CHECK(crm::edit_distance("", "abc", 3) == 3);
  CHECK(crm::edit_distance("abc", "", 3) == 3);
  CHECK(crm::edit_distance("kitten", "sitting", 3) == 3);
}

TEST_CASE("edit_distance: a transposition is one edit", "[query][edit]") {
  CHECK(crm::edit_distance("alcie", "alice", 1) == 1);
  CHECK(crm::edit_distance("alice", "alcie", 1) == 1);
  CHECK(crm::edit_distance("ab", "ba", 1) == 1);
  CHECK(crm::edit_distance("abcd", "badc", 2) == 2);
  // optimal string alignment: no edit of a transposed pair, so "ca" -> "abc" is 3
  CHECK(crm::edit_distance("ca", "abc", 3) == 3);
}

TEST_CASE("edit_distance: above the limit it returns limit + 1", "[query][edit]") {
  CHECK(crm::edit_distance("kitten", "sitting", 2) == 3);
  CHECK(crm::edit_distance("kitten", "sitting", 1) == 2);
  CHECK(crm::edit_distance("abc", "abd", 0) == 1);
  CHECK(crm::edit_distance("", "abcd", 2) == 3);       // length difference alone
  CHECK(crm::edit_distance("abcdef", "uvwxyz", 2) == 3);
  CHECK(crm::edit_distance("alice", "bob", 1) == 2);
  // never more than limit + 1, whatever the true distance
  CHECK(crm::edit_distance("aaaaaaaaaa", "bbbbbbbbbb", 3) == 4);
}

TEST_CASE("edit_distance: counts characters, not bytes", "[query][edit]") {
  // lunr measures characters. One substituted Cyrillic or Greek letter is one edit even when its
  // UTF-8 encoding differs in both bytes (ж = d0 b6, ш = d1 88; α = ce b1, ω = cf 89).
  CHECK(crm::edit_distance("жанна", "шанна", 1) == 1);
  CHECK(crm::edit_distance("αβγ", "ωβγ", 1) == 1);
  CHECK(crm::edit_distance("东京", "北京", 1) == 1);
}

// ---------------------------------------------------------------------------------------------
// glob_match: '*' matches any run, anchored at both ends

TEST_CASE("glob_match: trailing, leading and infix stars", "[query][glob]") {
  CHECK(crm::glob_match("fo*", "foo"));
  CHECK(crm::glob_match("fo*", "fo"));
  CHECK_FALSE(crm::glob_match("fo*", "f"));
  CHECK_FALSE(crm::glob_match("fo*", "afoo"));
  CHECK(crm::glob_match("*oo", "foo"));
  CHECK(crm::glob_match("*oo", "oo"));
  CHECK_FALSE(crm::glob_match("*oo", "foob"));
  CHECK(crm::glob_match("f*o", "foo"));
  CHECK(crm::glob_match("f*o", "fo"));
  CHECK(crm::glob_match("p*t", "plant"));
  CHECK(crm::glob_match("pl*nt", "plant"));
  CHECK_FALSE(crm::glob_match("pl*nt", "planet"));
  CHECK_FALSE(crm::glob_match("f*o", "fox"));
}

TEST_CASE("glob_match: several stars", "[query][glob]") {
  CHECK(crm::glob_match("a*b*c", "abc"));
  CHECK(crm::glob_match("a*b*c", "axxbyyc"));
  CHECK_FALSE(crm::glob_match("a*b*c", "axxcyyb"));
  CHECK(crm::glob_match("*b*", "abc"));
  CHECK(crm::glob_match("*b*", "b"));
  CHECK_FALSE(crm::glob_match("*b*", "ac"));
  CHECK(crm::glob_match("**", "anything"));
  CHECK(crm::glob_match("a**b", "ab"));
  CHECK(crm::glob_match("*a*a*a", "banana a"));
  CHECK(crm::glob_match("*ana", "banana"));  // backtracking past a first partial match
  CHECK(crm::glob_match("*issip*", "mississippi"));
}

TEST_CASE("glob_match: empty pattern and empty text", "[query][glob]") {
  CHECK(crm::glob_match("", ""));
  CHECK(crm::glob_match("*", ""));
  CHECK(crm::glob_match("**", ""));
  CHECK(crm::glob_match("*", "abc"));
  CHECK_FALSE(crm::glob_match("", "a"));
  CHECK_FALSE(crm::glob_match("a", ""));
  CHECK_FALSE(crm::glob_match("a*", ""));
  CHECK_FALSE(crm::glob_match("*a", ""));
  CHECK(crm::glob_match("abc", "abc"));  // no star: exact
  CHECK_FALSE(crm::glob_match("abc", "abcd"));
}

TEST_CASE("glob_match: multi-byte text", "[query][glob]") {
  CHECK(crm::glob_match("gar*", "garcía"));
  CHECK(crm::glob_match("*ía", "garcía"));
  CHECK(crm::glob_match("м*ва", "москва"));
}
