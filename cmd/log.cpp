// crm log KIND REF...: record an interaction (a call, an email, a meeting, a
// note...) with the people and companies it concerns, and optionally the next
// step as a task, in one commit. The body comes from -m TEXT, -m - (stdin) or
// $EDITOR.
#include <unistd.h>

#include <iostream>
#include <map>

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
  // Values given to the note's field options (--at, --subject, --tag...), by field name.
  std::map<std::string, std::vector<std::string>> fields;
  std::vector<std::string> next;  // WHEN TEXT
  std::string commit_message;

  // The last value given for a field ("" when none).
  std::string one(const std::string& field) const {
    auto it = fields.find(field);
    return it == fields.end() || it->second.empty() ? std::string() : it->second.back();
  }
  const std::vector<std::string>& all(const std::string& field) const {
    static const std::vector<std::string> none;
    auto it = fields.find(field);
    return it == fields.end() ? none : it->second;
  }
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
  if (a.refs.empty() && a.all("contacts").empty() && a.one("deal").empty() && a.one("company").empty())
    fail(Failure::Usage, "say who it was with: crm log " + a.kind + " REF...", "REF is a contact or company; or give --deal");
  const TypeSpec& type = types::note();
  DateTime at = a.one("at").empty() ? crm::now() : parse_moment(a.one("at"), "--at");
  if (!a.next.empty() && a.next.size() != 2) fail(Failure::Usage, "--next takes WHEN and TEXT: --next friday \"Send proposal\"");

  // Everything a person typed is checked before any editor opens or anything is written.
  Record note;
  note.type = &type;
  note.data["kind"] = a.kind;
  note.data["at"] = format_datetime(at);
  // The other field options, checked as the schema says; references are resolved below, --at
  // and --author have their defaults.
  for (const FieldSpec& f : type.fields) {
    std::string name(f.name), flag = "--" + std::string(f.flag);
    if (f.flag.empty() || f.kind == Kind::Ref || f.kind == Kind::Refs || name == "at" || name == "author") continue;
    for (const auto& v : is_list_kind(f.kind) ? a.all(name) : std::vector<std::string>{a.one(name)}) {
      if (v.empty()) continue;
      if (!is_list_kind(f.kind)) {
        note.data[name] = field_value(f, config, v, flag);
        continue;
      }
      if (!note.data.contains(name)) note.data[name] = Json::array();
      note.data[name].push_back(field_value(f, config, v, flag));
    }
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
    for (const auto& r : a.all("contacts")) {
      Entry p = index.resolve(r, &types::contact());
      link_party(type, note.data, p);
      about.push_back(p.title());
    }
    if (!a.one("company").empty()) link_party(type, note.data, index.resolve(a.one("company"), &types::company()));
    if (!a.one("deal").empty()) {
      Entry d = index.resolve(a.one("deal"), &types::deal());
      note.data["deal"] = d.id;
      if (!note.data.contains("company") && d.data.contains("company")) note.data["company"] = d.data["company"];
    }
    // Other references (--campaign): the id of the record of the field's type.
    for (const FieldSpec& f : type.fields) {
      std::string name(f.name);
      if (f.flag.empty() || (f.kind != Kind::Ref && f.kind != Kind::Refs) || name == "contacts" || name == "company" ||
          name == "deal")
        continue;
      for (const auto& r : f.kind == Kind::Ref ? std::vector<std::string>{a.one(name)} : a.all(name)) {
        if (r.empty()) continue;
        std::string id = index.resolve(r, find_type(f.ref_type)).id;
        if (f.kind == Kind::Ref) {
          note.data[name] = id;
        } else {
          if (!note.data.contains(name)) note.data[name] = Json::array();
          note.data[name].push_back(id);
        }
      }
    }
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
  note.data["author"] = a.one("author").empty() ? Git::open(repo.root())->author_name() : a.one("author");
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

// What help shows for a field option's value.
std::string value_name(const FieldSpec& f) {
  switch (f.kind) {
    case Kind::Ref:
    case Kind::Refs: return "REF";
    case Kind::Date:
    case Kind::DateTime:
    case Kind::When: return "WHEN";
    case Kind::Duration: return "DURATION";
    case Kind::Tags: return "TAG";
    case Kind::Line:
    case Kind::Text: return "TEXT";
    case Kind::Choice: {
      std::string names;
      for (const auto& c : choices_of(f)) names += (names.empty() ? "" : "|") + c;
      return names;
    }
    default: return "VALUE";
  }
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
  // The note's fields that have a flag, as the schema declares them (crm note set takes the same).
  for (const FieldSpec& f : types::note().fields) {
    if (f.flag.empty()) continue;
    auto* o = log->add_option("--" + std::string(f.flag), a->fields[std::string(f.name)], std::string(f.help))
                  ->type_name(value_name(f))
                  ->allow_extra_args(false);
    if (!is_list_kind(f.kind)) o->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  log->add_option("--next", a->next, "the next step as a task: --next friday \"Send proposal\"")
      ->type_name("WHEN TEXT")
      ->expected(2)
      ->allow_extra_args(false);
  log->add_option("--commit-message", a->commit_message, "commit message")->type_name("TEXT");
  log->callback([&ctx, a] { run_log(ctx, *a); });
}

}  // namespace crm
