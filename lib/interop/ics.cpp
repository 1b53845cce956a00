#include "interop/ics.hpp"

#include <sstream>

#include "interop/content_line.hpp"
#include "model/dates.hpp"
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

}  // namespace

std::string ics_calendar(const Index& index, const std::vector<Entry>& tasks, const std::vector<Entry>& notes,
                         size_t& events) {
  std::ostringstream out;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, std::string("PRODID:-//crm//crm ") + CRM_VERSION + "//EN");
  line(out, "CALSCALE:GREGORIAN");
  events = 0;
  for (const auto& n : notes)
    if (str(n.data, "kind") == "meeting") {
      write_meeting(out, index, n);
      ++events;
    }
  for (const auto& t : tasks) write_task(out, index, t);
  line(out, "END:VCALENDAR");
  return out.str();
}

}  // namespace crm
