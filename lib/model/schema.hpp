// One owner of the record schema: every record type, its folder, and its
// fields in canonical order with their kind and command-line flag. Commands,
// validation, the canonical writer and the index all read this table, so a
// new field or type is a row here, not code elsewhere.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace crm {

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
};

struct TypeSpec {
  std::string_view name;         // contact
  std::string_view folder;       // contacts
  std::string_view title_field;  // name
  bool added_by_flags = true;     // false: `crm TYPE add` does not exist (notes come from `crm log`)
  std::vector<FieldSpec> fields;
  const FieldSpec* field(std::string_view name) const;
  const FieldSpec* field_by_flag(std::string_view flag) const;
};

const std::vector<TypeSpec>& record_types();
const TypeSpec* find_type(std::string_view name);  // by name or folder
const TypeSpec& type_spec(std::string_view name);  // throws Usage when unknown

bool is_list_kind(Kind k);
// The words of a Choice field's allowed values.
std::vector<std::string> choices_of(const FieldSpec& f);
std::string_view kind_name(Kind k);
bool parse_kind(std::string_view name, Kind& out);  // for custom field declarations
bool valid_currency(std::string_view code);

}  // namespace crm
