// crm contact|company merge KEEP OTHER: one person (or company) recorded twice becomes one record.
// KEEP stays; OTHER's lists join it, its missing fields fill in, different
// single values are listed and kept under conflicts:, every link to OTHER
// (notes, deals, tasks, campaigns, other contacts' reports_to, contacts' company, a parent) points to KEEP,
// and OTHER's file goes: all in one commit.
#include <iostream>

#include "cmd/records.hpp"
#include "interop/duplicates.hpp"
#include "model/error.hpp"

namespace crm {

namespace {

void run_merge(Context& ctx, const TypeSpec& type, const std::string& keep_ref, const std::string& other_ref) {
  Repository& repo = ctx.repo();
  const std::string tn(type.name);
  Transaction tx(repo);
  Entry keep = tx.index().resolve(keep_ref, &type);
  Entry other = tx.index().resolve(other_ref, &type);
  if (keep.id == other.id)
    fail(Failure::Usage, "'" + keep_ref + "' and '" + other_ref + "' are the same " + tn + " (" + short_id(keep.id) + ")",
         "name two different " + std::string(type.folder) + ": crm " + tn + " merge KEEP OTHER");
  RecordFile kf = load_valid_entry(repo, keep);
  RecordFile of = load_valid_entry(repo, other);
  RecordMerge m = merge_record_fields(type, kf.record.data, of.record.data);
  Record kept = kf.record;
  kept.data = m.data;
  // A link from one to the other would now point to itself.
  for (const char* self : {"reports_to", "parent"})
    if (kept.data.value(self, Json()) == other.id) kept.data.erase(self);
  std::vector<Record> touched;
  for (const auto& l : tx.index().linking_to(other.id)) {
    if (l.id == keep.id) continue;
    Record r = load_entry(repo, l).record;
    if (!repoint_links(*r.type, r.data, other.id, keep.id)) continue;
    for (const char* self : {"reports_to", "parent"})
      if (r.type == &type && r.data.value(self, Json()) == r.id) r.data.erase(self);
    tx.put(r);
    touched.push_back(r);
  }
  tx.put(kept);
  tx.remove(type, other.id);
  tx.commit(ctx.message.empty() ? tn + ": merge " + other.title() + " into " + kept.title() +
                                      (touched.empty() ? "" : " and relink " + std::to_string(touched.size()) + " record(s)")
                                : ctx.message);
  for (const auto& d : m.disagreements)
    ctx.say("crm: " + d + " (kept under conflicts:; `crm " + tn + " set " + short_id(keep.id) + " FIELD=VALUE` resolves it)");
  ctx.say("crm: merged " + other.title() + " (" + short_id(other.id) + ") into " + kept.title() + " (" + short_id(keep.id) +
          "); " + std::to_string(touched.size()) + " linked record(s) now point to it");
  std::vector<Record> affected{kept, Record{&type, other.id, of.record.data}};
  affected.insert(affected.end(), touched.begin(), touched.end());
  print_changed(ctx, affected);
}

}  // namespace

void register_record_merge(CLI::App* group, Context& ctx, const TypeSpec& type) {
  auto refs = std::make_shared<std::pair<std::string, std::string>>();
  const std::string tn(type.name);
  auto* merge = group->add_subcommand("merge", "merge two records of the same " + tn + ": KEEP stays, OTHER joins it and goes");
  merge->add_option("KEEP", refs->first, "the " + tn + " that stays (id, id prefix, email or name)")->required();
  merge->add_option("OTHER", refs->second, "the duplicate merged into it and removed")->required();
  merge->add_option("-m,--message", ctx.message, "commit message");
  merge->callback([&ctx, &type, refs] { run_merge(ctx, type, refs->first, refs->second); });
}

}  // namespace crm
