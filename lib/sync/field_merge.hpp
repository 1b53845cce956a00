// FieldMerge: the three-way merge of one record file changed on two sides,
// field by field. `crm sync` and `crm merge-file` (git's merge driver) both
// call it, so a `git pull` and a sync of the same histories give the same file.
//
// Rules (documented in crm(5), CONFLICTS):
//   - a field changed on one side only takes that side's value;
//   - lists (tags, emails, links, stage history...) merge as sets: what
//     either side added is added, what either side removed is removed;
//   - maps (custom fields, conflicts) merge key by key;
//   - free text (notes, bodies) merges line by line;
//   - a field changed differently on both sides keeps our value and records
//     theirs under `conflicts:` with who changed it and when, so nothing is lost;
//   - a field cleared on one side and changed on the other keeps the change.
// When a side does not parse as a record, the file is merged line by line and
// may be left with git's conflict markers for a person to mend.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/schema.hpp"

namespace crm {

// Who made their side's changes, for the entries under `conflicts:`.
struct MergeSide {
  std::string who;   // author name
  std::string when;  // ISO 8601
};

struct FieldMergeResult {
  std::string text;                    // the merged file
  std::vector<std::string> conflicts;  // fields whose other value went under `conflicts:`
  bool by_lines = false;               // a side did not parse as a record: merged line by line
  bool markers = false;                // ... and git's conflict markers were left where the sides disagree
};

// `base` is nullopt when both sides added the file.
FieldMergeResult merge_record(const TypeSpec& type, const Config& config, const std::string& path,
                              const std::optional<std::string>& base, const std::string& ours,
                              const std::string& theirs, const MergeSide& their_side);

// Any other file (crm.yaml, a file that is not a record): git's line merge.
FieldMergeResult merge_by_lines(const std::optional<std::string>& base, const std::string& ours,
                                const std::string& theirs);

}  // namespace crm
