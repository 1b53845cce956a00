// The interop parsers on their own: vCard lines (folding, quoted-printable, escapes, parameters),
// RFC 4180 CSV, and the ids derived from source keys.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "interop/batch.hpp"
#include "interop/csv.hpp"
#include "interop/duplicates.hpp"
#include "interop/vcard.hpp"
#include "model/config.hpp"

using namespace crm;

TEST_CASE("vCard lines are unfolded, even inside a UTF-8 character", "[vcard]") {
  std::vector<Rejected> rejected;
  // "é" is C3 A9: the fold falls between its two bytes.
  std::string text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xC3\r\n \xA9 Garc\r\n\tía\r\nEND:VCARD\r\n";
  auto cards = parse_vcards(text, "t.vcf", rejected);
  REQUIRE(rejected.empty());
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].version == "3.0");
  CHECK(cards[0].properties[1].value == "José García");
}

TEST_CASE("vCard 2.1 quoted-printable with soft line breaks and bare types", "[vcard]") {
  std::vector<Rejected> rejected;
  std::string text =
      "BEGIN:VCARD\nVERSION:2.1\nNOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:l=C3=ADnea 1=0D=0Al=\n=C3=ADnea 2\n"
      "TEL;CELL;PREF:+34 600\nEND:VCARD\n";
  auto cards = parse_vcards(text, "t.vcf", rejected);
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].properties[1].value == "línea 1\nlínea 2");
  CHECK(cards[0].properties[2].param_values("TYPE") == std::vector<std::string>{"CELL", "PREF"});
}

TEST_CASE("vCard structured values split on unescaped separators only", "[vcard]") {
  auto parts = split_vcard_value(";;Calle Mayor 1\\, 3º;Madrid;;28013;España", ';');
  REQUIRE(parts.size() == 7);
  CHECK(parts[2] == "Calle Mayor 1, 3º");
  CHECK(parts[6] == "España");
  CHECK(unescape_vcard_text("a\\nb\\;c\\\\d\\,e") == "a\nb;c\\d,e");
}

TEST_CASE("vCard parameter values in quotes may hold colons and semicolons", "[vcard]") {
  std::vector<Rejected> rejected;
  auto cards = parse_vcards("BEGIN:VCARD\nX-THING;LABEL=\"a:b;c\":value\nEND:VCARD\n", "t.vcf", rejected);
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].properties[0].value == "value");
  CHECK(cards[0].properties[0].param_values("LABEL") == std::vector<std::string>{"a:b;c"});
}

TEST_CASE("broken vCards are rejected with their line", "[vcard]") {
  std::vector<Rejected> rejected;
  auto cards = parse_vcards("BEGIN:VCARD\nFN:One\nBEGIN:VCARD\nFN:Two\nEND:VCARD\nBEGIN:VCARD\nFN:Three\n", "t.vcf", rejected);
  REQUIRE(cards.size() == 1);
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0].where == "t.vcf:1");
  CHECK(rejected[1].where == "t.vcf:6");
}

TEST_CASE("a contact written as a vCard reads back the same", "[vcard]") {
  Json contact = Json::parse(R"({"name": "Ana María López", "title": "CTO", "emails": [{"work": "ana@x.example"}, "a2@x.example"],
    "phones": [{"home fax": "+34 1"}], "tags": ["vip", "a,b"], "notes": "line 1\nline; 2",
    "addresses": [{"label": "work", "street": "Calle 1, 2º", "city": "Madrid"}], "birthday": "1984-11-02"})");
  std::string card = write_vcard("k7q2x9abcd", contact, "Acme; Iberia", "3.0");
  CHECK(card.find("TEL;TYPE=home,fax:+34 1\r\n") != std::string::npos);
  Batch b = read_vcards(card, "t.vcf");
  REQUIRE(b.records.size() == 1);
  const Json& d = b.records[0].record.data;
  CHECK(b.records[0].derived_id == "k7q2x9abcd");
  CHECK(b.records[0].company_name == "Acme; Iberia");
  for (const char* key : {"name", "title", "emails", "phones", "tags", "notes", "addresses", "birthday"})
    CHECK(d[key] == contact[key]);
}

TEST_CASE("CSV: quotes, doubled quotes, line breaks in fields, CRLF and a BOM", "[csv]") {
  std::vector<Rejected> rejected;
  auto t = parse_csv("\xEF\xBB\xBFname,notes\r\n\"García, Ana\",\"say \"\"hi\"\"\nthen go\"\r\nLuis,\r\n", 0, "t.csv", rejected);
  REQUIRE(rejected.empty());
  CHECK(t.header == std::vector<std::string>{"name", "notes"});
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].cells[0] == "García, Ana");
  CHECK(t.rows[0].cells[1] == "say \"hi\"\nthen go");
  CHECK(t.rows[1].line == 4);
  CHECK(t.rows[1].cells[1] == "");
}

TEST_CASE("CSV: the delimiter is the one the header uses", "[csv]") {
  std::vector<Rejected> rejected;
  CHECK(parse_csv("a;b;c\n1;2;3\n", 0, "t", rejected).delimiter == ';');
  CHECK(parse_csv("a\tb\n1\t2\n", 0, "t", rejected).delimiter == '\t');
  CHECK(parse_csv("a,\"b;c\"\n", 0, "t", rejected).delimiter == ',');
}

TEST_CASE("CSV: wrong field counts and an unterminated quote are rejected by line", "[csv]") {
  std::vector<Rejected> rejected;
  auto t = parse_csv("a,b\n1,2\n1,2,3\n\"open,4\n5,6\n", 0, "t.csv", rejected);
  CHECK(t.rows.size() == 1);
  REQUIRE(rejected.size() == 2);
  // the unterminated quote is found first, the field counts after
  CHECK(rejected[0].where == "t.csv:4");
  CHECK(rejected[0].message.find("never closed") != std::string::npos);
  CHECK(rejected[1].where == "t.csv:3");
}

TEST_CASE("CSV presets map Google's numbered columns with their labels", "[csv]") {
  std::string text =
      "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
      "Ana,López,* Work,ana@x.example ::: ana2@x.example,Mobile,+34 600 000 001\n";
  Batch b = read_csv_contacts(text, CsvOptions{}, "g.csv", Config::defaults());
  REQUIRE(b.records.size() == 1);
  const Json& d = b.records[0].record.data;
  CHECK(d["name"] == "Ana López");
  CHECK(d["emails"] == Json::parse(R"([{"work": "ana@x.example"}, {"work": "ana2@x.example"}])"));
  CHECK(d["phones"] == Json::parse(R"([{"mobile": "+34 600 000 001"}])"));
}

TEST_CASE("ids from source keys are stable and path-safe", "[import]") {
  CHECK(id_for_key("vcard", "k7q2x9abcd") == "k7q2x9abcd");  // already a crm id
  std::string a = id_for_key("vcard", "urn:uuid:3b2f8f0a-4c1d");
  CHECK(a == id_for_key("vcard", "urn:uuid:3b2f8f0a-4c1d"));
  CHECK(a.size() == 16);
  CHECK(valid_id(a));
  CHECK(id_for_key("mail", "../../etc/passwd").find('/') == std::string::npos);
  CHECK(id_for_contact("Ana García", "ana@x", "+34 600") == id_for_contact("ana garcia", "ANA@x", "34600"));
}

TEST_CASE("phone numbers compare by their digits", "[duplicates]") {
  CHECK(phone_key("+34 600 000 001") == phone_key("0034 600-000-001"));
  CHECK(phone_key("+34 600 000 001") == phone_key("600000001"));
  CHECK(phone_key("+1 (555) 010-0199 ext. 12") == phone_key("555 010 0199"));
}
