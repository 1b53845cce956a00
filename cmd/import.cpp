// crm import json|vcard|csv|mail: read files into records (lib/interop), plan
// what each does to the repository (add, update, unchanged, skip), then write
// the added and updated ones in one commit. --dry-run prints the plan and
// writes nothing. Input that cannot be imported is named on stderr with its
// file and line or record number; the rest is imported and the exit status
// is 4 (invalid data).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cmd/progress.hpp"
#include "cmd/records.hpp"
#include "interop/import_plan.hpp"
#include "interop/csv.hpp"
#include "interop/json.hpp"
#include "interop/mail.hpp"
#include "interop/vcard.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

constexpr size_t kMaxImportBytes = size_t(2) << 30;  // 2 GiB: a whole mailbox or address book, not a disk image

std::string read_input(const std::string& path) {
  if (path == "-") return read_stdin();
  return read_file(path, kMaxImportBytes, path);
}

std::string base_name(const std::string& path) {
  if (path == "-") return "stdin";
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// "phone.vcf:12: record 3" -> ("phone.vcf", 12): messages are listed in the order of the input.
std::pair<std::string, long> input_order(const std::string& where) {
  for (size_t colon = where.rfind(':'); colon != std::string::npos && colon > 0; colon = where.rfind(':', colon - 1)) {
    size_t end = colon + 1;
    while (end < where.size() && std::isdigit(static_cast<unsigned char>(where[end]))) ++end;
    if (end > colon + 1 && (end == where.size() || where[end] == ':'))
      return {where.substr(0, colon), std::atol(where.c_str() + colon + 1)};
    if (colon == 0) break;
  }
  return {where, 0};
}

struct ImportArgs {
  std::vector<std::string> files;
  bool dry_run = false;
};

void print_plan(const Plan& plan) {
  for (const auto& item : plan.items) {
    std::string id = item.record.id.empty() ? "-" : item.record.id;
    std::string line = std::string(action_name(item.action)) + "\t" + std::string(item.record.type->name) + "\t" + id +
                       "\t" + item.record.title() + "\t" + item.where;
    if (!item.why.empty()) line += "\t" + item.why;
    std::cout << line << "\n";
  }
}

// Plans `batch` against the repository and writes it (one commit), or prints the plan with --dry-run.
void run_import(Context& ctx, const std::string& format, const std::vector<std::string>& files, Batch batch, bool dry_run) {
  Repository& repo = ctx.repo();
  // What was left out on purpose (photos, invalid phone numbers...): the first ones, then a count.
  constexpr size_t kShownNotes = 20;
  for (size_t i = 0; i < batch.notes.size() && i < kShownNotes; ++i) ctx.say("crm: " + batch.notes[i]);
  if (batch.notes.size() > kShownNotes)
    ctx.say("crm: ... and " + std::to_string(batch.notes.size() - kShownNotes) + " more such note(s)");
  Transaction tx(repo);
  Progress progress("importing", ctx.quiet);
  Plan plan = ImportPlanner(repo, tx.index()).plan(batch, [&](size_t done, size_t total) { progress.update(done, total); });
  progress.finish();

  // What was refused (by the reader or the plan) and what was merged, in input order.
  std::vector<Rejected> messages = batch.rejected;
  size_t rejected = batch.rejected.size();
  for (const auto& item : plan.items) {
    std::string title = item.record.title();
    if (item.action == Action::Skip) {
      messages.push_back({item.where, (title.empty() ? "" : title + ": ") + item.why});
      ++rejected;
    } else if (!item.why.empty() && !ctx.quiet) {
      messages.push_back({item.where, title + ": " + (item.action == Action::Unchanged ? "already there" : "merged into it") +
                                          " (" + item.why + ")"});
    }
  }
  std::stable_sort(messages.begin(), messages.end(),
                   [](const Rejected& a, const Rejected& b) { return input_order(a.where) < input_order(b.where); });
  for (const auto& m : messages) std::cerr << "crm: " << m.where << ": " << m.message << "\n";
  // Links to records neither in the repository nor in the import (a partial JSON export): kept, and named.
  size_t dangling = 0;
  for (const auto& r : plan.writes())
    for (const auto& id : linked_ids(*r.type, r.data))
      if (!plan.states.count(id) && !tx.index().get(id) && dangling++ < 5)
        ctx.warn(std::string(r.type->name) + " " + short_id(r.id) + " (" + r.title() + ") links to " + id +
                 ", which is neither in the repository nor in the import; `crm check` will list it");
  if (dangling > 5) ctx.warn(std::to_string(dangling - 5) + " more link(s) to records that do not exist");
  size_t added = plan.count(Action::Add), updated = plan.count(Action::Update), unchanged = plan.count(Action::Unchanged);
  std::string counts = std::to_string(added) + " added, " + std::to_string(updated) + " updated";
  std::string summary = counts + ", " + std::to_string(unchanged) + " unchanged, " + std::to_string(rejected) + " not imported";
  if (dry_run) {
    print_plan(plan);
    ctx.say("crm: import " + format + " --dry-run: would be " + summary + "; nothing was changed");
  } else {
    std::vector<Record> writes = plan.writes();
    for (const auto& r : writes) tx.put(r);
    std::string sources = files.size() == 1 ? base_name(files.front()) : std::to_string(files.size()) + " files";
    if (!writes.empty()) tx.commit(ctx.message.empty() ? "import: " + format + " " + sources + " (" + counts + ")" : ctx.message);
    print_changed(ctx, writes);
    ctx.say("crm: import " + format + ": " + summary);
  }
  if (rejected)
    fail(Failure::Invalid, std::to_string(rejected) + " record(s) could not be imported (named above)",
         dry_run ? "fix them in the input and run the import again"
                 : "the others were imported; fix those in the input and run the import again (it updates, never duplicates)");
}

// FILE arguments with folders replaced by the files in them that end in `extension`, sorted.
std::vector<std::string> expand_folders(const std::vector<std::string>& args, const std::string& extension) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (a != "-" && std::filesystem::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (const auto& f : std::filesystem::directory_iterator(a, ec))
        if (f.is_regular_file() && f.path().extension() == extension) found.push_back(f.path().string());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(a);
    }
  }
  return out;
}

// Batches of several files as one.
void append(Batch& into, Batch&& from) {
  for (auto& r : from.records) into.records.push_back(std::move(r));
  for (auto& r : from.rejected) into.rejected.push_back(std::move(r));
  for (auto& n : from.notes) into.notes.push_back(std::move(n));
}

}  // namespace

void register_import(CLI::App& app, Context& ctx) {
  auto* im = app.add_subcommand("import", "read records from JSON, vCard, CSV or mail; re-importing updates, never duplicates");
  im->require_subcommand(1);

  auto common = [&ctx](CLI::App* cmd, ImportArgs& a) {
    cmd->add_flag("-n,--dry-run", a.dry_run, "print what would be added, updated, unchanged or skipped; change nothing");
    cmd->add_option("-m,--message", ctx.message, "commit message");
  };

  auto json = std::make_shared<ImportArgs>();
  auto* j = im->add_subcommand("json", "records from a `crm export json` file (ids kept: an exact restore)");
  j->add_option("FILE", json->files, "JSON file (- for stdin)")->required()->expected(1);
  common(j, *json);
  j->callback([&ctx, json] {
    const std::string& file = json->files.front();
    ctx.repo();  // its crm.yaml declares the types the file may hold
    Batch batch = read_json_records(read_input(file), file == "-" ? "stdin" : file);
    run_import(ctx, "json", json->files, std::move(batch), json->dry_run);
  });

  auto vcard = std::make_shared<ImportArgs>();
  auto* v = im->add_subcommand("vcard", "contacts from vCard 2.1, 3.0 or 4.0 files (or folders of .vcf)");
  v->add_option("FILE", vcard->files, "a .vcf file, a folder of them, or - for stdin")->required();
  common(v, *vcard);
  v->callback([&ctx, vcard] {
    std::vector<std::string> files = expand_folders(vcard->files, ".vcf");
    Batch batch;
    Progress progress("reading", ctx.quiet);
    for (size_t i = 0; i < files.size(); ++i) {
      append(batch, read_vcards(read_input(files[i]), files[i] == "-" ? "stdin" : files[i]));
      progress.update(i + 1, files.size());
    }
    progress.finish();
    run_import(ctx, "vcard", vcard->files, std::move(batch), vcard->dry_run);
  });

  struct CsvArgs : ImportArgs {
    std::string preset, delimiter;
    std::vector<std::string> map;
  };
  auto csv = std::make_shared<CsvArgs>();
  auto* c = im->add_subcommand("csv", "contacts from a CSV file: Google Contacts, Outlook, HubSpot or crm's own columns");
  c->add_option("FILE", csv->files, "CSV file (- for stdin)")->required()->expected(1);
  c->add_option("--preset", csv->preset, "the columns of an export: google, outlook, hubspot or crm (default: recognised from the header)")
      ->check(CLI::IsMember(csv_presets()));
  c->add_option("--map", csv->map, "'Header=field,...': which field a column fills (repeatable; before the preset's)")
      ->type_name("MAP")
      ->allow_extra_args(false);
  c->add_option("--delimiter", csv->delimiter, "field separator: , ; or tab (default: the one the header uses)")
      ->type_name("C");
  common(c, *csv);
  c->callback([&ctx, csv] {
    CsvOptions o;
    o.preset = csv->preset;
    o.map = csv->map;
    if (csv->delimiter == "tab" || csv->delimiter == "\\t") csv->delimiter = "\t";
    if (csv->delimiter.size() > 1 || csv->delimiter == "\"" || csv->delimiter == "\n" || csv->delimiter == "\r")
      fail(Failure::Usage, "--delimiter takes one character (or 'tab'), not '" + csv->delimiter + "'");
    o.delimiter = csv->delimiter.empty() ? 0 : csv->delimiter[0];
    const std::string& file = csv->files.front();
    Batch batch = read_csv_contacts(read_input(file), o, file == "-" ? "stdin" : file, ctx.repo().config());
    run_import(ctx, "csv", csv->files, std::move(batch), csv->dry_run);
  });

  struct MailArgs : ImportArgs {
    std::string since;
  };
  auto mail = std::make_shared<MailArgs>();
  auto* m = im->add_subcommand("mail", "mails from and to contacts, as email notes (a Maildir folder or an mbox file)");
  m->add_option("PATH", mail->files, "a Maildir folder (cur/, new/), a folder of message files, or an mbox file")
      ->required()
      ->expected(1);
  m->add_option("--since", mail->since, "only mail from this day or moment on (2026-01-01, -30d, \"last month\")")
      ->type_name("WHEN");
  common(m, *mail);
  m->callback([&ctx, mail] {
    MailOptions o;
    if (!mail->since.empty()) o.since = parse_when(mail->since, "--since");
    // Whose mail it is: every contact's emails, from the index.
    for (const auto& e : Index(ctx.repo(), false).all(&types::contact(), true)) {
      if (!e.error.empty() || !e.data.contains("emails") || !e.data["emails"].is_array()) continue;
      std::string company = e.data.contains("company") && e.data["company"].is_string() ? e.data["company"].get<std::string>() : "";
      for (const auto& x : e.data["emails"]) o.contacts.emplace(lower_ascii(trim(item_text(x))), MailContact{e.id, company});
    }
    if (o.contacts.empty())
      fail(Failure::Invalid, "no contact has an email address, so no mail can be theirs",
           "add contacts with --email first (or import them: crm import vcard|csv)");
    MailCounts counts;
    Progress progress("reading mail", ctx.quiet);
    Batch batch = read_mail(mail->files.front(), o, counts, [&](size_t done, size_t total) { progress.update(done, total); });
    progress.finish();
    ctx.say("crm: " + std::to_string(counts.messages) + " message(s) read; " + std::to_string(counts.unrelated) +
            " concern no contact" + (o.since.empty() ? "" : ", " + std::to_string(counts.older) + " are older than --since"));
    run_import(ctx, "mail", mail->files, std::move(batch), mail->dry_run);
  });
}

}  // namespace crm
