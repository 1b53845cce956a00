#include "interop/csv.hpp"

#include <map>
#include <optional>

#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

// ---------------------------------------------------------------------------
// RFC 4180

namespace {

constexpr size_t kMaxCellBytes = 1 << 20;

char detect_delimiter(std::string_view text) {
  size_t counts[3] = {0, 0, 0};
  const char candidates[3] = {',', ';', '\t'};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) break;
    for (int i = 0; i < 3; ++i)
      if (!quoted && c == candidates[i]) ++counts[i];
  }
  int best = 0;
  for (int i = 1; i < 3; ++i)
    if (counts[i] > counts[best]) best = i;
  return candidates[best];
}

}  // namespace

CsvTable parse_csv(std::string_view text, char delimiter, const std::string& origin, std::vector<Rejected>& rejected) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable table;
  table.delimiter = delimiter ? delimiter : detect_delimiter(text);
  const char sep = table.delimiter;
  std::vector<std::string> cells;
  std::string cell;
  size_t line = 1, row_line = 1, quote_line = 0;
  bool quoted = false, was_quoted = false, header_done = false;
  auto end_row = [&] {
    cells.push_back(std::move(cell));
    cell.clear();
    bool blank = cells.size() == 1 && cells[0].empty() && !was_quoted;
    if (!blank) {
      if (!header_done) {
        for (auto& h : cells) h = trim(h);
        table.header = std::move(cells);
        header_done = true;
      } else {
        table.rows.push_back({row_line, std::move(cells)});
      }
    }
    cells.clear();
    was_quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        if (cell.size() <= kMaxCellBytes) cell += c;  // a longer one is refused below: no record could hold it
      }
      continue;
    }
    if (c == '"' && cell.empty()) {
      quoted = was_quoted = true;
      quote_line = line;
    } else if (c == sep) {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row_line = line;
    } else if (cell.size() <= kMaxCellBytes) {
      cell += c;  // a quote inside an unquoted field is kept as is, as spreadsheets do
    }
  }
  if (quoted) {
    rejected.push_back({origin + ":" + std::to_string(quote_line),
                        "a quoted field starts here and is never closed; the rest of the file (from line " +
                            std::to_string(row_line) + ") was not read"});
    cells.clear();
    cell.clear();
  } else if (!cell.empty() || !cells.empty()) {
    end_row();
  }
  // Rows that do not fit the header, or are not UTF-8, are named and left out.
  std::vector<CsvRow> kept;
  for (auto& r : table.rows) {
    std::string where = origin + ":" + std::to_string(r.line);
    if (r.cells.size() != table.header.size()) {
      rejected.push_back({where, "the row has " + std::to_string(r.cells.size()) + " field(s); the header has " +
                                     std::to_string(table.header.size())});
      continue;
    }
    size_t big = 0;
    while (big < r.cells.size() && r.cells[big].size() <= kMaxCellBytes) ++big;
    if (big < r.cells.size()) {
      rejected.push_back({where, "field " + std::to_string(big + 1) + " (" + (big < table.header.size() ? table.header[big] : "?") +
                                     ") is larger than 1 MiB; a record file holds at most 1 MiB"});
      continue;
    }
    bool utf8 = true;
    for (const auto& c : r.cells) utf8 = utf8 && valid_utf8(c);
    if (!utf8) {
      rejected.push_back({where, "the row is not valid UTF-8 (save the file as UTF-8)"});
      continue;
    }
    kept.push_back(std::move(r));
  }
  table.rows = std::move(kept);
  for (const auto& h : table.header)
    if (!valid_utf8(h)) fail(Failure::Invalid, origin + ":1: the header is not valid UTF-8", "save the file as UTF-8");
  return table;
}

// ---------------------------------------------------------------------------
// Presets: header -> target

namespace {

using Mapping = std::vector<std::pair<std::string, std::string>>;

Mapping google_preset() {
  Mapping m = {{"Name", "name"}, {"Given Name", "given_name"}, {"Additional Name", "middle_name"},
               {"Family Name", "family_name"}, {"First Name", "given_name"}, {"Middle Name", "middle_name"},
               {"Last Name", "family_name"}, {"Name Prefix", "prefix"}, {"Name Suffix", "suffix"},
               {"Organization Name", "company"}, {"Organization Title", "title"},
               {"Organization Department", "department"}, {"Organization 1 - Name", "company"},
               {"Organization 1 - Title", "title"}, {"Organization 1 - Department", "department"},
               {"Birthday", "birthday"}, {"Notes", "notes"}, {"Labels", "tags"}, {"Group Membership", "tags"}};
  for (int n = 1; n <= 9; ++n) {
    std::string i = std::to_string(n);
    for (const char* kind : {"Label", "Type"}) {
      m.push_back({"E-mail " + i + " - " + kind, "email_label@" + i});
      m.push_back({"Phone " + i + " - " + kind, "phone_label@" + i});
      m.push_back({"Address " + i + " - " + kind, "address_label@" + i});
    }
    m.push_back({"E-mail " + i + " - Value", "email@" + i});
    m.push_back({"Phone " + i + " - Value", "phone@" + i});
    m.push_back({"Address " + i + " - Street", "street@" + i});
    m.push_back({"Address " + i + " - City", "city@" + i});
    m.push_back({"Address " + i + " - Region", "region@" + i});
    m.push_back({"Address " + i + " - Postal Code", "postal_code@" + i});
    m.push_back({"Address " + i + " - Country", "country@" + i});
    m.push_back({"Website " + i + " - Value", "website"});
    m.push_back({"Website " + i + " - Label", "skip"});
    m.push_back({"Website " + i + " - Type", "skip"});
    m.push_back({"Address " + i + " - Formatted", "skip"});  // the same address as one text
  }
  return m;
}

Mapping outlook_preset() {
  return {{"First Name", "given_name"}, {"Middle Name", "middle_name"}, {"Last Name", "family_name"},
          {"Title", "prefix"}, {"Suffix", "suffix"}, {"E-mail Address", "email"}, {"E-mail 2 Address", "email"},
          {"E-mail 3 Address", "email"}, {"Home Phone", "phone:home"}, {"Home Phone 2", "phone:home"},
          {"Business Phone", "phone:work"}, {"Business Phone 2", "phone:work"}, {"Mobile Phone", "phone:mobile"},
          {"Other Phone", "phone:other"}, {"Primary Phone", "phone"}, {"Business Fax", "phone:work fax"},
          {"Home Fax", "phone:home fax"}, {"Company Main Phone", "phone:main"}, {"Job Title", "title"},
          {"Department", "department"}, {"Company", "company"}, {"Business Street", "street:work"},
          {"Business City", "city:work"}, {"Business State", "region:work"}, {"Business Postal Code", "postal_code:work"},
          {"Business Country/Region", "country:work"}, {"Home Street", "street:home"}, {"Home City", "city:home"},
          {"Home State", "region:home"}, {"Home Postal Code", "postal_code:home"},
          {"Home Country/Region", "country:home"}, {"Other Street", "street:other"}, {"Other City", "city:other"},
          {"Other State", "region:other"}, {"Other Postal Code", "postal_code:other"},
          {"Other Country/Region", "country:other"}, {"Web Page", "website"}, {"Personal Web Page", "website"},
          {"Birthday", "birthday"}, {"Notes", "notes"}, {"Categories", "tags"}};
}

Mapping hubspot_preset() {
  return {{"Record ID", "key"}, {"First Name", "given_name"}, {"Last Name", "family_name"}, {"Email", "email"},
          {"Phone Number", "phone"}, {"Mobile Phone Number", "phone:mobile"}, {"Company Name", "company"},
          {"Associated Company", "company"}, {"Job Title", "title"}, {"Contact owner", "owner"},
          {"Lifecycle Stage", "lifecycle"}, {"Street Address", "street"}, {"City", "city"},
          {"State/Region", "region"}, {"Postal Code", "postal_code"}, {"Country/Region", "country"},
          {"Website URL", "website"}};
}

}  // namespace

namespace {
const std::vector<std::string>& known_targets();
}  // namespace

std::vector<std::string> crm_csv_columns() {
  return {"id",     "name",     "title", "department", "company",   "emails",        "phones", "website",
          "birthday", "tags", "owner", "lifecycle",  "source", "keep_in_touch", "notes"};
}

std::vector<std::string> csv_presets() { return {"google", "outlook", "hubspot", "crm"}; }

namespace {

// crm's own columns, and any header that is a field name (email, phone, given_name...).
Mapping crm_preset() {
  Mapping m;
  for (const auto& c : crm_csv_columns()) m.push_back({c, c});
  for (const auto& t : known_targets())
    if (t.find("_label") == std::string::npos && t != "key" && t != "skip") m.push_back({t, t});
  return m;
}

Mapping preset(const std::string& name) {
  if (name == "google") return google_preset();
  if (name == "outlook") return outlook_preset();
  if (name == "hubspot") return hubspot_preset();
  if (name == "crm") return crm_preset();
  fail(Failure::Usage, "unknown --preset '" + name + "'", "presets: google, outlook, hubspot, crm");
}

bool has_header(const std::vector<std::string>& header, std::string_view name) {
  for (const auto& h : header)
    if (lower_ascii(h) == lower_ascii(name)) return true;
  return false;
}

std::string recognise(const std::vector<std::string>& header) {
  if (has_header(header, "Record ID") && (has_header(header, "Lifecycle Stage") || has_header(header, "Contact owner")))
    return "hubspot";
  if (has_header(header, "E-mail 1 - Value") || has_header(header, "Given Name")) return "google";
  if (has_header(header, "E-mail Address") || has_header(header, "Business Phone")) return "outlook";
  if (has_header(header, "name")) return "crm";
  return {};
}

struct Target {
  std::string field;  // email, phone, street, ..., email_label, key, skip
  std::string label;  // email:work -> work
  std::string group;  // Google's numbered columns: email@1 with email_label@1
};

const std::vector<std::string>& known_targets() {
  static const std::vector<std::string> t = {
      "id", "key", "name", "given_name", "middle_name", "family_name", "prefix", "suffix", "company", "title",
      "department", "email", "phone", "emails", "phones", "street", "city", "region", "postal_code", "country",
      "website", "birthday", "notes", "tags", "owner", "lifecycle", "source", "keep_in_touch", "skip",
      "email_label", "phone_label", "address_label"};
  return t;
}

Target parse_target(const std::string& text) {
  Target t;
  std::string s = trim(text);
  if (size_t at = s.find('@'); at != std::string::npos) {
    t.group = s.substr(at + 1);
    s = s.substr(0, at);
  }
  if (size_t colon = s.find(':'); colon != std::string::npos) {
    t.label = trim(s.substr(colon + 1));
    s = trim(s.substr(0, colon));
  }
  t.field = s;
  bool known = s.rfind("fields.", 0) == 0 && s.size() > 7;
  for (const auto& k : known_targets()) known = known || k == s;
  if (!known) {
    std::string all;
    for (const auto& k : known_targets())
      if (k.find("_label") == std::string::npos) all += (all.empty() ? "" : " ") + k;
    fail(Failure::Usage, "--map: unknown field '" + s + "'", "fields: " + all + " fields.NAME (email and phone take :LABEL)");
  }
  return t;
}

// "* Work" (Google marks the primary one with a star) -> "work".
std::string clean_label(const std::string& s) {
  std::string l = trim(s);
  if (l.rfind("* ", 0) == 0) l = trim(l.substr(2));
  return lower_ascii(l);
}

// Cells holding several values: Google's " ::: ", crm's and Outlook's ';'.
std::vector<std::string> several(const std::string& cell) {
  std::vector<std::string> out;
  std::string s = cell;
  for (size_t at; (at = s.find(":::")) != std::string::npos;) s.replace(at, 3, ";");
  for (const auto& part : split(s, ';'))
    if (!trim(part).empty()) out.push_back(trim(part));
  return out;
}

// 1990-02-03, 19900203, 2/3/1990 (Outlook: month first), 3.2.1990 -> 1990-02-03; "" when not a full date.
std::string birthday_of(const std::string& text) {
  std::string s = trim(text);
  if (valid_date(s.substr(0, 10))) return s.substr(0, 10);
  if (s.size() == 8 && whole_number(s, 8, false)) {
    std::string d = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2);
    if (valid_date(d)) return d;
  }
  for (char sep : {'/', '.'}) {
    auto parts = split(s, sep);
    if (parts.size() != 3 || parts[2].size() != 4) continue;
    std::string month = sep == '/' ? parts[0] : parts[1], day = sep == '/' ? parts[1] : parts[0];
    if (month.size() == 1) month = "0" + month;
    if (day.size() == 1) day = "0" + day;
    std::string d = parts[2] + "-" + month + "-" + day;
    if (valid_date(d)) return d;
  }
  return {};
}

}  // namespace

Batch read_csv_contacts(std::string_view text, const CsvOptions& options, const std::string& origin, const Config& config) {
  Batch batch;
  CsvTable table = parse_csv(text, options.delimiter, origin, batch.rejected);
  if (table.header.empty()) fail(Failure::Invalid, origin + ": the file is empty; a CSV import starts with a header line");

  std::string preset_name = options.preset.empty() && options.map.empty() ? recognise(table.header) : options.preset;
  if (preset_name.empty() && options.map.empty())
    fail(Failure::Usage, origin + ": which columns are which? The header matches no preset",
         "give --preset google|outlook|hubspot|crm, or --map 'Header=field,...' (see crm-import(1))");
  Mapping mapping = preset_name.empty() ? Mapping{} : preset(preset_name);
  for (const auto& m : options.map)
    for (const auto& pair : split(m, ',')) {
      if (trim(pair).empty()) continue;
      size_t eq = pair.rfind('=');
      if (eq == std::string::npos) fail(Failure::Usage, "--map: '" + pair + "' is not Header=field");
      mapping.insert(mapping.begin(), {trim(pair.substr(0, eq)), trim(pair.substr(eq + 1))});
    }

  // Each column's target (the first mapping that names its header wins: --map before the preset).
  std::vector<std::optional<Target>> columns(table.header.size());
  for (size_t i = 0; i < table.header.size(); ++i) {
    for (const auto& [h, t] : mapping)
      if (lower_ascii(h) == lower_ascii(table.header[i])) {
        columns[i] = parse_target(t);
        break;
      }
  }
  for (const auto& m : options.map)
    for (const auto& pair : split(m, ','))
      if (size_t eq = pair.rfind('='); eq != std::string::npos && !has_header(table.header, trim(pair.substr(0, eq))))
        fail(Failure::Usage, "--map: the file has no column '" + trim(pair.substr(0, eq)) + "'");

  const TypeSpec& type = types::contact();
  for (const auto& row : table.rows) {
    Incoming in;
    in.record.type = &type;
    in.landing = Landing::Merge;
    in.where = origin + ":" + std::to_string(row.line);
    Json& d = in.record.data;
    std::string where = in.where;
    std::map<std::string, std::string> group_labels;
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] && columns[i]->field.find("_label") != std::string::npos && !trim(row.cells[i]).empty())
        group_labels[columns[i]->field.substr(0, columns[i]->field.find('_')) + "@" + columns[i]->group] = clean_label(row.cells[i]);
    std::string given, middle, family, prefix, suffix, key;
    std::map<std::string, Json> addresses;  // by label (or group)
    std::vector<std::string> address_order;
    auto add_item = [&](const char* field, const std::string& label, const std::string& value) {
      Json item = label.empty() ? Json(value) : Json::object({{label, value}});
      if (!d.contains(field)) d[field] = Json::array();
      for (const auto& x : d[field])
        if (same_item(x, item)) return;
      d[field].push_back(item);
    };
    auto contact_item = [&](const std::string& field, const std::string& label, const std::string& raw) {
      std::string value = trim(raw), lab = label;
      if (field == "emails" || field == "phones") {  // crm's own cells: "work:ana@x" items
        size_t colon = value.find(':');
        if (colon != std::string::npos && colon > 0 && value[0] != '+') {
          lab = trim(value.substr(0, colon));
          value = trim(value.substr(colon + 1));
        }
      }
      bool email = field == "email" || field == "emails";
      if (email) value = lower_ascii(value);
      if (email ? !valid_email(value) : !valid_phone(value)) {
        batch.notes.push_back(where + ": " + (email ? "email" : "phone") + " '" + value + "' is not valid; left out");
        return;
      }
      add_item(email ? "emails" : "phones", lab, value);
    };
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i]) continue;
      const Target& t = *columns[i];
      const std::string& cell = row.cells[i];
      if (trim(cell).empty() || t.field == "skip" || t.field.find("_label") != std::string::npos) continue;
      std::string v = t.field == "notes" ? cell : trim(cell);
      std::string label = t.label;
      if (label.empty() && !t.group.empty())
        if (auto it = group_labels.find((t.field == "email" || t.field == "phone" ? t.field : "address") + "@" + t.group);
            it != group_labels.end())
          label = it->second;
      const std::string& f = t.field;
      if (f == "id") {
        if (!valid_id(lower_ascii(v))) {
          batch.rejected.push_back({where, "id '" + v + "' is not a record id (8 to 32 of 0-9 and a-z)"});
          key = "\x01";
          break;
        }
        in.record.id = lower_ascii(v);
      } else if (f == "key") key = v;
      else if (f == "name") d["name"] = v;
      else if (f == "given_name") given = v;
      else if (f == "middle_name") middle = v;
      else if (f == "family_name") family = v;
      else if (f == "prefix") prefix = v;
      else if (f == "suffix") suffix = v;
      else if (f == "company") {
        if (in.company_name.empty()) in.company_name = v;
      } else if (f == "email" || f == "phone" || f == "emails" || f == "phones") {
        for (const auto& one : several(v)) contact_item(f, label, one);
      } else if (f == "street" || f == "city" || f == "region" || f == "postal_code" || f == "country") {
        std::string k = !label.empty() ? label : t.group.empty() ? "" : "@" + t.group;
        if (!addresses.count(k)) {
          address_order.push_back(k);
          addresses[k] = Json::object();
          if (!label.empty()) addresses[k]["label"] = label;
        }
        addresses[k][f] = v;
      } else if (f == "birthday") {
        std::string b = birthday_of(v);
        if (!b.empty()) d["birthday"] = b;
        else if (v != "0/0/00")  // Outlook's "no birthday"
          batch.notes.push_back(where + ": birthday '" + v + "' is not a full date; left out");
      } else if (f == "tags") {
        for (const auto& tag : several(v)) {
          std::string clean = trim(tag.rfind("* ", 0) == 0 ? tag.substr(2) : tag);
          if (!clean.empty()) add_item("tags", "", clean);
        }
      } else if (f == "lifecycle") {
        // HubSpot's stages by their labels or internal names: "Marketing Qualified Lead", "salesqualifiedlead".
        std::string l;
        for (char ch : lower_ascii(v))
          if (ch != ' ' && ch != '-' && ch != '_') l += ch;
        if (l == "marketingqualifiedlead" || l == "salesqualifiedlead" || l == "mql" || l == "sql") l = "qualified";
        bool known = false;
        for (const auto& stage : config.lifecycle) known = known || stage == l;
        if (known) d["lifecycle"] = l;
        else batch.notes.push_back(where + ": lifecycle stage '" + v + "' is not one of crm.yaml's; left out");
      } else if (f.rfind("fields.", 0) == 0) {
        if (!d.contains("fields")) d["fields"] = Json::object();
        d["fields"][f.substr(7)] = v;
      } else {  // title department website notes owner source keep_in_touch
        if (!d.contains(f)) d[f] = v;
      }
    }
    if (key == "\x01") continue;
    for (const auto& k : address_order) d["addresses"].push_back(addresses[k]);
    if (!d.contains("name")) {
      std::string full;
      for (const auto& part : {prefix, given, middle, family, suffix})
        if (!part.empty()) full += (full.empty() ? "" : " ") + part;
      if (full.empty() && d.contains("emails")) full = item_text(d["emails"][0]);
      if (full.empty()) full = in.company_name;
      if (full.empty()) {
        batch.rejected.push_back({where, "the row has no name (and no email or company to call it by)"});
        continue;
      }
      d["name"] = full;
    }
    std::string email = d.contains("emails") ? item_text(d["emails"][0]) : "";
    std::string phone = d.contains("phones") ? item_text(d["phones"][0]) : "";
    in.derived_id = !key.empty() ? id_for_key(preset_name.empty() ? "csv" : preset_name, key)
                                 : id_for_contact(d["name"].get<std::string>(), email, phone);
    batch.records.push_back(std::move(in));
  }
  std::string left_out;
  for (size_t i = 0; i < table.header.size(); ++i)
    if (!columns[i] && !table.header[i].empty()) {
      bool has_values = false;
      for (const auto& row : table.rows) has_values = has_values || !trim(row.cells[i]).empty();
      if (has_values) left_out += (left_out.empty() ? "" : ", ") + table.header[i];
    }
  if (!left_out.empty())
    batch.notes.push_back(origin + ": columns no field was mapped to were left out: " + left_out +
                          " (add them with --map 'Header=field')");
  return batch;
}

}  // namespace crm
