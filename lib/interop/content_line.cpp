#include "interop/content_line.hpp"

namespace crm {

std::string escape_text_value(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') r += '\\', r += c;
    else if (c == '\n') r += "\\n";
    else if (c == '\r') continue;
    else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') continue;
    else r += c;
  }
  return r;
}

std::string quoted_param_value(const std::string& s) {
  std::string r;
  for (char c : s)
    if (c != '"' && static_cast<unsigned char>(c) >= 0x20) r += c;
  return "\"" + r + "\"";
}

void write_content_line(std::ostream& out, const std::string& text) {
  size_t pos = 0, limit = 75;
  while (text.size() - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    out << text.substr(pos, cut - pos) << "\r\n ";
    pos = cut;
    limit = 74;  // the leading space of a continuation line counts
  }
  out << text.substr(pos) << "\r\n";
}

}  // namespace crm
