#include "model/schema.hpp"

#include <algorithm>
#include <array>

#include "model/error.hpp"

namespace crm {

namespace {

// Fields every kind of party (contact, company) shares, in canonical order after their own.
std::vector<FieldSpec> party_tail() {
  return {
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
      {"fields", Kind::Custom, "", "custom fields declared in crm.yaml"},
      {"notes", Kind::Text, "notes", "free text about it"},
      {"created", Kind::DateTime, "", "when it was added (written once)"},
      {"conflicts", Kind::Conflicts, "", "values a merge could not reconcile"},
  };
}

std::vector<FieldSpec> concat(std::vector<FieldSpec> head, std::vector<FieldSpec> tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

std::vector<TypeSpec> build() {
  std::vector<TypeSpec> t;
  t.push_back({"contact", "contacts", "name", true,
               concat({{"name", Kind::Line, "name", "full name", "", true},
                       {"title", Kind::Line, "title", "job title"},
                       {"department", Kind::Line, "department", "department (Accounts Payable, Engineering...)"},
                       {"roles", Kind::Tags, "role", "their part in buying: buyer, decision-maker, billing... (repeatable)"},
                       {"company", Kind::Ref, "company", "company they work for (REF)", "company"},
                       {"reports_to", Kind::Ref, "reports-to", "their manager (contact REF)", "contact"},
                       {"birthday", Kind::Date, "birthday", "birthday (YYYY-MM-DD)"}},
                      party_tail())});
  t.push_back({"company", "companies", "name", true,
               concat({{"name", Kind::Line, "name", "company name", "", true},
                       {"domains", Kind::Domains, "domain", "web or mail domain (repeatable)"},
                       {"industry", Kind::Line, "industry", "industry"},
                       {"employees", Kind::Integer, "employees", "number of employees"},
                       {"parent", Kind::Ref, "parent", "parent company (REF)", "company"}},
                      party_tail())});
  t.push_back({"deal", "deals", "title", true,
               {{"title", Kind::Line, "title", "what is being sold", "", true},
                {"company", Kind::Ref, "company", "customer company (REF)", "company"},
                {"contacts", Kind::Refs, "contact", "people involved (contact REF, repeatable)", "contact"},
                {"owner", Kind::Line, "owner", "who in your team owns it"},
                {"stage", Kind::Stage, "stage", "pipeline stage from crm.yaml"},
                {"amount", Kind::Money, "amount", "value, a decimal number (12000.50)"},
                {"currency", Kind::Currency, "currency", "ISO 4217 code (default from crm.yaml)"},
                {"probability", Kind::Percent, "probability", "win probability 0-100 (default from the stage)"},
                {"close", Kind::Date, "close", "expected close date"},
                {"source", Kind::Line, "source", "where it came from"},
                {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                {"lost_reason", Kind::Line, "lost-reason", "why it was lost"},
                {"stage_history", Kind::StageHistory, "", "stage changes with dates"},
                {"fields", Kind::Custom, "", "custom fields declared in crm.yaml"},
                {"notes", Kind::Text, "notes", "free text about it"},
                {"created", Kind::DateTime, "", "when it was added (written once)"},
                {"conflicts", Kind::Conflicts, "", "values a merge could not reconcile"}}});
  t.push_back({"note", "notes", "subject", false,
               {{"kind", Kind::NoteKind, "", "call, email, meeting, note... (crm.yaml note_kinds)", "", true},
                {"at", Kind::DateTime, "at", "when it happened (default: now)", "", true},
                {"subject", Kind::Line, "subject", "one-line summary"},
                {"contacts", Kind::Refs, "contact", "people involved (contact REF, repeatable)", "contact"},
                {"company", Kind::Ref, "company", "company (REF)", "company"},
                {"deal", Kind::Ref, "deal", "deal it is about (REF)", "deal"},
                {"campaign", Kind::Ref, "campaign", "campaign it answers (REF)", "campaign"},
                {"direction", Kind::Choice, "direction", "in (they reached us) or out (we reached them)", "", false,
                 "in out"},
                {"duration", Kind::Duration, "duration", "how long: 45m, 1h30m"},
                {"outcome", Kind::Line, "outcome", "what came of it"},
                {"author", Kind::Line, "author", "who wrote it (default: git config user.name)"},
                {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                {"body", Kind::Text, "", "what was said or written"},
                {"fields", Kind::Custom, "", "custom fields declared in crm.yaml"},
                {"created", Kind::DateTime, "", "when it was added (written once)"},
                {"conflicts", Kind::Conflicts, "", "values a merge could not reconcile"}}});
  t.push_back({"task", "tasks", "title", true,
               {{"title", Kind::Line, "title", "what to do", "", true},
                {"due", Kind::When, "due", "when: a date, or a date and time (friday, +3d, \"tomorrow 10:00\")"},
                {"done", Kind::DateTime, "", "when it was done (crm task done)"},
                {"every", Kind::Period, "every", "repeat every N days, weeks, months or years (2w, 3m)"},
                {"contacts", Kind::Refs, "contact", "people it is for (contact REF, repeatable)", "contact"},
                {"company", Kind::Ref, "company", "company it is for (REF)", "company"},
                {"deal", Kind::Ref, "deal", "deal it moves on (REF)", "deal"},
                {"owner", Kind::Line, "owner", "who in your team does it"},
                {"priority", Kind::Choice, "priority", "low, normal or high", "", false, "low normal high"},
                {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                {"notes", Kind::Text, "notes", "details"},
                {"fields", Kind::Custom, "", "custom fields declared in crm.yaml"},
                {"created", Kind::DateTime, "", "when it was added (written once)"},
                {"conflicts", Kind::Conflicts, "", "values a merge could not reconcile"}}});
  t.push_back({"campaign", "campaigns", "name", true,
               {{"name", Kind::Line, "name", "campaign name", "", true},
                {"channel", Kind::Line, "channel", "email, event, ads, webinar..."},
                {"status", Kind::Choice, "status", "planned, active or done", "", false, "planned active done"},
                {"start", Kind::Date, "start", "first day"},
                {"end", Kind::Date, "end", "last day"},
                {"budget", Kind::Money, "budget", "what it costs, a decimal number"},
                {"currency", Kind::Currency, "currency", "ISO 4217 code (default from crm.yaml)"},
                {"contacts", Kind::Refs, "member", "member (contact REF, repeatable)", "contact"},
                {"owner", Kind::Line, "owner", "who in your team runs it"},
                {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                {"notes", Kind::Text, "notes", "free text about it"},
                {"fields", Kind::Custom, "", "custom fields declared in crm.yaml"},
                {"created", Kind::DateTime, "", "when it was added (written once)"},
                {"conflicts", Kind::Conflicts, "", "values a merge could not reconcile"}}});
  return t;
}

}  // namespace

const FieldSpec* TypeSpec::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

const FieldSpec* TypeSpec::field_by_flag(std::string_view fl) const {
  for (const auto& f : fields)
    if (!f.flag.empty() && f.flag == fl) return &f;
  return nullptr;
}

const std::vector<TypeSpec>& record_types() {
  static const std::vector<TypeSpec> types = build();
  return types;
}

const TypeSpec* find_type(std::string_view name) {
  for (const auto& t : record_types())
    if (t.name == name || t.folder == name) return &t;
  return nullptr;
}

const TypeSpec& type_spec(std::string_view name) {
  if (const auto* t = find_type(name)) return *t;
  std::string names;
  for (const auto& t : record_types()) names += (names.empty() ? "" : ", ") + std::string(t.name);
  fail(Failure::Usage, "unknown record type '" + std::string(name) + "'", "types are: " + names);
}

bool is_list_kind(Kind k) {
  switch (k) {
    case Kind::Refs: case Kind::Tags: case Kind::Emails: case Kind::Phones: case Kind::Domains:
    case Kind::Addresses: case Kind::StageHistory:
      return true;
    default:
      return false;
  }
}

std::vector<std::string> choices_of(const FieldSpec& f) {
  std::vector<std::string> out;
  std::string_view c = f.choices;
  while (!c.empty()) {
    size_t sp = c.find(' ');
    out.emplace_back(c.substr(0, sp));
    c = sp == std::string_view::npos ? std::string_view{} : c.substr(sp + 1);
  }
  return out;
}

namespace {
struct KindName {
  Kind kind;
  std::string_view name;
};
constexpr std::array kKindNames{
    KindName{Kind::Line, "string"},   KindName{Kind::Text, "text"},         KindName{Kind::Email, "email"},
    KindName{Kind::Phone, "phone"},   KindName{Kind::Url, "url"},           KindName{Kind::Date, "date"},
    KindName{Kind::DateTime, "datetime"}, KindName{Kind::Money, "money"},   KindName{Kind::Currency, "currency"},
    KindName{Kind::Integer, "integer"}, KindName{Kind::Percent, "percent"}, KindName{Kind::Boolean, "boolean"},
    KindName{Kind::Tags, "list"},     KindName{Kind::Period, "period"},     KindName{Kind::Duration, "duration"},
};
}  // namespace

std::string_view kind_name(Kind k) {
  for (const auto& kn : kKindNames)
    if (kn.kind == k) return kn.name;
  return "value";
}

bool parse_kind(std::string_view name, Kind& out) {
  for (const auto& kn : kKindNames)
    if (kn.name == name) {
      out = kn.kind;
      return true;
    }
  return false;
}

bool valid_currency(std::string_view code) {
  // ISO 4217 active codes (2024 list).
  static constexpr std::string_view codes =
      "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD "
      "CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
      "GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW "
      "KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN "
      "NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL "
      "SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES "
      "VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL";
  if (code.size() != 3) return false;
  for (size_t i = 0; i + 3 <= codes.size(); i += 4)
    if (codes.substr(i, 3) == code) return true;
  return false;
}

}  // namespace crm
