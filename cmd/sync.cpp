// crm sync [REMOTE], crm merge-file BASE OURS THEIRS PATH (git's merge driver)
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "cmd/context.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "sync/field_merge.hpp"
#include "sync/sync.hpp"

extern char** environ;

namespace crm {

namespace {

struct SyncArgs {
  std::string remote;
  bool no_push = false;
};

std::string plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void run_sync(Context& ctx, const SyncArgs& a) {
  SyncOptions o;
  o.remote = a.remote;
  o.push = !a.no_push;
  o.quiet = ctx.quiet;
  SyncReport r = sync(ctx.repo(), o);
  if (!r.hand_edits.empty()) ctx.say("crm: committed your edits to " + plural(r.hand_edits.size(), "file", "files"));
  std::string what;
  if (r.fast_forward) what = "received " + plural(r.received, "changed file", "changed files");
  else if (r.merge_commit)
    what = "merged " + r.remote + "/" + r.branch + ": " + plural(r.received, "file", "files") + " from them, " +
           plural(r.merged, "record", "records") + " changed on both sides";
  else what = "already up to date with " + r.remote + "/" + r.branch;
  ctx.say("crm: " + what);
  for (const auto& k : r.kept) ctx.say("crm: kept " + k);
  for (const auto& c : r.conflicts) ctx.say("crm: conflict: " + c + " (both values kept; set the field to resolve)");
  for (const auto& m : r.markers) ctx.say("crm: conflict: " + m + " could not be merged field by field; edit it to remove the conflict markers");
  if (r.pushed) ctx.say("crm: pushed to " + r.remote);
  else if (a.no_push) ctx.say("crm: not pushed (--no-push)");
  for (const auto& m : r.by_lines) ctx.say("crm: " + m + " did not parse on one side, so it was merged line by line; check it");
  size_t open = r.conflicts.size() + r.markers.size() + r.by_lines.size();
  if (open)
    fail(Failure::Conflict, "the sync completed with " + plural(open, "conflict", "conflicts") + " to resolve",
         "`crm check` lists them; set each field (or edit the file) to resolve it");
}

// Who wrote their version of the file, as crm sync finds it: git names the
// commit being merged in GITHEAD_<id> for the merge driver.
MergeSide their_side(Git* git, const std::string& path, const std::string& theirs_text) {
  if (!git) return {};
  std::string head = git->head();
  for (char** e = environ; *e; ++e) {
    std::string var = *e;
    if (var.rfind("GITHEAD_", 0) != 0) continue;
    std::string id = var.substr(8, var.find('=') - 8);
    if (id == head || id.size() != 40) continue;
    try {
      return author_of(*git, path, Git::blob_id(theirs_text), id, head.empty() ? "" : git->merge_base(head, id));
    } catch (const Error&) {
    }
  }
  return {};
}

void run_merge_file(Context& ctx, const std::vector<std::string>& files) {
  const std::string &base_file = files[0], &ours_file = files[1], &theirs_file = files[2], &path = files[3];
  std::string base = read_file(base_file, kMaxRecordBytes * 4, base_file);
  std::string ours = read_file(ours_file, kMaxRecordBytes * 4, ours_file);
  std::string theirs = read_file(theirs_file, kMaxRecordBytes * 4, theirs_file);
  FieldMergeResult r;
  const TypeSpec* type = nullptr;
  std::optional<Repository> repo;
  try {
    repo = Repository::discover(ctx.dir);
  } catch (const Error&) {
  }
  auto parts = split(path, '/');
  if (repo && parts.size() == 3) {
    type = find_type(parts[0]);
    if (type && type->folder != parts[0]) type = nullptr;
  }
  if (type) {
    std::unique_ptr<Git> git;
    try {
      git = Git::open(repo->root());
    } catch (const Error&) {
    }
    // git gives an empty base file when both sides added the file.
    std::optional<std::string> b = base.empty() ? std::nullopt : std::optional(base);
    r = merge_record(*type, repo->config(), path, b, ours, theirs, MergeSide{});
    if (!r.conflicts.empty()) r = merge_record(*type, repo->config(), path, b, ours, theirs, their_side(git.get(), path, theirs));
  } else {
    r = merge_by_lines(base, ours, theirs);
  }
  // git names its temporary files relative to the work tree's top, where it runs us.
  std::string target = ours_file;
  if (target.empty() || target[0] != '/') {
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) fail(Failure::Runtime, "cannot tell the current folder");
    target = std::string(cwd) + "/" + target;
  }
  write_file_atomic(target, r.text);
  for (const auto& c : r.conflicts) std::cerr << "crm: conflict: " << path << ": " << c << " (both values kept)\n";
  // A non-zero status tells git the merge of this file is not clean.
  if (r.markers)
    fail(Failure::Runtime, path + " could not be merged field by field; conflict markers left",
         "edit the file to keep what is right, then `git add` it");
}

}  // namespace

void register_sync(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<SyncArgs>();
  auto* s = app.add_subcommand("sync", "commit hand edits, fetch, merge field by field, push");
  s->add_option("REMOTE", a->remote, "git remote (default: the branch's upstream, else origin)");
  s->add_flag("--no-push", a->no_push, "fetch and merge only");
  s->footer("Exit status 5 when fields were left with two values (see `crm check`); the sync itself completed.");
  s->callback([&ctx, a] { run_sync(ctx, *a); });

  auto files = std::make_shared<std::vector<std::string>>();
  auto* m = app.add_subcommand("merge-file", "git's merge driver for record files (git runs it, see crm-sync(1))");
  m->add_option("FILES", *files, "BASE OURS THEIRS PATH, as git passes %O %A %B %P")->expected(4)->required();
  m->callback([&ctx, files] { run_merge_file(ctx, *files); });
}

}  // namespace crm
