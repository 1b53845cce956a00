// task: a follow-up, due on a day or at a moment, open until `crm task done` (its verb) dates it;
// a repeating one (every: 3m) gets its next occurrence then. Lists show open tasks, soonest first.
#include "model/types/types.hpp"

namespace crm {

namespace {

std::string text(const Json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void moments(const Json& data, const std::string& title, const MomentSink& add) {
  if (data.contains("done")) add(text(data, "done"), "done", title);
  else add(text(data, "due").empty() ? text(data, "created") : text(data, "due"), "task", title);
}

const Behaviour kTask{nullptr, nullptr, nullptr, moments};

}  // namespace

TypeSpec task_type() {
  TypeSpec t{"task", "tasks", "title", true,
             with_tail({{"title", Kind::Line, "title", "what to do", "", true},
                        {"due", Kind::When, "due", "when: a date, or a date and time (friday, +3d, \"tomorrow 10:00\")"},
                        {"done", Kind::DateTime, "", "when it was done (crm task done)"},
                        {"every", Kind::Period, "every", "repeat every N days, weeks, months or years (2w, 3m)"},
                        {"contacts", Kind::Refs, "contact", "people it is for (contact REF, repeatable)", "contact"},
                        {"company", Kind::Ref, "company", "company it is for (REF)", "company"},
                        {"deal", Kind::Ref, "deal", "deal it moves on (REF)", "deal"},
                        {"owner", Kind::Line, "owner", "who in your team does it"},
                        {"priority", Kind::Choice, "priority", "low, normal or high", "", false, "low normal high"},
                        {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                        {"notes", Kind::Text, "notes", "details"}},
                       "")};
  t.columns = {"due", "title", "contacts", "company", "priority", "owner", "done"};
  t.sort = "due";
  t.done_field = "done";
  t.due_field = "due";
  t.in_timeline = true;
  t.for_parties = true;
  t.verbs = {"done"};
  t.help = "follow-ups";
  t.behaviour = &kTask;
  return t;
}

}  // namespace crm
