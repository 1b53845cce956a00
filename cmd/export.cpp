// crm export json|vcard|csv|ics [QUERY]: records written out for other
// programs; the repository is not changed.
//   json   every record as one array, a backup crm import json restores exactly
//   vcard  contacts as vCards (lib/interop/vcard.cpp): a folder of <id>.vcf or one stream
//   csv    contacts in crm's columns (crm import csv reads them back)
//   ics    tasks as VTODO and meetings as VEVENT, in one iCalendar file (RFC
//          5545). UIDs are the record ids, so a calendar that subscribes to the
//          export updates events instead of duplicating them. Hand-written: the
//          format is small, and the parts that matter (CRLF, folding at 75 octets
//          without splitting a character, text escaping; lib/interop/content_line)
//          are tested against python3-icalendar and khal.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cmd/records.hpp"
#include "interop/content_line.hpp"
#include "interop/csv.hpp"
#include "interop/json.hpp"
#include "interop/vcard.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

// Short names for the shared content-line writers (lib/interop/content_line.hpp).
void line(std::ostream& out, const std::string& text) { write_content_line(out, text); }
std::string ics_text(const std::string& s) { return escape_text_value(s); }
std::string ics_param(const std::string& s) { return quoted_param_value(s); }

std::string utc_stamp(const std::string& iso) {
  DateTime t = when_moment(iso);
  std::string s = format_datetime(DateTime{t.utc, 0});  // 2026-11-23T10:30:00Z
  std::string r;
  for (char c : s)
    if (c != '-' && c != ':') r += c;
  return r;
}

std::string ics_value(const std::string& iso) {
  if (valid_date(iso)) {
    std::string r;
    for (char c : iso)
      if (c != '-') r += c;
    return ";VALUE=DATE:" + r;
  }
  return ":" + utc_stamp(iso);
}

std::string str(const Json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Who it concerns, for the description, and attendees with an email.
void people(std::ostream& out, const Index& index, const Json& data, std::string& who) {
  auto add = [&](const Json& id, bool attendee) {
    if (!id.is_string()) return;
    auto e = index.get(id.get<std::string>());
    if (!e) return;
    who += (who.empty() ? "" : ", ") + e->title();
    if (attendee && e->data.contains("emails") && e->data["emails"].is_array() && !e->data["emails"].empty())
      line(out, "ATTENDEE;CN=" + ics_param(e->title()) + ":mailto:" + item_text(e->data["emails"][0]));
  };
  if (data.contains("contacts") && data["contacts"].is_array())
    for (const auto& c : data["contacts"]) add(c, true);
  if (data.contains("company")) add(data["company"], false);
}

void common(std::ostream& out, const Index& index, const Entry& e, const std::string& text) {
  line(out, "UID:" + e.id + "@crm");
  std::string created = str(e.data, "created");
  line(out, "DTSTAMP:" + utc_stamp(valid_datetime(created) ? created : format_datetime(crm::now())));
  if (valid_datetime(created)) line(out, "CREATED:" + utc_stamp(created));
  line(out, "SUMMARY:" + ics_text(e.title()));
  std::ostringstream attendees;
  std::string who;
  people(attendees, index, e.data, who);
  std::string desc = trim(text);
  if (!who.empty()) desc = "With: " + who + (desc.empty() ? "" : "\n\n" + desc);
  if (!desc.empty()) line(out, "DESCRIPTION:" + ics_text(desc));
  out << attendees.str();
  if (e.data.contains("tags") && e.data["tags"].is_array() && !e.data["tags"].empty()) {
    std::string cats;
    for (const auto& t : e.data["tags"]) cats += (cats.empty() ? "" : ",") + ics_text(item_text(t));
    line(out, "CATEGORIES:" + cats);
  }
}

void write_task(std::ostream& out, const Index& index, const Entry& e) {
  line(out, "BEGIN:VTODO");
  common(out, index, e, str(e.data, "notes"));
  std::string due = str(e.data, "due"), done = str(e.data, "done");
  if (valid_when(due)) line(out, "DUE" + ics_value(due));
  if (valid_datetime(done)) {
    line(out, "COMPLETED:" + utc_stamp(done));
    line(out, "STATUS:COMPLETED");
  } else {
    line(out, "STATUS:NEEDS-ACTION");
  }
  std::string p = str(e.data, "priority");
  if (!p.empty()) line(out, std::string("PRIORITY:") + (p == "high" ? "1" : p == "low" ? "9" : "5"));
  line(out, "END:VTODO");
}

void write_meeting(std::ostream& out, const Index& index, const Entry& e) {
  std::string at = str(e.data, "at");
  if (!valid_datetime(at)) return;
  line(out, "BEGIN:VEVENT");
  common(out, index, e, str(e.data, "body"));
  line(out, "DTSTART:" + utc_stamp(at));
  if (int m = duration_minutes(str(e.data, "duration")); m > 0) {
    std::string d = "PT" + (m >= 60 ? std::to_string(m / 60) + "H" : "") + (m % 60 ? std::to_string(m % 60) + "M" : "");
    line(out, "DURATION:" + d);
  }
  line(out, "END:VEVENT");
}

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
  Index index(ctx.repo(), false, ctx.quiet);
  std::vector<Json> records;
  for (const auto& e : selected(ctx, index, query, nullptr)) records.push_back(record_json(*e.type, e.id, e.data));
  emit(output, write_json_records(records));
  ctx.say("crm: exported " + std::to_string(records.size()) + " record(s)");
}

// vCards of the contacts QUERY selects: a stream on stdout or in FILE.vcf, else a folder of
// <id>.vcf (what khard and vdirsyncer read). Files whose content is the same are not rewritten.
void run_vcard(Context& ctx, const std::string& query, const std::string& output, const std::string& version) {
  Index index(ctx.repo(), false, ctx.quiet);
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
  Index index(ctx.repo(), false, ctx.quiet);
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
  Index index(ctx.repo(), false, ctx.quiet);
  std::vector<Entry> tasks, notes;
  // Notes: only meetings are exported, so only they are read (a repository may hold 100,000 notes).
  auto collect = [&](const char* type, std::vector<Entry>& into) {
    std::string q = query.empty() && std::string_view(type) == "note" ? "+kind:meeting" : query;
    into = selected(ctx, index, q, find_type(type));
  };
  collect("task", tasks);
  collect("note", notes);
  std::ostringstream out;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, std::string("PRODID:-//crm//crm ") + CRM_VERSION + "//EN");
  line(out, "CALSCALE:GREGORIAN");
  size_t events = 0;
  for (const auto& n : notes)
    if (str(n.data, "kind") == "meeting") {
      write_meeting(out, index, n);
      ++events;
    }
  for (const auto& t : tasks) write_task(out, index, t);
  line(out, "END:VCALENDAR");
  emit(output, out.str());
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
