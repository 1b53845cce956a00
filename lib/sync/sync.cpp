#include "sync/sync.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "model/error.hpp"
#include "model/record.hpp"
#include "model/text.hpp"
#include "write/transaction.hpp"
#include "sync/field_merge.hpp"

namespace crm {

namespace {

// "contacts/k7/k7q2x9ab.yaml" -> the contact type and its id; nullptr for other files.
const TypeSpec* record_path(const std::string& path, std::string* id = nullptr) {
  auto parts = split(path, '/');
  if (parts.size() != 3 || parts[2].size() <= 5 || parts[2].substr(parts[2].size() - 5) != ".yaml") return nullptr;
  const TypeSpec* type = find_type(parts[0]);
  if (!type || type->folder != parts[0]) return nullptr;
  std::string name = parts[2].substr(0, parts[2].size() - 5);
  if (!valid_id(name)) return nullptr;
  if (id) *id = name;
  return type;
}

// Files crm owns: records, settings, templates, attributes. Hand edits to these are committed by sync.
bool crm_file(const std::string& path) {
  return record_path(path) || path == "crm.yaml" || path == ".gitattributes" || path.rfind(".crm/", 0) == 0;
}

struct Status {
  std::vector<std::string> ours;  // crm's files with uncommitted changes
};

Status work_tree_status(const Repository& repo) {
  std::string out;
  std::string err;
  int rc = run_git(repo.root(), {"--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"}, &out, &err);
  if (rc != 0) fail(Failure::Runtime, "git status failed in " + repo.root() + ": " + trim(err), "run `git status` to see why");
  Status s;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\0', pos);
    if (end == std::string::npos) end = out.size();
    std::string entry = out.substr(pos, end - pos);
    pos = end + 1;
    if (entry.size() < 4) continue;
    std::string path = entry.substr(3);
    if (crm_file(path)) s.ours.push_back(path);
  }
  // A path can be listed twice ("D " and "??" while another crm process is between its commit
  // and its git index update).
  std::sort(s.ours.begin(), s.ours.end());
  s.ours.erase(std::unique(s.ours.begin(), s.ours.end()), s.ours.end());
  return s;
}

// Validate and commit the hand edits to crm's files; a file that is not valid stops the sync.
std::vector<std::string> commit_hand_edits(const Repository& repo, Transaction& tx, const Status& status) {
  std::string problems;
  for (const auto& path : status.ours) {
    if (!repo.exists(path)) {
      if (path == "crm.yaml") problems += "\n" + path + ": removed; crm needs it";
      continue;
    }
    try {
      std::string text = repo.read(path);
      std::string id;
      if (const TypeSpec* type = record_path(path, &id)) {
        RecordFile f = repo.parse(*type, id, path, text);
        for (const auto& p : f.problems) problems += "\n" + f.where(p) + ": " + p.message;
      } else if (path == "crm.yaml") {
        Config::parse(text, path);
      }
    } catch (const Error& e) {
      problems += "\n" + std::string(e.what());
    }
  }
  if (!problems.empty())
    fail(Failure::Invalid, "uncommitted edits are not valid, so nothing was synced:" + problems,
         "fix them (`crm check` lists every problem) or undo them with `git checkout -- FILE`, then sync again");
  std::string body;
  for (const auto& path : status.ours) {
    if (repo.exists(path)) tx.put_file(path, repo.read(path));
    else tx.put_file_removal(path);
    body += "\n" + path;
  }
  std::string n = std::to_string(status.ours.size());
  tx.commit("sync: commit hand edits (" + n + (status.ours.size() == 1 ? " file)" : " files)") + "\n" + body);
  return status.ours;
}

// The ids a changed record links to (company, contacts, deal...).
void links_of(Git& git, const TreeChange& c, std::set<std::string>& ids) {
  std::string id;
  const TypeSpec* type = record_path(c.path, &id);
  if (!type || c.after.empty()) return;
  auto text = git.blob(c.after);
  if (!text) return;
  try {
    YamlDocument doc = parse_yaml(*text, c.path);
    if (doc.value.is_object())
      for (const auto& l : linked_ids(*type, doc.value)) ids.insert(l);
  } catch (const Error&) {
  }
}

std::string id_of(const std::string& path) {
  std::string id;
  record_path(path, &id);
  return id;
}

}  // namespace

MergeSide author_of(const Git& git, const std::string& path, const std::string& blob, const std::string& theirs,
                    const std::string& base) {
  auto c = git.introduced(path, blob, theirs, base);
  CommitInfo info = c ? *c : git.info(theirs);
  return {info.author, info.when};
}

void register_merge_driver(Git& git) {
  if (git.config("merge.crm.driver").empty()) {
    git.set_config("merge.crm.name", "crm: record files merged field by field");
    git.set_config("merge.crm.driver", "crm merge-file %O %A %B %P");
  }
}

std::vector<Change> merge_changes(Git& git, const Repository& repo, const std::string& base, const std::string& ours,
                                  const std::string& theirs, SyncReport& report) {
  std::map<std::string, TreeChange> mine, their;
  for (auto& c : git.diff(base, ours)) mine[c.path] = c;
  for (auto& c : git.diff(base, theirs)) their[c.path] = c;
  CommitInfo who = git.info(theirs);
  // Records either side now links to: a removal on the other side of one of them is undone.
  // (Read only when the other side removed something: parsing is most of a large merge's cost.)
  auto removes = [](const std::map<std::string, TreeChange>& side) {
    return std::any_of(side.begin(), side.end(), [](const auto& e) { return e.second.after.empty(); });
  };
  std::set<std::string> linked_by_mine, linked_by_theirs;
  if (removes(their))
    for (const auto& [p, c] : mine) links_of(git, c, linked_by_mine);
  if (removes(mine))
    for (const auto& [p, c] : their) links_of(git, c, linked_by_theirs);

  std::vector<Change> changes;
  for (const auto& [path, t] : their) {
    auto m = mine.find(path);
    if (m == mine.end()) {
      if (t.after.empty() && linked_by_mine.count(id_of(path))) {
        report.kept.push_back(path + ": removed by " + who.author + ", kept because a record changed here links to it");
        continue;
      }
      changes.push_back({path, git.blob(t.after)});
      ++report.received;
      continue;
    }
    const TreeChange& o = m->second;
    if (o.after == t.after) continue;  // the same change on both sides
    if (t.after.empty()) {
      report.kept.push_back(path + ": removed by " + who.author + ", kept because it was changed here");
      continue;
    }
    if (o.after.empty()) {
      changes.push_back({path, git.blob(t.after)});
      report.kept.push_back(path + ": removed here, kept because " + who.author + " changed it");
      ++report.received;
      continue;
    }
    auto base_text = git.blob(t.before);
    std::string our_text = git.blob(o.after).value_or(""), their_text = git.blob(t.after).value_or("");
    FieldMergeResult r;
    if (const TypeSpec* type = record_path(path)) {
      // Who wrote their version is looked up only when a field conflicts (a walk of their commits).
      r = merge_record(*type, repo.config(), path, base_text, our_text, their_text, MergeSide{});
      if (!r.conflicts.empty())
        r = merge_record(*type, repo.config(), path, base_text, our_text, their_text,
                         author_of(git, path, t.after, theirs, base));
    } else {
      r = merge_by_lines(base_text, our_text, their_text);
    }
    for (const auto& f : r.conflicts) report.conflicts.push_back(path + ": " + f);
    if (r.markers) report.markers.push_back(path);
    else if (r.by_lines && record_path(path)) report.by_lines.push_back(path);
    ++report.merged;
    if (r.text != our_text) changes.push_back({path, r.text});
  }
  // Removed here while their changes link to it: back from the base.
  for (const auto& [path, o] : mine) {
    if (!o.after.empty() || their.count(path) || !linked_by_theirs.count(id_of(path))) continue;
    changes.push_back({path, git.blob(o.before)});
    report.kept.push_back(path + ": removed here, kept because " + who.author + " links a record to it");
  }
  return changes;
}

SyncReport sync(const Repository& repo, const SyncOptions& options) {
  SyncReport report;
  {
    auto opened = Git::open(repo.root());
    Git& git = *opened;
    register_merge_driver(git);
    report.branch = git.branch();
    if (report.branch.empty())
      fail(Failure::Usage, "HEAD is detached: sync needs a branch", "check out your branch first: git switch main");
    report.remote = options.remote;
    if (report.remote.empty()) report.remote = git.config("branch." + report.branch + ".remote");
    if (report.remote.empty()) report.remote = "origin";
    if (git.config("remote." + report.remote + ".url").empty())
      fail(Failure::Usage, "no git remote named '" + report.remote + "'",
           "add one with `git remote add " + report.remote + " URL` (or name another: crm sync REMOTE)");
  }
  // Their branch: the upstream's when this branch has one on that remote, else the same name.
  std::string their_branch = report.branch, fetch_refspec;
  {
    auto opened = Git::open(repo.root());
    Git& git = *opened;
    std::string merge = git.config("branch." + report.branch + ".merge");
    if (git.config("branch." + report.branch + ".remote") == report.remote && merge.rfind("refs/heads/", 0) == 0)
      their_branch = merge.substr(11);
    if (git.config("remote." + report.remote + ".fetch").empty())
      fetch_refspec = "+refs/heads/" + their_branch + ":refs/remotes/" + report.remote + "/" + their_branch;
  }
  const std::string tracking = "refs/remotes/" + report.remote + "/" + their_branch;
  std::vector<std::string> quiet = options.quiet ? std::vector<std::string>{"--quiet"} : std::vector<std::string>{};
  for (report.rounds = 1; report.rounds <= options.rounds; ++report.rounds) {
    // The remote's configured refspecs: a branch the remote does not have yet (a new, empty
    // remote) is not an error, the push creates it.
    std::vector<std::string> fetch = {"fetch", "--no-write-fetch-head"};
    fetch.insert(fetch.end(), quiet.begin(), quiet.end());
    fetch.push_back(report.remote);
    if (!fetch_refspec.empty()) fetch.push_back(fetch_refspec);
    // git status (a stat of every file: a quarter of a large sync) runs while the fetch waits
    // on the network. An edit made after it is not committed by this sync, and the merge never
    // overwrites one (checked below, under the lock).
    auto status = std::async(std::launch::async, [&repo] { return work_tree_status(repo); });
    std::string err;
    int rc = run_git(repo.root(), fetch, nullptr, options.quiet ? &err : nullptr);
    Status hand = status.get();
    if (rc != 0)
      fail(Failure::Runtime,
           "cannot fetch from " + report.remote + (rc == 127 ? " (is git installed?)" : "") + "; nothing was changed here" +
               (err.empty() ? "" : "\n" + trim(err)),
           "check the address (`git remote -v`) and your access to it; git's message says why");
    {
      Transaction tx(repo);  // the write lock, from here until the merge is in the work tree
      if (!hand.ours.empty()) {
        auto committed = commit_hand_edits(repo, tx, hand);
        if (report.rounds == 1) report.hand_edits = committed;
      }
      auto opened = Git::open(repo.root());
      Git& git = *opened;
      std::string ours = git.head(), theirs = git.resolve(tracking);
      if (!theirs.empty() && (ours.empty() || !git.is_ancestor(theirs, ours))) {
        std::vector<Change> changes;
        std::string target;
        if (ours.empty() || git.is_ancestor(ours, theirs)) {
          for (const auto& c : git.diff(ours, theirs)) changes.push_back({c.path, git.blob(c.after)});
          report.received += changes.size();
          report.fast_forward = true;
          target = theirs;
        } else {
          std::string base = git.merge_base(ours, theirs);
          changes = merge_changes(git, repo, base, ours, theirs, report);
          std::string message = "sync: merge " + report.remote + "/" + report.branch;
          std::string body;
          for (const auto& c : report.conflicts) body += "\nconflict: " + c;
          for (const auto& c : report.markers) body += "\nconflict markers: " + c;
          for (const auto& c : report.by_lines) body += "\nmerged line by line: " + c;
          for (const auto& k : report.kept) body += "\nkept: " + k;
          target = git.merge_commit(ours, theirs, changes, message + (body.empty() ? "" : "\n" + body));
          report.merge_commit = true;
        }
        // A file about to be written must still be what our commit holds: anything else is an
        // uncommitted change (a file crm does not own, or an edit made during this sync).
        for (const auto& c : changes) {
          auto committed = git.file(ours, c.path);
          auto now = repo.exists(c.path) ? std::optional(read_file(repo.absolute(c.path), size_t(1) << 30, c.path))
                                         : std::nullopt;
          if (now != committed)
            fail(Failure::Conflict, "the merge would overwrite uncommitted changes to " + c.path + "; nothing was changed",
                 "commit or stash them (git stash), then sync again");
        }
        tx.move_head(git, target, changes, "crm sync: " + std::string(report.fast_forward ? "fast-forward" : "merge"));
      }
    }
    if (!options.push) break;
    auto opened = Git::open(repo.root());
    Git& git = *opened;
    std::string head = git.head();
    if (head.empty() || head == git.resolve(tracking)) {
      report.nothing_to_push = true;
      break;
    }
    std::vector<std::string> push = {"push", "--porcelain"};
    if (git.config("branch." + report.branch + ".remote").empty()) push.push_back("--set-upstream");
    push.insert(push.end(), quiet.begin(), quiet.end());
    push.push_back(report.remote);
    push.push_back("HEAD:refs/heads/" + their_branch);
    std::string out;
    err.clear();
    rc = run_git(repo.root(), push, &out, options.quiet ? &err : nullptr);
    if (rc == 0) {
      report.pushed = true;
      break;
    }
    std::string rejected;
    for (const auto& line : split(out, '\n'))
      if (!line.empty() && line[0] == '!') rejected = line;
    // Someone pushed between our fetch and our push (or is pushing right now): fetch and merge again.
    bool moved = false;
    for (const char* why : {"fetch first", "non-fast-forward", "failed to update ref", "cannot lock ref", "stale info"})
      moved = moved || rejected.find(why) != std::string::npos;
    if (!moved) {
      std::string why = rejected.empty() ? "" : ": " + trim(rejected.substr(rejected.rfind('\t') + 1));
      fail(Failure::Runtime,
           "the push to " + report.remote + " failed" + why + "; your commits are kept here" +
               (err.empty() ? "" : "\n" + trim(err)),
           "git's message says why; run `crm sync` again once the remote accepts it");
    }
  }
  if (options.push && !report.pushed && !report.nothing_to_push)
    fail(Failure::Conflict, "the remote kept moving: " + std::to_string(options.rounds) + " attempts to push failed",
         "your work is merged and committed here; run `crm sync` again");
  return report;
}

}  // namespace crm
