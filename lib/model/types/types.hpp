// The built-in record types, one file each; lib/model/registry.cpp lists them.
#pragma once
#include <vector>

#include "model/schema.hpp"

namespace crm {

TypeSpec contact_type();
TypeSpec company_type();
TypeSpec deal_type();
TypeSpec note_type();
TypeSpec task_type();
TypeSpec campaign_type();

// Fields every kind of party (contact, company) shares, in canonical order after their own.
std::vector<FieldSpec> party_fields(std::vector<FieldSpec> own);
// The fields every type ends with: custom fields, notes (unless `notes` is empty), created, conflicts.
std::vector<FieldSpec> with_tail(std::vector<FieldSpec> own, std::string_view notes_help = "free text about it");

}  // namespace crm

namespace crm {
// A deal entering `stage` at `at`: appended to its stage_history.
void append_stage(Json& data, const std::string& stage, const std::string& at);
}  // namespace crm
