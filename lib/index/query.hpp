// The search language: Lunr's query syntax (lunr.js 2.3 is the reference for
// how it lexes and parses) plus crm's extensions. Hand-written because no
// C++ library parses Lunr queries; it follows lib/query_lexer.js and
// lib/query_parser.js case by case (tests/unit/query_test.cpp).
//
//   word  field:word  +required  -prohibited  wild*  *card  w*d  word~1  word^10
//   "a phrase"  type:deal  has:email  amount:>=5000  amount:1000..5000
//   close:<2026-12-01  at:>=-7d
//
// Terms are separated by white space and hyphens (as in Lunr), except inside
// quotes and in range values, where a hyphen belongs to a date.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace crm {

struct Clause {
  enum class Presence { Optional, Required, Prohibited };
  enum class Range { None, Less, LessEqual, Greater, GreaterEqual, Between };
  Presence presence = Presence::Optional;
  std::string field;  // empty: every field
  std::string term;   // lower-cased text as typed (folding happens against the index)
  bool phrase = false;
  int edit_distance = 0;
  int boost = 1;
  bool boosted = false;
  Range range = Range::None;
  std::string low, high;  // range bounds as typed
  size_t column = 1;      // where the clause starts, 1-based
};

constexpr size_t kMaxQueryLength = 4096;

// Throws Error(Usage, "query: ... at column N") on anything it cannot read.
// `known_field` says whether a field name exists (Lunr refuses unknown fields).
std::vector<Clause> parse_query(std::string_view query, bool (*known_field)(std::string_view));

}  // namespace crm
