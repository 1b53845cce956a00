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

// A file that differs between two commits (hex blob ids; empty: absent on that side).
struct TreeChange {
  std::string path;
  std::string before;
  std::string after;
};

// Who made a commit, and when (ISO 8601 with offset).
struct CommitInfo {
  std::string author;
  std::string when;
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

  std::string head() const;  // hex id of HEAD, empty when unborn
  // Full hex id of a revision ("refs/remotes/origin/main", a hex id), empty when it does not exist.
  std::string resolve(const std::string& rev) const;
  std::string merge_base(const std::string& a, const std::string& b) const;
  bool is_ancestor(const std::string& ancestor, const std::string& of) const;
  CommitInfo info(const std::string& commit) const;
  // Files that differ between two commits, skipping subtrees with equal ids (milliseconds at a
  // million files, where libgit2's own tree diff takes seconds). `from` may be empty (no commit).
  std::vector<TreeChange> diff(const std::string& from, const std::string& to) const;
  std::optional<std::string> blob(const std::string& id) const;  // content of a blob, by hex id
  static std::string blob_id(const std::string& content);        // the id git gives that content
  // The newest commit reachable from `from` but not from `hide` in which `path` holds blob
  // `blob` while none of its parents' does: who wrote that version. nullopt when none.
  std::optional<CommitInfo> introduced(const std::string& path, const std::string& blob, const std::string& from,
                                       const std::string& hide) const;
  std::optional<std::string> file(const std::string& commit, const std::string& path) const;
  // A merge commit: `ours` tree with these changes, parents ours and theirs. HEAD is not moved.
  std::string merge_commit(const std::string& ours, const std::string& theirs, const std::vector<Change>& changes,
                           const std::string& message);
  // Point the current branch at `commit` (its files are the caller's to write).
  void set_head(const std::string& commit, const std::string& reflog);
  // The current branch's name ("main"); empty when HEAD is detached.
  std::string branch() const;
  std::string config(const std::string& key) const;  // empty when unset
  void set_config(const std::string& key, const std::string& value);
  // Who is writing: GIT_AUTHOR_NAME, else user.name, else $USER (as commits are signed).
  std::string author_name() const;
  void add_remote(const std::string& name, const std::string& url);

 private:
  git_repository* repo_ = nullptr;
  std::string root_;
};

// Line-by-line three-way merge (git's algorithm, through libgit2). Returns
// nullopt when both sides changed the same lines differently, or, with
// `markers`, the text with git's conflict markers there.
std::optional<std::string> merge_lines(const std::string& base, const std::string& ours, const std::string& theirs,
                                       bool markers = false);

// Run the user's git in `root` (their ssh config, agents and credential helpers apply).
// Its stdout is returned in `out` when given (else it goes to our stderr: never on our
// stdout). Its stderr goes to ours, or into `err` when given. git dies with crm (a killed
// sync leaves no fetch running). Returns git's exit status (127: git could not be run).
int run_git(const std::string& root, const std::vector<std::string>& args, std::string* out = nullptr,
            std::string* err = nullptr);

}  // namespace crm
