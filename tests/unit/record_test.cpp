// Records: validation against the schema and crm.yaml, typed values from the
// command line, ids, and the canonical file form.
#include <catch2/catch.hpp>

#include "pinned_clock.hpp"

#include <cstdlib>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/error.hpp"
#include "model/record.hpp"
#include "model/text.hpp"
#include "model/schema.hpp"
#include "model/yaml.hpp"

using crm::Config;
using crm::CustomField;
using crm::Error;
using crm::Failure;
using crm::Json;
using crm::Kind;
using crm::Problem;
using crm::TypeSpec;

namespace {


const TypeSpec& contact() { return crm::type_spec("contact"); }
const TypeSpec& company() { return crm::type_spec("company"); }
const TypeSpec& deal() { return crm::type_spec("deal"); }

Config test_config() {
  Config c = Config::defaults();
  c.fields["contact"] = {{"linkedin", Kind::Url}, {"score", Kind::Integer}, {"vip", Kind::Boolean},
                         {"interests", Kind::Tags}, {"renewal", Kind::Date}};
  c.fields["deal"] = {{"region", Kind::Line}};
  return c;
}

Json valid_contact() {
  return Json::parse(R"({
    "name": "Ana García",
    "title": "CFO",
    "department": "Finance",
    "company": "c0mpany01",
    "reports_to": "b0ss00001",
    "birthday": "1985-04-12",
    "emails": ["ana@x.example", {"work": "ana.garcia+crm@work.example"}],
    "phones": ["+34 600 123 456", {"mobile": "(555) 123-4567 ext. 12"}],
    "addresses": [{"label": "billing", "street": "Calle Mayor 1\nPiso 2", "city": "Madrid",
                   "region": "Madrid", "postal_code": "28001", "country": "ES"}],
    "website": "https://x.example",
    "owner": "luis",
    "lifecycle": "customer",
    "source": "referral",
    "tags": ["vip", "partner"],
    "keep_in_touch": "30d",
    "fields": {"linkedin": "https://linkedin.example/in/ana", "score": "12", "vip": "true",
               "interests": ["golf"], "renewal": "2027-01-31"},
    "notes": "Met at a fair.\nLikes tea.\n",
    "created": "2026-11-23T10:00:00Z",
    "conflicts": {"title": ["CEO"]}
  })");
}

Json valid_company() {
  return Json::parse(R"({
    "name": "Acme Iberia S.L.",
    "domains": ["acme.example", "acme-iberia.co.uk"],
    "industry": "Manufacturing",
    "employees": "250",
    "parent": "par3nt0001",
    "emails": ["info@acme.example"],
    "tags": ["customer"],
    "created": "2026-11-23T10:00:00+01:00"
  })");
}

Json valid_deal() {
  return Json::parse(R"({
    "title": "ERP rollout",
    "company": "c0mpany01",
    "contacts": ["c0ntact01", "c0ntact02"],
    "owner": "luis",
    "stage": "proposal",
    "amount": "12000.50",
    "currency": "EUR",
    "probability": "50",
    "close": "2026-12-31",
    "source": "web",
    "tags": ["q4"],
    "lost_reason": "price",
    "stage_history": [{"stage": "lead", "at": "2026-11-01T09:00:00Z"},
                      {"stage": "proposal", "at": "2026-11-20T09:30:00+01:00"}],
    "fields": {"region": "EMEA"},
    "notes": "Call back.\n",
    "created": "2026-11-01T09:00:00Z"
  })");
}

std::string describe(const std::vector<Problem>& ps) {
  std::string r;
  for (const auto& p : ps) r += "  " + p.pointer + ": " + p.message + "\n";
  return r;
}

// `data` with `key` replaced by `value` (or removed when value is discarded).
Json with(Json data, const std::string& key, const Json& value) {
  if (value.is_discarded()) data.erase(key);
  else data[key] = value;
  return data;
}

std::optional<Error> error_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

const crm::FieldSpec& field(const TypeSpec& t, std::string_view name) {
  const crm::FieldSpec* f = t.field(name);
  REQUIRE(f != nullptr);
  return *f;
}

}  // namespace

// ---------------------------------------------------------------------------
// Validation

TEST_CASE("validate_record: valid records of each type have no problems", "[record][validate]") {
  Config c = test_config();
  auto check = [&](const TypeSpec& t, const Json& data) {
    auto ps = crm::validate_record(t, c, data);
    INFO(t.name << " problems:\n" << describe(ps));
    CHECK(ps.empty());
  };
  check(contact(), valid_contact());
  check(company(), valid_company());
  check(deal(), valid_deal());
  // The minimum: the title field alone.
  check(contact(), Json::object({{"name", "Ana"}}));
  check(company(), Json::object({{"name", "Acme"}}));
  check(deal(), Json::object({{"title", "Deal"}}));
  // Nulls (empty values in a file) are allowed for optional fields.
  check(contact(), Json::object({{"name", "Ana"}, {"title", nullptr}, {"emails", nullptr}}));
  // Integer and percent fields may be numbers as well as text.
  check(deal(), Json::object({{"title", "Deal"}, {"probability", 75}}));
  check(company(), Json::object({{"name", "Acme"}, {"employees", 12}}));
  // Every stage in crm.yaml is accepted.
  for (const auto& s : c.stages) check(deal(), Json::object({{"title", "Deal"}, {"stage", s.name}}));
  // Booleans as YAML reads them (text) or as JSON.
  check(contact(), Json::object({{"name", "Ana"}, {"fields", Json::object({{"vip", false}})}}));
}

TEST_CASE("validate_record: a record read from YAML text is valid", "[record][validate]") {
  auto doc = crm::parse_yaml(
      "title: ERP rollout\n"
      "stage: won\n"
      "amount: 12000.50\n"
      "currency: USD\n"
      "probability: 100\n"
      "close: 2026-12-31\n"
      "contacts:\n"
      "  - c0ntact01\n"
      "stage_history:\n"
      "  - stage: won\n"
      "    at: 2026-11-23T10:00:00Z\n",
      "deals/x.yaml");
  auto ps = crm::validate_record(deal(), test_config(), doc.value);
  INFO(describe(ps));
  CHECK(ps.empty());
}

TEST_CASE("validate_record reports each bad value at its pointer", "[record][validate]") {
  struct Case {
    const TypeSpec* type;
    Json data;
    std::string pointer;
    std::string needle;  // part of the message
  };
  const Json discard = Json(Json::value_t::discarded);
  const std::vector<Case> cases = {
      {&contact(), with(valid_contact(), "emails", Json::array({"ana@"})), "/emails/0", "not a valid email"},
      {&contact(), with(valid_contact(), "emails", Json::array({"ok@x.example", "ana@@x.example"})), "/emails/1",
       "not a valid email"},
      {&contact(), with(valid_contact(), "emails", Json::array({Json::object({{"work", "not an email"}})})),
       "/emails/0/work", "not a valid email"},
      {&contact(), with(valid_contact(), "emails", Json::array({Json::object({{"a", "x@y.example"}, {"b", "z@y.example"}})})),
       "/emails/0", "one 'label: value' pair"},
      {&contact(), with(valid_contact(), "phones", Json::array({"+34 6OO 123 456"})), "/phones/0",
       "not a phone number"},
      {&contact(), with(valid_contact(), "phones", Json::array({Json::object({{"mobile", "call me"}})})),
       "/phones/0/mobile", "not a phone number"},
      {&deal(), with(valid_deal(), "amount", "12,000.00.5"), "/amount", "not an amount"},
      {&deal(), with(valid_deal(), "amount", "12,000"), "/amount", "not an amount"},
      {&deal(), with(valid_deal(), "stage", "maybe"), "/stage", "unknown stage 'maybe'"},
      {&deal(), with(valid_deal(), "currency", "XYZ"), "/currency", "not an ISO 4217 currency code"},
      {&deal(), with(valid_deal(), "currency", "eur"), "/currency", "not an ISO 4217 currency code"},
      {&deal(), with(valid_deal(), "close", "2026-13-40"), "/close", "not a date"},
      {&deal(), with(valid_deal(), "close", "tomorrow"), "/close", "not a date"},
      {&deal(), with(valid_deal(), "probability", "150"), "/probability", "from 0 to 100"},
      {&deal(), with(valid_deal(), "probability", 150), "/probability", "from 0 to 100"},
      {&deal(), with(valid_deal(), "probability", "-1"), "/probability", "from 0 to 100"},
      {&deal(), with(valid_deal(), "probability", "fifty"), "/probability", "whole number"},
      {&deal(), with(valid_deal(), "probability", 50.5), "/probability", "whole number"},
      {&contact(), with(valid_contact(), "birthday", "2026-02-30"), "/birthday", "not a date"},
      {&contact(), with(valid_contact(), "favourite_colour", "blue"), "/favourite_colour", "unknown field"},
      {&contact(), with(valid_contact(), "fields", Json::object({{"twitter", "@ana"}})), "/fields/twitter",
       "not declared for contact"},
      {&deal(), with(valid_deal(), "fields", Json::object({{"linkedin", "x.example"}})), "/fields/linkedin",
       "not declared for deal"},  // declared for contacts only
      {&contact(), with(valid_contact(), "emails", "ana@x.example"), "/emails", "must be a list"},
      {&contact(), with(valid_contact(), "tags", "vip"), "/tags", "must be a list"},
      {&deal(), with(valid_deal(), "contacts", "c0ntact01"), "/contacts", "must be a list"},
      {&contact(), with(valid_contact(), "name", Json::array({"Ana"})), "/name", "single value"},
      {&contact(), with(valid_contact(), "title", Json::object({{"a", "b"}})), "/title", "single value"},
      {&contact(), with(valid_contact(), "name", discard), "/name", "name is required"},
      {&contact(), with(valid_contact(), "name", nullptr), "/name", "name is required"},
      {&contact(), with(valid_contact(), "name", "   "), "/name", "name"},
      {&deal(), with(valid_deal(), "title", discard), "/title", "title is required"},
      {&contact(), with(valid_contact(), "name", 42), "/name", "must be text"},
      {&contact(), with(valid_contact(), "title", "two\nlines"), "/title", "one line"},
      {&contact(), with(valid_contact(), "name", "bad \xff utf8"), "/name", "not valid UTF-8"},
      {&contact(), with(valid_contact(), "lifecycle", "alien"), "/lifecycle", "unknown lifecycle stage"},
      {&contact(), with(valid_contact(), "keep_in_touch", "monthly"), "/keep_in_touch", "not a period"},
      {&contact(), with(valid_contact(), "keep_in_touch", "0d"), "/keep_in_touch", "not a period"},
      {&contact(), with(valid_contact(), "company", "../../etc/passwd"), "/company", "not a record id"},
      {&contact(), with(valid_contact(), "reports_to", "ABCDEFGHJK"), "/reports_to", "not a record id"},
      {&deal(), with(valid_deal(), "contacts", Json::array({"c0ntact01", "x"})), "/contacts/1", "not a record id"},
      {&company(), with(valid_company(), "domains", Json::array({"not a domain"})), "/domains/0", "not a domain"},
      {&company(), with(valid_company(), "domains", Json::array({"acme.example", "localhost"})), "/domains/1",
       "not a domain"},
      {&company(), with(valid_company(), "employees", "many"), "/employees", "whole number"},
      {&company(), with(valid_company(), "parent", "p"), "/parent", "not a record id"},
      {&contact(), with(valid_contact(), "created", "2026-11-23 10:00"), "/created", "ISO 8601"},
      {&contact(), with(valid_contact(), "created", "2026-11-23T10:00:00"), "/created", "ISO 8601"},
      {&contact(), with(valid_contact(), "website", "not a url"), "/website", "not a web address"},
      {&contact(), with(valid_contact(), "addresses", Json::array({Json::object({{"zip", "28001"}})})),
       "/addresses/0/zip", "unknown address part 'zip'"},
      {&contact(), with(valid_contact(), "addresses", Json::array({"Calle Mayor 1"})), "/addresses/0",
       "an address is a map"},
      {&contact(), with(valid_contact(), "addresses", Json::array({Json::object({{"city", "Ma\ndrid"}})})),
       "/addresses/0/city", "one line"},
      {&deal(), with(valid_deal(), "stage_history", Json::array({Json::object({{"stage", "won"}})})),
       "/stage_history/0", "need stage and at"},
      {&deal(), with(valid_deal(), "stage_history", Json::array({Json::object({{"stage", "won"}, {"at", "yesterday"}})})),
       "/stage_history/0/at", "ISO 8601"},
      {&deal(), with(valid_deal(), "stage_history", Json::array({Json::object({{"stage", Json::array()}, {"at", "2026-11-23T10:00:00Z"}})})),
       "/stage_history/0/stage", "stage must be text"},
      {&contact(), with(valid_contact(), "fields", Json::object({{"score", "12.5"}})), "/fields/score", "whole number"},
      {&contact(), with(valid_contact(), "fields", Json::object({{"vip", "maybe"}})), "/fields/vip", "true or false"},
      {&contact(), with(valid_contact(), "fields", Json::object({{"interests", "golf"}})), "/fields/interests",
       "must be a list"},
      {&contact(), with(valid_contact(), "fields", Json::object({{"renewal", "2027-02-30"}})), "/fields/renewal",
       "not a date"},
      {&contact(), with(valid_contact(), "fields", "oops"), "/fields", "must be a map"},
      {&contact(), with(valid_contact(), "conflicts", "x"), "/conflicts", "must be a map"},
      {&contact(), with(valid_contact(), "tags", Json::array({"vip", "  "})), "/tags/1", "tag is empty"},
  };
  Config c = test_config();
  for (const auto& k : cases) {
    auto ps = crm::validate_record(*k.type, c, k.data);
    INFO(k.type->name << " expecting " << k.pointer << " (" << k.needle << "); got:\n" << describe(ps));
    REQUIRE(ps.size() == 1u);
    CHECK(ps[0].pointer == k.pointer);
    CHECK(ps[0].message.find(k.needle) != std::string::npos);
  }
}

TEST_CASE("validate_record reports every problem, not just the first", "[record][validate]") {
  Json d = Json::object({{"stage", "maybe"}, {"amount", "1,5"}, {"currency", "XYZ"}, {"extra", "x"}});
  auto ps = crm::validate_record(deal(), test_config(), d);
  INFO(describe(ps));
  std::set<std::string> pointers;
  for (const auto& p : ps) pointers.insert(p.pointer);
  CHECK(pointers == std::set<std::string>{"/title", "/stage", "/amount", "/currency", "/extra"});
}

TEST_CASE("validate_record refuses data that is not a map", "[record][validate]") {
  for (const Json& d : {Json::array({"a"}), Json("text"), Json(nullptr)}) {
    auto ps = crm::validate_record(contact(), test_config(), d);
    REQUIRE(ps.size() == 1u);
    CHECK(ps[0].pointer == "");
    CHECK(ps[0].message == "a contact file must be a map of fields");
  }
}

TEST_CASE("validate_record checks stages against the configured ones", "[record][validate]") {
  Config c = Config::defaults();
  c.stages = {{"open", 30}, {"closed", 100}};
  CHECK(crm::validate_record(deal(), c, Json::object({{"title", "D"}, {"stage", "open"}})).empty());
  auto ps = crm::validate_record(deal(), c, Json::object({{"title", "D"}, {"stage", "proposal"}}));
  REQUIRE(ps.size() == 1u);
  CHECK(ps[0].message.find("stages: open, closed") != std::string::npos);
}

// ---------------------------------------------------------------------------
// Scalar checks

TEST_CASE("valid_email", "[record][scalar]") {
  for (std::string_view ok : {"ana@x.example", "Ana.Garcia+crm@sub.x.example", "a@b.co", "o'brien@x.example",
                              "ñandú@ejemplo.es", "ana@bücher.example", "x_y-z@x-y.example", "1@2.example"}) {
    INFO(ok);
    CHECK(crm::valid_email(ok));
  }
  for (std::string_view bad : {"", "ana", "ana@", "@x.example", "ana@localhost", "ana@@x.example", "a..b@x.example",
                               ".ana@x.example", "ana.@x.example", "ana @x.example", "ana@x..example",
                               "ana@-x.example", "ana@x.example.", "ana@x_y.example", "ana@x.example>",
                               "<ana@x.example>", "ana,eva@x.example"}) {
    INFO(bad);
    CHECK_FALSE(crm::valid_email(bad));
  }
  CHECK_FALSE(crm::valid_email(std::string(250, 'a') + "@x.example"));  // longer than 254
}

TEST_CASE("valid_phone", "[record][scalar]") {
  for (std::string_view ok : {"+34 600 123 456", "600123456", "(555) 123-4567", "+1 555.123.4567",
                              "+44 20 7946 0958", "555-1234 x12", "+1 555 123 4567 ext. 89", "123",
                              "030/1234567", "+49 (0)30 1234567"}) {
    INFO(ok);
    CHECK(crm::valid_phone(ok));
  }
  for (std::string_view bad : {"", "abc", "+34 6OO 123 456", "call me", "12", "+", "---1-2", "555-CALL-NOW",
                               "+34 600 123 456 ext", "++34 600", "600#123", "1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6-7"}) {
    INFO(bad);
    CHECK_FALSE(crm::valid_phone(bad));
  }
}

TEST_CASE("valid_money", "[record][scalar]") {
  for (std::string_view ok : {"0", "12000", "12000.50", "0.5", "1.2345", "999999999999999"}) {
    INFO(ok);
    CHECK(crm::valid_money(ok));
  }
  // Amounts are never negative: a refund or credit is a record of its own.
  for (std::string_view bad : {"-3.25", "-0", "", "12,000.00.5", "12,000", "012", "1e5", ".5", "12.", "1.23456", "+5", "EUR 5",
                               "5 EUR", "1 000", "--1", "1000000000000000"}) {
    INFO(bad);
    CHECK_FALSE(crm::valid_money(bad));
  }
}

TEST_CASE("valid_domain", "[record][scalar]") {
  for (std::string_view ok : {"x.example", "sub.x.co.uk", "acme-iberia.example", "xn--bcher-kva.example",
                              "bücher.example", "a.b"}) {
    INFO(ok);
    CHECK(crm::valid_domain(ok));
  }
  std::string label63(63, 'a'), label64(64, 'a');
  CHECK(crm::valid_domain(label63 + ".example"));
  for (std::string_view bad : {"", "localhost", "-x.example", "x-.example", "x..example", ".x.example",
                               "x.example.", "ex ample.com", "https://x.example", "x_y.example", "x.example/path",
                               "ana@x.example"}) {
    INFO(bad);
    CHECK_FALSE(crm::valid_domain(bad));
  }
  CHECK_FALSE(crm::valid_domain(label64 + ".example"));
}

TEST_CASE("valid_currency knows ISO 4217 codes", "[record][scalar]") {
  for (std::string_view ok : {"EUR", "USD", "GBP", "JPY", "CHF", "MXN", "AED", "ZWL"}) {
    INFO(ok);
    CHECK(crm::valid_currency(ok));
  }
  for (std::string_view bad : {"XYZ", "eur", "EURO", "EU", "", "E R", "US D", "AAA"}) {
    INFO(bad);
    CHECK_FALSE(crm::valid_currency(bad));
  }
}

// ---------------------------------------------------------------------------
// Ids

TEST_CASE("new_id makes 10-character ids from the id alphabet, all different", "[record][id]") {
  const std::string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = crm::new_id();
    INFO(id);
    REQUIRE(id.size() == 10u);
    CHECK(id.find_first_not_of(alphabet) == std::string::npos);
    CHECK(crm::valid_id(id));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000u);
}

TEST_CASE("valid_id refuses path tricks, uppercase and bad lengths", "[record][id]") {
  CHECK(crm::valid_id("abcdefgh"));
  CHECK(crm::valid_id("0123456789"));
  CHECK(crm::valid_id(std::string(32, 'a')));
  for (std::string_view bad : {"../../etc/passwd", "..", "abc/defgh", "abcdefg\\h", "ABCDEFGHJK", "abcdEfghjk",
                               "abc", "abcdefg", "", "abcd efgh", "abcd-efgh", "abcd.efgh", "abcdéfgh"}) {
    INFO(bad);
    CHECK_FALSE(crm::valid_id(bad));
  }
  CHECK_FALSE(crm::valid_id(std::string(33, 'a')));
}

// ---------------------------------------------------------------------------
// Values typed on the command line

TEST_CASE("field_value: labelled emails and phones", "[record][field_value]") {
  Config c = test_config();
  const auto& emails = field(contact(), "emails");
  const auto& phones = field(contact(), "phones");
  CHECK(crm::field_value(emails, c, "work:ana@x.example", "--email") == Json::object({{"work", "ana@x.example"}}));
  CHECK(crm::field_value(emails, c, " work : Ana@X.Example ", "--email") == Json::object({{"work", "ana@x.example"}}));
  CHECK(crm::field_value(emails, c, "Ana@X.Example", "--email") == "ana@x.example");
  CHECK(crm::field_value(emails, c, "home office:ana@x.example", "--email") ==
        Json::object({{"home office", "ana@x.example"}}));
  CHECK(crm::field_value(phones, c, "+34 600 123 456", "--phone") == "+34 600 123 456");
  CHECK(crm::field_value(phones, c, "mobile:+34 600 123 456", "--phone") ==
        Json::object({{"mobile", "+34 600 123 456"}}));
  CHECK(crm::field_value(phones, c, "mobile: (555) 123-4567", "--phone") ==
        Json::object({{"mobile", "(555) 123-4567"}}));
}

TEST_CASE("field_value: addresses from label=...;street=...", "[record][field_value]") {
  Config c = test_config();
  const auto& addresses = field(contact(), "addresses");
  Json a = crm::field_value(addresses, c, "label=billing;street=Calle Mayor 1;city=Madrid;postal_code=28001;country=ES",
                            "--address");
  CHECK(a == Json::object({{"label", "billing"},
                           {"street", "Calle Mayor 1"},
                           {"city", "Madrid"},
                           {"postal_code", "28001"},
                           {"country", "ES"}}));
  CHECK(crm::field_value(addresses, c, " label = home ; city = Sevilla ;", "--address") ==
        Json::object({{"label", "home"}, {"city", "Sevilla"}}));
  CHECK(crm::field_value(addresses, c, "street=Calle 1=2", "--address") == Json::object({{"street", "Calle 1=2"}}));
}

TEST_CASE("field_value: currencies, dates, datetimes, periods and domains are normalised", "[record][field_value]") {
  PinnedClock pinned;
  Config c = test_config();
  CHECK(crm::field_value(field(deal(), "currency"), c, "eur", "--currency") == "EUR");
  CHECK(crm::field_value(field(deal(), "currency"), c, " usd ", "--currency") == "USD");
  CHECK(crm::field_value(field(deal(), "close"), c, "friday", "--close") == "2026-11-27");
  CHECK(crm::field_value(field(deal(), "close"), c, "eom", "--close") == "2026-11-30");
  CHECK(crm::field_value(field(deal(), "close"), c, "+3d", "--close") == "2026-11-26");
  CHECK(crm::field_value(field(deal(), "close"), c, "2026-12-31", "--close") == "2026-12-31");
  CHECK(crm::field_value(field(contact(), "birthday"), c, "1985-04-12", "--birthday") == "1985-04-12");
  CHECK(crm::field_value(field(contact(), "created"), c, "2026-11-20 09:30", "created=") == "2026-11-20T09:30:00Z");
  CHECK(crm::field_value(field(contact(), "created"), c, "2026-11-20T09:30:00+01:00", "created=") ==
        "2026-11-20T09:30:00+01:00");
  CHECK(crm::field_value(field(contact(), "keep_in_touch"), c, "2 weeks", "--keep-in-touch") == "2w");
  CHECK(crm::field_value(field(company(), "domains"), c, "Acme.EXAMPLE", "--domain") == "acme.example");
}

TEST_CASE("field_value: other kinds keep the trimmed text", "[record][field_value]") {
  Config c = test_config();
  CHECK(crm::field_value(field(contact(), "name"), c, "  Ana García  ", "--name") == "Ana García");
  CHECK(crm::field_value(field(deal(), "amount"), c, "12000.50", "--amount") == "12000.50");
  CHECK(crm::field_value(field(deal(), "probability"), c, "75", "--probability") == "75");
  CHECK(crm::field_value(field(deal(), "stage"), c, "won", "--stage") == "won");
  CHECK(crm::field_value(field(deal(), "contacts"), c, "c0ntact01", "--contact") == "c0ntact01");
  CHECK(crm::field_value(field(contact(), "tags"), c, " vip ", "--tag") == "vip");
  CHECK(crm::field_value(field(contact(), "website"), c, "https://x.example", "--website") == "https://x.example");
  // Free text is kept as typed, spaces and newlines included.
  CHECK(crm::field_value(field(contact(), "notes"), c, "  first\nsecond \n", "--notes") == "  first\nsecond \n");
}

TEST_CASE("field_value refuses bad values naming what", "[record][field_value]") {
  PinnedClock pinned;
  Config c = test_config();
  struct Case {
    const TypeSpec* type;
    std::string field, text, what, needle;
  };
  const std::vector<Case> cases = {
      {&contact(), "emails", "not-an-email", "--email", "not a valid email"},
      {&contact(), "emails", "work:not-an-email", "--email", "not a valid email"},
      {&contact(), "emails", "work:", "--email", "not a valid email"},
      {&contact(), "phones", "+34 6OO 123", "--phone", "not a phone number"},
      {&contact(), "phones", "mobile:call me", "--phone", "not a phone number"},
      {&contact(), "addresses", "street", "--address", "'street' is not KEY=VALUE"},
      {&contact(), "addresses", "label=home;zip=28001", "--address", "unknown address part 'zip'"},
      {&deal(), "currency", "xyz", "--currency", "not an ISO 4217 currency code"},
      {&deal(), "close", "2026-02-30", "--close", "not a real calendar date"},
      {&deal(), "close", "someday", "--close", "not a date"},
      {&contact(), "created", "2026-11-20 25:00", "created=", "not a real date and time"},
      {&contact(), "keep_in_touch", "0d", "--keep-in-touch", "not a period"},
      {&deal(), "amount", "12,000.00.5", "--amount", "not an amount"},
      {&deal(), "probability", "150", "--probability", "from 0 to 100"},
      {&deal(), "probability", "high", "--probability", "whole number"},
      {&deal(), "stage", "maybe", "--stage", "unknown stage 'maybe'"},
      {&contact(), "name", "", "--name", "name"},
      {&contact(), "name", "   ", "--name", "name"},
      {&contact(), "title", "", "--title", "is empty"},
      {&deal(), "contacts", "../x", "--contact", "not a record id"},
      {&contact(), "company", "Acme", "--company", "not a record id"},
      {&company(), "domains", "not a domain", "--domain", "not a domain"},
      {&company(), "employees", "many", "--employees", "whole number"},
      {&contact(), "website", "nowhere", "--website", "not a web address"},
  };
  for (const auto& k : cases) {
    INFO(k.type->name << "." << k.field << " <- '" << k.text << "'");
    auto e = error_of([&] { crm::field_value(field(*k.type, k.field), c, k.text, k.what); });
    REQUIRE(e.has_value());
    CHECK(e->failure() == Failure::Invalid);
    std::string msg = e->what();
    INFO("message: " << msg);
    CHECK(msg.rfind(k.what, 0) == 0);
    CHECK(msg.find(k.needle) != std::string::npos);
  }
}

TEST_CASE("custom_value converts by the declared kind", "[record][field_value]") {
  PinnedClock pinned;
  CHECK(crm::custom_value(CustomField{"vip", Kind::Boolean}, "yes", "vip=") == Json(true));
  CHECK(crm::custom_value(CustomField{"vip", Kind::Boolean}, "true", "vip=") == Json(true));
  CHECK(crm::custom_value(CustomField{"vip", Kind::Boolean}, "no", "vip=") == Json(false));
  CHECK(crm::custom_value(CustomField{"score", Kind::Integer}, " 12 ", "score=") == "12");
  CHECK(crm::custom_value(CustomField{"contact_email", Kind::Email}, "A@X.Example", "contact_email=") ==
        "a@x.example");
  CHECK(crm::custom_value(CustomField{"renewal", Kind::Date}, "tomorrow", "renewal=") == "2026-11-24");
  CHECK(crm::custom_value(CustomField{"budget", Kind::Money}, "100.25", "budget=") == "100.25");
  CHECK(crm::custom_value(CustomField{"cur", Kind::Currency}, "gbp", "cur=") == "GBP");
  CHECK(crm::custom_value(CustomField{"every", Kind::Period}, "3 months", "every=") == "3m");
  CHECK(crm::custom_value(CustomField{"share", Kind::Percent}, "40", "share=") == "40");
  for (const auto& [cf, text] : std::vector<std::pair<CustomField, std::string>>{
           {{"vip", Kind::Boolean}, "maybe"},
           {{"score", Kind::Integer}, "1.5"},
           {{"contact_email", Kind::Email}, "nope"},
           {{"renewal", Kind::Date}, "2026-02-30"},
           {{"budget", Kind::Money}, "1,5"},
           {{"share", Kind::Percent}, "101"},
           {{"cur", Kind::Currency}, "ABC"},
           {{"phone", Kind::Phone}, "letters"}}) {
    INFO(cf.name << " <- " << text);
    auto e = error_of([&] { crm::custom_value(cf, text, cf.name + "="); });
    REQUIRE(e.has_value());
    CHECK(e->failure() == Failure::Invalid);
    CHECK(std::string(e->what()).rfind(cf.name + "=", 0) == 0);
  }
}

TEST_CASE("field_value output validates as part of a record", "[record][field_value]") {
  PinnedClock pinned;
  Config c = test_config();
  Json d = Json::object({{"name", crm::field_value(field(contact(), "name"), c, "Ana", "--name")}});
  d["emails"] = Json::array({crm::field_value(field(contact(), "emails"), c, "work:Ana@X.Example", "--email")});
  d["phones"] = Json::array({crm::field_value(field(contact(), "phones"), c, "mobile:+34 600", "--phone")});
  d["addresses"] =
      Json::array({crm::field_value(field(contact(), "addresses"), c, "label=home;city=Madrid", "--address")});
  d["birthday"] = crm::field_value(field(contact(), "birthday"), c, "yesterday", "--birthday");
  d["keep_in_touch"] = crm::field_value(field(contact(), "keep_in_touch"), c, "1 year", "--keep-in-touch");
  auto ps = crm::validate_record(contact(), c, d);
  INFO(describe(ps));
  CHECK(ps.empty());
}

// ---------------------------------------------------------------------------
// Canonical form

TEST_CASE("record_yaml writes schema order whatever the input order, dropping empty values", "[record][canonical]") {
  Json scrambled = Json::parse(R"({
    "notes": "Call back.\n",
    "probability": "50",
    "stage": "proposal",
    "title": "ERP rollout",
    "fields": {"region": "EMEA", "empty": ""},
    "amount": "12000.50",
    "currency": "EUR",
    "close": "2026-12-31",
    "company": "c0mpany01",
    "tags": [],
    "lost_reason": "",
    "source": null,
    "conflicts": {},
    "contacts": ["c0ntact01"],
    "created": "2026-11-23T10:00:00Z",
    "stage_history": [{"stage": "lead", "at": "2026-11-01T09:00:00Z"}]
  })");
  const std::string expected =
      "title: ERP rollout\n"
      "company: c0mpany01\n"
      "contacts:\n"
      "  - c0ntact01\n"
      "stage: proposal\n"
      "amount: 12000.50\n"
      "currency: EUR\n"
      "probability: 50\n"
      "close: 2026-12-31\n"
      "stage_history:\n"
      "  - stage: lead\n"
      "    at: 2026-11-01T09:00:00Z\n"
      "fields:\n"
      "  region: EMEA\n"
      "notes: |\n"
      "  Call back.\n"
      "created: 2026-11-23T10:00:00Z\n";
  CHECK(crm::record_yaml(deal(), scrambled) == expected);
  // Key order in the input does not matter.
  Json reversed = Json::object();
  std::vector<std::string> keys;
  for (auto it = scrambled.begin(); it != scrambled.end(); ++it) keys.push_back(it.key());
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) reversed[*k] = scrambled[*k];
  CHECK(crm::record_yaml(deal(), reversed) == expected);
}

TEST_CASE("record_yaml of a contact: quoting, literal blocks and plain dates", "[record][canonical]") {
  Json d = Json::parse(R"({
    "notes": "  indented first line\nsecond\n",
    "birthday": "1985-04-12",
    "tags": ["yes", "vip"],
    "phones": ["+34 600 123 456"],
    "name": "Ana García",
    "addresses": [{"city": "Madrid", "label": "billing"}]
  })");
  CHECK(crm::record_yaml(contact(), d) ==
        "name: Ana García\n"
        "birthday: 1985-04-12\n"
        "phones:\n"
        "  - \"+34 600 123 456\"\n"
        "addresses:\n"
        "  - city: Madrid\n"
        "    label: billing\n"
        "tags:\n"
        "  - \"yes\"\n"
        "  - vip\n"
        "notes: |2\n"
        "    indented first line\n"
        "  second\n");
}

TEST_CASE("record_yaml output reads back and rewrites byte-identically", "[record][canonical]") {
  Config c = test_config();
  for (const auto& [type, data] : std::vector<std::pair<const TypeSpec*, Json>>{
           {&contact(), valid_contact()}, {&company(), valid_company()}, {&deal(), valid_deal()}}) {
    INFO(type->name);
    std::string text = crm::record_yaml(*type, data);
    auto doc = crm::parse_yaml(text, "x.yaml");
    CHECK(crm::validate_record(*type, c, doc.value).empty());
    CHECK(crm::record_yaml(*type, doc.value) == text);
    CHECK(crm::canonical(*type, doc.value) == crm::canonical(*type, crm::parse_yaml(text, "y.yaml").value));
  }
}

TEST_CASE("canonical converts whole numbers and keeps unknown keys at the end", "[record][canonical]") {
  Json d = Json::object({{"zzz", "kept"},
                         {"employees", "250"},
                         {"name", "Acme"},
                         {"aaa", Json::array({"also kept"})},
                         {"empty_unknown", ""},
                         {"domains", Json::array({"acme.example"})},
                         {"fields", Json::object({{"x", ""}, {"y", nullptr}})}});
  Json out = crm::canonical(company(), d);
  std::vector<std::string> keys;
  for (auto it = out.begin(); it != out.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"name", "domains", "employees", "zzz", "aaa"});
  CHECK(out["employees"] == 250);
  CHECK(out["zzz"] == "kept");
  CHECK(out["aaa"] == Json::array({"also kept"}));
  // Text that is not a whole number is left for validation to report.
  CHECK(crm::canonical(company(), Json::object({{"name", "A"}, {"employees", "many"}}))["employees"] == "many");
  CHECK(crm::canonical(deal(), Json::object({{"title", "D"}, {"probability", "75"}}))["probability"] == 75);
}

TEST_CASE("canonical keeps a malformed fields value instead of throwing", "[record][canonical]") {
  // fields: must be a map; when a hand-edited file holds text or a list there,
  // canonical() iterates it with key() and nlohmann throws invalid_iterator.
  for (const Json& bad : {Json("oops"), Json::array({"a", "b"})}) {
    INFO("fields: " << bad.dump());
    Json d = Json::object({{"name", "Ana"}, {"fields", bad}});
    Json out;
    bool threw_other = false;
    try {
      out = crm::canonical(contact(), d);
    } catch (const Error&) {
      // A crm error would be acceptable too.
      continue;
    } catch (const std::exception& e) {
      threw_other = true;
      INFO("threw: " << e.what());
      CHECK_FALSE(threw_other);
    }
    if (!threw_other) CHECK(out["fields"] == bad);
  }
}

// ---------------------------------------------------------------------------
// Schema and helpers

TEST_CASE("record types, lookups and title", "[record][schema]") {
  CHECK(crm::find_type("contact") == &contact());
  CHECK(crm::find_type("contacts") == &contact());
  CHECK(crm::find_type("companies") == &company());
  CHECK(crm::find_type("deals") == &deal());
  CHECK(crm::find_type("widget") == nullptr);
  auto e = error_of([] { crm::type_spec("widget"); });
  REQUIRE(e.has_value());
  CHECK(e->failure() == Failure::Usage);
  CHECK(e->hint() == "types are: contact, company, deal, note, task, campaign");
  CHECK(contact().field_by_flag("email")->name == "emails");
  CHECK(deal().field_by_flag("lost-reason")->name == "lost_reason");
  CHECK(deal().field_by_flag("stage_history") == nullptr);

  crm::Record r{&deal(), "abcdefgh12", Json::object({{"title", "ERP"}})};
  CHECK(r.title() == "ERP");
  crm::Record c{&contact(), "abcdefgh12", Json::object({{"name", "Ana"}})};
  CHECK(c.title() == "Ana");
  CHECK(crm::Record{}.title() == "");
  CHECK(crm::Record{&contact(), "x", Json::object({{"name", Json::array()}})}.title() == "");
}

TEST_CASE("item_text and linked_ids", "[record][schema]") {
  CHECK(crm::item_text("ana@x.example") == "ana@x.example");
  CHECK(crm::item_text(Json::object({{"work", "ana@x.example"}})) == "ana@x.example");
  CHECK(crm::item_text(Json::object({{"a", "1"}, {"b", "2"}})) == "");
  CHECK(crm::item_text(5) == "");
  CHECK(crm::linked_ids(contact(), valid_contact()) == std::vector<std::string>{"c0mpany01", "b0ss00001"});
  CHECK(crm::linked_ids(deal(), valid_deal()) == std::vector<std::string>{"c0mpany01", "c0ntact01", "c0ntact02"});
  CHECK(crm::linked_ids(company(), valid_company()) == std::vector<std::string>{"par3nt0001"});
  CHECK(crm::linked_ids(contact(), Json::object({{"name", "Ana"}})).empty());
}

TEST_CASE("kinds: list kinds and names for custom declarations", "[record][schema]") {
  CHECK(crm::is_list_kind(Kind::Emails));
  CHECK(crm::is_list_kind(Kind::Tags));
  CHECK(crm::is_list_kind(Kind::StageHistory));
  CHECK_FALSE(crm::is_list_kind(Kind::Line));
  CHECK_FALSE(crm::is_list_kind(Kind::Custom));
  for (std::string_view name : {"string", "text", "email", "phone", "url", "date", "datetime", "money", "currency",
                                "integer", "percent", "boolean", "list", "period"}) {
    INFO(name);
    Kind k = Kind::Custom;
    REQUIRE(crm::parse_kind(name, k));
    CHECK(crm::kind_name(k) == name);
  }
  Kind k = Kind::Line;
  CHECK_FALSE(crm::parse_kind("colour", k));
  CHECK_FALSE(crm::parse_kind("String", k));
}

// ---------------------------------------------------------------------------
// Notes, tasks and campaigns

TEST_CASE("notes and tasks: kinds, choices, durations and due dates are checked", "[record][validate]") {
  Config c = test_config();
  const TypeSpec& note = crm::type_spec("note");
  const TypeSpec& task = crm::type_spec("task");
  Json n = Json::parse(R"({"kind": "call", "at": "2026-11-20T09:30:00Z", "contacts": ["k7q2x9ab00"],
                           "direction": "out", "duration": "1h30m", "body": "Talked.\n"})");
  CHECK(describe(crm::validate_record(note, c, n)).empty());
  auto problem = [&](const TypeSpec& t, const Json& data) {
    auto ps = crm::validate_record(t, c, data);
    return ps.empty() ? std::string() : ps.front().pointer + ": " + ps.front().message;
  };
  CHECK(problem(note, with(n, "kind", "fax")) == "/kind: kind: unknown kind 'fax' (kinds in crm.yaml: call, email, meeting, note)");
  CHECK(problem(note, with(n, "direction", "sideways")) == "/direction: direction: 'sideways' is not one of: in out");
  CHECK(problem(note, with(n, "duration", "90 parsecs")) == "/duration: duration: '90 parsecs' is not a duration (45m, 1h, 1h30m)");
  CHECK(problem(note, with(n, "duration", "90m")).empty());
  CHECK(problem(note, with(n, "at", Json())).find("/at: at is required") == 0);
  CHECK(problem(note, with(n, "direction", 3)) == "/direction: direction must be text, not a value");

  Json t = Json::parse(R"({"title": "Send proposal", "due": "2026-11-27", "every": "2w", "priority": "high"})");
  CHECK(describe(crm::validate_record(task, c, t)).empty());
  CHECK(describe(crm::validate_record(task, c, with(t, "due", "2026-11-27T10:00:00+01:00"))).empty());
  CHECK(problem(task, with(t, "due", "2026-02-30")).find("/due: due: '2026-02-30' is not a date") == 0);
  CHECK(problem(task, with(t, "every", "0d")) == "/every: every: '0d' is not a period (30d, 2w, 3m, 1y)");
  CHECK(problem(task, with(t, "priority", "urgent")) == "/priority: priority: 'urgent' is not one of: low normal high");
  CHECK(problem(task, with(t, "done", "yesterday")).find("/done: done:") == 0);
}

TEST_CASE("record_title: a note without a subject is its kind and first line", "[record]") {
  const TypeSpec& note = crm::type_spec("note");
  CHECK(crm::record_title(note, Json::parse(R"({"kind": "call", "subject": "Budget"})")) == "Budget");
  CHECK(crm::record_title(note, Json::parse(R"({"kind": "call", "body": "First line\nsecond"})")) == "call: First line");
  CHECK(crm::record_title(note, Json::parse(R"({"kind": "email"})")) == "email");
  std::string longer(100, 'x');
  std::string t = crm::record_title(note, Json{{"kind", "note"}, {"body", longer}});
  CHECK(crm::display_width(t) <= 66);
  CHECK(crm::record_title(crm::type_spec("task"), Json::parse(R"({"title": "Call back"})")) == "Call back");
}

TEST_CASE("field_value: choices are lower-cased and checked, durations made canonical", "[record]") {
  Config c = test_config();
  const TypeSpec& task = crm::type_spec("task");
  const TypeSpec& note = crm::type_spec("note");
  CHECK(crm::field_value(field(task, "priority"), c, "High", "--priority") == "high");
  CHECK(crm::field_value(field(note, "duration"), c, "90", "--duration") == "1h30m");
  auto e = error_of([&] { crm::field_value(field(task, "priority"), c, "urgent", "--priority"); });
  REQUIRE(e.has_value());
  CHECK(e->failure() == Failure::Invalid);
  CHECK(std::string(e->what()) == "--priority: 'urgent' is not one of: low normal high");
}
