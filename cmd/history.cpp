// crm history REF: the record's git history, field by field.
#include <iostream>
#include <set>

#include "cmd/records.hpp"
#include "model/error.hpp"
#include "store/git.hpp"

namespace crm {

namespace {

Json parsed(const Repository& repo, const TypeSpec& type, const std::string& id, const std::optional<std::string>& text) {
  if (!text) return Json::object();
  try {
    return repo.parse(type, id, Repository::relative_path(type, id), *text).record.data;
  } catch (const Error&) {
    return Json::object({{"(file)", "unreadable YAML"}});
  }
}

std::string show_value(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Field-level changes between two versions of a record.
Json field_changes(const Json& before, const Json& after) {
  Json changes = Json::array();
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const Json* side : {&before, &after})
    for (auto it = side->begin(); it != side->end(); ++it)
      if (seen.insert(it.key()).second) keys.push_back(it.key());
  for (const auto& k : keys) {
    Json b = before.contains(k) ? before[k] : Json(), a = after.contains(k) ? after[k] : Json();
    if (a == b) continue;
    Json c = {{"field", k}};
    if (a.is_array() || b.is_array()) {
      Json added = Json::array(), removed = Json::array();
      Json ba = b.is_array() ? b : Json::array(), aa = a.is_array() ? a : Json::array();
      for (const auto& x : aa)
        if (std::find(ba.begin(), ba.end(), x) == ba.end()) added.push_back(x);
      for (const auto& x : ba)
        if (std::find(aa.begin(), aa.end(), x) == aa.end()) removed.push_back(x);
      c["added"] = added;
      c["removed"] = removed;
    } else {
      c["before"] = b;
      c["after"] = a;
    }
    changes.push_back(c);
  }
  return changes;
}

void run_history(Context& ctx, const std::string& ref, size_t limit) {
  Repository& repo = ctx.repo();
  Index index(repo, false);
  std::optional<Entry> e;
  try {
    e = index.resolve(ref, nullptr);
  } catch (const Error& err) {
    // A removed record is no longer in the index: accept its full id.
    if (err.failure() != Failure::NotFound || !valid_id(ref)) throw;
  }
  std::vector<std::pair<const TypeSpec*, std::string>> where;
  if (e) where.push_back({e->type, e->id});
  else
    for (const TypeSpec& t : record_types()) where.push_back({&t, ref});
  auto opened = Git::open(repo.root());
  Git& git = *opened;
  Json out = Json::array();
  for (const auto& [type, id] : where) {
    std::string path = Repository::relative_path(*type, id);
    auto revisions = git.history(path, limit);
    // Hand edits not yet committed come first, so history never hides the file as it is.
    std::optional<std::string> now;
    if (repo.exists(path)) now = repo.read(path);
    std::optional<std::string> committed = revisions.empty() ? std::nullopt : revisions.front().after;
    if (now != committed && (now || committed)) {
      Json before = parsed(repo, *type, id, committed), after = parsed(repo, *type, id, now);
      out.push_back({{"commit", ""}, {"author", ""}, {"email", ""}, {"date", ""},
                     {"subject", "(not committed: changes in the working tree)"}, {"type", std::string(type->name)},
                     {"id", id}, {"action", !committed ? "added" : !now ? "removed" : "changed"},
                     {"changes", field_changes(before, after)}});
    }
    for (const auto& r : revisions) {
      Json before = parsed(repo, *type, id, r.before), after = parsed(repo, *type, id, r.after);
      out.push_back({{"commit", r.commit}, {"author", r.author}, {"email", r.email}, {"date", r.when},
                     {"subject", r.subject}, {"type", std::string(type->name)}, {"id", id},
                     {"action", !r.before ? "added" : !r.after ? "removed" : "changed"},
                     {"changes", field_changes(before, after)}});
    }
    if (!out.empty()) break;
  }
  if (out.empty()) fail(Failure::NotFound, "no history for '" + ref + "'", "is the record committed? `git status` tells");
  Format fmt = ctx.format(Format::Table);
  if (fmt == Format::Json || fmt == Format::Ndjson || fmt == Format::Yaml) {
    std::vector<Json> rows(out.begin(), out.end());
    render_records(std::cout, fmt, rows);
    return;
  }
  bool color = ctx.use_color();
  for (const auto& r : out) {
    std::string head = r["commit"].get<std::string>().empty() ? "working tree" : r["commit"].get<std::string>().substr(0, 10);
    std::cout << (color ? ansi::yellow : "") << head << (color ? ansi::reset : "") << "  " << r["date"].get<std::string>()
              << "  " << r["author"].get<std::string>() << "\n    " << r["subject"].get<std::string>() << "\n";
    for (const auto& c : r["changes"]) {
      std::string f = c["field"].get<std::string>();
      if (c.contains("added")) {
        for (const auto& x : c["added"]) std::cout << "    " << (color ? ansi::green : "") << "+ " << f << ": " << show_value(x) << (color ? ansi::reset : "") << "\n";
        for (const auto& x : c["removed"]) std::cout << "    " << (color ? ansi::red : "") << "- " << f << ": " << show_value(x) << (color ? ansi::reset : "") << "\n";
      } else {
        std::string b = show_value(c["before"]), a = show_value(c["after"]);
        if (b.find('\n') != std::string::npos || a.find('\n') != std::string::npos) std::cout << "    ~ " << f << " (text changed)\n";
        else if (b.empty()) std::cout << "    " << f << ": " << a << "\n";
        else if (a.empty()) std::cout << "    " << f << ": " << b << " -> (removed)\n";
        else std::cout << "    " << f << ": " << b << " -> " << a << "\n";
      }
    }
    std::cout << "\n";
  }
}

}  // namespace

void register_history(CLI::App& app, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  auto limit = std::make_shared<size_t>(0);
  auto* h = app.add_subcommand("history", "the record's git history, field by field");
  h->add_option("REF", *ref, "id, id prefix, email or name (a removed record: its full id)")->required();
  h->add_option("--limit", *limit, "at most N changes")->type_name("N");
  h->callback([&ctx, ref, limit] { run_history(ctx, *ref, *limit); });
}

}  // namespace crm
