#include "interop/duplicates.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "model/text.hpp"

namespace crm {

std::string phone_key(const std::string& phone) {
  std::string main = lower_ascii(phone);
  if (size_t ext = main.find("ext"); ext != std::string::npos) main = main.substr(0, ext);
  if (size_t x = main.find('x'); x != std::string::npos) main = main.substr(0, x);
  std::string digits;
  for (char c : main)
    if (c >= '0' && c <= '9') digits += c;
  if (digits.rfind("00", 0) == 0) digits = digits.substr(2);
  if (digits.size() > 9) digits = digits.substr(digits.size() - 9);
  return digits;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b, size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string sorted_words(const std::string& name) {
  auto ws = words(name);
  std::sort(ws.begin(), ws.end());
  std::string r;
  for (const auto& w : ws) r += (r.empty() ? "" : " ") + w;
  return r;
}

std::string text_of(const Json& data, const char* key) {
  return data.contains(key) && data[key].is_string() ? data[key].get<std::string>() : std::string();
}

}  // namespace

std::vector<DuplicatePair> find_duplicate_contacts(const std::vector<Entry>& contacts) {
  std::map<std::pair<std::string, std::string>, std::string> found;  // (a, b) -> first reason
  auto pair = [&](const std::string& a, const std::string& b, const std::string& reason) {
    if (a == b) return;
    found.emplace(a < b ? std::make_pair(a, b) : std::make_pair(b, a), reason);
  };
  std::map<std::string, std::vector<std::string>> by_email, by_phone;
  std::map<std::string, std::vector<const Entry*>> by_company;
  for (const auto& e : contacts) {
    if (!e.error.empty()) continue;
    std::set<std::string> emails, phones;
    if (e.data.contains("emails") && e.data["emails"].is_array())
      for (const auto& x : e.data["emails"])
        if (std::string t = lower_ascii(trim(item_text(x))); !t.empty()) emails.insert(t);
    if (e.data.contains("phones") && e.data["phones"].is_array())
      for (const auto& x : e.data["phones"])
        if (std::string t = phone_key(item_text(x)); t.size() >= 6) phones.insert(t);
    for (const auto& t : emails) by_email[t].push_back(e.id);
    for (const auto& t : phones) by_phone[t].push_back(e.id);
    if (std::string company = text_of(e.data, "company"); !company.empty()) by_company[company].push_back(&e);
  }
  for (const auto& [email, ids] : by_email)
    for (size_t i = 1; i < ids.size(); ++i) pair(ids[0], ids[i], "same email " + email);
  for (const auto& [phone, ids] : by_phone)
    for (size_t i = 1; i < ids.size(); ++i) pair(ids[0], ids[i], "same phone number (…" + phone.substr(phone.size() > 6 ? phone.size() - 6 : 0) + ")");
  for (const auto& [company, people] : by_company) {
    if (people.size() > 2000) continue;  // a pairwise look at a giant account would take too long
    std::vector<std::pair<std::string, std::string>> names;
    for (const auto* p : people) names.push_back({fold(p->title()), sorted_words(p->title())});
    for (size_t i = 0; i < people.size(); ++i)
      for (size_t j = i + 1; j < people.size(); ++j) {
        if (names[i].second.empty()) continue;
        bool same_words = names[i].second == names[j].second;
        if (same_words || edit_distance(names[i].first, names[j].first, 2) <= 2)
          pair(people[i]->id, people[j]->id, "similar names at the same company");
      }
  }
  std::vector<DuplicatePair> out;
  for (const auto& [ids, reason] : found) out.push_back({ids.first, ids.second, reason});
  return out;
}

RecordMerge merge_record_fields(const TypeSpec& type, const Json& kept, const Json& other) {
  RecordMerge m;
  m.data = kept;
  Json& d = m.data;
  // Collected apart and added last: inserting into `d` while holding references into it would move them.
  Json conflicts = d.contains("conflicts") && d["conflicts"].is_object() ? d["conflicts"] : Json::object();
  auto conflict = [&](const std::string& field, const Json& mine, const Json& theirs) {
    Json& list = conflicts[field];
    if (!list.is_array()) list = Json::array();
    list.push_back(theirs);
    auto show = [](const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
    m.disagreements.push_back(field + ": kept '" + show(mine) + "', the other had '" + show(theirs) + "'");
  };
  for (auto it = other.begin(); it != other.end(); ++it) {
    const std::string& key = it.key();
    const Json& theirs = it.value();
    const FieldSpec* f = type.field(key);
    if (!d.contains(key) || d[key].is_null()) {
      d[key] = theirs;
      continue;
    }
    Json& mine = d[key];
    if (mine == theirs) continue;
    if (f && is_list_kind(f->kind) && mine.is_array() && theirs.is_array()) {
      for (const auto& item : theirs) {
        bool known = false;
        for (const auto& x : mine) known = known || same_item(x, item);
        if (!known) mine.push_back(item);
      }
    } else if (f && f->kind == Kind::Text && mine.is_string() && theirs.is_string()) {
      mine = mine.get<std::string>() + "\n\n" + theirs.get<std::string>();
    } else if (key == "created") {
      if (theirs.is_string() && mine.is_string() && theirs.get<std::string>() < mine.get<std::string>()) mine = theirs;
    } else if (f && f->kind == Kind::Conflicts && theirs.is_object()) {
      for (auto c = theirs.begin(); c != theirs.end(); ++c)
        if (!conflicts.contains(c.key())) conflicts[c.key()] = c.value();
    } else if (f && f->kind == Kind::Custom && mine.is_object() && theirs.is_object()) {
      for (auto c = theirs.begin(); c != theirs.end(); ++c) {
        if (!mine.contains(c.key())) mine[c.key()] = c.value();
        else if (mine[c.key()] != c.value()) conflict("fields." + c.key(), mine[c.key()], c.value());
      }
    } else if (!(mine.is_string() && theirs.is_string() && fold(mine.get<std::string>()) == fold(theirs.get<std::string>()))) {
      conflict(key, mine, theirs);  // (values that differ only in case or accents are not a disagreement)
    }
  }
  if (!conflicts.empty()) d["conflicts"] = conflicts;
  return m;
}

bool repoint_links(const TypeSpec& type, Json& data, const std::string& from, const std::string& to) {
  bool changed = false;
  for (const auto& f : type.fields) {
    std::string key(f.name);
    if (!data.contains(key)) continue;
    Json& v = data[key];
    if (f.kind == Kind::Ref && v == from) {
      v = to;
      changed = true;
    } else if (f.kind == Kind::Refs && v.is_array()) {
      Json out = Json::array();
      bool touched = false;
      for (const auto& x : v) {
        Json id = x == from ? Json(to) : x;
        touched = touched || x == from;
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
      }
      if (touched) {
        v = out;
        changed = true;
      }
    }
  }
  return changed;
}

}  // namespace crm
