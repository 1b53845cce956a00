// contact: a person.
#include "model/types/types.hpp"

namespace crm {

TypeSpec contact_type() {
  TypeSpec t{"contact", "contacts", "name", true,
             party_fields({{"name", Kind::Line, "name", "full name", "", true},
                           {"title", Kind::Line, "title", "job title"},
                           {"department", Kind::Line, "department", "department (Accounts Payable, Engineering...)"},
                           {"roles", Kind::Tags, "role", "their part in buying: buyer, decision-maker, billing... (repeatable)"},
                           {"company", Kind::Ref, "company", "company they work for (REF)", "company"},
                           {"reports_to", Kind::Ref, "reports-to", "their manager (contact REF)", "contact"},
                           {"birthday", Kind::Date, "birthday", "birthday (YYYY-MM-DD)"}})};
  t.columns = {"name", "emails", "phones", "company", "title"};
  t.party = true;
  t.summary = {"title", "department", "roles", "phones"};
  t.verbs = {"merge"};
  t.help = "people";
  return t;
}

}  // namespace crm
