#include "interop/vcard.hpp"

#include <map>
#include <sstream>

#include "interop/content_line.hpp"
#include "model/dates.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

std::string upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

bool iequals(std::string_view a, std::string_view b) { return upper(a) == upper(b); }

// Physical lines (CRLF, LF or CR) with their line numbers.
std::vector<std::pair<std::string_view, size_t>> physical_lines(std::string_view text) {
  std::vector<std::pair<std::string_view, size_t>> out;
  size_t start = 0, number = 1;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n' || text[i] == '\r') {
      if (i < text.size() || start < i) out.push_back({text.substr(start, i - start), number});
      if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++number;
      start = i + 1;
    }
  }
  return out;
}

// The part before the value: "item1.EMAIL;TYPE=WORK" (a colon inside a quoted parameter value does not end it).
size_t value_colon(std::string_view line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    else if (line[i] == ':' && !quoted) return i;
  }
  return std::string_view::npos;
}

bool quoted_printable(std::string_view head) { return upper(head).find("QUOTED-PRINTABLE") != std::string::npos; }

std::string decode_quoted_printable(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      r += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      r += s[i];
    }
  }
  // Quoted-printable line breaks are CRLF; values hold \n.
  std::string out;
  for (size_t i = 0; i < r.size(); ++i)
    if (!(r[i] == '\r' && i + 1 < r.size() && r[i + 1] == '\n')) out += r[i];
  return out;
}

// Parses "[group.]NAME;PARAM=V,V;BARE:..." up to the colon.
bool parse_head(std::string_view head, VcardProperty& p) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (char c : head) {
    if (c == '"') quoted = !quoted;
    else if (c == ';' && !quoted) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  std::string name = trim(parts[0]);
  if (size_t dot = name.find('.'); dot != std::string::npos) {
    p.group = name.substr(0, dot);
    name = name.substr(dot + 1);
  }
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  p.name = upper(name);
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string part = trim(parts[i]);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos) {
      // vCard 2.1: TEL;CELL;PREF and NOTE;QUOTED-PRINTABLE.
      std::string u = upper(part);
      if (u == "QUOTED-PRINTABLE" || u == "BASE64" || u == "8BIT" || u == "7BIT") p.params.push_back({"ENCODING", u});
      else p.params.push_back({"TYPE", part});
    } else {
      p.params.push_back({upper(trim(part.substr(0, eq))), trim(part.substr(eq + 1))});
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> VcardProperty::param_values(std::string_view pname) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : params)
    if (k == pname)
      for (const auto& x : split(v, ','))
        if (!trim(x).empty()) out.push_back(trim(x));
  return out;
}

std::string unescape_vcard_text(std::string_view s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      r += (n == 'n' || n == 'N') ? '\n' : n;
    } else {
      r += s[i];
    }
  }
  return r;
}

std::vector<std::string> split_vcard_value(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      cur += s[i];
      cur += s[++i];
    } else if (s[i] == sep) {
      out.push_back(unescape_vcard_text(cur));
      cur.clear();
    } else {
      cur += s[i];
    }
  }
  out.push_back(unescape_vcard_text(cur));
  return out;
}

std::vector<Vcard> parse_vcards(std::string_view text, const std::string& origin, std::vector<Rejected>& rejected) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // Logical lines: unfolded (CRLF + one space or tab) and joined across quoted-printable soft breaks.
  struct Logical {
    std::string text;
    size_t line;
  };
  std::vector<Logical> logical;
  for (const auto& [l, number] : physical_lines(text)) {
    if (!logical.empty() && !l.empty() && (l[0] == ' ' || l[0] == '\t')) {
      logical.back().text.append(l.substr(1));
      continue;
    }
    if (!logical.empty()) {
      std::string& prev = logical.back().text;
      size_t colon = value_colon(prev);
      if (colon != std::string::npos && !prev.empty() && prev.back() == '=' &&
          quoted_printable(std::string_view(prev).substr(0, colon))) {
        prev.pop_back();
        prev.append(l);
        continue;
      }
    }
    if (trim(l).empty()) continue;
    logical.push_back({std::string(l), number});
  }

  std::vector<Vcard> cards;
  bool inside = false, broken = false;
  Vcard card;
  auto reject = [&](size_t line, const std::string& why) {
    rejected.push_back({origin + ":" + std::to_string(line), why});
    broken = true;
  };
  for (const auto& [l, number] : logical) {
    size_t colon = value_colon(l);
    std::string head = colon == std::string::npos ? std::string() : l.substr(0, colon);
    std::string raw = colon == std::string::npos ? std::string() : l.substr(colon + 1);
    if (iequals(trim(head), "BEGIN") && iequals(trim(raw), "VCARD")) {
      if (inside && !broken) reject(card.line, "the vCard that starts here has no END:VCARD before the next BEGIN:VCARD");
      inside = true;
      broken = false;
      card = Vcard{};
      card.line = number;
      continue;
    }
    if (!inside) {
      rejected.push_back({origin + ":" + std::to_string(number), "text outside BEGIN:VCARD ... END:VCARD"});
      continue;
    }
    if (iequals(trim(head), "END") && iequals(trim(raw), "VCARD")) {
      if (!broken) cards.push_back(std::move(card));
      inside = false;
      continue;
    }
    if (broken) continue;
    VcardProperty p;
    p.line = number;
    if (colon == std::string::npos || !parse_head(head, p)) {
      std::string shown = l.substr(0, 40);
      reject(number, "'" + shown + (l.size() > 40 ? "..." : "") + "' is not a vCard property (NAME:VALUE)");
      continue;
    }
    if (p.name == "BEGIN") {  // an AGENT or other nested card: not a contact of ours
      reject(number, "nested BEGIN:" + raw + " inside a vCard is not supported");
      continue;
    }
    bool binary = false;
    for (const auto& e : p.param_values("ENCODING")) {
      std::string u = upper(e);
      if (u == "QUOTED-PRINTABLE") raw = decode_quoted_printable(raw);
      else if (u == "B" || u == "BASE64") binary = true;
    }
    std::vector<std::string> charsets = p.param_values("CHARSET");
    if (!binary && !charsets.empty()) {
      std::string cs = upper(charsets.front());
      if (cs == "ISO-8859-1" || cs == "LATIN1" || cs == "WINDOWS-1252" || cs == "CP1252") {
        raw = latin1_to_utf8(raw);
      } else if (cs != "UTF-8" && cs != "US-ASCII" && cs != "UTF8") {
        reject(number, p.name + ": CHARSET=" + charsets.front() + " is not supported (UTF-8, ISO-8859-1)");
        continue;
      }
    }
    if (!binary && !valid_utf8(raw)) {
      reject(number, p.name + ": not valid UTF-8 (convert the file to UTF-8, or give CHARSET=ISO-8859-1)");
      continue;
    }
    if (p.name == "VERSION") card.version = trim(raw);
    p.value = binary ? std::string() : raw;
    card.properties.push_back(std::move(p));
  }
  if (inside && !broken) reject(card.line, "the vCard that starts here has no END:VCARD (the file is cut short?)");
  return cards;
}

// ---------------------------------------------------------------------------
// vCard -> contact

namespace {

// The label of an EMAIL, TEL or ADR: its TYPE words that name a place or kind (work, home, cell,
// fax...), or Apple's X-ABLabel for its group. Types all in capitals are lowered (WORK -> work);
// others keep their case, so a crm label survives export and import.
std::string label_of(const VcardProperty& p, const std::map<std::string, std::string>& group_labels) {
  if (!p.group.empty())
    if (auto it = group_labels.find(upper(p.group)); it != group_labels.end()) return it->second;
  std::string label;
  for (const auto& t : p.param_values("TYPE")) {
    std::string u = upper(t);
    if (u == "INTERNET" || u == "PREF" || u == "VOICE" || u == "X400" || u == "X.400" || u == "TEXT" || u == "INTL" ||
        u == "POSTAL" || u == "PARCEL" || u == "DOM")
      continue;
    label += (label.empty() ? "" : " ") + (t == u ? lower_ascii(t) : t);
  }
  return label;
}

// "_$!<Mobile>!$_" (Apple's built-in labels) -> "mobile"; custom labels as written.
std::string apple_label(const std::string& v) {
  std::string s = unescape_vcard_text(v);
  if (s.rfind("_$!<", 0) == 0 && s.size() > 8 && s.substr(s.size() - 4) == ">!$_") return lower_ascii(s.substr(4, s.size() - 8));
  return trim(s);
}

Json labelled(const std::string& label, const std::string& value) {
  if (label.empty()) return Json(value);
  return Json::object({{label, value}});
}

// BDAY: 1990-02-03, 19900203, 1990-02-03T00:00:00Z -> 1990-02-03; no year (--0203) -> "".
std::string birthday_of(std::string v) {
  v = trim(v);
  if (v.size() >= 10 && valid_date(v.substr(0, 10))) return v.substr(0, 10);
  if (v.size() >= 8 && whole_number(v.substr(0, 8), 8, false)) {
    std::string d = v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
    if (valid_date(d)) return d;
  }
  return {};
}

}  // namespace

Batch read_vcards(std::string_view text, const std::string& origin) {
  Batch batch;
  std::vector<Vcard> cards = parse_vcards(text, origin, batch.rejected);
  const TypeSpec& type = types::contact();
  size_t photos = 0;
  std::map<std::string, size_t> dropped;
  for (const auto& card : cards) {
    Incoming in;
    in.record.type = &type;
    in.landing = Landing::Merge;
    in.where = origin + ":" + std::to_string(card.line);
    Json& d = in.record.data;
    std::map<std::string, std::string> group_labels;
    for (const auto& p : card.properties)
      if (p.name == "X-ABLABEL" && !p.group.empty()) group_labels[upper(p.group)] = apple_label(p.value);
    std::string fn, n_name, uid, first_email, first_phone;
    auto push = [&](const char* field, Json item) {
      if (!d.contains(field)) d[field] = Json::array();
      for (const auto& x : d[field])
        if (same_item(x, item)) return;
      d[field].push_back(std::move(item));
    };
    for (const auto& p : card.properties) {
      const std::string& name = p.name;
      if (name == "FN") {
        fn = trim(unescape_vcard_text(p.value));
      } else if (name == "N") {
        auto parts = split_vcard_value(p.value, ';');
        parts.resize(5);
        // prefix given additional family suffix, as people write them
        for (const auto& part : {parts[3], parts[1], parts[2], parts[0], parts[4]})
          if (!trim(part).empty()) n_name += (n_name.empty() ? "" : " ") + trim(part);
      } else if (name == "UID") {
        uid = trim(p.value);
      } else if (name == "EMAIL" || name == "TEL") {
        bool email = name == "EMAIL";
        std::string v = trim(unescape_vcard_text(p.value));
        if (email) v = lower_ascii(v);
        if (std::string scheme = email ? "mailto:" : "tel:"; v.rfind(scheme, 0) == 0) v = v.substr(scheme.size());
        if (email ? !valid_email(v) : !valid_phone(v)) {
          batch.notes.push_back(origin + ":" + std::to_string(p.line) + ": " + name + " '" + v + "' is not " +
                                (email ? "an email address" : "a phone number") + "; left out");
          continue;
        }
        std::string& first = email ? first_email : first_phone;
        if (first.empty()) first = v;
        push(email ? "emails" : "phones", labelled(label_of(p, group_labels), v));
      } else if (name == "ADR") {
        auto parts = split_vcard_value(p.value, ';');
        parts.resize(7);
        Json a = Json::object();
        std::string label = label_of(p, group_labels);
        if (!label.empty()) a["label"] = label;
        std::string street;
        for (const auto& s : {parts[0], parts[1], parts[2]})
          if (!trim(s).empty()) street += (street.empty() ? "" : "\n") + trim(s);
        if (!street.empty()) a["street"] = street;
        const char* keys[] = {"city", "region", "postal_code", "country"};
        for (int i = 0; i < 4; ++i)
          if (!trim(parts[3 + i]).empty()) a[keys[i]] = trim(parts[3 + i]);
        if (a.size() > (a.contains("label") ? 1u : 0u)) push("addresses", a);
      } else if (name == "ORG") {
        auto parts = split_vcard_value(p.value, ';');
        if (!trim(parts[0]).empty()) in.company_name = trim(parts[0]);
        if (parts.size() > 1 && !trim(parts[1]).empty()) d["department"] = trim(parts[1]);
      } else if (name == "TITLE") {
        if (std::string v = trim(unescape_vcard_text(p.value)); !v.empty()) d["title"] = v;
      } else if (name == "BDAY") {
        std::string b = birthday_of(p.value);
        if (b.empty()) batch.notes.push_back(origin + ":" + std::to_string(p.line) + ": BDAY '" + p.value + "' has no year; left out");
        else d["birthday"] = b;
      } else if (name == "NOTE") {
        std::string v = unescape_vcard_text(p.value);
        while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
        if (!v.empty()) d["notes"] = d.contains("notes") ? d["notes"].get<std::string>() + "\n\n" + v : v;
      } else if (name == "CATEGORIES") {
        for (const auto& t : split_vcard_value(p.value, ','))
          if (!trim(t).empty()) push("tags", Json(trim(t)));
      } else if (name == "URL") {
        if (std::string v = trim(unescape_vcard_text(p.value)); !v.empty() && !d.contains("website")) d["website"] = v;
      } else if (name == "PHOTO") {
        ++photos;
      } else if (name != "VERSION" && name != "PRODID" && name != "REV" && name != "X-ABLABEL" && name != "KIND" &&
                 name != "SORT-STRING") {
        ++dropped[name];
      }
    }
    std::string full = !fn.empty() ? fn : n_name;
    if (full.empty() && !in.company_name.empty()) full = in.company_name;
    if (full.empty()) {
      batch.rejected.push_back({in.where, "the vCard has no name (FN or N)"});
      continue;
    }
    d["name"] = full;
    in.derived_id = uid.empty() ? id_for_contact(full, first_email, first_phone) : id_for_key("vcard", uid);
    batch.records.push_back(std::move(in));
  }
  if (photos) batch.notes.push_back(origin + ": " + std::to_string(photos) + " photo(s) dropped (crm keeps no images)");
  if (!dropped.empty()) {
    std::string names;
    for (const auto& [n, c] : dropped) names += (names.empty() ? "" : ", ") + n + (c > 1 ? " x" + std::to_string(c) : "");
    batch.notes.push_back(origin + ": properties crm has no field for were left out: " + names);
  }
  return batch;
}

// ---------------------------------------------------------------------------
// contact -> vCard

namespace {

// A label as TYPE values: its words, comma-separated ("home fax" -> home,fax).
std::string type_param(const std::string& label) {
  std::string r;
  for (const auto& w : split(label, ' '))
    if (!trim(w).empty()) r += (r.empty() ? "" : ",") + trim(w);
  bool plain = true;
  for (char c : r) plain = plain && c != ';' && c != ':' && c != '"';
  return plain ? r : quoted_param_value(r);
}

std::string label_and_text(const Json& item, std::string& text) {
  if (item.is_object() && item.size() == 1) {
    text = item_text(item);
    return item.begin().key();
  }
  text = item_text(item);
  return {};
}

std::string component(const Json& a, const char* key) {
  return a.contains(key) && a[key].is_string() ? escape_text_value(a[key].get<std::string>()) : std::string();
}

}  // namespace

std::string write_vcard(const std::string& id, const Json& c, const std::string& company, const std::string& version) {
  std::ostringstream out;
  auto text = [&](const char* key) { return c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : std::string(); };
  auto line = [&](const std::string& l) { write_content_line(out, l); };
  line("BEGIN:VCARD");
  line("VERSION:" + version);
  line(std::string("PRODID:-//crm//crm ") + CRM_VERSION + "//EN");
  if (version == "4.0") line("KIND:individual");
  line("UID:" + id);
  std::string name = text("name");
  line("FN:" + escape_text_value(name));
  // N: the last word is the family name; what a person would type in two boxes.
  std::string given = trim(name), family;
  if (size_t sp = given.rfind(' '); sp != std::string::npos) {
    family = given.substr(sp + 1);
    given = trim(given.substr(0, sp));
  } else {
    family = given;
    given.clear();
  }
  line("N:" + escape_text_value(family) + ";" + escape_text_value(given) + ";;;");
  if (!company.empty() || !text("department").empty())
    line("ORG:" + escape_text_value(company) + (text("department").empty() ? "" : ";" + escape_text_value(text("department"))));
  if (!text("title").empty()) line("TITLE:" + escape_text_value(text("title")));
  auto items = [&](const char* field, const char* prop) {
    if (!c.contains(field) || !c[field].is_array()) return;
    for (const auto& item : c[field]) {
      std::string value;
      std::string label = label_and_text(item, value);
      if (value.empty()) continue;
      line(std::string(prop) + (label.empty() ? "" : ";TYPE=" + type_param(label)) + ":" + escape_text_value(value));
    }
  };
  items("emails", "EMAIL");
  items("phones", "TEL");
  if (c.contains("addresses") && c["addresses"].is_array())
    for (const auto& a : c["addresses"]) {
      if (!a.is_object()) continue;
      std::string label = a.contains("label") && a["label"].is_string() ? a["label"].get<std::string>() : "";
      line("ADR" + (label.empty() ? "" : ";TYPE=" + type_param(label)) + ":;;" + component(a, "street") + ";" +
           component(a, "city") + ";" + component(a, "region") + ";" + component(a, "postal_code") + ";" +
           component(a, "country"));
    }
  if (!text("birthday").empty()) line("BDAY:" + text("birthday"));
  if (!text("website").empty()) line("URL:" + escape_text_value(text("website")));
  if (c.contains("tags") && c["tags"].is_array() && !c["tags"].empty()) {
    std::string cats;
    for (const auto& t : c["tags"]) cats += (cats.empty() ? "" : ",") + escape_text_value(item_text(t));
    line("CATEGORIES:" + cats);
  }
  if (!text("notes").empty()) line("NOTE:" + escape_text_value(text("notes")));
  line("END:VCARD");
  return out.str();
}

}  // namespace crm
