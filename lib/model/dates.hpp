// The date vocabulary every command shares: ISO dates and datetimes, and the
// relative forms people type (today, tomorrow, friday, +3d, 2w, next month,
// end of month). "Now" is the clock, or CRM_NOW (an ISO datetime) in tests.
// Local time follows TZ.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace crm {

using Days = std::chrono::sys_days;

struct DateTime {
  std::chrono::sys_seconds utc;  // the instant
  int offset_minutes = 0;        // the offset it was written with
};

DateTime now();
bool valid_date(std::string_view iso);      // YYYY-MM-DD, a real calendar day
bool valid_datetime(std::string_view iso);  // YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)
std::string format_date(Days d);
std::string format_datetime(const DateTime& t);  // 2026-11-23T10:30:00+01:00 (Z for UTC)

// Parse what a person typed as a day ("friday", "+3d", "2026-12-31").
// Throws Error(Invalid) naming `what` (e.g. "--close") when it cannot.
Days parse_day(std::string_view text, std::string_view what);
// Parse a moment ("tomorrow 10:00", "2026-11-20 09:30", ISO with offset); a day alone means its start.
DateTime parse_moment(std::string_view text, std::string_view what);
// "30d", "2w", "3m", "1y" -> canonical text; throws if not a positive duration.
std::string parse_period(std::string_view text, std::string_view what);
bool valid_period(std::string_view text);
// A day or a moment, whichever was typed: "friday" -> 2026-11-27, "friday 10:00" -> a datetime.
// Returns the canonical text (format_date or format_datetime).
std::string parse_when(std::string_view text, std::string_view what);
bool valid_when(std::string_view text);  // valid_date or valid_datetime
// The first instant of a `when` value (a date means its local midnight).
DateTime when_moment(std::string_view canonical);
// How long something took: "45m", "1h30m", "1:30", "90" (minutes) -> "45m", "1h30m", "1h30m", "1h30m".
std::string parse_duration(std::string_view text, std::string_view what);
bool valid_duration(std::string_view text);  // any form parse_duration reads
int duration_minutes(std::string_view text);  // 0 when not valid
// Add a period ("3m") to a day.
Days add_period(Days d, std::string_view period);
Days today();
Days local_day_of(std::chrono::sys_seconds t);
DateTime local_time(std::chrono::sys_seconds t);  // the instant with the user's offset at that instant  // the day it is at `t` where the user is (TZ)

}  // namespace crm
