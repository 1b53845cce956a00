#include "sync/field_merge.hpp"

#include <algorithm>

#include "model/error.hpp"
#include "model/record.hpp"
#include "model/yaml.hpp"
#include "store/git.hpp"

namespace crm {

namespace {

// Absent, null, "" and empty lists or maps are all "no value" (crm never writes them).
bool absent(const Json* v) {
  return !v || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()) ||
         ((v->is_array() || v->is_object()) && v->empty());
}
bool same(const Json* a, const Json* b) {
  if (absent(a) || absent(b)) return absent(a) && absent(b);
  return *a == *b;
}
const Json* member(const Json& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &*it;
}
bool holds(const Json& list, const Json& item) { return std::find(list.begin(), list.end(), item) != list.end(); }

// Lists as sets: our order, without what either side removed, then what they added.
Json merge_sets(const Json* base, const Json* ours, const Json* theirs) {
  Json b = base && base->is_array() ? *base : Json::array();
  Json o = ours && ours->is_array() ? *ours : Json::array();
  Json t = theirs && theirs->is_array() ? *theirs : Json::array();
  Json out = Json::array();
  for (const auto& item : o)
    if (!(holds(b, item) && !holds(t, item)) && !holds(out, item)) out.push_back(item);
  for (const auto& item : t)
    if (!holds(b, item) && !holds(out, item)) out.push_back(item);
  return out;
}

struct Merger {
  const MergeSide& side;
  Json conflicts;  // field -> entries added by this merge
  std::vector<std::string> names;

  // One value; `kind` is the field's kind when known, `name` its dotted name for conflicts.
  Json value(const Json* b, const Json* o, const Json* t, const FieldSpec* spec, const std::string& name) {
    if (same(o, t) || same(b, t)) return o ? *o : Json();
    if (same(b, o)) return t ? *t : Json();
    Kind kind = spec ? spec->kind : Kind::Line;
    bool lists = (o && o->is_array()) || (t && t->is_array());
    if (lists && (!spec || is_list_kind(kind) || kind == Kind::StageHistory)) {
      Json merged = merge_sets(b, o, t);
      if (kind == Kind::StageHistory)
        std::stable_sort(merged.begin(), merged.end(), [](const Json& x, const Json& y) {
          auto at = [](const Json& j) { return j.is_object() && j.contains("at") ? j["at"].dump() : std::string(); };
          return at(x) < at(y);
        });
      return merged;
    }
    bool maps = (absent(o) || o->is_object()) && (absent(t) || t->is_object()) && !(absent(o) && absent(t));
    if (maps) return map(b && b->is_object() ? *b : Json::object(), o ? *o : Json::object(), t ? *t : Json::object(), name);
    // A value cleared on one side and changed on the other: the change wins, as an edit wins over a removal.
    if (absent(o)) return *t;
    if (absent(t)) return *o;
    if (o->is_string() && t->is_string() && kind == Kind::Text) {
      auto lines = merge_lines(b && b->is_string() ? b->get<std::string>() : std::string(), o->get<std::string>(),
                               t->get<std::string>());
      if (lines) return *lines;
    }
    record(name, *t);
    return *o;
  }

  Json map(const Json& b, const Json& o, const Json& t, const std::string& prefix) {
    Json out = Json::object();
    std::vector<std::string> keys;
    for (const Json* m : {&o, &t, &b})
      for (auto it = m->begin(); it != m->end(); ++it)
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
    for (const auto& k : keys) {
      Json v = value(member(b, k), member(o, k), member(t, k), nullptr, prefix.empty() ? k : prefix + "." + k);
      if (!absent(&v)) out[k] = v;
    }
    return out;
  }

  void record(const std::string& name, const Json& theirs) {
    Json entry = Json::object();
    entry["value"] = theirs;
    if (!side.who.empty()) entry["by"] = side.who;
    if (!side.when.empty()) entry["at"] = side.when;
    conflicts[name].push_back(entry);
    names.push_back(name);
  }
};

}  // namespace

FieldMergeResult merge_by_lines(const std::optional<std::string>& base, const std::string& ours, const std::string& theirs) {
  FieldMergeResult r;
  r.by_lines = true;
  r.text = *merge_lines(base.value_or(""), ours, theirs, true);
  r.markers = r.text.rfind("<<<<<<< ours\n", 0) == 0 || r.text.find("\n<<<<<<< ours\n") != std::string::npos;
  return r;
}

FieldMergeResult merge_record(const TypeSpec& type, const Config& config, const std::string& path,
                              const std::optional<std::string>& base, const std::string& ours,
                              const std::string& theirs, const MergeSide& their_side) {
  FieldMergeResult r;
  YamlDocument b, o, t;
  try {
    if (base) b = parse_yaml(*base, path);
    o = parse_yaml(ours, path);
    t = parse_yaml(theirs, path);
  } catch (const Error&) {
    // Not records we can read field by field: git's line merge, markers where the sides disagree.
    return merge_by_lines(base, ours, theirs);
  }
  Json bv = b.value.is_object() ? b.value : Json::object();
  if (!o.value.is_object() || !t.value.is_object()) return merge_by_lines(base, ours, theirs);
  Merger m{their_side, Json::object(), {}};
  Json out = Json::object();
  // Every field of every side, in our order first (canonical() puts known fields in schema order).
  std::vector<std::string> keys;
  for (const Json* side : {&o.value, &t.value, &bv})
    for (auto it = side->begin(); it != side->end(); ++it)
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
  for (const auto& k : keys) {
    const FieldSpec* spec = type.field(k);
    Json v = m.value(member(bv, k), member(o.value, k), member(t.value, k), spec, k);
    if (!absent(&v)) out[k] = v;
  }
  // Conflicts found now join those the record already carried, each value once.
  if (!m.conflicts.empty()) {
    Json& all = out["conflicts"];
    if (!all.is_object()) all = Json::object();
    for (auto it = m.conflicts.begin(); it != m.conflicts.end(); ++it)
      for (const auto& entry : it.value()) {
        Json& list = all[it.key()];
        if (!list.is_array()) list = list.is_null() ? Json::array() : Json::array({list});
        bool known = false;
        for (const auto& e : list) known = known || (e.is_object() && e.contains("value") && e["value"] == entry["value"]) || e == entry["value"];
        if (!known) list.push_back(entry);
      }
  }
  r.conflicts = m.names;
  r.text = record_yaml(type, out, &config, &o.comments);
  return r;
}

}  // namespace crm
