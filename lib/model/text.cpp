#include "model/text.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace crm {

std::string fold(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                                UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
                        &out, options);
  if (n < 0) return lower_ascii(s);  // invalid UTF-8: fold what ASCII we can
  std::string r(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  // Latin letters with no decomposition to strip: "Łódź" is found by "lodz", "Øystein" by "oystein".
  static const std::pair<std::string_view, std::string_view> kLetters[] = {
      {"\u00f8", "o"}, {"\u0142", "l"}, {"\u0111", "d"}, {"\u00fe", "th"}, {"\u00e6", "ae"},
      {"\u0153", "oe"}, {"\u0127", "h"}, {"\u0131", "i"}, {"\u00f0", "d"}};
  if (r.find_first_of("\xc3\xc4\xc5") != std::string::npos)
    for (const auto& [from, to] : kLetters)
      for (size_t at = r.find(from); at != std::string::npos; at = r.find(from, at + to.size())) r.replace(at, from.size(), to);
  return r;
}

std::vector<std::string> words(std::string_view s) {
  std::string f = fold(s);
  std::vector<std::string> out;
  std::string cur;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(f.data());
  utf8proc_ssize_t len = static_cast<utf8proc_ssize_t>(f.size()), i = 0;
  while (i < len) {
    utf8proc_int32_t c;
    auto n = utf8proc_iterate(p + i, len - i, &c);
    if (n <= 0) { ++i; continue; }
    auto cat = utf8proc_category(c);
    bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (word) {
      cur.append(f, static_cast<size_t>(i), static_cast<size_t>(n));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
    i += n;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string r;
  for (unsigned char c : s) {
    if (c < 0x80) {
      r += static_cast<char>(c);
    } else {
      r += static_cast<char>(0xC0 | (c >> 6));
      r += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return r;
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t len = static_cast<utf8proc_ssize_t>(s.size()), i = 0;
  while (i < len) {
    utf8proc_int32_t c;
    auto n = utf8proc_iterate(p + i, len - i, &c);
    if (n <= 0 || c < 0) return false;
    i += n;
  }
  return true;
}

static size_t advance_width(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {  // ASCII, most of what tables hold: printable is one column, controls none
    ++i;
    return b >= 0x20 && b < 0x7f ? 1 : 0;
  }
  utf8proc_int32_t c;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + i,
                            static_cast<utf8proc_ssize_t>(s.size() - i), &c);
  if (n <= 0) { ++i; return 1; }
  i += static_cast<size_t>(n);
  int w = utf8proc_charwidth(c);
  return w < 0 ? 0 : static_cast<size_t>(w);
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) w += advance_width(s, i);
  return w;
}

std::string truncate_to_width(std::string_view s, size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return {};
  size_t w = 0, i = 0;
  while (i < s.size()) {
    size_t j = i;
    size_t cw = advance_width(s, j);
    if (w + cw > width - 1) break;
    w += cw;
    i = j;
  }
  return std::string(s.substr(0, i)) + "…";
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower_ascii(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

bool whole_number(std::string_view s, size_t max_digits, bool allow_minus) {
  if (allow_minus && !s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > max_digits) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool lower_name(std::string_view s, size_t max, std::string_view extra) {
  if (s.empty() || s.size() > max || s.front() < 'a' || s.front() > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos)) return false;
  return true;
}

std::string pad_to_width(std::string_view s, size_t width) {
  std::string r = truncate_to_width(s, width);
  size_t w = display_width(r);
  if (w < width) r += std::string(width - w, ' ');
  return r;
}

}  // namespace crm
