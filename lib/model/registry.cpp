// The registry of record types: the built-in rows (lib/model/types/), then the types crm.yaml
// declares. Views into a declared type's strings stay valid for the life of the process.
#include <algorithm>
#include <deque>

#include "model/error.hpp"
#include "model/schema.hpp"
#include "model/types/types.hpp"

namespace crm {

namespace {

struct Registry {
  std::vector<TypeSpec> builtin{contact_type(), company_type(), deal_type(), note_type(), task_type(), campaign_type()};
  std::deque<TypeSpec> declared;  // every type ever declared: addresses never change
  TypeList list;                  // builtin, then the types declared last
  Registry() {
    for (const auto& t : builtin) list.emplace_back(t);
  }
};

Registry& registry() {
  static Registry r;
  return r;
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

bool TypeSpec::has_verb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

const TypeList& record_types() { return registry().list; }

const TypeSpec* find_type(std::string_view name) {
  for (const TypeSpec& t : record_types())
    if (t.name == name || t.folder == name) return &t;
  return nullptr;
}

const TypeSpec& type_spec(std::string_view name) {
  if (const auto* t = find_type(name)) return *t;
  std::string names;
  for (const TypeSpec& t : record_types()) names += (names.empty() ? "" : ", ") + std::string(t.name);
  fail(Failure::Usage, "unknown record type '" + std::string(name) + "'", "types are: " + names);
}

void declare_types(const std::vector<TypeSpec>& types) {
  Registry& r = registry();
  r.list.erase(r.list.begin() + static_cast<long>(r.builtin.size()), r.list.end());
  for (const auto& t : types) {
    auto same = std::find_if(r.declared.begin(), r.declared.end(), [&](const TypeSpec& d) { return d.name == t.name; });
    if (same == r.declared.end()) same = r.declared.insert(r.declared.end(), t);
    else *same = t;
    same->declared = true;
    r.list.emplace_back(*same);
  }
}

std::string_view intern(std::string text) {
  static std::deque<std::string> strings;
  for (const auto& s : strings)
    if (s == text) return s;
  return strings.emplace_back(std::move(text));
}

const std::vector<std::string_view>& reserved_words() {
  // crm's commands (cmd/main.cpp; tests/cli/t120-declared-types.sh checks this covers `crm --help`)
  // and the words a repository or its tools already use.
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> w{"init",   "clone",  "show",   "edit",  "history", "check",      "reindex",
                                    "search", "log",    "agenda", "export", "report", "sync",       "merge-file",
                                    "import", "watch",  "hooks",  "help",  "type",    "types",      "record",
                                    "id",     "has",    "fields", "crm",   "all",     "git"};
    for (const auto& t : registry().builtin) {
      w.push_back(t.name);
      w.push_back(t.folder);
    }
    return w;
  }();
  return words;
}

bool reserved_word(std::string_view word) {
  const auto& w = reserved_words();
  return std::find(w.begin(), w.end(), word) != w.end() || word.starts_with("__");
}

namespace types {
const TypeSpec& contact() { return registry().builtin[0]; }
const TypeSpec& company() { return registry().builtin[1]; }
const TypeSpec& deal() { return registry().builtin[2]; }
const TypeSpec& note() { return registry().builtin[3]; }
const TypeSpec& task() { return registry().builtin[4]; }
const TypeSpec& campaign() { return registry().builtin[5]; }
}  // namespace types

}  // namespace crm
