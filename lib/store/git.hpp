// Git through libgit2: commits built from HEAD's tree (never from the whole
// git index), the git index refreshed only for touched paths so that
// `git status` stays truthful, and a file's history. Only writing commands
// and `history` construct a Git: libgit2's start-up costs ~16 ms on Debian.
#pragma once
#include <optional>
#include <string>
#include <vector>

struct git_repository;

namespace crm {

struct Change {
  std::string path;                    // relative to the work tree
  std::optional<std::string> content;  // nullopt: the file was removed
};

struct Revision {
  std::string commit;  // full hex id
  std::string author;
  std::string email;
  std::string when;  // ISO 8601 with offset
  std::string subject;
  std::optional<std::string> before;  // the file in the first parent (nullopt: absent)
  std::optional<std::string> after;   // the file in this commit (nullopt: removed)
};

class Git {
 public:
  explicit Git(const std::string& root);
  ~Git();
  Git(const Git&) = delete;
  Git& operator=(const Git&) = delete;

  // Create a repository with an empty work tree on branch main.
  static void init(const std::string& root);

  // One commit on the current branch with these changes on top of HEAD's tree
  // (other uncommitted work is left alone). Returns the new commit id, or an
  // empty string when the tree did not change.
  std::string commit(const std::vector<Change>& changes, const std::string& message);
  // Bring git's index entries for these paths in line with the work tree.
  void refresh_index(const std::vector<Change>& changes);

  // Commits that changed `path`, newest first.
  std::vector<Revision> history(const std::string& path, size_t limit);

  std::string head() const;
  // Who is writing: GIT_AUTHOR_NAME, else user.name, else $USER (as commits are signed).
  std::string author_name() const;
  void add_remote(const std::string& name, const std::string& url);  // hex id of HEAD, empty when unborn

 private:
  git_repository* repo_ = nullptr;
  std::string root_;
};

}  // namespace crm
