// A writing command's unit of work: take the lock, bring the index up to
// date, validate everything, then write files atomically, make one commit,
// and index what changed. Nothing is written before commit(). When it ends,
// after the lock is released, the hooks of the records it committed run
// (hooks/hooks.hpp).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hooks/hooks.hpp"
#include "index/index.hpp"
#include "store/git.hpp"
#include "store/lock.hpp"
#include "store/repository.hpp"

namespace crm {

class Transaction {
 public:
  explicit Transaction(const Repository& repo);
  // Releases the lock, then runs the hooks of what was committed (a hook may run crm itself).
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // The index, brought up to date on first use (a command that resolves no
  // REF never pays for the check).
  Index& index();
  const Repository& repo() const { return repo_; }

  // Stage a record (validated; throws Error(Invalid) naming fields) or a removal.
  void put(const Record& record);
  void remove(const TypeSpec& type, const std::string& id);
  // Stage any repository file as is (crm.yaml, .gitattributes).
  void put_file(const std::string& path, const std::string& content);
  void put_file_removal(const std::string& path);
  // The hook event of a record put in this transaction, when it is more than add, set or rm
  // (`crm deal move`: "move"). Without it: add for a new file, set for a changed one, rm.
  void mark_event(const std::string& id, const std::string& event) { marked_[id] = event; }

  // Write, commit with `message`, index. Returns the commit id (empty: nothing changed).
  // A journal (.git/crm/journal) names the files before they are written, so a
  // write killed before its commit is committed by the next writer.
  std::string commit(const std::string& message);

  // Move the current branch to `commit` (made by the caller, say a merge) and bring
  // these paths of the work tree, git's index and crm's index in line with it. A
  // journal (.git/crm/checkout) names the paths first, so a kill half-way is
  // finished by the next writer.
  // `changes` are the files of `commit` that differ from the work tree's.
  void move_head(Git& git, const std::string& commit, const std::vector<Change>& changes, const std::string& reflog);

 private:
  const Repository& repo_;
  WriteLock lock_;
  std::unique_ptr<Index> index_;
  std::vector<Change> changes_;
  struct Staged {
    const TypeSpec* type = nullptr;  // a record's (nullptr: put_file)
    std::string id;
  };
  std::vector<Staged> staged_;  // one per change
  std::map<std::string, std::string> marked_;
  std::vector<HookEvent> events_;  // committed, for the hooks
  std::string journal_;
  std::string checkout_journal_;
  void recover();
  void recover_checkout();
  void checkout(Git& git, const std::vector<Change>& changes);
  void index_changes(const std::vector<Change>& changes);
  void note_events(const std::string& commit, const std::vector<std::optional<std::string>>& before);
};

// Throws Error(Invalid) listing the problems of a record about to be written.
void require_valid(const Repository& repo, const Record& record, const std::string& where);

}  // namespace crm
