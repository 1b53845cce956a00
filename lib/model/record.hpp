// A record: its type, id and fields. Validation against the schema and
// crm.yaml, conversion of typed command-line text, and the canonical file form.
#pragma once
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/schema.hpp"
#include "model/yaml.hpp"

namespace crm {

struct Problem {
  std::string pointer;  // JSON pointer of the offending value ("/emails/1")
  std::string message;
};

struct Record {
  const TypeSpec* type = nullptr;
  std::string id;
  Json data = Json::object();
  Comments comments;          // hand-written comments, kept on rewrite
  std::string title() const;  // name or title
};

// What a record is called: its name or title (a note without a subject: its kind and first line).
std::string record_title(const TypeSpec& type, const Json& data);

// Check a record's fields; the returned problems are empty when it is valid.
// Does not check that linked ids exist (that needs the repository).
std::vector<Problem> validate_record(const TypeSpec& type, const Config& config, const Json& data);

// The canonical file text: schema order, custom fields after, empty values dropped.
// With `config`, typed custom fields (dates, amounts, numbers) are written plain like built-in ones.
std::string record_yaml(const TypeSpec& type, const Json& data, const Config* config = nullptr,
                        const Comments* comments = nullptr);
Json canonical(const TypeSpec& type, const Json& data);

// Typed value from what a person typed for `field` (refs must already be ids).
// Throws Error(Invalid) naming `what` (the flag or FIELD=) when it is not valid.
Json field_value(const FieldSpec& field, const Config& config, const std::string& text, const std::string& what);
Json custom_value(const CustomField& field, const std::string& text, const std::string& what);

// Ids: random lowercase base32, 10 characters; valid ids never contain a path separator.
std::string new_id();
bool valid_id(std::string_view id);

bool valid_email(std::string_view s);
bool valid_phone(std::string_view s);
bool valid_money(std::string_view s);
bool valid_domain(std::string_view s);

// The text of a labelled item: "ana@x" or {"work": "ana@x"} -> "ana@x".
std::string item_text(const Json& item);

// Items of a list are the same when their text is (addresses: their label), folded.
bool same_item(const Json& a, const Json& b);

// All ids this record links to (company, contacts, reports_to, parent...).
std::vector<std::string> linked_ids(const TypeSpec& type, const Json& data);

}  // namespace crm
