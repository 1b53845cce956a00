// Lunr clauses -> one Xapian query. Lunr's rules: with no required clause any
// optional clause may match; with required clauses, optional ones only rank;
// prohibited clauses remove matches; a query of only prohibited clauses
// returns everything else. Wildcards and edit distances expand over the
// term list, with a bounded scan that says when it stopped early.
#pragma once
#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "index/fields.hpp"
#include "index/query.hpp"

namespace crm {

constexpr size_t kMaxExpansions = 2000;       // terms one wildcard or ~N may become
constexpr size_t kMaxTermsScanned = 300000;   // terms one wildcard or ~N may look at

class QueryBuilder {
 public:
  QueryBuilder(const Xapian::Database& db, const SearchSchema& schema) : db_(db), schema_(schema) {}
  Xapian::Query build(const std::vector<Clause>& clauses);
  // Things the user should know (expansions cut short), for stderr.
  const std::vector<std::string>& notes() const { return notes_; }
  // Field names a query may use (for the parser's unknown-field check).
  bool knows(std::string_view field) const;
  // The words (and, as "Z" + stem, the stems) the query looks for, without their fields: what
  // a snippet is cut around.
  const std::vector<std::string>& words() const { return words_; }

 private:
  const Xapian::Database& db_;
  const SearchSchema& schema_;
  std::vector<std::string> notes_;
  std::vector<std::string> words_;
  // The term of `word` in `field` (a field prefix, "Z" + one for a stem: then stem is "Z").
  Xapian::Query field_term(const std::string& field, const std::string& word, const char* stem = "");
  Xapian::Query clause(const Clause& c);
  Xapian::Query words(const Clause& c, const std::string& prefix, bool stem);
  Xapian::Query word(const Clause& c, const std::string& prefix, const std::string& w, bool stem);
  // A word (folded, no wildcard) in any field.
  Xapian::Query anywhere(const Clause& c, const std::string& w, bool stem);
  // Words next to each other in one value (positions are kept for field terms only).
  Xapian::Query adjacent(const Clause& c, const std::string& prefix, const std::vector<std::string>& ws);
  Xapian::Query expand(const Clause& c, const std::string& prefix, const std::string& pattern, int distance);
  Xapian::Query range(const Clause& c, const SearchField& f);
  // The records with a date field written on one of the days lo..hi, from those days' terms; none
  // when the days hold too many terms for that to beat reading the field's value slot.
  std::optional<Xapian::Query> written_on(const SearchField& f, const std::string& lo, const std::string& hi);
  Xapian::Query ref(const Clause& c, const SearchField& f);
};

// The records whose value in `slot` lies in [lo, hi] ("": unbounded), compared as bytes, as
// Xapian's value ranges compare; unlike them, it never claims to be the smallest clause of a match.
Xapian::Query slot_range(Xapian::valueno slot, std::string lo, std::string hi);

// Optimal string alignment distance (a transposition counts as one edit, as in Lunr), or limit+1.
int edit_distance(std::string_view a, std::string_view b, int limit);
// Glob match where '*' matches any run of characters.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace crm
