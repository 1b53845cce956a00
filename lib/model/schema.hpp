// One owner of the record schema: the registry of record types. Each built-in
// noun is a row in its own file (lib/model/types/deal.cpp...): its folder, its
// fields in canonical order with their kind and command-line flag, how lists
// show and order it, and its small optional behaviour (defaults, stage history,
// timeline moments, extra verbs by name). Types declared in crm.yaml (`types:`)
// are rows read from the file. Commands, validation, the canonical writer, the
// index, completions and the man pages all read the registry, so nothing outside
// it tests a type's name.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crm {

using Json = nlohmann::ordered_json;

enum class Kind {
  Line,          // one line of text
  Text,          // free text, may span lines (written as a literal block)
  Email,
  Phone,
  Url,
  Date,          // 2026-12-31
  DateTime,      // 2026-11-22T10:30:00Z
  Money,         // decimal text, exact
  Currency,      // ISO 4217 code
  Integer,
  Percent,       // 0..100
  Boolean,
  Stage,         // one of crm.yaml's deal stages
  Lifecycle,     // one of crm.yaml's lifecycle stages
  Period,        // 30d, 2w, 3m, 1y
  When,          // a date or a date and time (task due)
  Duration,      // 45m, 1h30m
  Choice,        // one of FieldSpec::choices
  NoteKind,      // one of crm.yaml's note kinds
  Ref,           // id of a record of ref_type
  Refs,          // ids of records of ref_type
  Tags,          // list of short labels
  Emails,        // list of email or {label: email}
  Phones,        // list of phone or {label: phone}
  Domains,       // list of host names
  Addresses,     // list of {label, street, city, region, postal_code, country}
  StageHistory,  // list of {stage, at}
  Custom,        // map of fields declared in crm.yaml
  Conflicts,     // map written by merges: field -> other values
};

struct FieldSpec {
  std::string_view name;
  Kind kind;
  std::string_view flag;      // command-line option without dashes; empty: not settable by flag
  std::string_view help;
  std::string_view ref_type;  // for Ref and Refs
  bool required = false;
  std::string_view choices;   // for Choice: the allowed values, space-separated
  std::string_view fallback;  // the value a new record gets when none is given (declared types)
  bool personal = false;      // it holds personal data (declared types: `personal: true`)
};

struct Config;

// A moment in a record's life, for the timeline of the records it links to.
using MomentSink = std::function<void(const std::string& when, const std::string& what, const std::string& text)>;

// What a type does beyond its fields; every hook is optional.
struct Behaviour {
  // Before a new record is written: fields it gets when not given (a deal's first stage).
  void (*on_add)(Json& data, const Config& config, const std::string& now) = nullptr;
  // Before a changed record is written: `changed` are the fields given (a deal's new stage joins its history).
  void (*on_set)(const Json& before, Json& after, const std::vector<std::string>& changed, const Config& config,
                 const std::string& now) = nullptr;
  // The title when the title field is empty (a note: its kind and the first line of its body).
  std::string (*untitled)(const Json& data) = nullptr;
  // Its moments, for the timeline of what it links to (and its own).
  void (*moments)(const Json& data, const std::string& title, const MomentSink& add) = nullptr;
};

struct TypeSpec {
  std::string_view name;         // contact
  std::string_view folder;       // contacts
  std::string_view title_field;  // name
  bool added_by_flags = true;     // false: `crm TYPE add` does not exist (notes come from `crm log`)
  std::vector<FieldSpec> fields;
  std::vector<std::string_view> columns;  // what `crm TYPE list` shows; empty: the title
  std::string_view sort;                  // the field lists order by; empty: the title
  bool newest_first = false;              // ... latest first
  std::string_view done_field;            // a to-do: lists show open ones (--done, --all), --overdue by due_field
  std::string_view due_field;
  bool party = false;        // a person or an organisation: notes and tasks are about it; merge; last contact
  bool for_parties = false;  // `--for REF` links it to people or a company (tasks)
  bool in_timeline = false;  // shown in the timeline of what it links to, not among its links
  std::vector<std::string_view> summary;  // fields `crm show` prints after a linked record's title
  std::vector<std::string_view> verbs;    // verbs beyond add, list, show, edit, set, rm (cmd/verbs.cpp)
  std::string_view help;                  // what it is, for --help
  const Behaviour* behaviour = nullptr;
  bool declared = false;  // from crm.yaml `types:`
  const FieldSpec* field(std::string_view name) const;
  const FieldSpec* field_by_flag(std::string_view flag) const;
  bool has_verb(std::string_view verb) const;
};

// Every record type: the built-in ones, then those crm.yaml declares.
using TypeList = std::vector<std::reference_wrapper<const TypeSpec>>;
const TypeList& record_types();
const TypeSpec* find_type(std::string_view name);  // by name or folder
const TypeSpec& type_spec(std::string_view name);  // throws Usage when unknown
// The declared types replace those declared before (a type of the same name keeps its address).
void declare_types(const std::vector<TypeSpec>& types);
// A string that lives as long as the registry, for the views of declared types.
std::string_view intern(std::string text);
// Words a declared type cannot be named: the built-in types and crm's commands.
bool reserved_word(std::string_view word);
const std::vector<std::string_view>& reserved_words();

// The built-in types, for the code that is about one of them (importers, reports, the agenda).
namespace types {
const TypeSpec& contact();
const TypeSpec& company();
const TypeSpec& deal();
const TypeSpec& note();
const TypeSpec& task();
const TypeSpec& campaign();
}  // namespace types

bool is_list_kind(Kind k);
// The words of a Choice field's allowed values.
std::vector<std::string> choices_of(const FieldSpec& f);
std::string_view kind_name(Kind k);
bool parse_kind(std::string_view name, Kind& out);  // for custom field declarations
// Kinds a declared type's field may have (line, text, date, choice, ref, tags...); names for messages.
bool parse_declared_kind(std::string_view name, Kind& out);
std::string declared_kind_names();
// The name crm.yaml's `types:` gives a kind (stage, lifecycle and note kind for the built-in ones).
std::string declared_kind_name(Kind k);
// Kinds the index treats alike (dates, numbers, words, links...): one field name, one family.
int index_family(Kind k);
// Values written unquoted in the canonical YAML (numbers and dates).
bool plain_kind(Kind k);
bool valid_currency(std::string_view code);

}  // namespace crm
