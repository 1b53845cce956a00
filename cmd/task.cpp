// crm task done REF: mark a task done; a repeating task (every: 3m) schedules
// its next occurrence in the same commit, so the history of each completion
// stays a record of its own.
#include <iostream>

#include "cmd/records.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

// The next due after `due`: one period on, and on again until it is after the day it was done,
// so a task done late does not leave a string of overdue copies.
std::string next_due(const std::string& due, const std::string& every, Days done_day) {
  bool timed = valid_datetime(due);
  DateTime moment = timed ? parse_moment(due, "due") : DateTime{};
  Days day = timed ? local_day_of(moment.utc) : parse_day(due, "due");
  Days next = add_period(day, every);
  for (int guard = 0; next <= done_day && guard < 10000; ++guard) next = add_period(next, every);
  if (!timed) return format_date(next);
  // Same wall-clock time on the new day.
  std::string clock = format_datetime(DateTime{moment.utc, moment.offset_minutes}).substr(11, 5);
  return format_datetime(parse_moment(format_date(next) + " " + clock, "due"));
}

void run_done(Context& ctx, const TypeSpec& type, const std::vector<std::string>& refs, const std::string& at) {
  Repository& repo = ctx.repo();
  DateTime when = at.empty() ? crm::now() : parse_moment(at, "--at");
  Transaction tx(repo);
  std::vector<Record> changed;
  std::string titles;
  for (const auto& ref : refs) {
    Entry e = tx.index().resolve(ref, &type);  // an open task wins over its done copies
    Record r = load_valid_entry(repo, e).record;
    if (r.data.contains("done")) {
      ctx.say("crm: " + r.title() + " was already done (" + r.data["done"].get<std::string>() + ")");
      continue;
    }
    r.data["done"] = format_datetime(when);
    tx.put(r);
    changed.push_back(r);
    titles += (titles.empty() ? "" : ", ") + r.title();
    std::string every = r.data.value("every", "");
    if (every.empty()) continue;
    Record next = r;
    next.id = new_id();
    while (repo.exists(Repository::relative_path(type, next.id))) next.id = new_id();
    next.data.erase("done");
    next.comments = {};
    std::string due = r.data.value("due", "");
    next.data["due"] = next_due(due.empty() ? format_date(local_day_of(when.utc)) : due, every, local_day_of(when.utc));
    next.data["created"] = format_datetime(crm::now());
    tx.put(next);
    changed.push_back(next);
    ctx.say("crm: next " + next.title() + " is due " + next.data["due"].get<std::string>());
  }
  if (changed.empty()) return;
  tx.commit(ctx.message.empty() ? std::string(type.name) + ": done " + titles : ctx.message);
  print_changed(ctx, changed);
}

}  // namespace

void register_task_done(CLI::App* group, Context& ctx, const TypeSpec& type) {
  struct Args {
    std::vector<std::string> refs;
    std::string at;
  };
  auto a = std::make_shared<Args>();
  auto* done = group->add_subcommand("done", "mark tasks done; a repeating task gets its next due date");
  done->add_option("REF", a->refs, "task id, id prefix or title words")->required();
  done->add_option("--at", a->at, "when it was done (default: now)")->type_name("WHEN");
  done->add_option("-m,--message", ctx.message, "commit message");
  done->callback([&ctx, &type, a] { run_done(ctx, type, a->refs, a->at); });
}

}  // namespace crm
