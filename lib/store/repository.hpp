// The repository on disk: where it is, its settings, record paths, reading
// and atomically writing record files. No git and no terminal here.
#pragma once
#include <sys/stat.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/record.hpp"

namespace crm {

constexpr size_t kMaxRecordBytes = 1 << 20;  // a record file larger than 1 MiB is refused

struct RecordFile {
  Record record;
  std::string path;  // relative to the repository root
  std::string text;
  YamlDocument doc;
  std::vector<Problem> problems;  // schema problems; empty when valid
  std::string where(const Problem& p) const;  // "contacts/k7/k7..yaml:3:8"
};

struct FileStamp {
  const TypeSpec* type;
  std::string id;
  std::string path;
  struct stat st;
};

class Repository {
 public:
  // -C DIR, else $CRM_REPO, else the nearest enclosing directory holding crm.yaml and .git.
  static Repository discover(const std::string& dir_option);
  static Repository at(const std::string& root);

  const std::string& root() const { return root_; }
  const Config& config() const { return config_; }
  // Progress notes (what was re-indexed, committed): the command line shows them with -v.
  void on_note(std::function<void(const std::string&)> f) { note_ = std::move(f); }
  void note(const std::string& text) const {
    if (note_) note_(text);
  }
  // Warnings the library has for the user (results may be stale, the index was rebuilt) and the
  // progress of long work: the command line prints them on stderr unless -q. Unset: silent.
  void on_warning(std::function<void(const std::string&)> f) { warning_ = std::move(f); }
  void warn(const std::string& text) const {
    if (warning_) warning_(text);
  }
  void on_progress(std::function<void(const std::string& what, size_t done, size_t total)> f) { progress_ = std::move(f); }
  bool shows_progress() const { return static_cast<bool>(progress_); }
  void progress(const std::string& what, size_t done, size_t total) const {
    if (progress_) progress_(what, done, total);
  }
  std::string state_dir() const;  // .git/crm, created on demand
  std::string git_dir() const;

  static std::string relative_path(const TypeSpec& type, const std::string& id);
  std::string absolute(const std::string& relative) const { return root_ + "/" + relative; }
  bool exists(const std::string& relative) const;

  // Throws Error(Invalid) naming the file when it is too large, unreadable YAML, or not a map.
  RecordFile load(const TypeSpec& type, const std::string& id) const;
  RecordFile parse(const TypeSpec& type, const std::string& id, const std::string& relative,
                   const std::string& text) const;
  std::string read(const std::string& relative) const;

  // Temp file, fsync, rename, fsync of the folder: a crash leaves the old or the new file.
  // A file under .crm/ keeps its permissions (a hook stays executable).
  void write_atomic(const std::string& relative, const std::string& content) const;
  // Many files with the same guarantee (each is old or new after a crash) for two flushes in all instead
  // of two per file: every temp file is written, the file system synced once, then every file renamed
  // into place and the file system synced again. For imports of thousands of records.
  void write_atomic_many(const std::vector<std::pair<std::string, std::string>>& files) const;
  void remove(const std::string& relative) const;
  // Temp files of writes that were killed (call with the write lock held).
  void remove_stale_temp_files() const;

  // Every record file in the working tree (stat included), folder by folder.
  void scan(const std::function<void(const FileStamp&)>& visit) const;
  void scan_type(const TypeSpec& type, const std::function<void(const FileStamp&)>& visit) const;
  // Shard folder names of a type ("k7", ...).
  void list_folders(const TypeSpec& type, std::vector<std::string>& names) const;
  // One shard folder ("contacts/k7").
  void scan_folder(const TypeSpec& type, const std::string& shard,
                   const std::function<void(const FileStamp&)>& visit) const;

 private:
  std::string root_;
  Config config_;
  std::function<void(const std::string&)> note_;
  std::function<void(const std::string&)> warning_;
  std::function<void(const std::string&, size_t, size_t)> progress_;
};

// Atomic write of any file (used for crm.yaml and edits too). The temp file
// goes in `temp_dir` when given (so an interrupted write leaves nothing in the
// work tree for `git status` to show), else beside the file.
void write_file_atomic(const std::string& path, const std::string& content, const std::string& temp_dir = {});
// Atomic (readers see the old or the new file, as after a kill -9) but not
// flushed to disk: for crm's own state that can be rebuilt or is only needed
// while a process runs (the index's folder stamps, the write journal). Saves
// two fsyncs, 3-4 ms each on a VM disk.
void replace_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path, size_t limit, const std::string& display);

}  // namespace crm
