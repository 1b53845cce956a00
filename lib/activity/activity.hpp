// What happened and what is due, derived from notes, tasks and deals in the
// index: a record's timeline, when a contact or company was last contacted
// (never stored in their files), whether a task is overdue, and the agenda.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "index/index.hpp"
#include "model/dates.hpp"

namespace crm {

// The types a party REF may name (`crm log call ana`, `crm task add --for acme`).
const Index::Types& party_types();
// Link a record of `type` (a note, a task) to a party, by its field that links to the party's type:
// a contact joins `contacts`, a company becomes `company`. Throws Error(Usage) when a second,
// different company is given.
void link_party(const TypeSpec& type, Json& data, const Entry& party);

// A task's due as an instant: a date is due by the end of that local day.
std::optional<std::chrono::sys_seconds> due_by(const Json& task);
std::optional<std::chrono::sys_seconds> due_by(const std::string& due);
bool task_overdue(const Json& task, std::chrono::sys_seconds now);

// The latest note about a contact, or about a company or any of its people.
std::optional<DateTime> last_contacted(const Index& index, const Entry& party);
// The same, given index.linking_to(party.id), which the caller has read already.
std::optional<DateTime> last_contacted(const Index& index, const Entry& party, const std::vector<Entry>& links);

struct Moment {
  std::string when;  // ISO date or datetime as written
  std::chrono::sys_seconds at;
  std::string what;  // "call", "task", "done", "stage won", "deal" ...
  Entry entry;       // the note, task or deal
  std::string text;  // one line to show
};

// Notes, tasks and deal stage changes that concern a record, newest first.
// `links`: index.linking_to(e.id), which the caller has read already.
std::vector<Moment> timeline(const Index& index, const Entry& e, const std::vector<Entry>& links);

// A contact or company with a keep-in-touch period, and when that period runs out: one period
// after the local day of the last contact (or of `created`, when never contacted).
struct Cadence {
  Entry party;                      // its type and id (no data)
  std::string title, owner;         // as written
  std::string every;                // "30d"
  std::optional<DateTime> last;     // the last contact; none: never contacted
  Days since_day;                   // the day counted from (last contact, else created)
  Days due_day;                     // since_day + every
};

// Every contact and company with a valid keep_in_touch period (and a day to count from).
std::vector<Cadence> cadences(const Index& index);

struct AgendaItem {
  std::string section;  // "overdue" or the local day (YYYY-MM-DD)
  std::string kind;     // task, meeting, deal, cadence
  std::string when;     // the due/at/close value, or the day the cadence ran out
  Entry entry;          // the record's type and id only (no data)
  std::string text;     // one line: title and who it concerns
  std::string detail;   // contacts/company names, stage and amount, last contact...
};

struct AgendaOptions {
  int days = 7;       // today and the next days-1 days... see agenda()
  std::string owner;  // only records with this owner (folded comparison); empty: all
};

// Tasks due (and overdue), meetings, deals expected to close, and contacts and
// companies past their keep-in-touch cadence, from today for `days` days.
std::vector<AgendaItem> agenda(const Index& index, const Config& config, const AgendaOptions& o);

}  // namespace crm
