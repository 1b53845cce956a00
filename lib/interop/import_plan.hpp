// What an import does to the repository, decided before anything is written:
// for each incoming record, whether it is added, updates a record that
// exists (same id, or for contacts the same email), changes nothing, or is
// skipped with a reason. `crm import --dry-run` prints the plan; a real
// import stages the added and updated records in one Transaction.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "index/index.hpp"
#include "interop/batch.hpp"
#include "store/repository.hpp"

namespace crm {

enum class Action { Add, Update, Unchanged, Skip };
std::string_view action_name(Action a);  // "add", "update", "unchanged", "skip"

struct Planned {
  Action action = Action::Add;
  Record record;      // what will be written (Add, Update), or what is there (Unchanged)
  std::string where;  // the input it came from
  std::string why;    // Skip: the reason; Update by email: which email matched
};

struct Plan {
  // Each record the import touches, in the state it would be written.
  struct State {
    Record record;
    bool existed = false;  // on disk before the import
    std::string original;  // its file text then
    std::string text;      // the canonical text it gets ("" until an incoming record landed on it)
    std::string where;     // the first input that named it
    bool changed() const { return !text.empty() && text != original; }
  };
  std::vector<Planned> items;  // one per incoming record, in input order (companies a contact names first)
  std::map<std::string, State> states;
  std::vector<std::string> order;  // ids in the order they were first met
  // Records, not items: an id met twice counts once. Skip counts items.
  size_t count(Action a) const;
  // Records to write (added and updated), once each, the last state of each.
  std::vector<Record> writes() const;
};

class ImportPlanner {
 public:
  ImportPlanner(const Repository& repo, const Index& index) : repo_(repo), index_(index) {}
  // `progress(done, total)` is called as records are planned.
  Plan plan(Batch& batch, const std::function<void(size_t, size_t)>& progress = {});

 private:
  const Repository& repo_;
  const Index& index_;
  Plan plan_;
  std::map<std::string, size_t> by_id_;            // id -> its item in plan_ (a record met twice merges)
  std::map<std::string, std::string> by_email_;    // folded email -> id, for contacts of this batch
  std::map<std::string, std::string> companies_;   // folded company name -> id

  std::string company_id(const std::string& name, const std::string& where);
  void place(Incoming& in);
};

// Lists unioned (same_item), other fields set from `incoming`: how a vCard or CSV row lands on a contact.
Json merged_fields(const TypeSpec& type, const Json& existing, const Json& incoming);

}  // namespace crm
