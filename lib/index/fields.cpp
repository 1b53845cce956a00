#include "index/fields.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "model/dates.hpp"
#include "model/record.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

SearchKind kind_for(const FieldSpec& f) {
  switch (f.kind) {
    case Kind::Line:
      return f.name == "name" || f.name == "owner" || f.name == "author" ? SearchKind::Name : SearchKind::Text;
    case Kind::Text:
    case Kind::Addresses:
      return SearchKind::Text;
    case Kind::Email:
    case Kind::Emails:
      return SearchKind::Email;
    case Kind::Phone:
    case Kind::Phones:
      return SearchKind::Phone;
    case Kind::Ref:
    case Kind::Refs:
      return SearchKind::Ref;
    case Kind::Money:
    case Kind::Integer:
    case Kind::Percent:
      return SearchKind::Number;
    case Kind::Date:
    case Kind::DateTime:
    case Kind::When:
      return SearchKind::Date;
    default:
      return SearchKind::Keyword;
  }
}

// Fields whose values reports group or add up: kept as written in a value slot of their own.
bool reported(const FieldSpec& f) {
  switch (f.kind) {
    case Kind::Money: case Kind::Integer: case Kind::Percent: case Kind::Currency: case Kind::Stage:
    case Kind::Lifecycle: case Kind::Choice: case Kind::NoteKind: case Kind::Period: case Kind::Duration:
    case Kind::Ref: case Kind::Refs:
      return true;
    case Kind::Line:
      return f.name == "owner" || f.name == "author";
    default:
      return false;
  }
}

std::string prefix_for(const std::string& name) {
  std::string p = "X";
  for (char c : name) p += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : (c == '.' ? '_' : c);
  return p;
}

std::string term(const std::string& prefix, const std::string& value) {
  std::string t = prefix + value;
  if (t.size() > 240) t.resize(240);
  return t;
}

}  // namespace

std::string slot_value(SearchKind kind, const std::string& text) {
  if (kind == SearchKind::Number) {
    try {
      return Xapian::sortable_serialise(std::stod(text));
    } catch (...) {
      return {};
    }
  }
  if (kind == SearchKind::Date) {
    // Datetimes are compared in UTC; dates as they are (a date sorts before its datetimes).
    if (valid_datetime(text)) return format_datetime(DateTime{parse_moment(text, "date").utc, 0});
    return text;
  }
  return text;
}

SearchSchema::SearchSchema(const Config& config, const std::string& slots) {
  // The persisted table: name -> (kind, slot, text slot). Slots never go back to a lower number.
  struct Given {
    int kind;
    Xapian::valueno slot, text_slot;
  };
  std::map<std::string, Given> given;
  Xapian::valueno next_slot = 10;
  {
    std::istringstream in(slots);
    std::string name;
    long kind, slot, text;
    while (in >> name >> kind >> slot >> text) {
      given[name] = {static_cast<int>(kind), static_cast<Xapian::valueno>(slot), static_cast<Xapian::valueno>(text)};
      for (long v : {slot, text})
        if (static_cast<Xapian::valueno>(v) != Xapian::BAD_VALUENO) next_slot = std::max(next_slot, static_cast<Xapian::valueno>(v) + 1);
    }
  }
  table_ = slots;
  if (!table_.empty() && table_.back() != '\n') table_ += '\n';
  std::map<std::string, size_t> seen;
  auto add = [&](const std::string& name, SearchKind kind, std::string flag, std::string ref_type, bool text,
                 bool bare) {
    if (seen.count(name)) {
      auto& f = fields_[seen[name]];
      if (!flag.empty() && flag != name && std::find(f.aliases.begin(), f.aliases.end(), flag) == f.aliases.end())
        f.aliases.push_back(flag);
      return;
    }
    SearchField f{name, {}, kind, prefix_for(name), Xapian::BAD_VALUENO, ref_type, bare};
    std::replace(flag.begin(), flag.end(), '-', '_');
    if (!flag.empty() && flag != name) f.aliases.push_back(flag);
    bool wants_slot = kind == SearchKind::Number || kind == SearchKind::Date;
    // A date's text slot holds it as written only when that differs from the slot's UTC form.
    bool wants_text = text || kind == SearchKind::Date;
    auto g = given.find(name);
    if (g != given.end() && g->second.kind == static_cast<int>(kind) &&
        (g->second.slot != Xapian::BAD_VALUENO) == wants_slot && (g->second.text_slot != Xapian::BAD_VALUENO) == wants_text) {
      f.slot = g->second.slot;
      f.text_slot = g->second.text_slot;
    } else if (wants_slot || wants_text || g != given.end()) {
      if (wants_slot) f.slot = next_slot++;
      if (wants_text) f.text_slot = next_slot++;
      table_ += name + " " + std::to_string(static_cast<int>(kind)) + " " + std::to_string(static_cast<long>(f.slot)) +
                " " + std::to_string(static_cast<long>(f.text_slot)) + "\n";
      given[name] = {static_cast<int>(kind), f.slot, f.text_slot};
    }
    seen[name] = fields_.size();
    fields_.push_back(f);
  };
  for (const TypeSpec& t : record_types())
    for (const auto& f : t.fields) {
      if (f.kind == Kind::Custom || f.kind == Kind::Conflicts) continue;
      if (f.kind == Kind::StageHistory) continue;
      add(std::string(f.name), kind_for(f), std::string(f.flag), std::string(f.ref_type), reported(f),
          f.kind != Kind::Text);
    }
  add(kStageChanged, SearchKind::Date, "", "", true, true);
  // Custom fields: fields.NAME, also reachable as NAME when no built-in field has that name.
  for (const auto& [type, list] : config.fields)
    for (const auto& cf : list) {
      FieldSpec spec{cf.name, cf.kind, "", "", "", false};
      std::string name = "fields." + cf.name;
      add(name, kind_for(spec), seen.count(cf.name) ? "" : cf.name, "", reported(spec), cf.kind != Kind::Text);
    }
  language_ = config.language;
  stems_ = config.language != "none";
  if (stems_) {
    try {
      stemmer_ = Xapian::Stem(config.language);
    } catch (const Xapian::InvalidArgumentError&) {
      stems_ = false;  // an unknown language: index words as they are
    }
  }
}

const std::string& SearchSchema::stem(const std::string& word) const {
  auto it = stems_seen_.find(word);
  if (it != stems_seen_.end()) return it->second;
  if (stems_seen_.size() > 200000) stems_seen_.clear();  // bounded, whatever the vocabulary
  return stems_seen_.emplace(word, stemmer_(word)).first->second;
}

const SearchField* SearchSchema::find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return &f;
    for (const auto& a : f.aliases)
      if (a == name) return &f;
  }
  return nullptr;
}

std::string SearchSchema::slot_table() const { return table_; }

std::string SearchSchema::fingerprint(const TypeSpec& type, const Config& config) const {
  std::string fp = "title=" + std::string(type.title_field) + " language=" + language_ + (stems_ ? "" : "(none)");
  auto add = [&](const std::string& name) {
    const SearchField* f = find(name);
    if (!f || f->name != name) return;
    fp += " " + name + ":" + std::to_string(static_cast<int>(f->kind)) + ":" + std::to_string(static_cast<long>(f->slot)) +
          ":" + std::to_string(static_cast<long>(f->text_slot)) + (f->bare ? "" : ":long");
  };
  for (const auto& f : type.fields) add(std::string(f.name));
  if (type.field("stage_history")) add(kStageChanged);
  if (auto it = config.fields.find(std::string(type.name)); it != config.fields.end())
    for (const auto& cf : it->second) add("fields." + cf.name);
  return fp;
}

std::string SearchSchema::names() const {
  std::string r = "type, has, id";
  for (const auto& f : fields_) r += ", " + (f.aliases.empty() ? f.name : f.aliases.front());
  return r;
}

namespace {

void add_words(const SearchSchema& schema, const SearchField& f, const std::string& text, Xapian::Document& doc,
               Xapian::termpos& pos) {
  bool stem = f.kind == SearchKind::Text && schema.stems();
  for (const auto& w : words(text)) {
    ++pos;
    doc.add_posting(term(f.prefix, w), pos);
    if (f.bare) doc.add_term(term("", w));  // no positions: phrases are matched per field
    if (stem) {
      // Only a stem that differs from the word: a word that is its own stem is found
      // as the word itself (QueryBuilder::word looks for both).
      const std::string& s = schema.stem(w);
      if (s != w) {
        doc.add_term(term("Z" + f.prefix, s));
        if (f.bare) doc.add_term(term("Z", s));
      }
    }
  }
  pos += 10;  // no phrase spans two values
}

void index_value(const SearchSchema& schema, const SearchField& f, const Json& v, Xapian::Document& doc,
                 Xapian::termpos& pos) {
  if (v.is_null()) return;
  if (v.is_array()) {
    for (const auto& x : v) index_value(schema, f, x, doc, pos);
    return;
  }
  if (v.is_object()) {
    // Addresses and labelled emails/phones: every value, and the label as a word.
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (f.kind == SearchKind::Email || f.kind == SearchKind::Phone) add_words(schema, SearchField{f.name, {}, SearchKind::Keyword, f.prefix}, it.key(), doc, pos);
      index_value(schema, f, it.value(), doc, pos);
    }
    return;
  }
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  switch (f.kind) {
    case SearchKind::Name:
    case SearchKind::Text:
      add_words(schema, f, text, doc, pos);
      break;
    case SearchKind::Keyword: {
      std::string k = fold(trim(text));
      doc.add_term(term(f.prefix, k));
      add_words(schema, SearchField{f.name, {}, SearchKind::Name, f.prefix}, text, doc, pos);
      break;
    }
    case SearchKind::Email: {
      std::string e = lower_ascii(trim(text));
      doc.add_term(term(f.prefix, e));
      doc.add_term(term("", e));
      add_words(schema, SearchField{f.name, {}, SearchKind::Name, f.prefix}, e, doc, pos);
      break;
    }
    case SearchKind::Phone: {
      std::string digits;
      for (char c : text)
        if (c >= '0' && c <= '9') digits += c;
      if (digits.empty()) break;
      doc.add_term(term(f.prefix, digits));
      doc.add_term(term("", digits));
      break;
    }
    case SearchKind::Ref:
      doc.add_term(term(f.prefix, text));
      break;
    case SearchKind::Number:
    case SearchKind::Date: {
      doc.add_term(term(f.prefix, lower_ascii(text)));
      std::string sv = slot_value(f.kind, text);
      if (!sv.empty() && f.slot != Xapian::BAD_VALUENO) doc.add_value(f.slot, sv);
      break;
    }
  }
}

// The value as written, for a report: a scalar's text, or a list's items joined by spaces.
std::string written(const Json& v) {
  auto one = [](const Json& x) { return x.is_string() ? trim(x.get<std::string>()) : x.is_primitive() ? x.dump() : ""; };
  if (!v.is_array()) return one(v);
  std::string r;
  for (const auto& x : v) {
    std::string t = one(x);
    if (!t.empty()) r += (r.empty() ? "" : " ") + t;
  }
  return r;
}

// When a deal entered its stage: the `at` of the latest history entry, when that entry is the
// current stage (a stage set by hand without history has no date).
std::string stage_changed(const Json& data) {
  auto h = data.find("stage_history");
  auto st = data.find("stage");
  if (h == data.end() || !h->is_array() || h->empty() || st == data.end()) return {};
  const Json& last = h->back();
  if (!last.is_object() || last.value("stage", Json()) != *st) return {};
  auto at = last.find("at");
  return at != last.end() && at->is_string() && valid_when(at->get<std::string>()) ? at->get<std::string>() : "";
}

}  // namespace

void index_fields(const SearchSchema& schema, const TypeSpec& type, const Config& config, const Json& data,
                  Xapian::Document& doc) {
  (void)config;
  Xapian::termpos pos = 0;
  auto keep_written = [&](const SearchField& f, const Json& v) {
    if (f.text_slot == Xapian::BAD_VALUENO) return;
    std::string t = written(v);
    // A date only when it differs from the UTC form index_value put in its slot.
    if (!t.empty() && (f.kind != SearchKind::Date || t != doc.get_value(f.slot))) doc.add_value(f.text_slot, t);
  };
  if (type.field("stage_history")) {
    std::string at = stage_changed(data);
    const SearchField* f = schema.find(kStageChanged);
    if (f && !at.empty()) {
      index_value(schema, *f, at, doc, pos);
      doc.add_boolean_term("H" + f->name);
    }
  }
  for (auto it = data.begin(); it != data.end(); ++it) {
    const std::string& key = it.key();
    if (key == "fields" && it.value().is_object()) {
      for (auto c = it.value().begin(); c != it.value().end(); ++c) {
        const SearchField* f = schema.find("fields." + c.key());
        if (!f) continue;
        index_value(schema, *f, c.value(), doc, pos);
        keep_written(*f, c.value());
        doc.add_boolean_term("H" + f->name);
      }
      continue;
    }
    const FieldSpec* spec = type.field(key);
    if (!spec) continue;
    const SearchField* f = schema.find(key);
    if (!f) continue;
    index_value(schema, *f, it.value(), doc, pos);
    keep_written(*f, it.value());
    const Json& v = it.value();
    if (!(v.is_null() || ((v.is_array() || v.is_object()) && v.empty()))) doc.add_boolean_term("H" + f->name);
  }
}

}  // namespace crm
