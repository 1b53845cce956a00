#include <algorithm>
#include "model/config.hpp"

#include <regex>

#include "model/error.hpp"
#include "model/text.hpp"
#include "model/yaml.hpp"

namespace crm {

Config Config::defaults(const std::string& currency) {
  Config c;
  c.currency = currency;
  c.stages = {{"lead", 10}, {"qualified", 25}, {"proposal", 50}, {"negotiation", 75}, {"won", 100}, {"lost", 0}};
  c.lifecycle = {"subscriber", "lead", "qualified", "opportunity", "customer", "evangelist", "former", "other"};
  c.note_kinds = {"call", "email", "meeting", "note"};
  return c;
}

namespace {

[[noreturn]] void bad(const YamlDocument& doc, const std::string& origin, const std::string& ptr,
                      const std::string& what) {
  Mark m = doc.mark_of(ptr);
  fail(Failure::Invalid, origin + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": " + what,
       "fix crm.yaml by hand at that line; every command reads it");
}

std::vector<std::string> name_list(const YamlDocument& doc, const std::string& origin, const std::string& key) {
  std::vector<std::string> out;
  const Json& v = doc.value[key];
  if (!v.is_array()) bad(doc, origin, "/" + key, key + " must be a list of names");
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string() || !lower_name(v[i].get<std::string>(), 40, "_-"))
      bad(doc, origin, "/" + key + "/" + std::to_string(i), key + " entries must be lowercase names");
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

}  // namespace

Config Config::parse(const std::string& text, const std::string& origin) {
  YamlDocument doc = parse_yaml(text, origin);
  if (!doc.value.is_object()) bad(doc, origin, "", "crm.yaml must be a map of settings");
  Config c = defaults();
  for (auto it = doc.value.begin(); it != doc.value.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    std::string ptr = "/" + k;
    if (k == "schema") {
      if (!v.is_string() || !whole_number(v.get<std::string>(), 4, false))
        bad(doc, origin, ptr, "schema must be a whole number");
      c.schema = std::stoi(v.get<std::string>());
      if (c.schema > kSchemaVersion) {
        Mark m = doc.mark_of(ptr);
        fail(Failure::Invalid,
             origin + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": schema " +
                 std::to_string(c.schema) + " is newer than this crm understands (" + std::to_string(kSchemaVersion) + ")",
             "upgrade crm");
      }
    } else if (k == "currency") {
      if (!v.is_string() || !valid_currency(v.get<std::string>()))
        bad(doc, origin, ptr, "currency must be an ISO 4217 code such as EUR or USD");
      c.currency = v.get<std::string>();
    } else if (k == "language") {
      if (!v.is_string()) bad(doc, origin, ptr, "language must be a name such as english");
      c.language = v.get<std::string>();
    } else if (k == "stages") {
      if (!v.is_object() || v.empty()) bad(doc, origin, ptr, "stages must map each stage name to its probability");
      c.stages.clear();
      for (auto s = v.begin(); s != v.end(); ++s) {
        std::string p = s.value().is_string() ? s.value().get<std::string>() : "";
        if (!whole_number(p, 3, false) || std::stoi(p) > 100)
          bad(doc, origin, ptr + "/" + s.key(), "stage '" + s.key() + "' needs a probability from 0 to 100");
        c.stages.push_back({s.key(), std::stoi(p)});
      }
    } else if (k == "rates") {
      if (!v.is_object()) bad(doc, origin, ptr, "rates must map a currency code to its value in " + c.currency);
      for (auto r = v.begin(); r != v.end(); ++r) {
        if (!valid_currency(r.key()))
          bad(doc, origin, ptr + "/" + r.key(), "rates: '" + r.key() + "' is not an ISO 4217 currency code");
        std::string rate = r.value().is_string() ? r.value().get<std::string>() : "";
        if (!valid_rate(rate))
          bad(doc, origin, ptr + "/" + r.key(),
              "rate of " + r.key() + " must be a positive decimal number (at most 6 decimals), like 0.92");
        c.rates[r.key()] = rate;
      }
    } else if (k == "lifecycle") {
      c.lifecycle = name_list(doc, origin, k);
    } else if (k == "note_kinds") {
      c.note_kinds = name_list(doc, origin, k);
    } else if (k == "fields") {
      if (!v.is_object()) bad(doc, origin, ptr, "fields must map a record type to its custom fields");
      for (auto t = v.begin(); t != v.end(); ++t) {
        const TypeSpec* type = find_type(t.key());
        if (!type || type->name != t.key())
          bad(doc, origin, ptr + "/" + t.key(),
              "unknown record type '" + t.key() + "'" + (type ? "; write '" + std::string(type->name) + "'" : ""));
        if (!t.value().is_object()) bad(doc, origin, ptr + "/" + t.key(), "declare fields as name: type");
        for (auto f = t.value().begin(); f != t.value().end(); ++f) {
          Kind kind;
          std::string fptr = ptr + "/" + t.key() + "/" + f.key();
          if (!lower_name(f.key(), 40))
            bad(doc, origin, fptr, "custom field names are lower_snake_case");
          if (!f.value().is_string() || !parse_kind(f.value().get<std::string>(), kind))
            bad(doc, origin, fptr,
                "type of '" + f.key() +
                    "' must be one of string, text, email, phone, url, date, datetime, money, currency, integer, "
                    "percent, boolean, list, period");
          c.fields[t.key()].push_back({f.key(), kind});
        }
      }
    } else {
      bad(doc, origin, ptr, "unknown setting '" + k + "'");
    }
  }
  return c;
}

std::string Config::emit() const {
  Json j = Json::object();
  j["schema"] = std::to_string(schema);
  j["currency"] = currency;
  j["language"] = language;
  Json st = Json::object();
  for (const auto& s : stages) st[s.name] = std::to_string(s.probability);
  j["stages"] = st;
  j["lifecycle"] = lifecycle;
  j["note_kinds"] = note_kinds;
  Json f = Json::object();
  for (const auto& [type, list] : fields) {
    Json t = Json::object();
    for (const auto& cf : list) t[cf.name] = std::string(kind_name(cf.kind));
    f[type] = t;
  }
  j["fields"] = f;
  std::set<std::string> plain = {"schema"};
  if (!rates.empty()) {
    Json r = Json::object();
    for (const auto& [code, rate] : rates) {
      r[code] = rate;
      plain.insert(code);
    }
    j["rates"] = r;
  }
  for (const auto& s : stages) plain.insert(s.name);
  return "# crm repository settings; see crm(5).\n" + emit_yaml(j, plain);
}

bool valid_rate(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (!whole_number(whole, 12, false)) return false;
  bool nonzero = whole.find_first_not_of('0') != std::string_view::npos;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || !whole_number(frac, 6, false)) return false;
    nonzero = nonzero || frac.find_first_not_of('0') != std::string_view::npos;
  }
  return nonzero;
}

const Stage* Config::stage(const std::string& name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

const CustomField* Config::custom(const std::string& type, const std::string& name) const {
  auto it = fields.find(type);
  if (it == fields.end()) return nullptr;
  for (const auto& f : it->second)
    if (f.name == name) return &f;
  return nullptr;
}

bool Config::note_kind(const std::string& name) const {
  return std::find(note_kinds.begin(), note_kinds.end(), name) != note_kinds.end();
}

std::string Config::note_kind_names() const {
  std::string r;
  for (const auto& k : note_kinds) r += (r.empty() ? "" : ", ") + k;
  return r;
}

std::string Config::stage_names() const {
  std::string r;
  for (const auto& s : stages) r += (r.empty() ? "" : ", ") + s.name;
  return r;
}

}  // namespace crm
