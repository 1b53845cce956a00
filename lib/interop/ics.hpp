// iCalendar (RFC 5545) out: tasks as VTODO and meetings as VEVENT, in one calendar. UIDs are
// the record ids, so a calendar that subscribes to the export updates events instead of
// duplicating them. Hand-written: the format is small, and the parts that matter (CRLF,
// folding at 75 octets without splitting a character, text escaping; content_line.hpp) are
// tested against python3-icalendar and khal (tests/cli/t320-agenda-ics.sh).
#pragma once
#include <string>
#include <vector>

#include "index/index.hpp"

namespace crm {

// The calendar of these tasks and of the meetings among `notes` (notes of kind meeting with a
// moment); `events` is set to the number of meetings written.
std::string ics_calendar(const Index& index, const std::vector<Entry>& tasks, const std::vector<Entry>& notes,
                         size_t& events);

}  // namespace crm
