// Freshness: which shard folders changed behind the index's back.
//
// Every command stats each shard folder (at most 1024 per record type, so
// the cost is bounded whatever the repository's size): a folder whose mtime
// or inode moved had files created, deleted or replaced by rename — which is
// what git, crm and most editors' saves do. In repositories of up to
// kVerifyFilesUpTo record files, every file is stat'ed too, which also
// catches in-place writes (`>>`, nano). Stamps taken within the file system's
// timestamp granularity of "now" are marked racy, so a change in the same
// tick is never missed. The state lives in .git/crm/folders.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "store/repository.hpp"

namespace crm {

constexpr size_t kVerifyFilesUpTo = 5000;

class Freshness {
 public:
  Freshness(const Repository& repo, std::string state_file);
  // Folders ("contacts/k7") that are new, gone or changed since the saved state.
  // With no saved state: every folder.
  std::vector<std::string> changed();
  // Take the folders' stamps as they are now (after re-reading them).
  void record(const std::vector<std::string>& folders);
  void save() const;
  void forget();  // next changed() reports every folder
  size_t files() const;

 private:
  struct Stamp {
    std::string dir;    // folder mtime and inode; "racy" when too recent to trust
    std::string files;  // hash of its files' names and stamps; "-" when not taken
    size_t count = 0;
  };
  const Repository& repo_;
  std::string state_file_;
  std::map<std::string, Stamp> saved_, now_;
  std::map<std::string, std::string> saved_types_, now_types_;  // type folder -> its stamp
  std::map<std::string, std::string> seen_types_;               // type folder stamps taken by changed()
  bool loaded_ = false;
  bool recording_ = false;  // record() was called: now_ holds the state to save
  void load();
  Stamp take(const std::string& folder, bool with_files) const;
};

// Stamp of a file or folder: mtime, size, inode, ctime.
std::string stamp_of(const struct stat& st);

}  // namespace crm
