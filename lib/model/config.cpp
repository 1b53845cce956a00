#include <algorithm>
#include "model/config.hpp"

#include <map>
#include <regex>
#include <set>

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

bool truth(const YamlDocument& doc, const std::string& origin, const std::string& ptr, const Json& v) {
  if (v.is_string() && (v == "true" || v == "yes")) return true;
  if (v.is_string() && (v == "false" || v == "no")) return false;
  bad(doc, origin, ptr, "must be true or false");
}

std::string text_option(const YamlDocument& doc, const std::string& origin, const std::string& ptr, const Json& v) {
  if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().find('\n') != std::string::npos)
    bad(doc, origin, ptr, "must be one line of text");
  return v.get<std::string>();
}

// The kind every built-in type gives a field name (and, for a link, what it links to), for
// refusing a declared field that reuses the name with another meaning.
const FieldSpec* builtin_field(std::string_view name) {
  for (const TypeSpec& t : record_types())
    if (!t.declared)
      if (const FieldSpec* f = t.field(name)) return f;
  return nullptr;
}

std::string kind_words(const FieldSpec& f) {
  std::string k = declared_kind_name(f.kind);
  if (f.kind == Kind::Ref || f.kind == Kind::Refs) k += " to " + std::string(f.ref_type);
  return k;
}

// Two fields of one name must be searched alike: the index has one field per name.
bool alike(const FieldSpec& a, const FieldSpec& b) {
  return index_family(a.kind) == index_family(b.kind) && a.ref_type == b.ref_type;
}

// Field names every declared type has already, or that commands use as options.
bool reserved_field(const std::string& n) {
  static const std::set<std::string> words{"fields", "created", "conflicts", "field", "message", "help", "force",
                                           "sort", "reverse", "limit", "id", "type", "has", "title_"};
  return words.count(n) > 0;
}

// crm.yaml `types:`: each declared type's folder, title, fields and list columns, checked whole.
std::vector<TypeSpec> parse_types(const YamlDocument& doc, const std::string& origin) {
  const Json& v = doc.value["types"];
  if (!v.is_object()) bad(doc, origin, "/types", "types must map each type's name to its declaration");
  std::vector<TypeSpec> out;
  std::set<std::string> folders;
  std::map<std::string, FieldSpec> seen_fields;  // across declared types: one kind per name
  for (const TypeSpec& t : record_types())
    if (!t.declared) folders.insert(std::string(t.folder));
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& name = it.key();
    std::string ptr = "/types/" + name;
    if (!lower_name(name, 30, "_"))
      bad(doc, origin, ptr, "type '" + name + "': type names are lower_snake_case words, like project");
    if (reserved_word(name)) {
      const TypeSpec* b = find_type(name);
      bad(doc, origin, ptr,
          b && !b->declared ? "'" + name + "' is a built-in record type; name yours otherwise (say, my_" + name + ")"
                            : "'" + name + "' is a crm command or a word crm reserves; choose another name");
    }
    if (!it.value().is_object()) bad(doc, origin, ptr, "type '" + name + "': declare it as a map with folder, title, fields and list");
    out.push_back(TypeSpec{});
    out.back().name = intern(name);
  }
  auto declared = [&](const std::string& n) {
    for (const TypeSpec& t : record_types())
      if (!t.declared && t.name == n) return true;
    return std::any_of(out.begin(), out.end(), [&](const TypeSpec& t) { return t.name == n; });
  };
  for (auto& type : out) {
    const std::string name(type.name);
    const Json& d = v[name];
    std::string ptr = "/types/" + name;
    std::string folder = name + "s";
    std::string title, sort;
    std::vector<std::string> columns;
    for (auto o = d.begin(); o != d.end(); ++o) {
      std::string optr = ptr + "/" + o.key();
      if (o.key() == "folder") {
        folder = text_option(doc, origin, optr, o.value());
        if (folder.find('/') != std::string::npos || folder.find("..") != std::string::npos || !lower_name(folder, 40, "_-"))
          bad(doc, origin, optr, "folder must be one lowercase folder name (no slash, no dot-dot), like projects");
      } else if (o.key() == "title") {
        title = text_option(doc, origin, optr, o.value());
      } else if (o.key() == "sort") {
        sort = text_option(doc, origin, optr, o.value());
      } else if (o.key() == "help") {
        type.help = intern(text_option(doc, origin, optr, o.value()));
      } else if (o.key() == "list") {
        if (!o.value().is_array() || o.value().empty()) bad(doc, origin, optr, "list must be a list of field names");
        for (size_t i = 0; i < o.value().size(); ++i)
          columns.push_back(text_option(doc, origin, optr + "/" + std::to_string(i), o.value()[i]));
      } else if (o.key() != "fields") {
        bad(doc, origin, optr, "unknown option '" + o.key() + "' of a type; options are folder, title, fields, list, sort, help");
      }
    }
    if (reserved_word(folder) && folder != name + "s")
      bad(doc, origin, ptr + "/folder", "folder '" + folder + "' is another type's or a word crm reserves");
    if (!folders.insert(folder).second)
      bad(doc, origin, d.contains("folder") ? ptr + "/folder" : ptr, "folder '" + folder + "' is another type's folder");
    type.folder = intern(folder);
    const Json& fs = d.contains("fields") ? d["fields"] : Json();
    if (!fs.is_object() || fs.empty())
      bad(doc, origin, d.contains("fields") ? ptr + "/fields" : ptr, "a type needs fields: a map of field names to kinds");
    std::set<std::string> flags;
    for (auto f = fs.begin(); f != fs.end(); ++f) {
      std::string fptr = ptr + "/fields/" + f.key();
      const std::string& fname = f.key();
      if (!lower_name(fname, 40)) bad(doc, origin, fptr, "field names are lower_snake_case");
      if (reserved_field(fname)) bad(doc, origin, fptr, "'" + fname + "' is a name crm gives every record or command; choose another");
      FieldSpec spec{};
      spec.name = intern(fname);
      std::string kind_text, to, fallback, flag = fname, help;
      std::vector<std::string> choices;
      if (f.value().is_string()) {
        kind_text = f.value().get<std::string>();
      } else if (f.value().is_object()) {
        for (auto o = f.value().begin(); o != f.value().end(); ++o) {
          std::string optr = fptr + "/" + o.key();
          if (o.key() == "kind") kind_text = text_option(doc, origin, optr, o.value());
          else if (o.key() == "required") spec.required = truth(doc, origin, optr, o.value());
          else if (o.key() == "personal") spec.personal = truth(doc, origin, optr, o.value());
          else if (o.key() == "default") fallback = text_option(doc, origin, optr, o.value());
          else if (o.key() == "to") to = text_option(doc, origin, optr, o.value());
          else if (o.key() == "flag") flag = text_option(doc, origin, optr, o.value());
          else if (o.key() == "help") help = text_option(doc, origin, optr, o.value());
          else if (o.key() == "choices") {
            if (!o.value().is_array() || o.value().empty()) bad(doc, origin, optr, "choices must be a list of words");
            for (size_t i = 0; i < o.value().size(); ++i) {
              const Json& c = o.value()[i];
              if (!c.is_string() || !lower_name(c.get<std::string>(), 40, "_-"))
                bad(doc, origin, optr + "/" + std::to_string(i), "choices are lowercase words");
              choices.push_back(c.get<std::string>());
            }
          } else {
            bad(doc, origin, optr, "unknown option '" + o.key() +
                                       "' of a field; options are kind, required, default, choices, to, flag, help, personal");
          }
        }
      } else {
        bad(doc, origin, fptr, "declare a field as KIND or as {kind: KIND, ...}");
      }
      if (kind_text.empty()) bad(doc, origin, fptr, "field '" + fname + "' needs a kind");
      if (!parse_declared_kind(kind_text, spec.kind))
        bad(doc, origin, f.value().is_object() ? fptr + "/kind" : fptr,
            "unknown kind '" + kind_text + "'; kinds are " + declared_kind_names());
      if (spec.kind == Kind::Ref || spec.kind == Kind::Refs) {
        if (to.empty()) bad(doc, origin, fptr, "a " + kind_text + " field needs `to: TYPE`, the type it links to");
        if (!declared(to)) bad(doc, origin, fptr + "/to", "'" + to + "' is not a record type; declare it or link to a built-in one");
        spec.ref_type = intern(to);
      } else if (!to.empty()) {
        bad(doc, origin, fptr + "/to", "`to` is for ref and refs fields");
      }
      if (spec.kind == Kind::Choice) {
        if (choices.empty()) bad(doc, origin, fptr, "a choice field needs `choices: [...]`");
        std::string joined;
        for (const auto& c : choices) joined += (joined.empty() ? "" : " ") + c;
        spec.choices = intern(joined);
        if (!fallback.empty() && std::find(choices.begin(), choices.end(), fallback) == choices.end())
          bad(doc, origin, fptr + "/default", "default '" + fallback + "' is not one of the choices (" + joined + ")");
      } else if (!choices.empty()) {
        bad(doc, origin, fptr + "/choices", "choices are for choice fields");
      }
      if (const FieldSpec* b = builtin_field(fname);
          b && !alike(*b, spec)) {
        bad(doc, origin, fptr, "'" + fname + "' is a built-in field of kind " + kind_words(*b) +
                                   "; give yours that kind or another name");
      }
      if (auto s = seen_fields.find(fname); s != seen_fields.end() && !alike(s->second, spec))
        bad(doc, origin, fptr, "'" + fname + "' is declared with another kind in another type; one name, one kind");
      if (!lower_name(flag, 40, "-")) bad(doc, origin, fptr + "/flag", "a flag is a lowercase word, like due-date");
      std::replace(flag.begin(), flag.end(), '_', '-');
      if (!flags.insert(flag).second) bad(doc, origin, fptr, "flag --" + flag + " is another field's");
      spec.flag = intern(flag);
      spec.fallback = intern(fallback);
      if (help.empty()) {
        help = fname;
        std::replace(help.begin(), help.end(), '_', ' ');
        if (spec.kind == Kind::Choice) {
          help += ": ";
          for (size_t i = 0; i < choices.size(); ++i)
            help += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
        } else {
          help += " (" + kind_text + (to.empty() ? "" : " REF") + (is_list_kind(spec.kind) ? ", repeatable" : "") + ")";
        }
        if (!fallback.empty()) help += "; default " + fallback;
      }
      spec.help = intern(help);
      type.fields.push_back(spec);
      seen_fields[fname] = spec;
    }
    if (title.empty()) {
      for (const char* n : {"name", "title"})
        if (type.field(n)) title = n;
      if (title.empty()) title = std::string(type.fields.front().name);
    }
    const FieldSpec* tf = type.field(title);
    if (!tf || (tf->kind != Kind::Line && tf->kind != Kind::Email && tf->kind != Kind::Phone && tf->kind != Kind::Url))
      bad(doc, origin, d.contains("title") ? ptr + "/title" : ptr,
          "title must name one of the type's line fields (" + title + " is " + (tf ? "not a line" : "not a field") + ")");
    type.title_field = tf->name;
    for (const auto& c : columns) {
      if (!type.field(c)) bad(doc, origin, ptr + "/list", "list column '" + c + "' is not a field of " + name);
      type.columns.push_back(type.field(c)->name);
    }
    if (!sort.empty()) {
      if (!type.field(sort)) bad(doc, origin, ptr + "/sort", "sort field '" + sort + "' is not a field of " + name);
      type.sort = type.field(sort)->name;
    }
    for (const char* tail : {"fields", "created", "conflicts"}) {
      Kind k = std::string_view(tail) == "fields" ? Kind::Custom : std::string_view(tail) == "created" ? Kind::DateTime : Kind::Conflicts;
      type.fields.push_back({tail, k, "", tail == std::string_view("created") ? "when it was added (written once)" : ""});
    }
    type.declared = true;
  }
  return out;
}

}  // namespace

const TypeSpec* Config::type(const std::string& name) const {
  for (const auto& t : types)
    if (t.name == name) return &t;
  const TypeSpec* t = find_type(name);
  return t && !t->declared && t->name == name ? t : nullptr;
}

Config Config::parse(const std::string& text, const std::string& origin) {
  YamlDocument doc = parse_yaml(text, origin);
  if (!doc.value.is_object()) bad(doc, origin, "", "crm.yaml must be a map of settings");
  Config c = defaults();
  // Types first: custom fields (`fields:`) may be declared for them.
  if (doc.value.contains("types")) c.types = parse_types(doc, origin);
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
        const TypeSpec* type = c.type(t.key());
        if (!type) type = find_type(t.key());
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
    } else if (k != "types") {
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
