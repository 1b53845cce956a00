// crm agenda: what needs doing from today for N days: overdue and due tasks,
// meetings, deals expected to close, and people past their keep-in-touch
// cadence. Table for people, markdown for a morning mail from cron, json/csv
// for programs.
#include <iostream>

#include "cmd/records.hpp"
#include "activity/activity.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

struct AgendaArgs {
  int days = 7;
  std::string owner;
};

std::string day_heading(const std::string& section, Days first) {
  if (section == "overdue") return "Overdue";
  static const char* names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  Days d = parse_day(section, "day");
  std::string h = std::string(names[std::chrono::weekday{d}.c_encoding()]) + " " + section;
  if (d == first) h += " (today)";
  else if (d == first + std::chrono::days{1}) h += " (tomorrow)";
  return h;
}

// "10:30" for a datetime, "" for a date, in local time.
std::string time_of(const std::string& when) {
  if (!valid_datetime(when)) return "";
  return format_datetime(local_time(parse_moment(when, "when").utc)).substr(11, 5);
}

void run_agenda(Context& ctx, const AgendaArgs& a) {
  Format fmt = ctx.format(Format::Table);
  if (fmt == Format::Yaml) fail(Failure::Usage, "agenda prints table, markdown, json, ndjson, csv, tsv or ids");
  Index index(ctx.repo(), false);
  AgendaOptions o;
  o.days = a.days;
  o.owner = a.owner;
  auto items = agenda(index, ctx.repo().config(), o);
  Days first = today();
  std::string from = format_date(first), to = format_date(first + std::chrono::days{a.days});

  // One object per item for json and ndjson, built by assignment (an initializer list of pairs
  // made the json output twice as slow as the table at M, 4,100 items).
  auto object = [](AgendaItem& i) {
    Json o = Json::object();
    o["section"] = std::move(i.section);
    o["kind"] = std::move(i.kind);
    o["when"] = std::move(i.when);
    o["id"] = i.entry.id;
    o["type"] = std::string(i.entry.type->name);
    o["title"] = std::move(i.text);
    o["detail"] = std::move(i.detail);
    return o;
  };
  if (fmt == Format::Json) {
    Json j = Json::object();
    j["from"] = from;
    j["to"] = to;
    Json& list = j["items"] = Json::array();
    list.get_ref<Json::array_t&>().reserve(items.size());
    for (auto& i : items) list.push_back(object(i));
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (fmt == Format::Ndjson) {
    for (auto& i : items) std::cout << object(i).dump() << "\n";
    return;
  }
  if (fmt == Format::Ids) {
    for (const auto& i : items) std::cout << i.entry.id << "\n";
    return;
  }
  if (fmt == Format::Markdown) {
    std::cout << "# Agenda " << from << " to " << to << "\n";
    if (items.empty()) std::cout << "\nNothing due.\n";
    std::string section;
    for (const auto& i : items) {
      if (i.section != section) {
        section = i.section;
        std::cout << "\n## " << day_heading(section, first) << "\n\n";
      }
      std::string t = time_of(i.when);
      std::cout << "- " << (t.empty() ? "" : t + " ") << "**" << i.kind << "** " << markdown_escape(i.text)
                << (i.section == "overdue" ? " (" + i.when.substr(0, 10) + ")" : "")
                << (i.detail.empty() ? "" : " — " + markdown_escape(i.detail)) << " `" << short_id(i.entry.id) << "`\n";
    }
    return;
  }
  if (fmt != Format::Table) {  // csv, tsv, html
    Listing l;
    l.headers = {"section", "kind", "when", "id", "title", "detail"};
    l.rows.reserve(items.size());
    for (auto& i : items)
      l.rows.push_back({std::move(i.section), std::move(i.kind), std::move(i.when), i.entry.id, std::move(i.text),
                        std::move(i.detail)});
    render(std::cout, fmt, l, ctx.style());
    return;
  }
  bool color = ctx.use_color();
  auto paint = [&](const char* code, const std::string& s) { return color ? std::string(code) + s + ansi::reset : s; };
  if (items.empty()) {
    ctx.say("crm: nothing due from " + from + " to " + to);
    return;
  }
  std::string section;
  for (const auto& i : items) {
    if (i.section != section) {
      if (!section.empty()) std::cout << "\n";
      section = i.section;
      std::cout << paint(section == "overdue" ? ansi::red : ansi::bold, day_heading(section, first)) << "\n";
    }
    std::string when = section == "overdue" ? i.when.substr(0, 10) : time_of(i.when);
    std::cout << "  " << paint(ansi::dim, short_id(i.entry.id)) << "  " << pad_to_width(when, 10) << " "
              << pad_to_width(i.kind, 8) << " " << i.text << (i.detail.empty() ? "" : paint(ansi::dim, "  " + i.detail))
              << "\n";
  }
}

}  // namespace

void register_agenda(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AgendaArgs>();
  auto* ag = app.add_subcommand("agenda", "what is due: tasks, meetings, deals closing, people to get back to");
  ag->add_option("--days", a->days, "how many days after today to look ahead (default 7)")->type_name("N");
  ag->add_option("--owner", a->owner, "only what this person owns (tasks, deals, people; meetings by author)")
      ->type_name("NAME");
  ag->callback([&ctx, a] { run_agenda(ctx, *a); });
}

}  // namespace crm
