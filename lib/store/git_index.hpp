// git's index file (.git/index), updated in place for a few paths.
//
// Why hand-written: after each commit crm must bring the index entries of
// the paths it wrote in line with the work tree, or `git status` would lie.
// libgit2 re-reads and rewrites the whole index (and refuses split indexes),
// and `git update-index` costs a process plus a full parse and rewrite:
// 45 ms of CPU at 117k entries, more than the rest of `crm contact add`.
// This reads the file once, copies every untouched entry through as bytes,
// and writes only the touched ones. The format is git's
// Documentation/gitformat-index.txt: version 2 and 3 entries, the TREE
// extension (invalidated along the touched paths), REUC kept. Anything else
// it does not know (version 4, split or sparse index, a mandatory extension
// it does not know) makes it decline, and the caller falls back to git.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm {

struct IndexUpdate {
  std::string path;                         // relative to the work tree, '/'-separated
  std::optional<std::array<uint8_t, 20>> oid;  // blob id of the file as now on disk; nullopt: removed
};

enum class IndexSplice { Done, Declined, Busy };

// Updates `git_dir`/index for these paths, taking `git_dir`/index.lock as git does.
// Stat data comes from lstat of `work_tree`/path. Declined: nothing was changed.
// Busy: another process holds index.lock.
IndexSplice splice_git_index(const std::string& git_dir, const std::string& work_tree,
                             std::vector<IndexUpdate> updates);

}  // namespace crm
