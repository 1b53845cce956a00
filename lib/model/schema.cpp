#include "model/schema.hpp"

#include <algorithm>
#include <array>

#include "model/error.hpp"

namespace crm {

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

namespace {
// The kinds a declared type's field may name: the built-in types' own (SPEC section 12), and the
// custom fields' names for them (string, list).
constexpr std::array kDeclaredKinds{
    KindName{Kind::Line, "line"},       KindName{Kind::Line, "string"},      KindName{Kind::Text, "text"},
    KindName{Kind::Email, "email"},     KindName{Kind::Phone, "phone"},      KindName{Kind::Url, "url"},
    KindName{Kind::Date, "date"},       KindName{Kind::DateTime, "datetime"}, KindName{Kind::When, "when"},
    KindName{Kind::Money, "money"},     KindName{Kind::Currency, "currency"}, KindName{Kind::Integer, "integer"},
    KindName{Kind::Percent, "percent"}, KindName{Kind::Boolean, "boolean"},  KindName{Kind::Choice, "choice"},
    KindName{Kind::Ref, "ref"},         KindName{Kind::Refs, "refs"},        KindName{Kind::Tags, "tags"},
    KindName{Kind::Tags, "list"},       KindName{Kind::Emails, "emails"},    KindName{Kind::Phones, "phones"},
    KindName{Kind::Domains, "domains"}, KindName{Kind::Addresses, "addresses"}, KindName{Kind::Period, "period"},
    KindName{Kind::Duration, "duration"},
};
}  // namespace

bool parse_declared_kind(std::string_view name, Kind& out) {
  for (const auto& kn : kDeclaredKinds)
    if (kn.name == name) {
      out = kn.kind;
      return true;
    }
  return false;
}

std::string declared_kind_names() {
  std::string r;
  for (const auto& kn : kDeclaredKinds) r += (r.empty() ? "" : ", ") + std::string(kn.name);
  return r;
}

std::string declared_kind_name(Kind k) {
  for (const auto& kn : kDeclaredKinds)
    if (kn.kind == k) return std::string(kn.name);
  switch (k) {
    case Kind::Stage: return "stage";
    case Kind::Lifecycle: return "lifecycle";
    case Kind::NoteKind: return "note kind";
    case Kind::StageHistory: return "stage history";
    default: return "map";
  }
}

int index_family(Kind k) {
  switch (k) {
    case Kind::Line: case Kind::Text: case Kind::Addresses: return 1;
    case Kind::Email: case Kind::Emails: return 2;
    case Kind::Phone: case Kind::Phones: return 3;
    case Kind::Ref: case Kind::Refs: return 4;
    case Kind::Money: case Kind::Integer: case Kind::Percent: return 5;
    case Kind::Date: case Kind::DateTime: case Kind::When: return 6;
    case Kind::Custom: case Kind::Conflicts: case Kind::StageHistory: return 7 + static_cast<int>(k);
    default: return 0;  // one whole-value term (tags, choices, stages...)
  }
}

bool plain_kind(Kind k) {
  switch (k) {
    case Kind::Date: case Kind::DateTime: case Kind::When: case Kind::Money: case Kind::Integer: case Kind::Percent:
      return true;
    default:
      return false;
  }
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
