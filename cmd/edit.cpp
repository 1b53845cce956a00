// crm edit REF (and `crm TYPE edit REF`): the record's YAML in $EDITOR,
// validated on save; on error it reopens with the problems on top, until the
// file is valid or the user quits without saving.
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "cmd/records.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

constexpr const char* kErrorMark = "# crm: ";

}  // namespace

int run_editor(const std::string& path) {
  std::string editor;
  if (const char* v = std::getenv("VISUAL"); v && *v) editor = v;
  else if (const char* e = std::getenv("EDITOR"); e && *e) editor = e;
  else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) editor = "vi";
  else
    fail(Failure::Usage, "no editor: VISUAL and EDITOR are not set and this is not a terminal",
         "set EDITOR, or change fields with `crm TYPE set REF FIELD=VALUE`");
  // Like git: the editor variable is a shell command; the file is its argument.
  pid_t pid = ::fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", (editor + " \"$1\"").c_str(), editor.c_str(), path.c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

namespace {

std::string strip_errors(const std::string& text) {
  std::string out;
  for (const auto& line : split(text, '\n'))
    if (line.rfind(kErrorMark, 0) != 0) out += line + "\n";
  while (out.size() > 1 && out.substr(out.size() - 2) == "\n\n") out.pop_back();
  return out;
}

}  // namespace

bool edit_entry(Context& ctx, const Entry& e) {
  const Repository& repo = ctx.repo();
  std::string rel = Repository::relative_path(*e.type, e.id);
  const std::string original = repo.read(rel);
  std::string temp = repo.state_dir() + "/edit-" + e.id + ".yaml";
  // Unchanged means the same canonical file, comments included.
  auto same_as_original = [&](const Record& r) {
    try {
      Record before = repo.parse(*e.type, e.id, rel, original).record;
      return record_yaml(*e.type, r.data, &repo.config(), &r.comments) ==
             record_yaml(*e.type, before.data, &repo.config(), &before.comments);
    } catch (const Error&) {
      return false;  // the file was broken before: any valid text is a change
    }
  };
  // The editor runs without the repository lock: other writers (cron, sync) go on meanwhile.
  std::string shown = original;
  while (true) {
    write_file_atomic(temp, shown);
    int rc = run_editor(temp);
    if (rc != 0) {
      std::remove(temp.c_str());
      fail(Failure::Runtime, "the editor exited with status " + std::to_string(rc) + "; nothing changed",
           "set VISUAL or EDITOR to an editor that exits 0 after saving");
    }
    std::string edited = read_file(temp, kMaxRecordBytes, rel);
    if (edited == shown) {
      std::remove(temp.c_str());
      if (shown == original) {
        ctx.say("crm: no changes");
        return false;
      }
      fail(Failure::Invalid, rel + ": left invalid; nothing changed", "run `crm edit` again to fix it");
    }
    std::string body = strip_errors(edited);
    std::string problems;
    try {
      RecordFile f = repo.parse(*e.type, e.id, rel, body);
      for (const auto& p : f.problems) problems += f.where(p) + ": " + p.message + "\n";
      if (problems.empty()) {
        if (same_as_original(f.record)) {
          std::remove(temp.c_str());
          ctx.say("crm: no changes");
          return false;
        }
        Transaction tx(repo);
        std::string now = repo.exists(rel) ? repo.read(rel) : std::string();
        if (now != original)
          fail(Failure::Conflict, rel + " changed while you were editing it; nothing was committed",
               "your version is kept in " + temp + "; compare it with the file and edit again");
        tx.put(f.record);
        try {
          tx.commit(ctx.message.empty() ? std::string(e.type->name) + ": edit " + f.record.title() : ctx.message);
        } catch (const Error& err) {
          // Keep what the user typed: the commit failed, not their edit.
          fail(err.failure(), err.what(), "your version is kept in " + temp + (err.hint().empty() ? "" : "; " + err.hint()));
        }
        std::remove(temp.c_str());
        print_changed(ctx, {f.record});
        return true;
      }
    } catch (const Error& err) {
      if (err.failure() != Failure::Invalid) throw;
      problems = std::string(err.what()) + "\n";
    }
    std::cerr << problems;
    shown.clear();
    for (const auto& line : split(problems, '\n'))
      if (!line.empty()) shown += kErrorMark + line + "\n";
    shown += std::string(kErrorMark) + "fix the problems above and save, or quit without saving to give up\n" + body;
  }
}

void register_edit(CLI::App& app, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  auto* edit = app.add_subcommand("edit", "edit any record in $EDITOR; validated on save");
  edit->add_option("REF", *ref, "id, id prefix, email or name")->required();
  edit->add_option("-m,--message", ctx.message, "commit message");
  edit->callback([&ctx, ref] {
    Index index(ctx.repo(), false);
    edit_entry(ctx, index.resolve(*ref, nullptr));
  });
}

}  // namespace crm
