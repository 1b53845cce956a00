#include "model/record.hpp"

#include <sys/random.h>

#include <regex>
#include <set>

#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

std::string record_title(const TypeSpec& type, const Json& data) {
  if (!data.is_object()) return {};
  auto text = [&](const char* key) {
    auto it = data.find(key);
    return it != data.end() && it->is_string() ? trim(it->get<std::string>()) : std::string();
  };
  std::string t = text(std::string(type.title_field).c_str());
  if (!t.empty() || !type.behaviour || !type.behaviour->untitled) return t;
  return type.behaviour->untitled(data);
}

std::string Record::title() const { return type ? record_title(*type, data) : std::string(); }

// ---------------------------------------------------------------------------
// Scalar checks

bool valid_email(std::string_view s) {
  if (s.size() > 254) return false;
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  for (unsigned char c : local)
    if (!(std::isalnum(c) || c >= 0x80 || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(static_cast<char>(c)) !=
                                               std::string_view::npos))
      return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  return valid_domain(domain);
}

bool valid_domain(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  for (const auto& label : split(s, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label)
      if (!(std::isalnum(c) || c == '-' || c >= 0x80)) return false;
  }
  return true;
}

bool valid_phone(std::string_view s) {
  // Digits and the punctuation people write, then an optional extension: "+1 (555) 010-0199 ext. 12".
  std::string lower = lower_ascii(s);
  std::string_view main = lower, ext;
  for (std::string_view marker : {"ext.", "ext", "x"}) {
    size_t at = lower.rfind(marker);
    if (at != std::string::npos && at > 0) {
      main = std::string_view(lower).substr(0, at);
      ext = std::string_view(lower).substr(at + marker.size());
      while (!ext.empty() && ext.front() == ' ') ext.remove_prefix(1);
      if (ext.empty() || !whole_number(ext, 6, false)) return false;
      break;
    }
  }
  while (!main.empty() && main.back() == ' ') main.remove_suffix(1);
  if (!main.empty() && main.front() == '+') main.remove_prefix(1);
  if (main.size() < 3 || main.size() > 32) return false;
  int digits = 0;
  for (char c : main) {
    if (c >= '0' && c <= '9') ++digits;
    else if (std::string_view(" ()./-").find(c) == std::string_view::npos) return false;
  }
  return digits >= 3;
}

bool valid_money(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (!whole_number(whole, 15, false) || (whole.size() > 1 && whole.front() == '0')) return false;
  if (dot == std::string_view::npos) return true;
  std::string_view frac = s.substr(dot + 1);
  return !frac.empty() && whole_number(frac, 4, false);
}

std::string new_id() {
  static constexpr char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  unsigned char bytes[10];
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
    fail(Failure::Runtime, "cannot read random bytes for a new id");
  std::string id;
  for (unsigned char b : bytes) id += alphabet[b & 31];
  return id;
}

bool valid_id(std::string_view id) {
  if (id.size() < 8 || id.size() > 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

std::string item_text(const Json& item) {
  if (item.is_string()) return item.get<std::string>();
  if (item.is_object() && item.size() == 1 && item.begin().value().is_string())
    return item.begin().value().get<std::string>();
  return {};
}

// ---------------------------------------------------------------------------
// Validation

namespace {

struct Checker {
  const Config& config;
  std::vector<Problem>& problems;

  void add(const std::string& ptr, std::string msg) { problems.push_back({ptr, std::move(msg)}); }

  bool text(const Json& v, const std::string& ptr, const std::string& name, bool one_line) {
    if (!v.is_string()) {
      add(ptr, name + " must be text, not a " + std::string(v.is_array() ? "list" : v.is_object() ? "map" : "value"));
      return false;
    }
    const auto& s = v.get_ref<const std::string&>();
    if (!valid_utf8(s)) { add(ptr, name + " is not valid UTF-8"); return false; }
    if (one_line && s.find('\n') != std::string::npos) { add(ptr, name + " must be one line"); return false; }
    if (one_line && s.size() > 2000) { add(ptr, name + " is longer than 2000 bytes"); return false; }
    return true;
  }

  void scalar(Kind kind, const Json& v, const std::string& ptr, const std::string& name) {
    if (v.is_null()) return;
    if (kind == Kind::Integer || kind == Kind::Percent) {
      std::string s = v.is_number_integer() ? std::to_string(v.get<long long>()) : v.is_string() ? v.get<std::string>() : "";
      if (!whole_number(s, 15)) return add(ptr, name + " must be a whole number");
      if (kind == Kind::Percent && (std::stoll(s) < 0 || std::stoll(s) > 100))
        add(ptr, name + " must be from 0 to 100");
      return;
    }
    if (kind == Kind::Boolean) {
      if (!(v.is_boolean() || (v.is_string() && (v == "true" || v == "false"))))
        add(ptr, name + " must be true or false");
      return;
    }
    if (!text(v, ptr, name, kind != Kind::Text)) return;
    const std::string& s = v.get_ref<const std::string&>();
    switch (kind) {
      case Kind::Line:
        if (trim(s).empty()) add(ptr, name + " is empty");
        break;
      case Kind::Email:
        if (!valid_email(s)) add(ptr, name + ": '" + s + "' is not a valid email address");
        break;
      case Kind::Phone:
        if (!valid_phone(s)) add(ptr, name + ": '" + s + "' is not a phone number (digits, spaces, + ( ) - . /)");
        break;
      case Kind::Url:
        if (s.find(' ') != std::string::npos || s.find('.') == std::string::npos)
          add(ptr, name + ": '" + s + "' is not a web address");
        break;
      case Kind::Date:
        if (!valid_date(s)) add(ptr, name + ": '" + s + "' is not a date (YYYY-MM-DD)");
        break;
      case Kind::DateTime:
        if (!valid_datetime(s)) add(ptr, name + ": '" + s + "' is not an ISO 8601 date and time with zone");
        break;
      case Kind::Money:
        if (!valid_money(s))
          add(ptr, name + ": '" + s + "' is not an amount (a decimal number like 12000.50" +
                       (s.rfind('-', 0) == 0 ? "; amounts are not negative)" : ")"));
        break;
      case Kind::Currency:
        if (!valid_currency(s)) add(ptr, name + ": '" + s + "' is not an ISO 4217 currency code");
        break;
      case Kind::Stage:
        if (!config.stage(s)) add(ptr, name + ": unknown stage '" + s + "' (stages: " + config.stage_names() + ")");
        break;
      case Kind::Lifecycle: {
        bool ok = false;
        for (const auto& l : config.lifecycle) ok = ok || l == s;
        if (!ok) add(ptr, name + ": unknown lifecycle stage '" + s + "'");
        break;
      }
      case Kind::Period:
        if (!valid_period(s)) add(ptr, name + ": '" + s + "' is not a period (30d, 2w, 3m, 1y)");
        break;
      case Kind::When:
        if (!valid_when(s)) add(ptr, name + ": '" + s + "' is not a date (YYYY-MM-DD) or an ISO 8601 date and time");
        break;
      case Kind::Duration:
        if (!valid_duration(s)) add(ptr, name + ": '" + s + "' is not a duration (45m, 1h, 1h30m)");
        break;
      case Kind::NoteKind:
        if (!config.note_kind(s))
          add(ptr, name + ": unknown kind '" + s + "' (kinds in crm.yaml: " + config.note_kind_names() + ")");
        break;
      case Kind::Ref:
        if (!valid_id(s)) add(ptr, name + ": '" + s + "' is not a record id");
        break;
      default:
        break;
    }
  }

  void labelled_list(Kind item_kind, const Json& v, const std::string& ptr, const std::string& name) {
    for (size_t i = 0; i < v.size(); ++i) {
      std::string ip = ptr + "/" + std::to_string(i);
      const Json& item = v[i];
      if (item.is_object()) {
        if (item.size() != 1) { add(ip, name + " entries are a value or one 'label: value' pair"); continue; }
        scalar(item_kind, item.begin().value(), ip + "/" + item.begin().key(), name);
      } else {
        scalar(item_kind, item, ip, name);
      }
    }
  }

  void choice(const FieldSpec& f, const Json& v, const std::string& ptr) {
    if (!text(v, ptr, std::string(f.name), true)) return;
    for (const auto& c : choices_of(f))
      if (v == c) return;
    add(ptr, std::string(f.name) + ": '" + v.get<std::string>() + "' is not one of: " + std::string(f.choices));
  }

  void field(const FieldSpec& f, const Json& v, const std::string& ptr, const std::string& type) {
    std::string name(f.name);
    if (v.is_null()) {
      if (f.required) add(ptr, name + " is required");
      return;
    }
    if (is_list_kind(f.kind) && !v.is_array()) return add(ptr, name + " must be a list");
    switch (f.kind) {
      case Kind::Emails: return labelled_list(Kind::Email, v, ptr, name);
      case Kind::Phones: return labelled_list(Kind::Phone, v, ptr, name);
      case Kind::Tags:
        for (size_t i = 0; i < v.size(); ++i) scalar(Kind::Line, v[i], ptr + "/" + std::to_string(i), "tag");
        return;
      case Kind::Domains:
        for (size_t i = 0; i < v.size(); ++i) {
          std::string ip = ptr + "/" + std::to_string(i);
          if (text(v[i], ip, "domain", true) && !valid_domain(v[i].get<std::string>()))
            add(ip, "domain: '" + v[i].get<std::string>() + "' is not a domain name");
        }
        return;
      case Kind::Refs:
        for (size_t i = 0; i < v.size(); ++i) scalar(Kind::Ref, v[i], ptr + "/" + std::to_string(i), name);
        return;
      case Kind::Addresses: {
        static const std::set<std::string> keys = {"label", "street", "city", "region", "postal_code", "country"};
        for (size_t i = 0; i < v.size(); ++i) {
          std::string ip = ptr + "/" + std::to_string(i);
          if (!v[i].is_object()) { add(ip, "an address is a map of label, street, city, region, postal_code, country"); continue; }
          for (auto it = v[i].begin(); it != v[i].end(); ++it) {
            if (!keys.count(it.key())) add(ip + "/" + it.key(), "unknown address part '" + it.key() + "'");
            else if (!it.value().is_null()) text(it.value(), ip + "/" + it.key(), it.key(), it.key() != "street");
          }
        }
        return;
      }
      case Kind::StageHistory:
        for (size_t i = 0; i < v.size(); ++i) {
          std::string ip = ptr + "/" + std::to_string(i);
          if (!v[i].is_object() || !v[i].contains("stage") || !v[i].contains("at")) {
            add(ip, "stage_history entries need stage and at");
            continue;
          }
          if (!v[i]["stage"].is_string()) add(ip + "/stage", "stage must be text");
          scalar(Kind::DateTime, v[i]["at"], ip + "/at", "at");
        }
        return;
      case Kind::Custom: {
        if (!v.is_object()) return add(ptr, "fields must be a map of custom fields");
        for (auto it = v.begin(); it != v.end(); ++it) {
          const CustomField* cf = config.custom(type, it.key());
          std::string cp = ptr + "/" + it.key();
          if (!cf) {
            add(cp, "custom field '" + it.key() + "' is not declared for " + type + " in crm.yaml");
            continue;
          }
          if (cf->kind == Kind::Tags) {
            if (!it.value().is_array()) add(cp, it.key() + " must be a list");
            continue;
          }
          scalar(cf->kind, it.value(), cp, it.key());
        }
        return;
      }
      case Kind::Conflicts:
        if (!v.is_object()) add(ptr, "conflicts must be a map");
        return;
      case Kind::Choice:
        return choice(f, v, ptr);
      default:
        if (v.is_array() || v.is_object()) return add(ptr, name + " must be a single value");
        scalar(f.kind, v, ptr, name);
        if (f.required && v.is_string() && trim(v.get<std::string>()).empty()) {
          if (problems.empty() || problems.back().pointer != ptr) add(ptr, name + " is required");
        }
    }
  }
};

}  // namespace

std::vector<Problem> validate_record(const TypeSpec& type, const Config& config, const Json& data) {
  std::vector<Problem> problems;
  if (!data.is_object()) {
    problems.push_back({"", "a " + std::string(type.name) + " file must be a map of fields"});
    return problems;
  }
  Checker c{config, problems};
  for (const auto& f : type.fields) {
    std::string key(f.name);
    c.field(f, data.contains(key) ? data[key] : Json(), "/" + key, std::string(type.name));
  }
  // A period that ends before it starts (campaigns).
  if (data.contains("start") && data.contains("end") && data["start"].is_string() && data["end"].is_string() &&
      valid_date(data["start"].get<std::string>()) && valid_date(data["end"].get<std::string>()) &&
      data["end"].get<std::string>() < data["start"].get<std::string>())
    problems.push_back({"/end", "end: " + data["end"].get<std::string>() + " is before start " +
                                    data["start"].get<std::string>()});
  for (auto it = data.begin(); it != data.end(); ++it)
    if (!type.field(it.key()))
      problems.push_back({"/" + it.key(), "unknown field '" + it.key() + "'; custom fields go under fields: and are declared in crm.yaml"});
  return problems;
}

// ---------------------------------------------------------------------------
// Canonical form

namespace {
bool empty_value(const Json& v) {
  return v.is_null() || ((v.is_array() || v.is_object()) && v.empty()) || (v.is_string() && v.get<std::string>().empty());
}
}  // namespace

Json canonical(const TypeSpec& type, const Json& data) {
  Json out = Json::object();
  for (const auto& f : type.fields) {
    std::string key(f.name);
    if (!data.contains(key) || empty_value(data[key])) continue;
    Json v = data[key];
    if (f.kind == Kind::Integer || f.kind == Kind::Percent) {
      if (v.is_string() && whole_number(v.get<std::string>(), 15))
        v = std::stoll(v.get<std::string>());
    }
    if (f.kind == Kind::Custom && v.is_object()) {
      Json clean = Json::object();
      for (auto it = v.begin(); it != v.end(); ++it)
        if (!empty_value(it.value())) clean[it.key()] = it.value();
      if (clean.empty()) continue;
      v = clean;
    }
    out[key] = v;
  }
  // Unknown keys are kept (after the known ones) so that nothing a person wrote is lost.
  for (auto it = data.begin(); it != data.end(); ++it)
    if (!type.field(it.key()) && !empty_value(it.value())) out[it.key()] = it.value();
  return out;
}

std::string record_yaml(const TypeSpec& type, const Json& data, const Config* config, const Comments* comments) {
  // Numbers and dates unquoted: the type's own, a stage history's `at`, and custom fields'.
  std::set<std::string> keys;
  for (const auto& f : type.fields) {
    if (plain_kind(f.kind)) keys.insert(std::string(f.name));
    if (f.kind == Kind::StageHistory) keys.insert("at");
  }
  if (config) {
    auto it = config->fields.find(std::string(type.name));
    if (it != config->fields.end())
      for (const auto& cf : it->second)
        if (plain_kind(cf.kind)) keys.insert(cf.name);
  }
  return emit_yaml(canonical(type, data), keys, comments);
}

// ---------------------------------------------------------------------------
// Values typed on the command line

namespace {

Json labelled(const std::string& text) {
  // "work:ana@x" -> {"work": "ana@x"}; a leading "+" (phones) or a colon after '@' is not a label.
  size_t colon = text.find(':');
  if (colon != std::string::npos && colon > 0 && colon < 40) {
    std::string label = trim(text.substr(0, colon));
    bool word = !label.empty();
    for (unsigned char c : label) word = word && (std::isalnum(c) || c == '_' || c == '-' || c == ' ' || c >= 0x80);
    if (word) return Json::object({{label, trim(text.substr(colon + 1))}});
  }
  return Json(trim(text));
}

Json address(const std::string& text, const std::string& what) {
  Json a = Json::object();
  for (const auto& part : split(text, ';')) {
    if (trim(part).empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos)
      fail(Failure::Invalid, what + ": '" + part + "' is not KEY=VALUE",
           "write 'label=billing;street=Calle Mayor 1;city=Madrid;postal_code=28001;country=ES'");
    a[trim(part.substr(0, eq))] = trim(part.substr(eq + 1));
  }
  return a;
}

}  // namespace

Json custom_value(const CustomField& field, const std::string& text, const std::string& what) {
  FieldSpec spec{field.name, field.kind, "", "", "", false};
  Config any = Config::defaults();
  return field_value(spec, any, text, what);
}

Json field_value(const FieldSpec& f, const Config& config, const std::string& raw, const std::string& what) {
  std::string text = f.kind == Kind::Text ? raw : trim(raw);
  Json v;
  switch (f.kind) {
    case Kind::Emails: {
      v = labelled(text);
      if (v.is_string()) v = lower_ascii(v.get<std::string>());
      else v.begin().value() = lower_ascii(v.begin().value().get<std::string>());
      break;
    }
    case Kind::Phones: v = labelled(text); break;
    case Kind::Addresses: v = address(text, what); break;
    case Kind::Date: v = format_date(parse_day(text, what)); break;
    case Kind::DateTime: v = format_datetime(parse_moment(text, what)); break;
    case Kind::Period: v = parse_period(text, what); break;
    case Kind::When: v = parse_when(text, what); break;
    case Kind::Duration: v = parse_duration(text, what); break;
    case Kind::Choice: v = lower_ascii(text); break;
    case Kind::Currency: {
      std::string up = text;
      for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      v = up;
      break;
    }
    case Kind::Domains: v = lower_ascii(text); break;
    case Kind::Email: v = lower_ascii(text); break;
    case Kind::Boolean:
      if (text == "true" || text == "yes") v = true;
      else if (text == "false" || text == "no") v = false;
      else fail(Failure::Invalid, what + ": '" + text + "' is not true or false");
      break;
    default: v = text; break;
  }
  // Validate through the same checks as files use.
  std::vector<Problem> problems;
  Checker c{config, problems};
  if (f.kind == Kind::Addresses || f.kind == Kind::Emails || f.kind == Kind::Phones || f.kind == Kind::Domains ||
      f.kind == Kind::Tags || f.kind == Kind::Refs)
    c.field(f, Json::array({v}), "", "");
  else
    c.field(f, v, "", "");
  if (!problems.empty()) {
    std::string msg = problems.front().message;
    for (const std::string& prefix : {std::string(f.name) + ": ", std::string(f.name) + " ", std::string("tag: "), std::string("domain: ")})
      if (msg.rfind(prefix, 0) == 0) {
        msg = msg.substr(prefix.size());
        break;
      }
    fail(Failure::Invalid, what + ": " + msg);
  }
  if (f.required && v.is_string() && trim(v.get<std::string>()).empty()) fail(Failure::Invalid, what + " is empty");
  return v;
}

bool same_item(const Json& a, const Json& b) {
  auto text = [](const Json& x) {
    if (x.is_object() && x.contains("label") && x["label"].is_string()) return x["label"].get<std::string>();
    if (x.is_object() && x.size() > 1) return x.dump();
    return item_text(x);
  };
  return fold(text(a)) == fold(text(b));
}

std::vector<std::string> linked_ids(const TypeSpec& type, const Json& data) {
  std::vector<std::string> out;
  for (const auto& f : type.fields) {
    std::string key(f.name);
    if (!data.contains(key)) continue;
    const Json& v = data[key];
    if (f.kind == Kind::Ref && v.is_string()) out.push_back(v.get<std::string>());
    if (f.kind == Kind::Refs && v.is_array())
      for (const auto& x : v)
        if (x.is_string()) out.push_back(x.get<std::string>());
  }
  return out;
}

}  // namespace crm
