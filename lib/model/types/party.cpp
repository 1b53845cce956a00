// What people and organisations share: how to reach them, who looks after them, and how often.
#include "model/types/types.hpp"

namespace crm {

std::vector<FieldSpec> with_tail(std::vector<FieldSpec> own, std::string_view notes_help) {
  own.push_back({"fields", Kind::Custom, "", "custom fields declared in crm.yaml"});
  if (!notes_help.empty()) own.push_back({"notes", Kind::Text, "notes", notes_help});
  own.push_back({"created", Kind::DateTime, "", "when it was added (written once)"});
  own.push_back({"conflicts", Kind::Conflicts, "", "values a merge could not reconcile"});
  return own;
}

std::vector<FieldSpec> party_fields(std::vector<FieldSpec> own) {
  std::vector<FieldSpec> tail{
      {"emails", Kind::Emails, "email", "email address; LABEL:ADDRESS to label it (repeatable)"},
      {"phones", Kind::Phones, "phone", "phone number; LABEL:NUMBER to label it (repeatable)"},
      {"addresses", Kind::Addresses, "address",
       "postal address as 'label=billing;street=...;city=...;region=...;postal_code=...;country=...' (repeatable)"},
      {"website", Kind::Url, "website", "web site"},
      {"owner", Kind::Line, "owner", "who in your team looks after it"},
      {"lifecycle", Kind::Lifecycle, "lifecycle", "lifecycle stage from crm.yaml"},
      {"source", Kind::Line, "source", "where it came from (referral, web, event...)"},
      {"tags", Kind::Tags, "tag", "tag (repeatable)"},
      {"keep_in_touch", Kind::Period, "keep-in-touch", "contact cadence: 30d, 2w, 3m"},
  };
  own.insert(own.end(), tail.begin(), tail.end());
  return with_tail(std::move(own));
}

}  // namespace crm
