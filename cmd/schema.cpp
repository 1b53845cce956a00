// crm __schema [--format tsv|scdoc|json] [--builtin] [TYPE]: the record types' fields as the
// registry (lib/model/schema.cpp) holds them. The build splices the scdoc tables into the man
// pages (a line `%%FIELDS TYPE%%` in man/*.scd; cmake/man-fields.cmake), and the tests compare
// the installed pages with it, so no field table is typed by hand. Hidden from `crm --help`.
#include <iostream>

#include "cmd/context.hpp"
#include "model/error.hpp"

namespace crm {

namespace {

struct SchemaArgs {
  std::string format = "tsv";
  std::string type;     // empty: every type
  bool builtin = false;  // the shipped types and settings only, whatever repository is around
};

// The kind's name in crm.yaml where it has one, else what the registry means by it.
std::string kind_label(Kind k) {
  if (std::string_view n = kind_name(k); n != "value") return std::string(n);
  switch (k) {
    case Kind::Stage: return "stage";
    case Kind::Lifecycle: return "lifecycle";
    case Kind::When: return "when";
    case Kind::Choice: return "choice";
    case Kind::NoteKind: return "note_kind";
    case Kind::Ref: return "ref";
    case Kind::Refs: return "refs";
    case Kind::Emails: return "emails";
    case Kind::Phones: return "phones";
    case Kind::Domains: return "domains";
    case Kind::Addresses: return "addresses";
    case Kind::StageHistory: return "stage_history";
    case Kind::Custom: return "custom";
    case Kind::Conflicts: return "conflicts";
    default: return "value";
  }
}

// The values a field may take: its choices, or the crm.yaml list its kind names.
std::vector<std::string> allowed(const FieldSpec& f, const Config& config) {
  switch (f.kind) {
    case Kind::Choice: return choices_of(f);
    case Kind::Lifecycle: return config.lifecycle;
    case Kind::NoteKind: return config.note_kinds;
    case Kind::Stage: {
      std::vector<std::string> out;
      for (const auto& s : config.stages) out.push_back(s.name);
      return out;
    }
    default: return {};
  }
}

// The crm.yaml setting a field's values come from, if any.
std::string_view setting_of(Kind k) {
  switch (k) {
    case Kind::Stage: return "stages";
    case Kind::Lifecycle: return "lifecycle";
    case Kind::NoteKind: return "note_kinds";
    default: return {};
  }
}

// scdoc text: '*', '_' and '\' are markup there.
std::string scd(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string words_joined(const std::vector<std::string>& v, std::string_view sep, bool bold) {
  std::string out;
  for (const auto& w : v) out += (out.empty() ? "" : std::string(sep)) + (bold ? "*" + scd(w) + "*" : w);
  return out;
}

// One table per type: field, option, kind and meaning (three columns fit 80 terminal columns).
void print_scdoc(const TypeSpec& t, const Config& config, bool builtin) {
  std::cout << "[[ *Field*\n:[ *Option*\n:< *Kind and meaning*\n";
  for (const FieldSpec& f : t.fields) {
    std::string kind = kind_label(f.kind);
    if (f.kind == Kind::Ref) kind += " to a " + std::string(f.ref_type);
    if (f.kind == Kind::Refs) {
      const TypeSpec* rt = find_type(f.ref_type);
      kind += " to " + std::string(rt ? rt->folder : f.ref_type);
    }
    if (f.required) kind += ", required";
    std::string meaning = scd(kind) + ": " + scd(f.help);
    auto values = allowed(f, config);
    if (f.kind == Kind::Choice) meaning += "; one of " + words_joined(values, ", ", true);
    else if (!setting_of(f.kind).empty())
      meaning += std::string("; crm.yaml's *") + scd(setting_of(f.kind)) + "*" + (builtin ? ", by default " : ": ") +
                 words_joined(values, ", ", true);
    std::cout << "|  " << scd(f.name) << "\n:  " << (f.flag.empty() ? "" : "*--" + scd(f.flag) + "*") << "\n:  "
              << meaning << "\n";
  }
}

std::string tsv_cell(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\t' || c == '\n') c = ' ';
  return out;
}

void print_tsv(const TypeSpec& t, const Config& config) {
  for (const FieldSpec& f : t.fields)
    std::cout << tsv_cell(t.name) << '\t' << tsv_cell(f.name) << '\t' << tsv_cell(f.flag) << '\t' << kind_label(f.kind)
              << '\t' << tsv_cell(f.ref_type) << '\t' << (f.required ? "yes" : "no") << '\t'
              << tsv_cell(words_joined(allowed(f, config), " ", false)) << '\t' << tsv_cell(f.help) << "\n";
}

Json type_json(const TypeSpec& t, const Config& config) {
  Json j = Json::object();
  j["type"] = std::string(t.name);
  j["folder"] = std::string(t.folder);
  j["title_field"] = std::string(t.title_field);
  j["added_by_flags"] = t.added_by_flags;
  j["fields"] = Json::array();
  for (const FieldSpec& f : t.fields) {
    Json jf = Json::object();
    jf["name"] = std::string(f.name);
    jf["flag"] = std::string(f.flag);
    jf["kind"] = kind_label(f.kind);
    jf["ref_type"] = std::string(f.ref_type);
    jf["required"] = f.required;
    jf["choices"] = allowed(f, config);
    jf["help"] = std::string(f.help);
    j["fields"].push_back(jf);
  }
  return j;
}

void run_schema(Context& ctx, const SchemaArgs& a) {
  const Config defaults = Config::defaults();
  const Config* config = &defaults;
  if (!a.builtin) {
    // The repository's crm.yaml declares its own types and settings; outside one, the shipped ones.
    try {
      config = &ctx.repo().config();
    } catch (const std::exception&) {
    }
  }
  std::vector<const TypeSpec*> types;
  if (!a.type.empty()) types.push_back(&type_spec(a.type));
  else
    for (const TypeSpec& t : record_types()) types.push_back(&t);
  if (a.format == "json") {
    Json out = Json::array();
    for (const TypeSpec* t : types) out.push_back(type_json(*t, *config));
    std::cout << (a.type.empty() ? out.dump(2) : out[0].dump(2)) << "\n";
    return;
  }
  if (a.format == "tsv") std::cout << "type\tfield\tflag\tkind\tref_type\trequired\tchoices\thelp\n";
  for (size_t i = 0; i < types.size(); ++i) {
    if (a.format == "tsv") {
      print_tsv(*types[i], *config);
    } else {
      if (types.size() > 1) std::cout << (i ? "\n" : "") << "## " << scd(types[i]->name) << "\n\n";
      print_scdoc(*types[i], *config, config == &defaults);
    }
  }
}

}  // namespace

void register_schema(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<SchemaArgs>();
  auto* s = app.add_subcommand("__schema", "the record types' fields, for the man pages and tests");
  s->group("");  // hidden from `crm --help`
  s->add_option("TYPE", a->type, "one record type (default: all)");
  s->add_option("--format", a->format, "tsv (default), scdoc (a man page table) or json")
      ->check(CLI::IsMember({"tsv", "scdoc", "json"}));
  s->add_flag("--builtin", a->builtin, "the shipped types and crm.yaml defaults, not the repository's");
  s->callback([&ctx, a] { run_schema(ctx, *a); });
}

}  // namespace crm
