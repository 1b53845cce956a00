// Unicode text: folding for matching, word splitting, terminal width.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace crm {

// Lowercase, accents removed, compatibility forms unified: "García" -> "garcia".
std::string fold(std::string_view s);
// Words of folded text: runs of letters and digits ("Acme Iberia S.L." -> acme, iberia, s, l).
std::vector<std::string> words(std::string_view s);
bool valid_utf8(std::string_view s);
// ISO-8859-1 (and Windows-1252 read as it) to UTF-8: what old vCards and mail headers without a charset hold.
std::string latin1_to_utf8(std::string_view s);
// Columns the text takes in a terminal.
size_t display_width(std::string_view s);
// Cut to at most `width` columns, ending with an ellipsis when cut.
std::string truncate_to_width(std::string_view s, size_t width);
// Cut or pad with spaces to exactly `width` columns.
std::string pad_to_width(std::string_view s, size_t width);
std::string trim(std::string_view s);
std::string lower_ascii(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
// "-?[0-9]{1,max_digits}" without a regex (hot paths: validation on every read).
bool whole_number(std::string_view s, size_t max_digits, bool allow_minus = true);
// "[a-z][a-z0-9_]{0,max-1}" (custom field and setting names); `extra` adds allowed characters.
bool lower_name(std::string_view s, size_t max, std::string_view extra = "_");

}  // namespace crm
