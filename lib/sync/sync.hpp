// crm sync: commit hand edits, fetch, merge record by record and field by
// field, update the work tree and the index, push; fetch and merge again when
// the remote moved meanwhile. The user's git does the network (their ssh
// config, agents and credential helpers); libgit2 does everything local.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "store/git.hpp"
#include "store/repository.hpp"
#include "sync/field_merge.hpp"

namespace crm {

struct SyncOptions {
  std::string remote;  // empty: the branch's upstream remote, else origin
  bool push = true;
  bool quiet = false;  // git's own messages silenced
  int rounds = 5;      // fetch-merge-push attempts while the remote keeps moving
};

struct SyncReport {
  std::string remote, branch;
  std::vector<std::string> hand_edits;  // files committed before the merge
  size_t received = 0;                  // files their commits brought
  size_t merged = 0;                    // records changed on both sides, merged field by field
  std::vector<std::string> conflicts;   // "path: field" left with two values under conflicts:
  std::vector<std::string> kept;        // records removed on one side and kept (why)
  std::vector<std::string> markers;     // files left with conflict markers (they did not parse)
  std::vector<std::string> by_lines;    // records that did not parse on a side, merged cleanly line by line
  bool fast_forward = false;
  bool merge_commit = false;
  bool pushed = false;
  bool nothing_to_push = false;
  int rounds = 0;
};

SyncReport sync(const Repository& repo, const SyncOptions& options);

// What merging `theirs` into `ours` changes in ours' tree: the merge of sync and
// of nothing else (tested on its own). Fills the report's counts and lists.
std::vector<Change> merge_changes(Git& git, const Repository& repo, const std::string& base, const std::string& ours,
                                  const std::string& theirs, SyncReport& report);

// Who wrote their version of `path` (blob id `blob`): the commit between `base` and
// `theirs` that introduced it, else the author of `theirs`. For the entries under conflicts:.
MergeSide author_of(const Git& git, const std::string& path, const std::string& blob, const std::string& theirs,
                    const std::string& base);

// git's merge driver for record files, in .git/config (what `crm init`, `crm clone`
// and `crm sync` set up; .gitattributes routes *.yaml to it).
void register_merge_driver(Git& git);
constexpr const char* kGitAttributes =
    "# crm: record files merge field by field through `crm merge-file` (see crm-sync(1))\n*.yaml merge=crm\n";

}  // namespace crm
