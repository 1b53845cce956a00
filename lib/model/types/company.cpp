// company: an organisation, with its people (contacts whose company it is).
#include "model/types/types.hpp"

namespace crm {

TypeSpec company_type() {
  TypeSpec t{"company", "companies", "name", true,
             party_fields({{"name", Kind::Line, "name", "company name", "", true},
                           {"domains", Kind::Domains, "domain", "web or mail domain (repeatable)"},
                           {"industry", Kind::Line, "industry", "industry"},
                           {"employees", Kind::Integer, "employees", "number of employees"},
                           {"parent", Kind::Ref, "parent", "parent company (REF)", "company"}})};
  t.columns = {"name", "domains", "phones", "owner", "tags"};
  t.party = true;
  t.verbs = {"merge"};
  t.help = "organisations";
  return t;
}

}  // namespace crm
