// crm export json|vcard|csv|ics [QUERY]: records written out for other
// programs; the repository is not changed.
//   json   every record as one array, a backup crm import json restores exactly
//   vcard  contacts as vCards (lib/interop/vcard.cpp): a folder of <id>.vcf or one stream
//   csv    contacts in crm's columns (crm import csv reads them back)
//   ics    tasks as VTODO and meetings as VEVENT, in one iCalendar file (lib/interop/ics.cpp)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cmd/records.hpp"
#include "interop/ics.hpp"
#include "interop/csv.hpp"
#include "interop/json.hpp"
#include "interop/vcard.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

// Records for QUERY (every readable record when empty), of `type` when given, in type then id order.
std::vector<Entry> selected(Context& ctx, const Index& index, const std::string& query, const TypeSpec* type) {
  std::vector<Entry> out;
  if (query.empty()) {
    out = index.all(type, true);
  } else {
    SearchOptions so;
    so.type = type;
    so.limit = 0;
    so.by_title = true;
    so.snippets = false;
    SearchResult r = index.search(query, so);
    for (const auto& n : r.notes) ctx.warn(n);
    for (auto& h : r.hits) out.push_back(std::move(h.entry));
  }
  size_t broken = std::erase_if(out, [](const Entry& e) { return !e.error.empty() || !e.type; });
  if (broken) ctx.warn(std::to_string(broken) + " file(s) could not be read and are not exported; run `crm check`");
  auto rank = [](const TypeSpec* t) {
    const auto& all = record_types();
    return std::find_if(all.begin(), all.end(), [t](const TypeSpec& x) { return &x == t; }) - all.begin();
  };
  std::sort(out.begin(), out.end(), [&](const Entry& a, const Entry& b) {
    return rank(a.type) != rank(b.type) ? rank(a.type) < rank(b.type) : a.id < b.id;
  });
  return out;
}

void emit(const std::string& output, const std::string& text) {
  if (output.empty() || output == "-") std::cout << text;
  else write_file_atomic(output, text);
}

void run_json(Context& ctx, const std::string& query, const std::string& output) {
  Index index(ctx.repo(), false);
  std::vector<Json> records;
  for (const auto& e : selected(ctx, index, query, nullptr)) records.push_back(record_json(*e.type, e.id, e.data));
  emit(output, write_json_records(records));
  ctx.say("crm: exported " + std::to_string(records.size()) + " record(s)");
}

// vCards of the contacts QUERY selects: a stream on stdout or in FILE.vcf, else a folder of
// <id>.vcf (what khard and vdirsyncer read). Files whose content is the same are not rewritten.
void run_vcard(Context& ctx, const std::string& query, const std::string& output, const std::string& version) {
  Index index(ctx.repo(), false);
  std::vector<Entry> contacts = selected(ctx, index, query, &types::contact());
  auto card = [&](const Entry& e) {
    std::string company = e.data.contains("company") && e.data["company"].is_string()
                              ? index.title_of(e.data["company"].get<std::string>())
                              : std::string();
    return write_vcard(e.id, e.data, company, version);
  };
  bool one_file = output.empty() || output == "-" || (output.size() > 4 && output.substr(output.size() - 4) == ".vcf");
  if (one_file) {
    std::string all;
    for (const auto& e : contacts) all += card(e);
    emit(output, all);
    ctx.say("crm: exported " + std::to_string(contacts.size()) + " contact(s)");
    return;
  }
  std::filesystem::create_directories(output);
  size_t written = 0;
  for (const auto& e : contacts) {
    std::string path = output + "/" + e.id + ".vcf", text = card(e);
    try {
      if (read_file(path, kMaxRecordBytes, path) == text) continue;
    } catch (const Error&) {
    }
    write_file_atomic(path, text);
    ++written;
  }
  ctx.say("crm: exported " + std::to_string(contacts.size()) + " contact(s) to " + output + " (" + std::to_string(written) +
          " file(s) written, the others unchanged)");
}

// Contacts as CSV in crm's own columns (crm import csv reads them back): lists joined with "; ",
// labelled items as LABEL:value, the company by name. Written by the list renderer (RFC 4180, CRLF).
void run_csv(Context& ctx, const std::string& query, const std::string& output) {
  Index index(ctx.repo(), false);
  Listing l;
  l.headers = crm_csv_columns();
  std::vector<Entry> contacts = selected(ctx, index, query, &types::contact());
  for (const auto& e : contacts) {
    std::vector<std::string> row;
    for (const auto& c : l.headers) {
      if (c == "id") {
        row.push_back(e.id);
        continue;
      }
      const Json v = e.data.contains(c) ? e.data[c] : Json();
      std::string cell;
      if (c == "company" && v.is_string()) cell = index.title_of(v.get<std::string>());
      else if (v.is_array())
        for (const auto& item : v) {
          std::string t = item_text(item);
          if (item.is_object() && item.size() == 1) t = item.begin().key() + ":" + t;
          cell += (cell.empty() ? "" : "; ") + t;
        }
      else if (v.is_string()) cell = v.get<std::string>();
      else if (!v.is_null()) cell = v.dump();
      row.push_back(cell);
    }
    l.rows.push_back(row);
  }
  std::ostringstream out;
  render(out, Format::Csv, l, Style{});
  emit(output, out.str());
  ctx.say("crm: exported " + std::to_string(contacts.size()) + " contact(s)");
}

void run_ics(Context& ctx, const std::string& query, const std::string& output) {
  Index index(ctx.repo(), false);
  std::vector<Entry> tasks, notes;
  // Notes: only meetings are exported, so only they are read (a repository may hold 100,000 notes).
  auto collect = [&](const TypeSpec* type, std::vector<Entry>& into) {
    std::string q = query.empty() && type == &types::note() ? "+kind:meeting" : query;
    into = selected(ctx, index, q, type);
  };
  collect(&types::task(), tasks);
  collect(&types::note(), notes);
  size_t events = 0;
  std::string calendar = ics_calendar(index, tasks, notes, events);
  emit(output, calendar);
  ctx.say("crm: exported " + std::to_string(tasks.size()) + " task(s) and " + std::to_string(events) + " meeting(s)");
}

}  // namespace

void register_export(CLI::App& app, Context& ctx) {
  auto* ex = app.add_subcommand("export", "write records out in other formats");
  ex->require_subcommand(1);
  struct Args {
    std::string query, output;
  };
  auto a = std::make_shared<Args>();
  auto* ics = ex->add_subcommand("ics", "tasks (VTODO) and meetings (VEVENT) as one iCalendar file");
  ics->add_option("QUERY", a->query, "only tasks and meetings matching this query (the `crm search` language)");
  ics->add_option("-o,--output", a->output, "write to FILE (atomically) instead of stdout")->type_name("FILE");
  ics->callback([&ctx, a] { run_ics(ctx, a->query, a->output); });

  auto* json = ex->add_subcommand("json", "records as one JSON array (crm import json restores them exactly)");
  json->add_option("QUERY", a->query, "only records matching this query (the `crm search` language)");
  json->add_option("-o,--output", a->output, "write to FILE (atomically) instead of stdout")->type_name("FILE");
  json->callback([&ctx, a] { run_json(ctx, a->query, a->output); });

  auto* csv = ex->add_subcommand("csv", "contacts as CSV in crm's columns (crm import csv reads them back)");
  csv->add_option("QUERY", a->query, "only contacts matching this query (the `crm search` language)");
  csv->add_option("-o,--output", a->output, "write to FILE (atomically) instead of stdout")->type_name("FILE");
  csv->callback([&ctx, a] { run_csv(ctx, a->query, a->output); });

  auto version = std::make_shared<std::string>("3.0");
  auto* vcard = ex->add_subcommand("vcard", "contacts as vCards: a folder of <id>.vcf (khard, vdirsyncer) or one stream");
  vcard->add_option("QUERY", a->query, "only contacts matching this query (the `crm search` language)");
  vcard->add_option("-o,--output", a->output, "a folder (one <id>.vcf per contact) or FILE.vcf (all in one); default: stdout")
      ->type_name("DIR|FILE");
  vcard->add_option("--vcard-version", *version, "3.0 (RFC 2426, the default) or 4.0 (RFC 6350)")
      ->check(CLI::IsMember({"3.0", "4.0"}));
  vcard->callback([&ctx, a, version] { run_vcard(ctx, a->query, a->output, *version); });
}

}  // namespace crm
