// crm contact|company|deal add|list|show|edit|set|rm, crm deal move.
// One generic implementation driven by the schema table (lib/model/schema.cpp):
// each field's flag becomes an option of add and set.
#include "cmd/records.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "activity/activity.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

Json record_json(const TypeSpec& type, const std::string& id, const Json& data) {
  Json j = Json::object();
  j["id"] = id;
  j["type"] = std::string(type.name);
  Json c = canonical(type, data);
  for (auto it = c.begin(); it != c.end(); ++it) j[it.key()] = it.value();
  return j;
}

RecordFile load_entry(const Repository& repo, const Entry& e) {
  if (!e.error.empty()) fail(Failure::Invalid, e.error, "fix the file by hand (crm check lists every problem)");
  return repo.load(*e.type, e.id);
}

RecordFile load_valid_entry(const Repository& repo, const Entry& e) {
  RecordFile f = load_entry(repo, e);
  if (f.problems.empty()) return f;
  std::string msg;
  for (const auto& p : f.problems) msg += (msg.empty() ? "" : "\n") + f.where(p) + ": " + p.message;
  fail(Failure::Invalid, msg, "fix the file first: `crm edit " + short_id(e.id) + "` or any editor; nothing was changed");
}

void print_changed(Context& ctx, const std::vector<Record>& records) {
  if (ctx.json || ctx.format_name == "json" || ctx.format_name == "ndjson" || ctx.format_name == "yaml") {
    std::vector<Json> out;
    for (const auto& r : records) out.push_back(record_json(*r.type, r.id, r.data));
    render_records(std::cout, ctx.format(Format::Json), out);
    return;
  }
  for (const auto& r : records) std::cout << r.id << "\n";
}

namespace {

// Values given for fields on the command line.
struct FieldArgs {
  std::string title;                                       // add: the positional NAME/TITLE
  std::map<std::string, std::vector<std::string>> values;  // field -> given values
  std::map<std::string, std::vector<std::string>> removals;
  std::vector<std::string> custom;       // --field name=value
  std::vector<std::string> assignments;  // set: FIELD=VALUE
  std::vector<std::string> parties;      // --for: contacts or a company
};

void add_field_options(CLI::App* cmd, const TypeSpec& type, FieldArgs& a, bool for_set) {
  for (const auto& f : type.fields) {
    if (f.flag.empty() || (!for_set && f.name == type.title_field)) continue;
    std::string name(f.name), flag(f.flag);
    std::string help(f.help);
    if (is_list_kind(f.kind)) {
      std::string names = "--" + flag + (for_set && f.kind == Kind::Tags ? ",--add-" + flag : "");
      cmd->add_option(names, a.values[name], help + (for_set ? "; adds to the list" : ""))
          ->type_name("VALUE")
          ->allow_extra_args(false);
      if (for_set)
        cmd->add_option("--rm-" + flag, a.removals[name], "remove from " + name)->type_name("VALUE")->allow_extra_args(false);
    } else {
      cmd->add_option("--" + flag, a.values[name], help)
          ->type_name(f.kind == Kind::Text ? "TEXT|-" : "VALUE")
          ->expected(1)
          ->allow_extra_args(false)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
  if (type.for_parties)
    cmd->add_option("--for", a.parties, "who it is for: a contact or company REF (repeatable)")
        ->type_name("REF")
        ->allow_extra_args(false);
  cmd->add_option("--field", a.custom, "custom field NAME=VALUE (declared in crm.yaml); repeatable")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
}

std::string ref_id(const Index& index, const FieldSpec& f, const std::string& text) {
  return index.resolve(text, find_type(f.ref_type)).id;
}

// Text for one value: "-" reads stdin for text fields.
std::string given(const FieldSpec& f, const std::string& v) {
  if (f.kind == Kind::Text && v == "-") return read_stdin();
  return v;
}

void set_field(const Repository& repo, const Index& index, const FieldSpec& f, Json& data,
               const std::vector<std::string>& vals, const std::string& what, bool replace_list) {
  std::string name(f.name);
  if (f.kind == Kind::Ref) {
    data[name] = ref_id(index, f, vals.back());
    return;
  }
  if (is_list_kind(f.kind)) {
    Json list = (!replace_list && data.contains(name) && data[name].is_array()) ? data[name] : Json::array();
    for (const auto& v : vals) {
      Json item = f.kind == Kind::Refs ? Json(ref_id(index, f, v)) : field_value(f, repo.config(), v, what);
      bool dup = false;
      for (const auto& x : list) dup = dup || same_item(x, item);
      if (!dup) list.push_back(item);
    }
    data[name] = list;
    return;
  }
  data[name] = field_value(f, repo.config(), given(f, vals.back()), what);
}

void set_custom(const Repository& repo, const TypeSpec& type, Json& data, const std::string& name,
                const std::string& value, const std::string& what) {
  const CustomField* cf = repo.config().custom(std::string(type.name), name);
  if (!cf)
    fail(Failure::Invalid, what + ": custom field '" + name + "' is not declared for " + std::string(type.name),
         "declare it in crm.yaml under fields: " + std::string(type.name) + ": " + name + ": string");
  if (!data.contains("fields") || !data["fields"].is_object()) data["fields"] = Json::object();
  if (value.empty()) {
    data["fields"].erase(name);
    return;
  }
  if (cf->kind == Kind::Tags) {
    Json list = Json::array();
    for (const auto& v : split(value, ',')) if (!trim(v).empty()) list.push_back(trim(v));
    data["fields"][name] = list;
    return;
  }
  data["fields"][name] = custom_value(*cf, value, what);
}

// Applies flags and assignments; returns the names of the fields changed.
std::vector<std::string> apply(const Repository& repo, const Index& index, const TypeSpec& type, Json& data,
                               const FieldArgs& a) {
  std::vector<std::string> changed;
  for (const auto& p : a.parties) {
    link_party(type, data, index.resolve(p, party_types()));
    changed.push_back("for");
  }
  for (const auto& [name, vals] : a.values) {
    if (vals.empty()) continue;
    const FieldSpec& f = *type.field(name);
    set_field(repo, index, f, data, vals, "--" + std::string(f.flag), false);
    changed.push_back(name);
  }
  for (const auto& [name, vals] : a.removals) {
    if (vals.empty()) continue;
    const FieldSpec& f = *type.field(name);
    Json list = data.contains(name) && data[name].is_array() ? data[name] : Json::array();
    for (const auto& v : vals) {
      Json probe = f.kind == Kind::Refs ? Json(ref_id(index, f, v)) : Json(trim(v));
      size_t before = list.size();
      Json kept = Json::array();
      for (const auto& x : list)
        if (!same_item(x, probe)) kept.push_back(x);
      if (kept.size() == before)
        fail(Failure::NotFound, "--rm-" + std::string(f.flag) + ": '" + v + "' is not in " + name);
      list = kept;
    }
    data[name] = list;
    changed.push_back(name);
  }
  for (const auto& c : a.custom) {
    size_t eq = c.find('=');
    if (eq == std::string::npos) fail(Failure::Usage, "--field: '" + c + "' is not NAME=VALUE");
    set_custom(repo, type, data, trim(c.substr(0, eq)), c.substr(eq + 1), "--field " + trim(c.substr(0, eq)));
    changed.push_back("fields." + trim(c.substr(0, eq)));
  }
  for (const auto& asg : a.assignments) {
    size_t eq = asg.find('=');
    if (eq == std::string::npos || eq == 0)
      fail(Failure::Usage, "'" + asg + "' is not FIELD=VALUE", "for example: title=\"VP Engineering\" or owner=");
    std::string key = trim(asg.substr(0, eq)), value = asg.substr(eq + 1);
    std::replace(key.begin(), key.end(), '-', '_');
    if (key.rfind("fields.", 0) == 0) {
      set_custom(repo, type, data, key.substr(7), value, key);
      changed.push_back(key);
      continue;
    }
    const FieldSpec* f = type.field(key);
    if (!f && repo.config().custom(std::string(type.name), key)) {
      set_custom(repo, type, data, key, value, key);
      changed.push_back("fields." + key);
      continue;
    }
    if (!f || f->name == "created" || f->kind == Kind::StageHistory || f->kind == Kind::Custom)
      fail(Failure::Usage, "'" + key + "' is not a field you can set on a " + std::string(type.name),
           "see `crm " + std::string(type.name) + " set --help` for the fields");
    if (f->kind == Kind::Conflicts) {
      if (!value.empty()) fail(Failure::Usage, "conflicts can only be cleared: conflicts=");
      data.erase("conflicts");
    } else if (trim(value).empty()) {
      if (f->required) fail(Failure::Invalid, key + " is required and cannot be cleared");
      data.erase(key);
    } else if (is_list_kind(f->kind)) {
      std::vector<std::string> items;
      for (const auto& v : (f->kind == Kind::Addresses ? std::vector<std::string>{value} : split(value, ',')))
        if (!trim(v).empty()) items.push_back(v);
      set_field(repo, index, *f, data, items, key, true);
    } else {
      set_field(repo, index, *f, data, {value}, key, true);
    }
    changed.push_back(key);
  }
  // Setting a field, by flag or FIELD=VALUE, resolves a merge conflict recorded for it.
  if (data.contains("conflicts") && data["conflicts"].is_object()) {
    for (const auto& name : changed) data["conflicts"].erase(name);
    if (data["conflicts"].empty()) data.erase("conflicts");
  }
  return changed;
}

std::string joined(const std::vector<std::string>& v) {
  std::string r;
  std::set<std::string> seen;
  for (const auto& s : v)
    if (seen.insert(s).second) r += (r.empty() ? "" : ", ") + s;
  return r;
}

// ---------------------------------------------------------------------------

void run_add(Context& ctx, const TypeSpec& type, const FieldArgs& a) {
  Repository& repo = ctx.repo();
  if (trim(a.title).empty())
    fail(Failure::Invalid, std::string(type.title_field) + " is empty",
         "give the " + std::string(type.title_field) + ": crm " + std::string(type.name) + " add \"...\"");
  Transaction tx(repo);
  Record r;
  r.type = &type;
  r.id = new_id();
  while (repo.exists(Repository::relative_path(type, r.id))) r.id = new_id();
  r.data[std::string(type.title_field)] = trim(a.title);
  apply(repo, tx.index(), type, r.data, a);
  for (const auto& f : type.fields)
    if (!f.fallback.empty() && !r.data.contains(std::string(f.name))) r.data[std::string(f.name)] = std::string(f.fallback);
  std::string now = format_datetime(crm::now());
  if (type.behaviour && type.behaviour->on_add) type.behaviour->on_add(r.data, repo.config(), now);
  r.data["created"] = now;
  if (r.data.contains("emails") && r.data["emails"].is_array())
    for (const auto& e : r.data["emails"])
      for (const auto& other : tx.index().find(item_text(e), &type))
        ctx.warn(std::string(type.name) + " " + short_id(other.id) + " (" + other.title() + ") has the email " +
                 item_text(e) + " too");
  tx.put(r);
  tx.commit(ctx.message.empty() ? std::string(type.name) + ": add " + r.title() : ctx.message);
  print_changed(ctx, {r});
}

// The title of a linked record (from the index's values: no record is decoded; remembered).
std::string linked_title(const Index& index, const std::string& id) { return index.title_of(id); }

// The ids a list's rows link to in these columns, looked up together.
void prefetch_linked(const Index& index, const TypeSpec& type, const std::vector<std::string>& cols,
                     const std::vector<Entry>& entries) {
  std::vector<std::string> ids;
  for (const auto& c : cols) {
    const FieldSpec* f = type.field(c);
    if (!f || (f->kind != Kind::Ref && f->kind != Kind::Refs)) continue;
    for (const auto& e : entries) {
      auto v = e.data.find(c);
      if (v == e.data.end()) continue;
      if (v->is_string()) ids.push_back(v->get<std::string>());
      else if (v->is_array())
        for (const auto& x : *v)
          if (x.is_string()) ids.push_back(x.get<std::string>());
    }
  }
  index.prefetch_titles(std::move(ids));
}

std::string cell(const Index& index, const FieldSpec* f, const Json& data) {
  if (!f) return {};
  std::string name(f->name);
  if (!data.contains(name)) return {};
  const Json& v = data[name];
  if (f->kind == Kind::Ref && v.is_string()) return linked_title(index, v.get<std::string>());
  if (v.is_array()) {
    std::string r;
    for (const auto& x : v) {
      std::string t = f->kind == Kind::Refs && x.is_string() ? linked_title(index, x.get<std::string>()) : item_text(x);
      if (!t.empty()) r += (r.empty() ? "" : ", ") + t;
    }
    return r;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  return v.dump();
}

std::vector<std::string> list_columns(const TypeSpec& type) {
  if (type.columns.empty()) return {std::string(type.title_field)};
  return {type.columns.begin(), type.columns.end()};
}

struct ListOptions {
  std::string query;
  std::string sort;
  bool reverse = false;
  size_t limit = 0;
  bool overdue = false, done = false, all = false;  // tasks
};

// Which to-dos a list shows: open ones unless --done or --all; --overdue: open and due before now.
void filter_open(const TypeSpec& type, std::vector<Entry>& entries, const ListOptions& o) {
  if (o.overdue && (o.done || o.all)) fail(Failure::Usage, "--overdue lists open tasks; it does not go with --done or --all");
  if (o.done && o.all) fail(Failure::Usage, "--done and --all do not go together");
  if (o.all) return;
  auto now = crm::now().utc;
  std::erase_if(entries, [&](const Entry& e) {
    if (!e.error.empty()) return false;
    bool is_done = e.data.contains(std::string(type.done_field));
    if (o.done) return !is_done;
    if (is_done) return true;
    if (!o.overdue) return false;
    auto due = due_by(e.data.value(std::string(type.due_field), ""));
    return !(due && *due < now);
  });
}

double number_of(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      return std::stod(v.get<std::string>());
    } catch (...) {
    }
  }
  return 0;
}

// --sort FIELD: numbers as numbers, dates as instants, text folded; records without the field last.
void sort_entries(const Index& index, const TypeSpec& type, std::vector<Entry>& entries, const ListOptions& o) {
  if (!o.sort.empty()) {
    std::string key = o.sort;
    const FieldSpec* f = type.field(key);
    if (!f && key != "id") fail(Failure::Usage, "--sort: '" + key + "' is not a field of " + std::string(type.name));
    bool numeric = f && (f->kind == Kind::Money || f->kind == Kind::Integer || f->kind == Kind::Percent);
    bool temporal = f && (f->kind == Kind::Date || f->kind == Kind::DateTime || f->kind == Kind::When);
    auto instant = [](const Json& v) {
      return v.is_string() && valid_when(v.get<std::string>()) ? when_moment(v.get<std::string>()).utc
                                                               : std::chrono::sys_seconds::max();
    };
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry& x, const Entry& y) {
      if (key == "id") return x.id < y.id;
      Json a = x.data.contains(key) ? x.data[key] : Json(), b = y.data.contains(key) ? y.data[key] : Json();
      if (a.is_null() != b.is_null()) return b.is_null() != o.reverse;
      if (numeric) return number_of(a) < number_of(b);
      if (temporal) return instant(a) < instant(b);
      return fold(cell(index, f, x.data)) < fold(cell(index, f, y.data));
    });
  }
  if (o.reverse) std::reverse(entries.begin(), entries.end());
}

void warn_unreadable(Context& ctx, const TypeSpec& type, size_t broken) {
  if (broken) ctx.warn(std::to_string(broken) + " " + std::string(type.folder) + " file(s) could not be read; run `crm check`");
}

void run_list(Context& ctx, const TypeSpec& type, const ListOptions& o) {
  Repository& repo = ctx.repo();
  Index index(repo, false);
  // Types filtered (open to-dos) or ordered by a field (tasks by due, notes by at) are read even for ids.
  bool in_title_order = type.sort.empty() && type.done_field.empty();
  bool ids_only = ctx.format(Format::Table) == Format::Ids && o.sort.empty() && in_title_order;
  std::vector<Entry> entries;
  // Build only what the format prints: records for json/yaml, cells for tables, ids for ids.
  Format fmt = ctx.format(Format::Table);
  bool wants_records = fmt == Format::Json || fmt == Format::Ndjson || fmt == Format::Yaml;
  bool machine_cells = fmt == Format::Csv || fmt == Format::Tsv;
  auto cols = list_columns(type);
  if (wants_records && o.query.empty() && o.sort.empty() && !o.reverse && in_title_order) {
    // Whole records in title order, printed as they are read (tasks are filtered and sorted by
    // due, notes by date, from their data: those are read first).
    RecordStream out(std::cout, fmt);
    size_t shown = 0, broken = 0;
    index.each_by_title(type, [&](Entry&& e) {
      if (!e.error.empty()) return ++broken, true;
      out.add(record_json(type, e.id, e.data));
      return !(o.limit && ++shown >= o.limit);
    });
    out.finish();
    warn_unreadable(ctx, type, broken);
    return;
  }
  if (o.query.empty()) {
    // Cells need only their columns (and the title, the sort field, a task's done and due); a
    // note's title can come from its body, so notes keep everything.
    std::vector<std::string> keep = cols;
    keep.push_back(std::string(type.title_field));
    if (!o.sort.empty()) keep.push_back(o.sort);
    if (!type.sort.empty()) keep.push_back(std::string(type.sort));
    if (!type.done_field.empty()) keep.insert(keep.end(), {std::string(type.done_field), std::string(type.due_field)});
    bool untitled = type.behaviour && type.behaviour->untitled;
    bool slim = !wants_records && fmt != Format::Ids && !untitled;
    entries = index.all(&type, !ids_only, slim ? &keep : nullptr);
  } else {
    // The same language as `crm search`, sorted by name unless --sort says otherwise.
    SearchOptions so;
    so.type = &type;
    so.limit = 0;
    so.by_title = true;
    so.snippets = false;
    SearchResult r = index.search(o.query, so);
    for (const auto& n : r.notes) ctx.warn(n);
    for (auto& h : r.hits) entries.push_back(std::move(h.entry));
  }
  size_t broken = 0;
  entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const Entry& e) {
                  if (e.error.empty()) return false;
                  ++broken;
                  return true;
                }),
                entries.end());
  warn_unreadable(ctx, type, broken);
  if (!type.done_field.empty()) filter_open(type, entries, o);
  // In the type's order (tasks as they are due, notes newest first) unless --sort says otherwise.
  ListOptions eff = o;
  if (eff.sort.empty() && !type.sort.empty()) {
    eff.sort = std::string(type.sort);
    if (type.newest_first) eff.reverse = !eff.reverse;
  }
  sort_entries(index, type, entries, eff);
  if (o.limit && entries.size() > o.limit) entries.resize(o.limit);


  Listing l;
  if (!wants_records && fmt != Format::Ids) prefetch_linked(index, type, cols, entries);
  l.headers.push_back("id");
  for (const auto& c : cols) l.headers.push_back(c);
  for (auto& e : entries) {
    if (fmt == Format::Ids) {
      l.ids.push_back(e.id);
      continue;
    }
    if (wants_records) {
      l.records.push_back(record_json(type, e.id, e.data));
      e = Entry();
      continue;
    }
    // Tables show short ids and the first of several emails; csv/tsv keep everything.
    std::vector<std::string> row{machine_cells ? e.id : short_id(e.id)};
    for (const auto& c : cols) {
      const FieldSpec* f = type.field(c);
      std::string v = f || c != "title" ? cell(index, f, e.data) : e.title();
      if (!machine_cells && f && (f->kind == Kind::Emails || f->kind == Kind::Phones || f->kind == Kind::Domains))
        v = v.substr(0, v.find(", "));
      row.push_back(v);
    }
    l.rows.push_back(std::move(row));
    e = Entry();  // its memory goes to the next rows
  }
  render(std::cout, fmt, l, ctx.style());
}

void run_set(Context& ctx, const TypeSpec& type, const std::string& ref, const FieldArgs& a) {
  Repository& repo = ctx.repo();
  Transaction tx(repo);
  Entry e = tx.index().resolve(ref, &type);
  RecordFile f = load_valid_entry(repo, e);
  Record r = f.record;
  auto changed = apply(repo, tx.index(), type, r.data, a);
  if (changed.empty())
    fail(Failure::Usage, "nothing to set", "give FIELD=VALUE pairs or options; see `crm " + std::string(type.name) + " set --help`");
  if (type.behaviour && type.behaviour->on_set)
    type.behaviour->on_set(f.record.data, r.data, changed, repo.config(), format_datetime(crm::now()));
  require_valid(repo, r, f.path);
  tx.put(r);
  std::string commit = tx.commit(ctx.message.empty() ? std::string(type.name) + ": set " + r.title() + " (" + joined(changed) + ")" : ctx.message);
  if (commit.empty()) ctx.say("crm: " + r.title() + " already had those values; nothing to commit");
  print_changed(ctx, {r});
}

void run_rm(Context& ctx, const TypeSpec& type, const std::string& ref, bool force) {
  Repository& repo = ctx.repo();
  Transaction tx(repo);
  Entry e = tx.index().resolve(ref, &type);
  std::vector<Entry> links = tx.index().linking_to(e.id);
  std::vector<Record> touched;
  if (!links.empty()) {
    std::string names;
    for (const auto& l : links)
      names += "\n  " + short_id(l.id) + "  " + std::string(l.type ? l.type->name : "?") + "  " + l.title();
    if (!force)
      fail(Failure::Invalid, e.title() + " is linked from " + std::to_string(links.size()) + " record(s):" + names,
           "remove those links first, or use --force to remove it and unlink them");
    for (const auto& l : links) {
      RecordFile lf = load_entry(repo, l);
      Record lr = lf.record;
      for (const auto& fs : lr.type->fields) {
        std::string n(fs.name);
        if (!lr.data.contains(n)) continue;
        if (fs.kind == Kind::Ref && lr.data[n] == e.id) lr.data.erase(n);
        if (fs.kind == Kind::Refs && lr.data[n].is_array()) {
          Json kept = Json::array();
          for (const auto& x : lr.data[n])
            if (x != e.id) kept.push_back(x);
          lr.data[n] = kept;
        }
      }
      tx.put(lr);
      touched.push_back(lr);
    }
  }
  tx.remove(type, e.id);
  tx.commit(ctx.message.empty() ? std::string(type.name) + ": remove " + e.title() +
                                      (touched.empty() ? "" : " and unlink " + std::to_string(touched.size()) + " record(s)")
                                : ctx.message);
  Record removed{e.type, e.id, e.data};
  std::vector<Record> affected{removed};
  affected.insert(affected.end(), touched.begin(), touched.end());
  print_changed(ctx, affected);
}

void register_type(CLI::App& app, Context& ctx, const TypeSpec& type) {
  std::string tn(type.name);
  auto* group = app.add_subcommand(tn, std::string(type.added_by_flags ? "add, list" : "list") +
                                           ", show, edit, set and remove " + std::string(type.folder) +
                                           (type.added_by_flags ? "" : " (crm log adds them)"));
  group->require_subcommand(1);

  if (type.added_by_flags) {
    auto add_args = std::make_shared<FieldArgs>();
    auto* add = group->add_subcommand("add", "add a " + tn + "; prints its id");
    add->add_option(std::string(type.title_field) == "name" ? "NAME" : "TITLE", add_args->title,
                    std::string(type.field(type.title_field)->help))->required();
    add_field_options(add, type, *add_args, false);
    add->add_option("-m,--message", ctx.message, "commit message");
    add->callback([&ctx, &type, add_args] { run_add(ctx, type, *add_args); });
  }

  auto lo = std::make_shared<ListOptions>();
  auto* list = group->add_subcommand("list", "list " + std::string(type.folder));
  list->add_option("QUERY", lo->query, "only records matching this query (the `crm search` language)");
  list->add_option("--sort", lo->sort, "sort by this field")->type_name("FIELD");
  list->add_flag("--reverse", lo->reverse, "reverse the order");
  list->add_option("--limit", lo->limit, "at most N records")->type_name("N");
  if (!type.done_field.empty()) {
    std::string f(type.folder);
    list->add_flag("--overdue", lo->overdue, "only open " + f + " due before now");
    list->add_flag("--done", lo->done, "only " + f + " that are done");
    list->add_flag("--all", lo->all, "open and done " + f + " (default: open only)");
  }
  list->callback([&ctx, &type, lo] { run_list(ctx, type, *lo); });

  auto show_ref = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "show a " + tn + " with its links");
  show->add_option("REF", *show_ref, "id, id prefix, email or name")->required();
  show->callback([&ctx, &type, show_ref] {
    check_show_format(ctx);
    Index index(ctx.repo(), false);
    show_entry(ctx, index, index.resolve(*show_ref, &type));
  });

  auto edit_ref = std::make_shared<std::string>();
  auto* edit = group->add_subcommand("edit", "edit a " + tn + " in $EDITOR; validated on save");
  edit->add_option("REF", *edit_ref, "id, id prefix, email or name")->required();
  edit->add_option("-m,--message", ctx.message, "commit message");
  edit->callback([&ctx, &type, edit_ref] {
    Index index(ctx.repo(), false);
    edit_entry(ctx, index.resolve(*edit_ref, &type));
  });

  auto set_ref = std::make_shared<std::string>();
  auto set_args = std::make_shared<FieldArgs>();
  auto* set = group->add_subcommand("set", "change fields of a " + tn);
  set->add_option("REF", *set_ref, "id, id prefix, email or name")->required();
  set->add_option("FIELD=VALUE", set_args->assignments, "set a field; FIELD= clears it; lists take a,b,c");
  add_field_options(set, type, *set_args, true);
  set->add_option("-m,--message", ctx.message, "commit message");
  set->callback([&ctx, &type, set_ref, set_args] { run_set(ctx, type, *set_ref, *set_args); });

  auto rm_ref = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* rm = group->add_subcommand("rm", "remove a " + tn + " (git history keeps it)");
  rm->add_option("REF", *rm_ref, "id, id prefix, email or name")->required();
  rm->add_flag("--force", *force, "remove even if other records link to it, and unlink them");
  rm->add_option("-m,--message", ctx.message, "commit message");
  rm->callback([&ctx, &type, rm_ref, force] { run_rm(ctx, type, *rm_ref, *force); });

  using Verb = void (*)(CLI::App*, Context&, const TypeSpec&);
  static const std::pair<std::string_view, Verb> verbs[] = {
      {"done", register_task_done}, {"merge", register_record_merge}, {"move", register_deal_move}};
  for (const auto& [name, reg] : verbs)
    if (type.has_verb(name)) reg(group, ctx, type);
}

}  // namespace

void register_records(CLI::App& app, Context& ctx, const std::string& only) {
  for (const TypeSpec& t : record_types())
    if (only.empty() || only == t.name) register_type(app, ctx, t);
}

}  // namespace crm
