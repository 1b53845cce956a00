// crm log KIND REF...: record an interaction (a call, an email, a meeting, a
// note...) with the people and companies it concerns, and optionally the next
// step as a task, in one commit. The body comes from -m TEXT, -m - (stdin) or
// $EDITOR.
#include <unistd.h>

#include <iostream>

#include "cmd/records.hpp"
#include "activity/activity.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "store/git.hpp"

namespace crm {

namespace {

struct LogArgs {
  std::string kind;
  std::vector<std::string> refs;
  std::optional<std::string> body;  // -m
  std::string at, deal, company, campaign, subject, direction, duration, outcome, author;
  std::vector<std::string> tags;
  std::vector<std::string> next;  // WHEN TEXT
  std::string commit_message;
};

constexpr const char* kComment = "#";

// The body from $EDITOR: lines starting with '#' are dropped, like git's commit message.
std::string body_from_editor(const Repository& repo, const std::string& kind, const std::string& about) {
  std::string path = repo.state_dir() + "/log-" + std::to_string(::getpid()) + ".txt";
  write_file_atomic(path, "\n# crm: write the " + kind + (about.empty() ? "" : " with " + about) +
                              " above.\n# crm: lines starting with '#' are dropped; an empty text logs nothing.\n");
  int status = run_editor(path);
  std::string text = read_file(path, 1 << 20, path);
  ::unlink(path.c_str());
  if (status != 0)
    fail(Failure::Runtime, "the editor exited with status " + std::to_string(status) + "; nothing was logged",
         "give the text with -m TEXT or -m - (stdin), or fix EDITOR");
  std::string out;
  for (const auto& line : split(text, '\n'))
    if (line.rfind(kComment, 0) != 0) out += line + "\n";
  return out;
}

std::string clean_body(std::string body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ' || body.back() == '\r')) body.pop_back();
  size_t start = 0;
  while (start < body.size() && body[start] == '\n') ++start;
  return body.substr(start);
}

void run_log(Context& ctx, const LogArgs& a) {
  Repository& repo = ctx.repo();
  const Config& config = repo.config();
  if (!config.note_kind(a.kind))
    fail(Failure::Usage, "unknown kind '" + a.kind + "'", "kinds (crm.yaml note_kinds): " + config.note_kind_names());
  if (a.refs.empty() && a.deal.empty() && a.company.empty())
    fail(Failure::Usage, "say who it was with: crm log " + a.kind + " REF...", "REF is a contact or company; or give --deal");
  const TypeSpec& type = types::note();
  DateTime at = a.at.empty() ? crm::now() : parse_moment(a.at, "--at");
  if (!a.next.empty() && a.next.size() != 2) fail(Failure::Usage, "--next takes WHEN and TEXT: --next friday \"Send proposal\"");

  // Everything a person typed is checked before any editor opens or anything is written.
  Record note;
  note.type = &type;
  note.data["kind"] = a.kind;
  note.data["at"] = format_datetime(at);
  auto set = [&](const char* field, const std::string& v, const char* flag) {
    if (!v.empty()) note.data[field] = field_value(*type.field(field), config, v, flag);
  };
  set("subject", a.subject, "--subject");
  set("direction", a.direction, "--direction");
  set("duration", a.duration, "--duration");
  set("outcome", a.outcome, "--outcome");
  for (const auto& t : a.tags) {
    if (!note.data.contains("tags")) note.data["tags"] = Json::array();
    note.data["tags"].push_back(field_value(*type.field("tags"), config, t, "--tag"));
  }
  Json next_due;
  if (!a.next.empty()) {
    next_due = parse_when(a.next[0], "--next");
    if (trim(a.next[1]).empty()) fail(Failure::Invalid, "--next: the task text is empty");
  }
  std::optional<std::string> body = a.body;
  if (body && *body == "-") body = read_stdin();

  std::vector<std::string> about;
  auto resolve_all = [&](const Index& index) {
    about.clear();
    for (const auto& r : a.refs) {
      Entry p = index.resolve(r, party_types());
      link_party(type, note.data, p);
      about.push_back(p.title());
    }
    if (!a.company.empty()) link_party(type, note.data, index.resolve(a.company, &types::company()));
    if (!a.deal.empty()) {
      Entry d = index.resolve(a.deal, &types::deal());
      note.data["deal"] = d.id;
      if (!note.data.contains("company") && d.data.contains("company")) note.data["company"] = d.data["company"];
    }
    if (!a.campaign.empty()) note.data["campaign"] = index.resolve(a.campaign, &types::campaign()).id;
    // The company of the people, when they share one, so the company's timeline shows it too.
    if (!note.data.contains("company") && note.data.contains("contacts")) {
      std::string shared;
      bool same = true;
      for (const auto& c : note.data["contacts"]) {
        auto e = index.get(c.get<std::string>());
        std::string co = e && e->data.contains("company") && e->data["company"].is_string() ? e->data["company"].get<std::string>() : "";
        if (shared.empty()) shared = co;
        same = same && !co.empty() && co == shared;
      }
      if (same && !shared.empty()) note.data["company"] = shared;
    }
  };
  if (!body) {
    // The editor runs without the lock, like `crm edit`: references are checked first.
    Index index(repo, false);
    resolve_all(index);
    body = body_from_editor(repo, a.kind, joined_names(about));
  }
  std::string text = clean_body(*body);
  if (text.empty() && !note.data.contains("subject"))
    fail(Failure::Invalid, "the message is empty; nothing was logged", "give the text with -m TEXT, -m - or in the editor");
  if (!text.empty()) note.data["body"] = text + "\n";

  Transaction tx(repo);
  note.data.erase("contacts");
  note.data.erase("company");
  resolve_all(tx.index());
  note.id = new_id();
  while (repo.exists(Repository::relative_path(type, note.id))) note.id = new_id();
  note.data["author"] = a.author.empty() ? Git::open(repo.root())->author_name() : a.author;
  note.data["created"] = format_datetime(crm::now());
  tx.put(note);
  std::vector<Record> changed{note};
  if (!a.next.empty()) {
    const TypeSpec& tt = types::task();
    Record task;
    task.type = &tt;
    task.id = new_id();
    while (repo.exists(Repository::relative_path(tt, task.id)) || task.id == note.id) task.id = new_id();
    task.data["title"] = trim(a.next[1]);
    task.data["due"] = next_due;
    for (const char* k : {"contacts", "company", "deal"})
      if (note.data.contains(k)) task.data[k] = note.data[k];
    task.data["created"] = note.data["created"];
    tx.put(task);
    changed.push_back(task);
  }
  std::string who = joined_names(about);
  tx.commit(!a.commit_message.empty() ? a.commit_message
                                      : "note: " + a.kind + (who.empty() ? "" : " with " + who) +
                                            (a.next.empty() ? "" : "; next: " + trim(a.next[1])));
  print_changed(ctx, changed);
}

}  // namespace

std::string joined_names(const std::vector<std::string>& names) {
  std::string r;
  for (size_t i = 0; i < names.size(); ++i) r += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return r;
}

void register_log(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<LogArgs>();
  auto* log = app.add_subcommand("log", "log a call, email, meeting or note with people or companies");
  log->add_option("KIND", a->kind, "call, email, meeting, note, or another kind from crm.yaml")->required();
  log->add_option("REF", a->refs, "contacts and companies it concerns (id, email or name)");
  log->add_option("-m,--message", a->body, "what happened; - reads stdin; without it $EDITOR opens")
      ->type_name("TEXT|-")
      ->allow_extra_args(false);
  log->add_option("--at", a->at, "when it happened (default: now): \"2026-11-20 09:30\", \"tomorrow 10:00\"")
      ->type_name("WHEN");
  log->add_option("--deal", a->deal, "the deal it is about")->type_name("REF");
  log->add_option("--company", a->company, "the company it is about")->type_name("REF");
  log->add_option("--campaign", a->campaign, "the campaign it answers")->type_name("REF");
  log->add_option("--subject", a->subject, "one-line summary")->type_name("TEXT");
  log->add_option("--direction", a->direction, "in (they reached us) or out (we reached them)")->type_name("in|out");
  log->add_option("--duration", a->duration, "how long: 45m, 1h30m")->type_name("DURATION");
  log->add_option("--outcome", a->outcome, "what came of it")->type_name("TEXT");
  log->add_option("--author", a->author, "who logs it (default: git's user.name)")->type_name("NAME");
  log->add_option("--tag", a->tags, "tag (repeatable)")->type_name("TAG")->allow_extra_args(false);
  log->add_option("--next", a->next, "the next step as a task: --next friday \"Send proposal\"")
      ->type_name("WHEN TEXT")
      ->expected(2)
      ->allow_extra_args(false);
  log->add_option("--commit-message", a->commit_message, "commit message")->type_name("TEXT");
  log->callback([&ctx, a] { run_log(ctx, *a); });
}

}  // namespace crm
