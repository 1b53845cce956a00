#include "model/dates.hpp"

#include <algorithm>
#include <ctime>
#include <optional>
#include <regex>
#include <unordered_map>

#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

using namespace std::chrono;

namespace {

int local_offset_minutes(sys_seconds t) {
  time_t tt = system_clock::to_time_t(t);
  struct tm tm {};
  localtime_r(&tt, &tm);
  return static_cast<int>(tm.tm_gmtoff / 60);
}

bool digits_at(std::string_view s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number_at(std::string_view s, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// YYYY-MM-DD, a real calendar day (hand-written: it runs on every record read).
std::optional<year_month_day> ymd_of(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits_at(s, 0, 4) || !digits_at(s, 5, 2) || !digits_at(s, 8, 2))
    return std::nullopt;
  year_month_day d{year{number_at(s, 0, 4)}, month{static_cast<unsigned>(number_at(s, 5, 2))},
                   day{static_cast<unsigned>(number_at(s, 8, 2))}};
  if (!d.ok()) return std::nullopt;
  return d;
}

struct Clock {
  int h = 0, m = 0, s = 0;
};

// H:MM or HH:MM, optionally :SS and a fraction.
std::optional<Clock> clock_of(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || !digits_at(s, 0, colon) || !digits_at(s, colon + 1, 2))
    return std::nullopt;
  Clock c{number_at(s, 0, colon), number_at(s, colon + 1, 2), 0};
  size_t rest = colon + 3;
  if (rest < s.size()) {
    if (s[rest] != ':' || !digits_at(s, rest + 1, 2)) return std::nullopt;
    c.s = number_at(s, rest + 1, 2);
    rest += 3;
    if (rest < s.size()) {
      if (s[rest] != '.' || rest + 1 >= s.size() || !digits_at(s, rest + 1, s.size() - rest - 1)) return std::nullopt;
    }
  }
  if (c.h > 23 || c.m > 59 || c.s > 60) return std::nullopt;
  return c;
}

[[noreturn]] void bad(std::string_view text, std::string_view what, std::string_view expected) {
  fail(Failure::Invalid, std::string(what) + ": '" + std::string(text) + "' is not " + std::string(expected),
       "use an ISO date (2026-12-31) or today, tomorrow, friday, +3d, 2w, next month, end of month");
}

// Local wall-clock time on a day -> instant, using TZ.
DateTime local_moment_uncached(Days d, Clock c) {
  year_month_day ymd{d};
  struct tm tm {};
  tm.tm_year = static_cast<int>(ymd.year()) - 1900;
  tm.tm_mon = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
  tm.tm_mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  tm.tm_hour = c.h;
  tm.tm_min = c.m;
  tm.tm_sec = c.s;
  tm.tm_isdst = -1;
  time_t tt = mktime(&tm);
  sys_seconds t = time_point_cast<seconds>(system_clock::from_time_t(tt));
  return DateTime{t, local_offset_minutes(t)};
}

// The same, with a day's start remembered (per TZ): the agenda asks for the same few hundred days thousands of times, and mktime costs a microsecond.
DateTime local_moment(Days d, Clock c) {
  if (c.h != 0 || c.m != 0 || c.s != 0) return local_moment_uncached(d, c);
  thread_local std::string zone;
  thread_local std::unordered_map<int, DateTime> starts;
  const char* tz = std::getenv("TZ");
  if (zone != (tz ? tz : "")) {
    zone = tz ? tz : "";
    starts.clear();
  }
  int key = d.time_since_epoch().count();
  auto known = starts.find(key);
  if (known != starts.end()) return known->second;
  return starts.emplace(key, local_moment_uncached(d, c)).first->second;
}

// `n` days, weeks, months or years (`unit`: d, w, m, y) from `base`; a month or year that has no
// such day ends on its last day (Jan 31 + 1m: Feb 28).
Days shift(Days base, int n, char unit) {
  if (unit == 'd') return base + days{n};
  if (unit == 'w') return base + days{7 * n};
  year_month_day ymd{base};
  auto r = unit == 'm' ? ymd + months{n} : ymd + years{n};
  if (!r.ok()) r = r.year() / r.month() / last;
  return sys_days{r};
}

std::optional<Days> relative_day(const std::string& t, Days base) {
  static const char* weekdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  static const char* short_weekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  year_month_day ymd{base};
  if (t == "today" || t == "now") return base;
  if (t == "tomorrow") return base + days{1};
  if (t == "yesterday") return base - days{1};
  for (unsigned i = 0; i < 7; ++i) {
    if (t == weekdays[i] || t == short_weekdays[i]) {
      unsigned cur = weekday{base}.c_encoding();
      unsigned ahead = (i + 7 - cur) % 7;
      return base + days{ahead == 0 ? 7 : ahead};
    }
  }
  if (t == "next week") return base + days{8 - weekday{base}.iso_encoding()};
  if (t == "next month") return sys_days{(ymd.year() / ymd.month() / 1) + months{1}};
  if (t == "next year") return sys_days{(ymd.year() + years{1}) / January / 1};
  if (t == "end of month" || t == "eom") return sys_days{ymd.year() / ymd.month() / last};
  if (t == "end of week" || t == "eow") return base + days{7 - weekday{base}.iso_encoding()};
  if (t == "end of year" || t == "eoy") return sys_days{ymd.year() / December / 31};
  if (t == "start of month" || t == "som") return sys_days{ymd.year() / ymd.month() / 1};
  static const std::regex rel(R"(([+-]?)([0-9]{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|y|yr|year|years))");
  std::smatch m;
  if (std::regex_match(t, m, rel)) {
    int n = std::stoi(m[2]);
    return shift(base, m[1] == "-" ? -n : n, m[3].str()[0]);
  }
  return std::nullopt;
}

}  // namespace

DateTime local_time(sys_seconds t) { return DateTime{t, local_offset_minutes(t)}; }

Days local_day_of(sys_seconds t) { return floor<days>(t + minutes{local_offset_minutes(t)}); }

DateTime now() {
  if (const char* fixed = std::getenv("CRM_NOW"); fixed && *fixed) {
    // Only absolute forms: relative ones would ask for "now" again.
    std::string t = trim(fixed);
    if (t.size() < 16 || !ymd_of(std::string_view(t).substr(0, 10)))
      fail(Failure::Invalid, "CRM_NOW: '" + t + "' is not an ISO date and time", "write it like 2026-11-23T10:00:00Z");
    return parse_moment(t, "CRM_NOW");
  }
  auto t = time_point_cast<seconds>(system_clock::now());
  return DateTime{t, local_offset_minutes(t)};
}

Days today() {
  if (const char* fixed = std::getenv("CRM_NOW"); fixed && *fixed) {
    DateTime n = now();
    return floor<days>(n.utc + minutes{n.offset_minutes});
  }
  return local_day_of(time_point_cast<seconds>(system_clock::now()));
}

bool valid_date(std::string_view iso) { return ymd_of(iso).has_value(); }

bool valid_datetime(std::string_view iso) {
  if (iso.size() < 17 || iso[10] != 'T' || !ymd_of(iso.substr(0, 10))) return false;
  std::string_view rest = iso.substr(11), zone;
  if (rest.back() == 'Z') {
    zone = rest.substr(rest.size() - 1);
  } else if (rest.size() > 6 && (rest[rest.size() - 6] == '+' || rest[rest.size() - 6] == '-')) {
    zone = rest.substr(rest.size() - 6);
    if (zone[3] != ':' || !digits_at(zone, 1, 2) || !digits_at(zone, 4, 2)) return false;
    if (number_at(zone, 1, 2) > 23 || number_at(zone, 4, 2) > 59) return false;
  } else {
    return false;
  }
  std::string_view clock = rest.substr(0, rest.size() - zone.size());
  return clock.size() >= 5 && clock[2] == ':' && clock_of(clock).has_value();
}

std::string format_date(Days d) {
  year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_datetime(const DateTime& t) {
  auto local = t.utc + minutes{t.offset_minutes};
  Days d = floor<days>(local);
  hh_mm_ss<seconds> hms{local - d};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d", format_date(d).c_str(), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  std::string r = buf;
  if (t.offset_minutes == 0) return r + "Z";
  int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return r + buf;
}

Days parse_day(std::string_view text, std::string_view what) {
  std::string t = lower_ascii(trim(text));
  if (auto d = ymd_of(t)) return sys_days{*d};
  if (auto d = relative_day(t, today())) return *d;
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') bad(text, what, "a real calendar date");
  bad(text, what, "a date");
}

namespace {
// "Z", "+01:00", "+0100", "-05:30" -> minutes east of UTC; nullopt when it is not an offset,
// -1 << 20 when it is one but out of range.
constexpr int kBadOffset = -(1 << 20);
std::optional<int> offset_of(std::string_view z) {
  if (z == "Z") return 0;
  if (z.size() < 5 || (z[0] != '+' && z[0] != '-')) return std::nullopt;
  std::string_view hm = z.substr(1);
  if (hm.size() == 5 && hm[2] == ':') {
    if (!digits_at(hm, 0, 2) || !digits_at(hm, 3, 2)) return std::nullopt;
  } else if (hm.size() != 4 || !digits_at(hm, 0, 4)) {
    return std::nullopt;
  }
  int h = number_at(hm, 0, 2), m = number_at(hm, hm.size() - 2, 2);
  if (h > 23 || m > 59) return kBadOffset;
  return z[0] == '-' ? -(h * 60 + m) : h * 60 + m;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

DateTime parse_moment(std::string_view text, std::string_view what) {
  std::string t = trim(text);
  // YYYY-MM-DD[T ]HH:MM[:SS[.frac]][ ][Z|+HH:MM|+HHMM]: hand-written, as ymd_of, because every
  // datetime read from a record (the agenda reads thousands) comes through here.
  std::string_view v = t;
  if (v.size() >= 15 && (v[10] == 'T' || v[10] == ' ') && digits_at(v, 0, 4) && v[4] == '-' && digits_at(v, 5, 2) &&
      v[7] == '-' && digits_at(v, 8, 2)) {
    size_t zone = v.find_first_of("Z+-", 11);
    std::string_view clock = v.substr(11, zone == std::string_view::npos ? std::string_view::npos : zone - 11);
    while (!clock.empty() && space(clock.back())) clock.remove_suffix(1);
    std::optional<int> off;
    if (zone != std::string_view::npos) off = offset_of(v.substr(zone));
    bool shaped = zone == std::string_view::npos || off.has_value();
    bool clock_shaped = clock.size() >= 4 && clock.find_first_not_of("0123456789:.") == std::string_view::npos;
    if (shaped && clock_shaped) {
      auto d = ymd_of(v.substr(0, 10));
      auto c = clock_of(clock);
      if (!d || !c) bad(text, what, "a real date and time");
      if (!off) return local_moment(sys_days{*d}, *c);
      if (*off == kBadOffset) bad(text, what, "a valid time zone offset");
      sys_seconds local = sys_days{*d} + hours{c->h} + minutes{c->m} + seconds{c->s};
      return DateTime{local - minutes{*off}, *off};
    }
  }
  // "<day words> [HH:MM]"
  std::string lower = lower_ascii(t);
  Clock c{};
  std::string day_part = lower;
  size_t sp = lower.rfind(' ');
  if (sp != std::string::npos) {
    if (auto cl = clock_of(lower.substr(sp + 1))) {
      c = *cl;
      day_part = trim(lower.substr(0, sp));
    }
  } else if (auto cl = clock_of(lower)) {
    return local_moment(today(), *cl);
  }
  if (day_part == "now") return now();
  Days d;
  if (auto x = ymd_of(day_part)) d = sys_days{*x};
  else if (auto r = relative_day(day_part, today())) d = *r;
  else bad(text, what, "a date or time");
  return local_moment(d, c);
}

bool valid_period(std::string_view text) {
  if (text.size() < 2 || text.size() > 5 || text.front() == '0') return false;
  char unit = text.back();
  return whole_number(text.substr(0, text.size() - 1), 4, false) &&
         (unit == 'd' || unit == 'w' || unit == 'm' || unit == 'y');
}

std::string parse_period(std::string_view text, std::string_view what) {
  std::string t = lower_ascii(trim(text));
  static const std::regex re(R"(([0-9]{1,4})\s*(d|days?|w|weeks?|m|months?|y|years?))");
  std::smatch m;
  if (!std::regex_match(t, m, re) || std::stoi(m[1]) == 0)
    fail(Failure::Invalid, std::string(what) + ": '" + std::string(text) + "' is not a period",
         "write a positive number of days, weeks, months or years: 30d, 2w, 3m, 1y");
  return std::to_string(std::stoi(m[1])) + m[2].str()[0];
}

std::string parse_when(std::string_view text, std::string_view what) {
  std::string t = trim(text);
  bool has_clock = t.find(':') != std::string::npos;
  if (!has_clock) return format_date(parse_day(t, what));
  return format_datetime(parse_moment(t, what));
}

bool valid_when(std::string_view text) { return valid_date(text) || valid_datetime(text); }

DateTime when_moment(std::string_view canonical) {
  if (valid_date(canonical)) return local_moment(sys_days{*ymd_of(canonical)}, Clock{});
  return parse_moment(canonical, "date");
}

namespace {
// "1h30m" -> 90; -1 when it is not a duration.
int minutes_of(std::string_view t) {
  static const std::regex hm(R"(([0-9]{1,3})\s*(?:h|hr|hrs|hours?)\s*(?:([0-9]{1,4})\s*(?:m|min|mins|minutes?)?)?)");
  static const std::regex m_only(R"(([0-9]{1,5})\s*(?:m|min|mins|minutes?)?)");
  static const std::regex clock(R"(([0-9]{1,3}):([0-5][0-9]))");
  std::string s(t);
  std::smatch m;
  if (std::regex_match(s, m, hm)) return std::stoi(m[1]) * 60 + (m[2].matched ? std::stoi(m[2]) : 0);
  if (std::regex_match(s, m, clock)) return std::stoi(m[1]) * 60 + std::stoi(m[2]);
  if (std::regex_match(s, m, m_only)) return std::stoi(m[1]);
  return -1;
}

std::string duration_text(int minutes) {
  std::string r;
  if (minutes >= 60) r += std::to_string(minutes / 60) + "h";
  if (minutes % 60 || minutes < 60) r += std::to_string(minutes % 60) + "m";
  return r;
}
}  // namespace

std::string parse_duration(std::string_view text, std::string_view what) {
  int n = minutes_of(lower_ascii(trim(text)));
  if (n <= 0 || n > 100000)
    fail(Failure::Invalid, std::string(what) + ": '" + std::string(text) + "' is not a duration",
         "write minutes or hours: 45m, 1h, 1h30m, 1:30");
  return duration_text(n);
}

// Files may say it as people do ("60m", "90 min", "1:30"); crm writes the canonical form.
bool valid_duration(std::string_view text) {
  int n = minutes_of(lower_ascii(trim(text)));
  return n > 0 && n <= 100000;
}

int duration_minutes(std::string_view text) { return valid_duration(text) ? minutes_of(lower_ascii(trim(text))) : 0; }

Days add_period(Days d, std::string_view period) {
  // A period as written by parse_period (30d, 3m) directly: the agenda adds one per contact.
  if (valid_period(period)) return shift(d, number_at(period, 0, period.size() - 1), period.back());
  auto r = relative_day("+" + std::string(period), d);
  return r ? *r : d;
}

}  // namespace crm
