#include "interop/import_plan.hpp"

#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "store/git.hpp"

namespace crm {

std::string id_for_key(const std::string& scope, const std::string& key) {
  std::string lower = lower_ascii(trim(key));
  if (valid_id(lower)) return lower;
  static constexpr char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::string input = scope + "\n" + trim(key);
  auto digest = sha1(input);
  std::string id;
  for (size_t i = 0; i < 16; ++i) id += alphabet[digest[i] & 31];
  return id;
}

std::string id_for_contact(const std::string& name, const std::string& email, const std::string& phone) {
  std::string digits;
  for (char c : phone)
    if (c >= '0' && c <= '9') digits += c;
  return id_for_key("contact", fold(trim(name)) + "\n" + lower_ascii(trim(email)) + "\n" + digits);
}

std::string_view action_name(Action a) {
  switch (a) {
    case Action::Add: return "add";
    case Action::Update: return "update";
    case Action::Unchanged: return "unchanged";
    case Action::Skip: return "skip";
  }
  return "?";
}

size_t Plan::count(Action a) const {
  size_t n = 0;
  for (const auto& [id, s] : states)
    if (s.changed() && (a == Action::Add ? !s.existed : a == Action::Update ? s.existed : false)) ++n;
  if (a == Action::Unchanged)
    for (const auto& [id, s] : states) n += s.existed && !s.changed();
  if (a == Action::Skip)
    for (const auto& i : items) n += i.action == Action::Skip;
  return n;
}

std::vector<Record> Plan::writes() const {
  std::vector<Record> out;
  for (const auto& id : order)
    if (const auto& s = states.at(id); s.changed()) out.push_back(s.record);
  return out;
}

Json merged_fields(const TypeSpec& type, const Json& existing, const Json& incoming) {
  Json out = existing.is_object() ? existing : Json::object();
  for (auto it = incoming.begin(); it != incoming.end(); ++it) {
    const FieldSpec* f = type.field(it.key());
    if (f && is_list_kind(f->kind) && it.value().is_array() && out.contains(it.key()) && out[it.key()].is_array()) {
      Json& list = out[it.key()];
      for (const auto& item : it.value()) {
        bool known = false;
        for (const auto& x : list) known = known || same_item(x, item);
        if (!known) list.push_back(item);
      }
    } else if (f && f->kind == Kind::Custom && it.value().is_object() && out.contains("fields") && out["fields"].is_object()) {
      for (auto c = it.value().begin(); c != it.value().end(); ++c) out["fields"][c.key()] = c.value();
    } else if (it.key() != "created" || !out.contains("created")) {
      out[it.key()] = it.value();
    }
  }
  return out;
}

namespace {

std::vector<std::string> email_list(const Json& data) {
  std::vector<std::string> out;
  if (data.contains("emails") && data["emails"].is_array())
    for (const auto& e : data["emails"])
      if (std::string t = lower_ascii(trim(item_text(e))); !t.empty()) out.push_back(t);
  return out;
}

std::string problems_text(const std::vector<Problem>& problems) {
  std::string msg;
  for (const auto& p : problems) {
    std::string field = p.pointer.empty() ? "" : p.pointer.substr(1);
    std::string top = field.substr(0, field.find('/'));
    msg += (msg.empty() ? "" : "; ") + (top.empty() || p.message.rfind(top, 0) == 0 ? "" : field + ": ") + p.message;
  }
  return msg;
}

}  // namespace

std::string ImportPlanner::company_id(const std::string& name, const std::string& where) {
  std::string key = fold(trim(name));
  if (auto it = companies_.find(key); it != companies_.end()) return it->second;
  // Placed like an incoming company: the one with this name, else a new one.
  Incoming company;
  company.record.type = &types::company();
  company.record.data["name"] = trim(name);
  company.where = where;
  company.landing = Landing::Keep;
  place(company);
  return companies_[key] = company.record.id;
}

void ImportPlanner::place(Incoming& in) {
  Record& r = in.record;
  const TypeSpec& type = *r.type;
  Planned item;
  item.where = in.where;
  auto skip = [&](std::string why) {
    item.action = Action::Skip;
    item.record = r;
    item.why = std::move(why);
    plan_.items.push_back(std::move(item));
  };
  if (!in.company_name.empty() && type.field("company")) r.data["company"] = company_id(in.company_name, in.where);

  // Which record it is: its id, else the one its source key names, else (contacts) a record with
  // one of its emails, else a new one under the source key's id.
  if (r.id.empty() && !in.derived_id.empty() && (index_.get(in.derived_id) || plan_.states.count(in.derived_id)))
    r.id = in.derived_id;
  if (r.id.empty() && &type == &types::contact()) {
    const TypeSpec* contact = &type;
    for (const auto& email : email_list(r.data)) {
      if (auto it = by_email_.find(email); it != by_email_.end()) {
        r.id = it->second;
        item.why = "same email " + email + " as " + plan_.states.at(r.id).where;
        break;
      }
      std::vector<Entry> owners;
      for (const auto& e : index_.find(email, contact))
        for (const auto& have : email_list(e.data))
          if (have == email) {
            owners.push_back(e);
            break;
          }
      if (owners.size() > 1) {
        std::string names;
        for (const auto& o : owners) names += (names.empty() ? "" : ", ") + short_id(o.id) + " " + o.title();
        return skip("the email " + email + " belongs to " + std::to_string(owners.size()) + " contacts (" + names +
                    "); merge them first (crm contact merge)");
      }
      if (owners.size() == 1) {
        r.id = owners.front().id;
        item.why = "same email " + email + " as contact " + short_id(r.id) + " " + owners.front().title();
        break;
      }
    }
  }
  // A company without an id is the one with the same name.
  if (r.id.empty() && &type == &types::company() && r.data.contains("name") && r.data["name"].is_string()) {
    std::string key = fold(trim(r.data["name"].get<std::string>()));
    if (auto it = companies_.find(key); it != companies_.end()) r.id = it->second;
    else
      for (const auto& e : index_.find(r.data["name"].get<std::string>(), &type))
        if (e.error.empty() && fold(e.title()) == key) {
          r.id = e.id;
          break;
        }
  }
  if (r.id.empty()) r.id = in.derived_id;
  bool fresh_id = r.id.empty();
  if (fresh_id) {
    do r.id = new_id();
    while (index_.get(r.id) || plan_.states.count(r.id));
  }

  auto state = plan_.states.find(r.id);
  if (state == plan_.states.end()) {
    Plan::State s;
    s.where = in.where;
    s.record.type = &type;
    s.record.id = r.id;
    if (!fresh_id) {
      if (auto e = index_.get(r.id)) {
        if (e->type != &type)
          return skip("the id " + r.id + " is a " + std::string(e->type ? e->type->name : "record") + " already");
        try {
          RecordFile f = repo_.load(type, r.id);
          s.existed = true;
          s.original = f.text;
          s.record = f.record;
          if (!f.problems.empty() && in.landing != Landing::Replace)
            return skip(f.path + " is not valid (" + problems_text(f.problems) + "); fix it first (crm check)");
        } catch (const Error& err) {
          if (in.landing != Landing::Replace) return skip(std::string(err.what()) + "; fix it first (crm check)");
          s.existed = true;
          s.original = "\x01unreadable";
        }
      }
    }
    s.text = s.original;
    state = plan_.states.emplace(r.id, std::move(s)).first;
    plan_.order.push_back(r.id);
  } else if (state->second.record.type != &type) {
    return skip("the id " + r.id + " is a " + std::string(state->second.record.type->name) + " in this import already");
  }
  Plan::State& s = state->second;
  bool known = s.existed || !s.text.empty();  // on disk, or met earlier in this import

  Json data;
  if (in.landing == Landing::Keep && known) {
    data = s.record.data;
  } else if (in.landing == Landing::Merge && known) {
    data = merged_fields(type, s.record.data, r.data);
  } else {
    data = r.data;
  }
  if (!data.contains("created") || !s.existed) {
    if (s.existed && s.record.data.contains("created")) data["created"] = s.record.data["created"];
    else if (!data.contains("created")) data["created"] = format_datetime(crm::now());
  }
  if (auto problems = validate_record(type, repo_.config(), data); !problems.empty()) return skip(problems_text(problems));

  std::string before = s.text;
  Record next{&type, r.id, data, s.record.comments};
  std::string text = record_yaml(type, data, &repo_.config(), &s.record.comments);
  if (text.size() > kMaxRecordBytes)
    return skip("the record would take " + std::to_string(text.size() >> 20) + " MiB; record files are at most 1 MiB");
  if (!known) item.action = Action::Add;
  else item.action = text == before ? Action::Unchanged : Action::Update;
  s.record = next;
  s.text = text;
  for (const auto& email : email_list(data)) by_email_.emplace(email, r.id);
  if (&type == &types::company()) companies_.emplace(fold(next.title()), r.id);
  item.record = next;
  plan_.items.push_back(std::move(item));
}

Plan ImportPlanner::plan(Batch& batch, const std::function<void(size_t, size_t)>& progress) {
  size_t done = 0;
  for (auto& in : batch.records) {
    place(in);
    if (progress && (++done % 64 == 0 || done == batch.records.size())) progress(done, batch.records.size());
  }
  return std::move(plan_);
}

}  // namespace crm
