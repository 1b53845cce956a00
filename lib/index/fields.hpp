// The index's view of the record schema: for every searchable field, its
// Xapian term prefix, how its values become terms, and its value slot (for
// ranges and sorting). Built from the record schema (lib/model/schema.cpp)
// and crm.yaml's custom fields, so a new field or type needs no code here.
//
//   prefix         what it holds
//   Q<id>          the record's id                 T<type>      its type
//   D<folder>      its shard folder                H<field>     the field has a value
//   X<FIELD><t>    a term of FIELD                  <t>          a term of any field but long text
//   Z...           the stem of either, when it differs from the word (free text,
//                  when crm.yaml's language stems)
//   N<word>, XN<words>, E<email>, L<id>            REF resolution and backlinks
//   slots: 0 file stamp, 1 folded title, 2 id, 3 broken, 4 title as written, 10+ typed fields:
//          numbers sortable (ranges, sorting) and, for reports, the values of money, numbers, keywords,
//          links, owners, durations and dates as written (text_slot), so totals stay exact and
//          reports and the agenda read no document
#pragma once
#include <xapian.h>

#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "model/config.hpp"
#include "model/schema.hpp"
#include "model/yaml.hpp"

namespace crm {

enum class SearchKind {
  Name,     // words, never stemmed (names)
  Text,     // words, stemmed in the repository's language
  Keyword,  // the whole value is one term (tags, stage, currency)
  Email,    // the whole address, and its words
  Phone,    // digits only
  Ref,      // linked record ids; queried by the linked record's name
  Number,   // value slot, sortable; exact and range queries
  Date,     // value slot holding ISO text; exact and range queries
};

struct SearchField {
  std::string name;                  // field name in the files ("emails", "fields.linkedin")
  std::vector<std::string> aliases;  // other names a query may use ("email")
  SearchKind kind;
  std::string prefix;                // X<NAME>
  Xapian::valueno slot = Xapian::BAD_VALUENO;
  std::string ref_type;              // for Ref
  // Its words are also indexed without a field (one lookup for a query without a field). Not
  // for long free text (notes, bodies): that was a fifth of indexing time, and a query looks
  // for its words under these few fields instead.
  bool bare = true;
  // The value as written (trimmed; a list's ids joined by spaces), for reports and the agenda.
  // Dates: only when it differs from slot's (a datetime with an offset); Index::values falls back.
  Xapian::valueno text_slot = Xapian::BAD_VALUENO;
};

class SearchSchema {
 public:
  // `slots`: the index's persisted name-to-slot table (slot_table()). A field keeps the slots it
  // was given; a new field, or one whose kind changed, gets slots no field ever had, so that
  // values written under the old schema are never read as another field's.
  explicit SearchSchema(const Config& config, const std::string& slots = {});
  const SearchField* find(std::string_view name) const;  // by name or alias
  const std::vector<SearchField>& fields() const { return fields_; }
  std::string names() const;  // for error messages
  // Every slot ever handed out, one line per field: "name kind slot text_slot" (kept in the index).
  std::string slot_table() const;
  // What a type's documents depend on: its indexed fields, their kinds and slots, its title and
  // the language. Documents indexed under another fingerprint must be indexed again.
  std::string fingerprint(const TypeSpec& type, const Config& config) const;
  const Xapian::Stem& stemmer() const { return stemmer_; }
  bool stems() const { return stems_; }
  // The stem of a folded word, remembered: words repeat, and Snowball was
  // 40% of indexing notes (bench/RESULTS.md).
  const std::string& stem(const std::string& word) const;

 private:
  std::vector<SearchField> fields_;
  std::string table_;  // slot_table(): the persisted lines first, then the new fields'
  Xapian::Stem stemmer_;
  std::string language_;
  bool stems_ = false;
  mutable std::unordered_map<std::string, std::string> stems_seen_;
};

// Index one record's fields into `doc` (terms with positions for text, values for typed fields).
void index_fields(const SearchSchema& schema, const TypeSpec& type, const Config& config, const Json& data,
                  Xapian::Document& doc);

// The derived date field of deals: when the deal entered its current stage (from stage_history).
constexpr const char* kStageChanged = "stage_changed";

// Value-slot text for a typed value: numbers sortable_serialise'd, dates as UTC ISO text.
std::string slot_value(SearchKind kind, const std::string& text);

}  // namespace crm
