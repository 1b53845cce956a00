// Freshness: which shard folders changed behind the index's back.
//
// Every command stats each shard folder (at most 1024 per record type, so
// the cost is bounded whatever the repository's size): a folder whose mtime
// or inode moved had files created, deleted or replaced by rename — which is
// what git, crm and most editors' saves do. In repositories of up to
// kVerifyFilesUpTo record files, every file is stat'ed too, which also
// catches in-place writes (`>>`, nano). Stamps taken within the file system's
// timestamp tick as the saved state itself are "racy", never trusted, so a
// change in the same tick is never missed (git's rule for its index). The
// state lives in .git/crm/folders, with the index revision it describes.
//
// This runs before every read, so it is kept to one stat per folder and no
// allocation per folder: the saved state is a sorted vector of plain numbers.
//
// When a watcher runs (index/watch.hpp) none of that happens: it is asked which
// folders changed since the token saved in .git/crm/watch-token, and the folder
// state is read only when something changed. Its answer also covers in-place
// writes, which folder stamps miss above kVerifyFilesUpTo files.
#pragma once
#include <sys/stat.h>

#include <cstdint>
#include <optional>
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
  // The index's revision: before changed(), the current one (a state saved with a later one is
  // not trusted); before save(), the one the state describes.
  void set_revision(uint64_t revision) { revision_ = revision; }

  // A folder's (or type folder's) state. mtime_ns < 0: racy, never trusted.
  struct Folder {
    std::string name;  // "contacts/k7", or "contacts" for a type folder
    int64_t mtime_ns = 0;
    uint64_t ino = 0;
    uint64_t files = 0;  // hash of its files' names and stamps; 0: not taken
    uint64_t count = 0;  // record files in it
    int64_t newest_ns = 0;  // newest mtime or ctime of the folder and the files seen in it
    bool operator<(const Folder& o) const { return name < o.name; }
  };

 private:
  const Repository& repo_;
  std::string state_file_;
  std::vector<Folder> saved_, now_;              // shard folders, sorted by name
  std::vector<Folder> saved_types_, now_types_;  // type folders, sorted by name
  std::vector<Folder> seen_types_;               // type folder stamps taken by changed()
  uint64_t revision_ = 0;
  bool loaded_ = false;
  bool recording_ = false;  // record() was called: now_ holds the state to save
  bool forgotten_ = false;
  bool watched_ = false;  // changed() took the watcher's answer: record() and save() keep only its token
  std::string watch_token_;  // the watcher's answer to changed(): saved with the state it describes
  void load();
  std::string token_file() const;
  // The folders the watcher says changed; nullopt: no watcher, or it cannot say (then watch_token_
  // may still hold its token, to save after the scan).
  std::optional<std::vector<std::string>> changed_by_watcher();
  void save_token() const;
  Folder take(const std::string& folder, bool with_files) const;
  Folder stamp(const std::string& name, const struct stat& st) const;
};

// Stamp of a file or folder: mtime, size, inode, ctime.
std::string stamp_of(const struct stat& st);

}  // namespace crm
