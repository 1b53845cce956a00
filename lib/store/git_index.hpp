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
// extension (invalidated along the touched paths), REUC kept, and split
// indexes (the link extension, Documentation/technical/split-index.txt).
// A large index is split, as `git update-index --split-index` would, so
// that a write no longer rewrites and hashes every entry (11 MB at M).
// Anything else it does not know (version 4, a sparse index, a mandatory
// extension it does not know) makes it decline, and the caller falls back
// to git.
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

// Done: updated. DoneSplitNow: updated, and split for the first time (its entries moved to a
// shared index). DoneSplitLarge: updated, and the split index now holds more entries than
// kSplitEntriesAtMost (the caller asks git to fold them into a new shared index).
// Declined: nothing was changed. Busy: another process holds index.lock.
enum class IndexSplice { Done, DoneSplitNow, DoneSplitLarge, Declined, Busy };

// Whether an index that is not split yet is split (core.splitIndex true, unset, false).
enum class SplitIndex { Always, WhenLarge, Never };
constexpr uint32_t kSplitFrom = 10000;         // entries; below this rewriting the index costs ~1 ms
constexpr uint32_t kSplitEntriesAtMost = 1000; // git inserts each one into the shared entries when it reads

// Updates `git_dir`/index for these paths, taking `git_dir`/index.lock as git does.
// Stat data comes from lstat of `work_tree`/path.
IndexSplice splice_git_index(const std::string& git_dir, const std::string& work_tree,
                             std::vector<IndexUpdate> updates, SplitIndex split = SplitIndex::Never);

}  // namespace crm
