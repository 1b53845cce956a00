// crm hooks [list], crm hooks trust|untrust [NAME...]: the repository's hooks
// (.crm/hooks/TYPE-EVENT, hooks/hooks.hpp) and which of them this clone runs.
#include "hooks/hooks.hpp"

#include <iostream>

#include "cmd/context.hpp"
#include "model/error.hpp"

namespace crm {

namespace {

std::string state_of(const HookFile& h) {
  if (!h.ignored.empty()) return "ignored";
  switch (h.trust) {
    case HookTrust::Trusted:
      return "trusted";
    case HookTrust::Changed:
      return "changed";
    case HookTrust::Untrusted:
      break;
  }
  return "untrusted";
}

std::string note_of(const HookFile& h) {
  if (!h.ignored.empty()) return h.ignored;
  std::string note;
  if (h.trust == HookTrust::Untrusted) note = "not run until `crm hooks trust " + h.name + "`";
  if (h.trust == HookTrust::Changed) note = "changed since it was trusted; not run until trusted again";
  if (!h.executable) note += std::string(note.empty() ? "" : "; ") + "not executable (chmod +x)";
  return note;
}

// A name as a terminal may show it: control characters become '?'.
std::string shown(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return s;
}

void run_list(Context& ctx) {
  Repository& repo = ctx.repo();
  Hooks hooks(repo);
  Format fmt = ctx.format(Format::Table);
  if (!Hooks::present(repo)) {
    ctx.say("crm: no hooks: put executable files named TYPE-EVENT (like deal-move) in .crm/hooks; see `man crm-hooks`");
  } else if (std::string problem = hooks.folder_problem(); !problem.empty()) {
    ctx.warn("no hook runs: " + problem);
  }
  Listing l;
  l.headers = {"hook", "state", "note"};
  for (const auto& h : hooks.list()) {
    l.ids.push_back(shown(h.name));
    l.rows.push_back({shown(h.name), state_of(h), note_of(h)});
    Json j = Json::object();
    j["name"] = h.name;
    j["path"] = h.path;
    j["state"] = state_of(h);
    j["executable"] = h.executable;
    if (!h.blob.empty()) j["blob"] = h.blob;
    if (!h.ignored.empty()) j["ignored"] = h.ignored;
    l.records.push_back(j);
  }
  if (l.rows.empty() && fmt == Format::Table) return;
  render(std::cout, fmt, l, ctx.style());
}

}  // namespace

void register_hooks(CLI::App& app, Context& ctx) {
  auto* h = app.add_subcommand("hooks", "list the repository's hooks (.crm/hooks) and trust them to run");
  h->require_subcommand(0, 1);
  h->footer(
      "A hook is an executable file .crm/hooks/TYPE-EVENT (TYPE: contact, company, deal, note, task, campaign;\n"
      "EVENT: add, set, move, rm) that crm runs after a commit changed a record of that type, with the record as\n"
      "JSON on stdin. No hook runs until it is trusted in this clone, and one whose content changed since is not\n"
      "run until trusted again. See `man crm-hooks`.");
  auto* list = h->add_subcommand("list", "list the hooks: trusted, untrusted, changed (the default)");
  list->callback([&ctx] { run_list(ctx); });

  auto trust_names = std::make_shared<std::vector<std::string>>();
  auto* trust =
      h->add_subcommand("trust", "let these hooks run with their current content (all hooks when none is named)");
  trust->add_option("NAME", *trust_names, "hook name, like deal-move");
  trust->callback([&ctx, trust_names] {
    for (const auto& n : Hooks(ctx.repo()).trust(*trust_names)) {
      std::cout << n << "\n";
      ctx.say("crm: trusted .crm/hooks/" + n);
    }
  });

  auto untrust_names = std::make_shared<std::vector<std::string>>();
  auto* untrust = h->add_subcommand("untrust", "stop running these hooks (all when none is named)");
  untrust->add_option("NAME", *untrust_names, "hook name, like deal-move");
  untrust->callback([&ctx, untrust_names] {
    auto done = Hooks(ctx.repo()).untrust(*untrust_names);
    for (const auto& n : done) {
      std::cout << n << "\n";
      ctx.say("crm: .crm/hooks/" + n + " is no longer trusted");
    }
    if (done.empty()) ctx.say("crm: no such hook was trusted");
  });

  h->callback([&ctx, h] {
    if (h->get_subcommands().empty()) run_list(ctx);
  });
}

}  // namespace crm
