#include "index/activity.hpp"

#include <algorithm>
#include <set>

#include "model/error.hpp"
#include "model/record.hpp"
#include "model/text.hpp"

namespace crm {

using std::chrono::sys_seconds;

namespace {

std::string text_of(const Json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is(const Entry& e, std::string_view type) { return e.type && e.type->name == type && e.error.empty(); }

std::optional<sys_seconds> instant(const std::string& iso) {
  if (!valid_when(iso)) return std::nullopt;
  return when_moment(iso).utc;
}

// A contact and, for a company, every record linking to it (its people, deals...).
std::vector<Entry> around(const Index& index, const Entry& e) {
  std::vector<Entry> out = index.linking_to(e.id);
  if (is(e, "company")) {
    std::vector<Entry> more;
    for (const auto& l : out)
      if (is(l, "contact") && text_of(l.data, "company") == e.id)
        for (auto& n : index.linking_to(l.id)) more.push_back(std::move(n));
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  std::set<std::string> seen;
  std::erase_if(out, [&](const Entry& x) { return !seen.insert(x.id).second; });
  return out;
}

}  // namespace

const Index::Types& party_types() {
  static const Index::Types types{find_type("contact"), find_type("company")};
  return types;
}

void link_party(Json& data, const Entry& party) {
  if (party.type && party.type->name == "company") {
    if (data.contains("company") && data["company"].is_string() && data["company"] != party.id)
      fail(Failure::Usage, "'" + party.title() + "' is a second company; a note or task belongs to one company",
           "give one company and any number of people");
    data["company"] = party.id;
    return;
  }
  if (!data.contains("contacts") || !data["contacts"].is_array()) data["contacts"] = Json::array();
  for (const auto& c : data["contacts"])
    if (c == party.id) return;
  data["contacts"].push_back(party.id);
}

std::optional<sys_seconds> due_by(const Json& task) {
  std::string due = text_of(task, "due");
  if (valid_date(due)) return when_moment(due).utc + std::chrono::days{1} - std::chrono::seconds{1};
  return instant(due);
}

bool task_overdue(const Json& task, sys_seconds now) {
  if (task.contains("done")) return false;
  auto d = due_by(task);
  return d && *d < now;
}

namespace {
// A party and, for a company, its people: the ids whose notes count as contact with it.
std::vector<std::string> party_ids(const Index& index, const Entry& party) {
  std::vector<std::string> ids{party.id};
  if (party.type && party.type->name == "company")
    for (auto& c : index.ids_linking_to(party.id, *find_type("contact"))) ids.push_back(std::move(c));
  return ids;
}

// Notes dated in the future (a meeting planned for tomorrow) are not contact yet.
std::string now_utc() { return format_datetime(DateTime{crm::now().utc, 0}); }

std::optional<DateTime> moment_of(const std::optional<std::string>& at) {
  if (!at || !valid_when(*at)) return std::nullopt;
  return valid_date(*at) ? when_moment(*at) : parse_moment(*at, "at");
}
}  // namespace

std::optional<DateTime> last_contacted(const Index& index, const Entry& party) {
  // From the index's values alone: the latest `at` (only notes have one) about the party or its people.
  return moment_of(index.latest_each({party_ids(index, party)}, "at", now_utc()).front());
}

std::vector<Moment> timeline(const Index& index, const Entry& e) {
  std::vector<Moment> out;
  auto add = [&](const std::string& when, const std::string& what, const Entry& src, const std::string& text) {
    if (auto t = instant(when)) out.push_back(Moment{when, *t, what, src, text});
  };
  auto stages = [&](const Entry& deal) {
    if (!deal.data.contains("stage_history") || !deal.data["stage_history"].is_array()) return;
    for (const auto& h : deal.data["stage_history"])
      if (h.is_object()) add(text_of(h, "at"), "stage", deal, deal.title() + " -> " + text_of(h, "stage"));
  };
  if (is(e, "deal")) stages(e);
  for (const auto& l : around(index, e)) {
    if (is(l, "note")) {
      std::string line = l.title();
      std::string outcome = text_of(l.data, "outcome");
      if (!outcome.empty()) line += " (" + outcome + ")";
      add(text_of(l.data, "at"), text_of(l.data, "kind"), l, line);
    } else if (is(l, "task")) {
      if (l.data.contains("done")) add(text_of(l.data, "done"), "done", l, l.title());
      else add(text_of(l.data, "due").empty() ? text_of(l.data, "created") : text_of(l.data, "due"), "task", l, l.title());
    } else if (is(l, "deal")) {
      stages(l);
    }
  }
  // Newest first; at the same second, what was recorded later (a deal's later stage) first.
  std::reverse(out.begin(), out.end());
  std::stable_sort(out.begin(), out.end(), [](const Moment& a, const Moment& b) { return a.at > b.at; });
  return out;
}

// ---------------------------------------------------------------------------
// Agenda

namespace {

// The people and company a record links to, in that order.
void linked_names(const Json& data, std::vector<std::string>& ids) {
  auto add = [&](const Json& id) {
    if (id.is_string()) ids.push_back(id.get<std::string>());
  };
  if (data.contains("contacts") && data["contacts"].is_array())
    for (const auto& c : data["contacts"]) add(c);
  if (data.contains("company")) add(data["company"]);
}

// Their names, joined.
std::string names_of(const Index& index, const Json& data) {
  std::vector<std::string> ids;
  linked_names(data, ids);
  std::string r;
  for (const auto& id : ids) r += (r.empty() ? "" : ", ") + index.title_of(id);
  return r;
}

// What an agenda line names: the record's type and id. Its data is not copied (4,000 lines at M).
Entry line_ref(const Entry& e) {
  Entry r;
  r.type = e.type;
  r.id = e.id;
  return r;
}

std::vector<Entry> matching(const Index& index, const std::string& query, const char* type) {
  SearchOptions so;
  so.type = find_type(type);
  so.limit = 0;
  so.snippets = false;
  std::vector<Entry> out;
  for (auto& h : index.search(query, so).hits)
    if (h.entry.error.empty()) out.push_back(std::move(h.entry));
  return out;
}

}  // namespace

std::vector<Cadence> cadences(const Index& index) {
  std::vector<Cadence> out;
  for (const char* type : {"contact", "company"}) {
    std::vector<Entry> parties = matching(index, "has:keep_in_touch", type);
    std::vector<std::vector<std::string>> groups;
    for (const auto& p : parties) groups.push_back(party_ids(index, p));
    auto lasts = index.latest_each(groups, "at", now_utc());
    for (size_t i = 0; i < parties.size(); ++i) {
      const Entry& p = parties[i];
      std::string every = text_of(p.data, "keep_in_touch");
      if (!valid_period(every)) continue;
      auto last_time = moment_of(lasts[i]);
      std::optional<sys_seconds> since = last_time ? std::optional(last_time->utc) : instant(text_of(p.data, "created"));
      if (!since) continue;
      Days since_day = local_day_of(*since);
      out.push_back(Cadence{p, every, last_time, since_day, add_period(since_day, every)});
    }
  }
  return out;
}

std::vector<AgendaItem> agenda(const Index& index, const Config& config, const AgendaOptions& o) {
  if (o.days < 0) fail(Failure::Usage, "--days must be 0 or more");
  Days first = today(), last = first + std::chrono::days{o.days};
  sys_seconds now = crm::now().utc;
  // The window ends at the end of its last local day.
  sys_seconds end = when_moment(format_date(last + std::chrono::days{1})).utc - std::chrono::seconds{1};
  sys_seconds start = when_moment(format_date(first)).utc;
  std::string owner = fold(o.owner);
  auto owned = [&](const Json& data, const char* key) { return owner.empty() || fold(text_of(data, key)) == owner; };
  auto section = [&](sys_seconds t) { return t < start ? std::string("overdue") : format_date(local_day_of(t)); };
  // The index narrows by day; exact times are compared here. One day of slack covers time zones.
  std::string upto = format_date(last + std::chrono::days{1});
  std::string from = format_date(first - std::chrono::days{1});
  std::vector<std::pair<sys_seconds, AgendaItem>> items;

  // Done tasks are left out by the index (at M, 2,000 of 5,000 tasks need not be read).
  std::vector<Entry> tasks = matching(index, "+due:.." + upto + " -has:done", "task");
  std::vector<Entry> meetings = matching(index, "+kind:meeting +at:" + from + ".." + upto, "note");
  // Open deals expected to close in the window, and those whose close date has passed.
  std::string open_deals = "close:.." + upto;
  for (const auto& st : config.stages)
    if (st.probability == 0 || st.probability == 100) open_deals += " -stage:" + st.name;
  std::vector<Entry> deals = matching(index, open_deals, "deal");
  // The people and companies they name, looked up together (names_of then reads memory).
  std::vector<std::string> named;
  for (const auto* list : {&tasks, &meetings, &deals})
    for (const auto& e : *list) linked_names(e.data, named);
  index.prefetch_titles(std::move(named));
  for (auto& t : tasks) {
    if (t.data.contains("done") || !owned(t.data, "owner")) continue;
    auto due = due_by(t.data);
    if (!due || *due > end) continue;
    sys_seconds key = *due < now && *due < start ? *due : when_moment(text_of(t.data, "due")).utc;
    std::string detail = names_of(index, t.data);
    std::string prio = text_of(t.data, "priority");
    if (!prio.empty() && prio != "normal") detail += (detail.empty() ? "" : "; ") + prio + " priority";
    items.push_back({key, AgendaItem{section(key), "task", text_of(t.data, "due"), line_ref(t), t.title(), detail}});
  }
  for (auto& n : meetings) {
    auto at = instant(text_of(n.data, "at"));
    if (!at || *at < start || *at > end || !owned(n.data, "author")) continue;
    std::string detail = names_of(index, n.data);
    std::string dur = text_of(n.data, "duration");
    if (!dur.empty()) detail += (detail.empty() ? "" : "; ") + dur;
    items.push_back({*at, AgendaItem{section(*at), "meeting", text_of(n.data, "at"), line_ref(n), n.title(), detail}});
  }
  for (auto& d : deals) {
    const Stage* st = config.stage(text_of(d.data, "stage"));
    if ((st && (st->probability == 0 || st->probability == 100)) || !owned(d.data, "owner")) continue;
    auto close = instant(text_of(d.data, "close"));
    if (!close || *close > end) continue;
    std::string detail = text_of(d.data, "stage");
    if (d.data.contains("amount"))
      detail += ", " + (d.data["amount"].is_string() ? d.data["amount"].get<std::string>() : d.data["amount"].dump()) +
                " " + text_of(d.data, "currency");
    std::string who = names_of(index, d.data);
    if (!who.empty()) detail += "; " + who;
    items.push_back({*close, AgendaItem{section(*close), "deal", text_of(d.data, "close"), line_ref(d), d.title(), detail}});
  }
  for (const auto& c : cadences(index)) {
    if (c.due_day > last || !owned(c.party.data, "owner")) continue;
    sys_seconds key = when_moment(format_date(c.due_day)).utc;
    std::string detail = "every " + c.every + "; " +
                         (c.last ? "last contact " + format_date(c.since_day)
                                 : "never contacted (added " + format_date(c.since_day) + ")");
    items.push_back({key, AgendaItem{section(key), "cadence", format_date(c.due_day), line_ref(c.party), c.party.title(), detail}});
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<AgendaItem> out;
  for (auto& [k, item] : items) out.push_back(std::move(item));
  return out;
}

}  // namespace crm
