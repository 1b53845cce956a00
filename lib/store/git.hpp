// Git through libgit2: commits built from HEAD's tree (never from the whole
// git index), the git index refreshed only for touched paths so that
// `git status` stays truthful, and a file's history.
//
// libgit2 (and OpenSSL, mbedTLS, libssh2, Kerberos behind it) lives in a
// module, crm-git.so, loaded on first use (store/module.hpp): loading those
// libraries costs every process ~14 ms, so read-only commands never do.
// Only writing commands and `history` open a Git.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // The repository whose work tree is `root` (loads the module).
  static std::unique_ptr<Git> open(const std::string& root);
  virtual ~Git() = default;

  // Create a repository with an empty work tree on branch main.
  static void init(const std::string& root);
  static std::string blob_id(const std::string& content);  // the id git gives that content

  // One commit on the current branch with these changes on top of HEAD's tree
  // (other uncommitted work is left alone). Returns the new commit id, or an
  // empty string when the tree did not change. Files under .crm/ (hooks) are
  // committed executable when the work tree's file is.
  virtual std::string commit(const std::vector<Change>& changes, const std::string& message) = 0;
  // Bring git's index entries for these paths in line with the work tree.
  virtual void refresh_index(const std::vector<Change>& changes) = 0;

  // Commits that changed `path`, newest first.
  virtual std::vector<Revision> history(const std::string& path, size_t limit) = 0;

  virtual std::string head() const = 0;  // hex id of HEAD, empty when unborn
  // Full hex id of a revision ("refs/remotes/origin/main", a hex id), empty when it does not exist.
  virtual std::string resolve(const std::string& rev) const = 0;
  virtual std::string merge_base(const std::string& a, const std::string& b) const = 0;
  virtual bool is_ancestor(const std::string& ancestor, const std::string& of) const = 0;
  virtual CommitInfo info(const std::string& commit) const = 0;
  // Files that differ between two commits, skipping subtrees with equal ids (milliseconds at a
  // million files, where libgit2's own tree diff takes seconds). `from` may be empty (no commit).
  virtual std::vector<TreeChange> diff(const std::string& from, const std::string& to) const = 0;
  virtual std::optional<std::string> blob(const std::string& id) const = 0;  // content of a blob, by hex id
  // The newest commit reachable from `from` but not from `hide` in which `path` holds blob
  // `blob` while none of its parents' does: who wrote that version. nullopt when none.
  virtual std::optional<CommitInfo> introduced(const std::string& path, const std::string& blob, const std::string& from,
                                       const std::string& hide) const = 0;
  virtual std::optional<std::string> file(const std::string& commit, const std::string& path) const = 0;
  // Whether `path` in `commit` is an executable file (mode 100755), as a hook is.
  virtual bool executable(const std::string& commit, const std::string& path) const = 0;
  // A merge commit: `ours` tree with these changes, parents ours and theirs. HEAD is not moved.
  virtual std::string merge_commit(const std::string& ours, const std::string& theirs, const std::vector<Change>& changes,
                           const std::string& message) = 0;
  // Point the current branch at `commit` (its files are the caller's to write).
  virtual void set_head(const std::string& commit, const std::string& reflog) = 0;
  // The current branch's name ("main"); empty when HEAD is detached.
  virtual std::string branch() const = 0;
  virtual std::string config(const std::string& key) const = 0;  // empty when unset
  virtual void set_config(const std::string& key, const std::string& value) = 0;
  // Who is writing: GIT_AUTHOR_NAME, else user.name, else $USER (as commits are signed).
  virtual std::string author_name() const = 0;
  virtual void add_remote(const std::string& name, const std::string& url) = 0;
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

// SHA-1 of some bytes (ids derived from foreign keys on import).
std::array<uint8_t, 20> sha1(std::string_view bytes);

// What crm-git.so provides: its one exported symbol, crm_git_module, returns this.
struct GitModule {
  std::unique_ptr<Git> (*open)(const std::string& root);
  void (*init)(const std::string& root);
  std::string (*blob_id)(const std::string& content);
  std::optional<std::string> (*merge_lines)(const std::string& base, const std::string& ours,
                                            const std::string& theirs, bool markers);
  std::array<uint8_t, 20> (*sha1)(std::string_view bytes);
};

}  // namespace crm
