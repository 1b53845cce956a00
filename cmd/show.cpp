// crm show REF: any record, its fields, and the records linked to it
// (company <-> contacts and deals, manager and direct reports).
#include <algorithm>
#include <iostream>
#include <map>

#include "cmd/records.hpp"
#include "activity/activity.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

std::string describe(const Index& index, const FieldSpec& f, const Json& v) {
  if (f.kind == Kind::Ref && v.is_string()) {
    auto e = index.get(v.get<std::string>());
    return e ? e->title() + "  (" + short_id(e->id) + ")" : v.get<std::string>() + "  (missing)";
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::vector<std::string> lines_of(const Index& index, const FieldSpec& f, const Json& v) {
  std::vector<std::string> out;
  if (!v.is_array()) {
    if (f.kind == Kind::Custom || f.kind == Kind::Conflicts) {
      for (auto it = v.begin(); it != v.end(); ++it)
        out.push_back(it.key() + ": " + (it.value().is_string() ? it.value().get<std::string>() : it.value().dump()));
      return out;
    }
    for (const auto& l : split(describe(index, f, v), '\n')) out.push_back(l);
    while (!out.empty() && out.back().empty()) out.pop_back();
    return out;
  }
  for (const auto& x : v) {
    if (f.kind == Kind::Refs) {
      out.push_back(describe(index, FieldSpec{f.name, Kind::Ref, "", "", f.ref_type}, x));
    } else if (f.kind == Kind::Addresses && x.is_object()) {
      std::string label = x.value("label", ""), line;
      for (const char* k : {"street", "postal_code", "city", "region", "country"})
        if (x.contains(k) && x[k].is_string()) line += (line.empty() ? "" : ", ") + x[k].get<std::string>();
      out.push_back((label.empty() ? "" : label + ": ") + line);
    } else if (f.kind == Kind::StageHistory && x.is_object()) {
      out.push_back(x.value("at", "") + "  " + x.value("stage", ""));
    } else if (x.is_object() && x.size() == 1) {
      out.push_back(x.begin().key() + ": " + item_text(x));
    } else {
      out.push_back(x.is_string() ? x.get<std::string>() : x.dump());
    }
  }
  return out;
}

std::string link_field(const Entry& from, const std::string& id) {
  if (!from.type) return {};
  for (const auto& f : from.type->fields) {
    std::string n(f.name);
    if (!from.data.contains(n)) continue;
    if (f.kind == Kind::Ref && from.data[n] == id) return n;
    if (f.kind == Kind::Refs && from.data[n].is_array())
      for (const auto& x : from.data[n])
        if (x == id) return n;
  }
  return {};
}

}  // namespace

void check_show_format(const Context& ctx) {
  Format fmt = ctx.format(Format::Table);
  if (fmt == Format::Csv || fmt == Format::Tsv || fmt == Format::Markdown)
    fail(Failure::Usage, "show prints one record: use --format table, json, ndjson, yaml or ids");
}

namespace {

// What follows a linked record's title: its type's summary fields (a deal's stage and amount, a
// person's title, roles and first phone). Money keeps its currency beside it.
std::string summary_of(const TypeSpec& type, const Json& data) {
  std::string extra;
  for (auto name : type.summary) {
    const FieldSpec* f = type.field(name);
    auto v = data.find(std::string(name));
    if (!f || v == data.end() || v->is_null()) continue;
    if (f->kind == Kind::Tags && v->is_array()) {
      for (const auto& x : *v) extra += "  [" + item_text(x) + "]";
    } else if (v->is_array()) {
      if (!v->empty()) extra += "  " + item_text((*v)[0]);
    } else if (f->kind == Kind::Currency) {
      extra += " " + item_text(*v);
    } else {
      extra += "  " + (v->is_string() ? v->get<std::string>() : v->dump());
    }
  }
  return extra;
}

}  // namespace

void show_entry(Context& ctx, const Index& index, const Entry& e) {
  RecordFile f = load_entry(ctx.repo(), e);
  const TypeSpec& type = *e.type;
  std::vector<Entry> links = index.linking_to(e.id);
  Format fmt = ctx.format(Format::Table);
  if (fmt == Format::Ids) {
    std::cout << e.id << "\n";
    return;
  }
  if (fmt != Format::Table) {
    Json j = record_json(type, e.id, f.record.data);
    Json lf = Json::array();
    for (const auto& l : links)
      lf.push_back({{"id", l.id}, {"type", std::string(l.type ? l.type->name : "")}, {"title", l.title()},
                    {"field", link_field(l, e.id)}});
    j["linked_from"] = lf;
    Json tl = Json::array();
    for (const auto& m : timeline(index, e, links))
      tl.push_back({{"when", m.when}, {"what", m.what}, {"id", m.entry.id},
                    {"type", std::string(m.entry.type ? m.entry.type->name : "")}, {"text", m.text}});
    j["timeline"] = tl;
    if (type.party) {
      auto last = last_contacted(index, e, links);
      j["last_contacted"] = last ? Json(format_datetime(*last)) : Json();
    }
    render_records(std::cout, fmt == Format::Yaml ? Format::Yaml : fmt == Format::Ndjson ? Format::Ndjson : Format::Json,
                   {j});
    return;
  }
  bool color = ctx.use_color();
  auto b = [&](const std::string& s) { return color ? std::string(ansi::bold) + s + ansi::reset : s; };
  auto d = [&](const std::string& s) { return color ? std::string(ansi::dim) + s + ansi::reset : s; };
  std::cout << b(f.record.title()) << "  " << d(std::string(type.name) + " " + e.id) << "\n";
  Json c = canonical(type, f.record.data);
  for (const auto& fs : type.fields) {
    std::string n(fs.name);
    if (n == type.title_field || !c.contains(n)) continue;
    auto ls = lines_of(index, fs, c[n]);
    for (size_t i = 0; i < ls.size(); ++i) {
      std::string label = i == 0 ? n : "";
      std::cout << "  " << d(label + std::string(label.size() < 14 ? 14 - label.size() : 1, ' ')) << ls[i] << "\n";
    }
  }
  // Records linking here, grouped the way people ask: people at a company, deals, direct reports.
  if (type.party) {
    auto last = last_contacted(index, e, links);
    std::string line = last ? format_datetime(*last).substr(0, 10) : "never";
    std::string every = c.value("keep_in_touch", "");
    if (!every.empty() && last) {
      Days due = add_period(local_day_of(last->utc), every);
      line += (due < today() ? "  (overdue since " : "  (next by ") + format_date(due) + ")";
    }
    std::cout << "  " << d("last contact  ") << line << "\n";
  }
  std::map<std::string, std::vector<const Entry*>> groups;
  for (const auto& l : links) {
    if (l.type && l.type->in_timeline) continue;  // in the timeline below
    std::string field = link_field(l, e.id);
    std::string g = field == "reports_to" ? "direct reports"
                    : field == "parent"   ? "subsidiaries"
                    : l.type              ? std::string(l.type->folder)
                                          : "other";
    groups[g].push_back(&l);
  }
  // Org chart neighbours: people with the same manager.
  std::vector<Entry> peers;
  if (c.contains("reports_to") && c["reports_to"].is_string()) {
    std::string manager = c["reports_to"].get<std::string>();
    for (auto& l : index.linking_to(manager))
      if (l.id != e.id && link_field(l, manager) == "reports_to") peers.push_back(std::move(l));
  }
  for (const auto& p : peers) groups["same manager"].push_back(&p);
  for (const auto& [g, list] : groups) {
    std::cout << "\n" << b(g) << " (" << list.size() << ")\n";
    for (const Entry* l : list) {
      std::string extra = l->type ? summary_of(*l->type, l->data) : "";
      std::cout << "  " << d(short_id(l->id)) << "  " << l->title() << extra << "\n";
    }
  }
  auto moments = timeline(index, e, links);
  if (moments.empty()) return;
  std::cout << "\n" << b("timeline") << " (" << moments.size() << ")\n";
  auto now = crm::now().utc;
  for (const auto& m : moments) {
    bool late = m.what == "task" && task_overdue(m.entry.data, now);
    std::string when = m.when.size() > 16 ? format_datetime(local_time(m.at)).substr(0, 16) : m.when;
    std::replace(when.begin(), when.end(), 'T', ' ');
    std::string what = pad_to_width(m.what, 8);
    if (late && color) what = std::string(ansi::red) + what + ansi::reset;
    std::cout << "  " << d(short_id(m.entry.id)) << "  " << pad_to_width(when, 16) << "  " << what << "  " << m.text
              << "\n";
  }
}

void register_show(CLI::App& app, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  auto* show = app.add_subcommand("show", "show any record by REF, with the records linked to it");
  show->add_option("REF", *ref, "id, id prefix, email or name")->required();
  show->callback([&ctx, ref] {
    check_show_format(ctx);
    Index index(ctx.repo(), false);
    show_entry(ctx, index, index.resolve(*ref, nullptr));
  });
}

}  // namespace crm
