#include "activity/activity.hpp"

#include <algorithm>
#include <set>

#include "index/fields.hpp"
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

bool is(const Entry& e, const TypeSpec& type) { return e.type == &type && e.error.empty(); }

// The field by which records of party type `member` belong to a `party` (a contact's company).
const FieldSpec* membership(const TypeSpec& member, const TypeSpec& party) {
  if (&member == &party || !member.party) return nullptr;
  for (const auto& f : member.fields)
    if (f.kind == Kind::Ref && f.ref_type == party.name) return &f;
  return nullptr;
}

// The party types whose records belong to a `party` of this type (a company's people).
std::vector<std::pair<const TypeSpec*, const FieldSpec*>> members(const TypeSpec& party) {
  std::vector<std::pair<const TypeSpec*, const FieldSpec*>> out;
  for (const TypeSpec& t : record_types())
    if (const FieldSpec* f = membership(t, party)) out.emplace_back(&t, f);
  return out;
}

std::optional<sys_seconds> instant(const std::string& iso) {
  if (!valid_when(iso)) return std::nullopt;
  return when_moment(iso).utc;
}

// For a company, the records linking to its people and not to it (`links`, read already).
std::vector<Entry> through_people(const Index& index, const Entry& e, const std::vector<Entry>& links) {
  std::vector<Entry> more;
  if (!e.type || !e.error.empty() || !e.type->party) return more;
  std::set<std::string> seen;
  for (const auto& l : links) seen.insert(l.id);
  for (const auto& l : links)
    if (const FieldSpec* f = l.type && l.error.empty() ? membership(*l.type, *e.type) : nullptr;
        f && text_of(l.data, std::string(f->name).c_str()) == e.id)
      for (auto& n : index.linking_to(l.id))
        if (seen.insert(n.id).second) more.push_back(std::move(n));
  return more;
}

}  // namespace

const Index::Types& party_types() {
  static const Index::Types parties = [] {
    Index::Types t;
    for (const TypeSpec& type : record_types())
      if (type.party) t.push_back(&type);
    return t;
  }();
  return parties;
}

void link_party(const TypeSpec& type, Json& data, const Entry& party) {
  const FieldSpec* f = nullptr;
  for (const auto& x : type.fields)
    if ((x.kind == Kind::Ref || x.kind == Kind::Refs) && party.type && x.ref_type == party.type->name) f = &x;
  if (!f)
    fail(Failure::Usage, "a " + std::string(type.name) + " does not link to a " +
                             std::string(party.type ? party.type->name : "record"));
  std::string n(f->name);
  if (f->kind == Kind::Ref) {
    if (data.contains(n) && data[n].is_string() && data[n] != party.id)
      fail(Failure::Usage, "'" + party.title() + "' is a second " + n + "; a " + std::string(type.name) + " has one " + n,
           "give one " + n + " and any number of the others");
    data[n] = party.id;
    return;
  }
  if (!data.contains(n) || !data[n].is_array()) data[n] = Json::array();
  for (const auto& c : data[n])
    if (c == party.id) return;
  data[n].push_back(party.id);
}

std::optional<sys_seconds> due_by(const std::string& due) {
  if (valid_date(due)) return when_moment(due).utc + std::chrono::days{1} - std::chrono::seconds{1};
  return instant(due);
}

std::optional<sys_seconds> due_by(const Json& task) { return due_by(text_of(task, "due")); }

bool task_overdue(const Json& task, sys_seconds now) {
  if (task.contains("done")) return false;
  auto d = due_by(task);
  return d && *d < now;
}

namespace {
// A party and, for a company, its people: the ids whose notes count as contact with it.
std::vector<std::string> party_ids(const Index& index, const Entry& party) {
  std::vector<std::string> ids{party.id};
  if (party.type)
    for (const auto& [member, field] : members(*party.type))
      for (auto& c : index.ids_linking_to(party.id, *member)) ids.push_back(std::move(c));
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

std::optional<DateTime> last_contacted(const Index& index, const Entry& party, const std::vector<Entry>& links) {
  if (!party.type || !members(*party.type).empty()) return last_contacted(index, party);
  // A contact's notes are among the records linking to it, read already. Compared as the index
  // compares them (its `at` slot: UTC text), so the answer is latest_each's.
  std::string upto = now_utc(), best;
  for (const auto& l : links) {
    if (!is(l, types::note())) continue;
    std::string at = text_of(l.data, "at");
    if (!valid_when(at)) continue;
    std::string v = slot_value(SearchKind::Date, at);
    if (v <= upto && v > best) best = v;
  }
  return moment_of(best.empty() ? std::nullopt : std::optional(best));
}

std::vector<Moment> timeline(const Index& index, const Entry& e, const std::vector<Entry>& links) {
  std::vector<Moment> out;
  auto add = [&](const std::string& when, const std::string& what, const Entry& src, const std::string& text) {
    if (auto t = instant(when)) out.push_back(Moment{when, *t, what, src, text});
  };
  auto moments_of = [&](const Entry& r) {
    if (!r.type || !r.error.empty() || !r.type->behaviour || !r.type->behaviour->moments) return;
    r.type->behaviour->moments(r.data, r.title(), [&](const std::string& when, const std::string& what,
                                                      const std::string& text) { add(when, what, r, text); });
  };
  if (e.type && !e.type->in_timeline) moments_of(e);  // a deal's own stage changes
  const std::vector<Entry> more = through_people(index, e, links);
  for (const auto* list : {&links, &more})
    for (const auto& l : *list) moments_of(l);
  // Newest first; at the same second, what was recorded later (a deal's later stage) first.
  std::reverse(out.begin(), out.end());
  std::stable_sort(out.begin(), out.end(), [](const Moment& a, const Moment& b) { return a.at > b.at; });
  return out;
}

// ---------------------------------------------------------------------------
// Agenda

namespace {

// The record's id and title, then `fields` as written, for every `type` record matching `query`:
// read from the index's value slots, no record is parsed (the agenda names 4,000 at M).
ValueRows rows_of(const Index& index, const TypeSpec& type, std::vector<std::string> fields, const std::string& query) {
  ValueQuery vq;
  vq.type = &type;
  vq.fields = {"id", "title"};
  vq.fields.insert(vq.fields.end(), fields.begin(), fields.end());
  vq.query = query;
  return index.values(vq);
}

// The people (`contacts`, ids joined by spaces) and company a record links to, in that order.
void linked_names(const std::string& contacts, const std::string& company, std::vector<std::string>& ids) {
  for (size_t at = 0; at < contacts.size();) {
    size_t space = contacts.find(' ', at);
    if (space == std::string::npos) space = contacts.size();
    if (space > at) ids.push_back(contacts.substr(at, space - at));
    at = space + 1;
  }
  if (!company.empty()) ids.push_back(company);
}

// Their names, joined.
std::string names_of(const Index& index, const std::string& contacts, const std::string& company) {
  std::vector<std::string> ids;
  linked_names(contacts, company, ids);
  std::string r;
  for (const auto& id : ids) r += (r.empty() ? "" : ", ") + index.title_of(id);
  return r;
}

// What an agenda line names: the record's type and id.
Entry line_ref(const TypeSpec& type, const std::string& id) {
  Entry r;
  r.type = &type;
  r.id = id;
  return r;
}

}  // namespace

std::vector<Cadence> cadences(const Index& index) {
  std::vector<Cadence> out;
  for (const TypeSpec* party : party_types()) {
    const TypeSpec& type = *party;
    enum { Id, Title, Every, Created, Owner };
    ValueRows parties = rows_of(index, type, {"keep_in_touch", "created", "owner"}, "has:keep_in_touch");
    std::vector<std::vector<std::string>> groups;
    for (const auto& p : parties.rows) groups.push_back(party_ids(index, line_ref(type, p[Id])));
    auto lasts = index.latest_each(groups, "at", now_utc());
    for (size_t i = 0; i < parties.rows.size(); ++i) {
      auto& p = parties.rows[i];
      if (!valid_period(p[Every])) continue;
      auto last_time = moment_of(lasts[i]);
      std::optional<sys_seconds> since = last_time ? std::optional(last_time->utc) : instant(p[Created]);
      if (!since) continue;
      Days since_day = local_day_of(*since);
      out.push_back(Cadence{line_ref(type, p[Id]), std::move(p[Title]), std::move(p[Owner]), p[Every], last_time,
                            since_day, add_period(since_day, p[Every])});
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
  auto owned = [&](const std::string& who) { return owner.empty() || fold(who) == owner; };
  auto section = [&](sys_seconds t) { return t < start ? std::string("overdue") : format_date(local_day_of(t)); };
  // The index narrows by day; exact times are compared here. One day of slack covers time zones.
  std::string upto = format_date(last + std::chrono::days{1});
  std::string from = format_date(first - std::chrono::days{1});
  std::vector<std::pair<sys_seconds, AgendaItem>> items;

  // Columns after id and title; More is a task's priority, a meeting's duration, a deal's stage.
  // Done tasks are left out by the index.
  enum { Id, Title, When, Who, Contacts, Company, More, Amount, Currency };
  ValueRows tasks = rows_of(index, types::task(), {"due", "owner", "contacts", "company", "priority"},
                            "+due:.." + upto + " -has:done");
  ValueRows meetings = rows_of(index, types::note(), {"at", "author", "contacts", "company", "duration"},
                               "+kind:meeting +at:" + from + ".." + upto);
  // Open deals expected to close in the window, and those whose close date has passed.
  std::string open_deals = "close:.." + upto;
  for (const auto& st : config.stages)
    if (st.probability == 0 || st.probability == 100) open_deals += " -stage:" + st.name;
  ValueRows deals = rows_of(index, types::deal(), {"close", "owner", "contacts", "company", "stage", "amount", "currency"}, open_deals);
  // The people and companies they name, looked up together (names_of then reads memory).
  std::vector<std::string> named;
  for (const auto* list : {&tasks, &meetings, &deals})
    for (const auto& r : list->rows) linked_names(r[Contacts], r[Company], named);
  index.prefetch_titles(std::move(named));
  items.reserve(tasks.rows.size() + meetings.rows.size() + deals.rows.size());
  for (auto& t : tasks.rows) {
    if (!owned(t[Who])) continue;
    auto due = due_by(t[When]);
    if (!due || *due > end) continue;
    sys_seconds key = *due < now && *due < start ? *due : when_moment(t[When]).utc;
    std::string detail = names_of(index, t[Contacts], t[Company]);
    const std::string& prio = t[More];
    if (!prio.empty() && prio != "normal") detail += (detail.empty() ? "" : "; ") + prio + " priority";
    items.push_back({key, AgendaItem{section(key), "task", t[When], line_ref(types::task(), t[Id]), t[Title], detail}});
  }
  for (auto& n : meetings.rows) {
    auto at = instant(n[When]);
    if (!at || *at < start || *at > end || !owned(n[Who])) continue;
    std::string detail = names_of(index, n[Contacts], n[Company]);
    const std::string& dur = n[More];
    if (!dur.empty()) detail += (detail.empty() ? "" : "; ") + dur;
    items.push_back({*at, AgendaItem{section(*at), "meeting", n[When], line_ref(types::note(), n[Id]), n[Title], detail}});
  }
  for (auto& d : deals.rows) {
    const std::string& stage = d[More];
    const Stage* st = config.stage(stage);
    if ((st && (st->probability == 0 || st->probability == 100)) || !owned(d[Who])) continue;
    auto close = instant(d[When]);
    if (!close || *close > end) continue;
    std::string detail = stage;
    if (!d[Amount].empty()) detail += ", " + d[Amount] + " " + d[Currency];
    std::string who = names_of(index, d[Contacts], d[Company]);
    if (!who.empty()) detail += "; " + who;
    items.push_back({*close, AgendaItem{section(*close), "deal", d[When], line_ref(types::deal(), d[Id]), d[Title], detail}});
  }
  for (const auto& c : cadences(index)) {
    if (c.due_day > last || !owned(c.owner)) continue;
    sys_seconds key = when_moment(format_date(c.due_day)).utc;
    std::string detail = "every " + c.every + "; " +
                         (c.last ? "last contact " + format_date(c.since_day)
                                 : "never contacted (added " + format_date(c.since_day) + ")");
    items.push_back({key, AgendaItem{section(key), "cadence", format_date(c.due_day), c.party, c.title, detail}});
  }
  // In time order; the items themselves move once (sorting them in place moved each ~12 times).
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return items[a].first < items[b].first; });
  std::vector<AgendaItem> out;
  out.reserve(items.size());
  for (size_t i : order) out.push_back(std::move(items[i].second));
  return out;
}

}  // namespace crm
