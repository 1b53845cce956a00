// campaign: a mailing, an event or ads, with its members and what it cost.
#include "model/types/types.hpp"

namespace crm {

TypeSpec campaign_type() {
  TypeSpec t{"campaign", "campaigns", "name", true,
             with_tail({{"name", Kind::Line, "name", "campaign name", "", true},
                        {"channel", Kind::Line, "channel", "email, event, ads, webinar..."},
                        {"status", Kind::Choice, "status", "planned, active or done", "", false, "planned active done"},
                        {"start", Kind::Date, "start", "first day"},
                        {"end", Kind::Date, "end", "last day"},
                        {"budget", Kind::Money, "budget", "what it costs, a decimal number"},
                        {"currency", Kind::Currency, "currency", "ISO 4217 code (default from crm.yaml)"},
                        {"contacts", Kind::Refs, "member", "member (contact REF, repeatable)", "contact"},
                        {"owner", Kind::Line, "owner", "who in your team runs it"},
                        {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                        {"notes", Kind::Text, "notes", "free text about it"}},
                       "")};
  t.columns = {"name", "status", "channel", "start", "end", "owner"};
  t.help = "campaigns";
  return t;
}

}  // namespace crm
