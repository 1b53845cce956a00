// The text layer iCalendar (RFC 5545) and vCard (RFC 2426, RFC 6350) share:
// content lines ending in CRLF, folded at 75 octets, and TEXT escaping.
#pragma once
#include <ostream>
#include <string>

namespace crm {

// TEXT values: backslash, semicolon, comma and newlines escaped; other control characters dropped.
std::string escape_text_value(const std::string& s);
// A parameter value in double quotes, without the characters a quoted value cannot hold.
std::string quoted_param_value(const std::string& s);
// One content line, ending in CRLF, folded at 75 octets, never inside a UTF-8 sequence.
void write_content_line(std::ostream& out, const std::string& text);

}  // namespace crm
