// crm check: every file valid, every link resolving, conflicts listed.
// Problems go to stdout as PATH:LINE:COL: message (like a compiler), one per line.
#include <algorithm>
#include <iostream>
#include <map>
#include <tuple>
#include <unordered_map>

#include "cmd/records.hpp"
#include "interop/duplicates.hpp"
#include "model/error.hpp"

namespace crm {

namespace {

struct Finding {
  std::string where;
  std::string message;
  bool conflict = false;
};

// What each linked id is, looked up once: a record type name, or "" when there is no such record.
class LinkTargets {
 public:
  explicit LinkTargets(const Index& index) : index_(index) {}
  const std::string& type_of(const std::string& id) {
    auto [it, fresh] = types_.try_emplace(id);
    if (fresh) {
      auto e = index_.get(id);
      it->second = e && e->type ? std::string(e->type->name) : std::string();
    }
    return it->second;
  }

 private:
  const Index& index_;
  std::unordered_map<std::string, std::string> types_;
};

// Calls `report(pointer, message)` for each link that does not resolve to a record of the right type.
template <class Report>
void check_links(LinkTargets& targets, const TypeSpec& type, const Json& data, Report report) {
  for (const auto& fs : type.fields) {
    std::string n(fs.name);
    if (!data.contains(n)) continue;
    const Json& v = data[n];
    auto check_one = [&](const Json& id, const std::string& ptr) {
      if (!id.is_string() || !valid_id(id.get<std::string>())) return;
      const std::string& t = targets.type_of(id.get<std::string>());
      if (t.empty()) report(ptr, n + ": links to " + id.get<std::string>() + ", which does not exist");
      else if (t != fs.ref_type) report(ptr, n + ": links to a " + t + ", not a " + std::string(fs.ref_type));
    };
    if (fs.kind == Kind::Ref) check_one(v, "/" + n);
    if (fs.kind == Kind::Refs && v.is_array())
      for (size_t i = 0; i < v.size(); ++i) check_one(v[i], "/" + n + "/" + std::to_string(i));
  }
}

// "title: here 'COO', also 'CTO' (Alice, 2026-12-02T10:00:00+01:00)": what a person decides between.
std::string conflict_values(const Json& data, const std::string& field, const Json& others) {
  auto text = [](const Json& v) { return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(); };
  const Json* here = data.contains(field) ? &data[field] : nullptr;
  if (!here && field.rfind("fields.", 0) == 0 && data.contains("fields") && data["fields"].is_object() &&
      data["fields"].contains(field.substr(7)))
    here = &data["fields"][field.substr(7)];
  std::string s = here ? "here " + text(*here) : "here none";
  for (const auto& o : others.is_array() ? others : Json::array({others})) {
    if (!o.is_object() || !o.contains("value")) {
      s += ", also " + text(o);
      continue;
    }
    s += ", also " + text(o["value"]);
    std::string who = o.contains("by") && o["by"].is_string() ? o["by"].get<std::string>() : "";
    std::string when = o.contains("at") && o["at"].is_string() ? o["at"].get<std::string>() : "";
    if (!who.empty() || !when.empty()) s += " (" + who + (who.empty() || when.empty() ? "" : ", ") + when + ")";
  }
  return s;
}

void check_conflicts(const RecordFile& f, std::vector<Finding>& out) {
  const Json& data = f.record.data;
  if (data.contains("conflicts") && data["conflicts"].is_object())
    for (auto it = data["conflicts"].begin(); it != data["conflicts"].end(); ++it)
      out.push_back({f.where({"/conflicts/" + it.key(), ""}),
                     "conflict: " + it.key() + " was changed differently on two sides: " +
                         conflict_values(data, it.key(), it.value()) + "; set it to resolve",
                     true});
}

// --duplicates: contacts that are probably one person, one pair per line.
size_t report_duplicates(const Index& index) {
  auto contacts = index.all(&types::contact(), true);
  std::map<std::string, std::string> titles;
  for (const auto& e : contacts) titles[e.id] = e.title();
  auto pairs = find_duplicate_contacts(contacts);
  for (const auto& p : pairs)
    std::cout << "duplicate: " << titles[p.first] << " (" << short_id(p.first) << ") and " << titles[p.second] << " ("
              << short_id(p.second) << "): " << p.reason << "; crm contact merge " << short_id(p.first) << " "
              << short_id(p.second) << "\n";
  return pairs.size();
}

void run_check(Context& ctx, bool duplicates) {
  Repository& repo = ctx.repo();
  Index index(repo, false);
  LinkTargets targets(index);
  std::vector<Finding> found;
  // The index holds every file's parse result; only files with problems are re-read (for line numbers).
  repo.scan([&](const FileStamp& fs) {
    if (!valid_id(fs.id)) {
      found.push_back({fs.path, "the file name is not a record id (8 to 32 of 0-9 and a-z)"});
      return;
    }
    if (fs.path != Repository::relative_path(*fs.type, fs.id)) {
      found.push_back({fs.path, "the file is in the wrong folder; move it to " + Repository::relative_path(*fs.type, fs.id)});
      return;
    }
    auto e = index.get(fs.id);
    if (e && e->error.empty()) {
      auto problems = validate_record(*fs.type, repo.config(), e->data);
      bool conflicts = e->data.contains("conflicts");
      bool bad_link = false;
      check_links(targets, *fs.type, e->data, [&](const std::string&, const std::string&) { bad_link = true; });
      if (problems.empty() && !conflicts && !bad_link) return;
    }
    try {
      RecordFile f = repo.load(*fs.type, fs.id);
      for (const auto& p : f.problems) found.push_back({f.where(p), p.message});
      check_links(targets, *f.record.type, f.record.data, [&](const std::string& ptr, const std::string& msg) {
        found.push_back({f.where({ptr, ""}), msg});
      });
      check_conflicts(f, found);
    } catch (const Error& err) {
      found.push_back({"", err.what()});
    }
  });
  // Files in path order, each file's problems in line order.
  auto key = [](const Finding& f) {
    size_t c2 = f.where.rfind(':'), c1 = c2 == std::string::npos ? c2 : f.where.rfind(':', c2 - 1);
    if (c1 == std::string::npos) return std::make_tuple(f.where, 0L, 0L);
    return std::make_tuple(f.where.substr(0, c1), std::atol(f.where.c_str() + c1 + 1), std::atol(f.where.c_str() + c2 + 1));
  };
  std::stable_sort(found.begin(), found.end(), [&](const Finding& a, const Finding& b) { return key(a) < key(b); });
  size_t invalid = 0, conflicts = 0;
  for (const auto& f : found) {
    std::cout << (f.where.empty() ? "" : f.where + ": ") << f.message << "\n";
    (f.conflict ? conflicts : invalid)++;
  }
  size_t doubles = duplicates ? report_duplicates(index) : 0;
  if (doubles && !invalid)
    fail(Failure::Invalid, std::to_string(doubles) + " pair(s) of contacts look like duplicates" +
                               (conflicts ? " and " + std::to_string(conflicts) + " conflict(s) remain" : ""),
         "merge each pair with the command named above (the first stays), or leave them if they are different people");
  if (found.empty()) {
    ctx.say("crm: " + std::to_string(index.count(nullptr)) + " records, all valid");
    return;
  }
  if (invalid) fail(Failure::Invalid, std::to_string(invalid) + " problem(s)" + (conflicts ? " and " + std::to_string(conflicts) + " conflict(s)" : ""),
                    "fix the files named above by hand or with `crm edit`");
  fail(Failure::Conflict, std::to_string(conflicts) + " conflict(s) left by merges",
       "set each field named above (`crm TYPE set REF FIELD=VALUE`) to resolve it");
}

}  // namespace

void register_check(CLI::App& app, Context& ctx) {
  auto* c = app.add_subcommand("check", "validate every file and link; list merge conflicts");
  auto duplicates = std::make_shared<bool>(false);
  c->add_flag("--duplicates", *duplicates, "also list contacts that look like one person (same email, phone, or name at a company)");
  c->callback([&ctx, duplicates] { run_check(ctx, *duplicates); });
}

}  // namespace crm
