// Hooks: local webhooks. An executable file .crm/hooks/TYPE-EVENT (deal-move,
// contact-add) runs after a commit changed a record of that type, with the
// record as JSON on stdin, in the repository's root, once per record.
//
// Hooks come with the repository, so like git's they never run on their own:
// `crm hooks trust` records the git blob id of each hook's content in
// .git/crm/hooks-trusted (never committed), and a hook runs only while its
// content is still the one trusted. A hook crm does not run is named on stderr
// once; a hook that fails is reported and never undoes the commit.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/schema.hpp"

namespace crm {

class Repository;

// One record a commit changed.
struct HookEvent {
  // add (a new file), set (a changed one), move (a deal moved: named by `crm deal move`, or a
  // set whose stage changed), rm (removed).
  std::string event;
  const TypeSpec* type = nullptr;
  std::string id;
  std::string path;                   // relative to the repository root
  std::string commit;                 // the commit that made the change
  std::optional<std::string> before;  // the file before the commit (nullopt: it did not exist)
  std::optional<std::string> after;   // the file the commit holds (nullopt: removed)
};

// add, set, move, rm.
const std::vector<std::string>& hook_event_names();

enum class HookTrust { Trusted, Untrusted, Changed };

// An entry of .crm/hooks.
struct HookFile {
  std::string name;     // "deal-move"
  std::string path;     // ".crm/hooks/deal-move"
  std::string ignored;  // why crm never runs it (not named TYPE-EVENT, not a regular file); empty: a hook
  bool executable = false;
  std::string blob;  // git's blob id of its content
  HookTrust trust = HookTrust::Untrusted;
};

class Hooks {
 public:
  explicit Hooks(const Repository& repo) : repo_(repo) {}
  // Whether there is a .crm/hooks at all (one lstat: repositories without hooks pay nothing more).
  static bool present(const Repository& repo);
  // Whether an event of this type may run a hook: .crm/hooks/TYPE-EVENT exists (for a set of a
  // deal, TYPE-move too: a set that changes the stage is a move).
  static bool listens(const Repository& repo, const TypeSpec& type, const std::string& event);
  // Why no hook of .crm/hooks may run (it or .crm is a symbolic link, not a folder); empty when they may.
  std::string folder_problem() const;
  // Every entry of .crm/hooks, by name.
  std::vector<HookFile> list() const;
  // Trust the current content of these hooks (every hook when empty), under the write lock.
  // Throws Usage for a name that is not TYPE-EVENT, NotFound for a missing hook, Invalid for one
  // that is not a regular file. Returns the names trusted.
  std::vector<std::string> trust(const std::vector<std::string>& names) const;
  // Forget the trust of these hooks (all when empty). Returns the names that were trusted.
  std::vector<std::string> untrust(const std::vector<std::string>& names) const;

  // Run the hooks of these events one after the other, each with a timeout ($CRM_HOOK_TIMEOUT
  // seconds, default 30). Call it without the write lock: a hook may run crm. `report` gets one
  // line per hook that failed or was not run. Never throws for a hook's failure.
  void run(const std::vector<HookEvent>& events, const std::function<void(const std::string&)>& report) const;

 private:
  const Repository& repo_;
};

}  // namespace crm
