// crm __complete [--shell bash|zsh|fish] -- WORD...: the candidates for the last WORD (the one
// under the cursor, maybe empty) after the words before it, one per line (zsh, fish:
// "candidate<TAB>description"). The scripts in completions/ are thin shims around it.
//
// It walks the command tree `--help` prints, built whole, so commands, record types (declared
// ones too), verbs and options are never listed a second time. Values come from the same
// sources the commands check them against: the schema (choices, field names), crm.yaml
// (stages, lifecycle, note kinds), report names, and for references the titles the index keeps
// (read from its value slots, as it is: a completion never reindexes). A line "::file" or
// "::dir" alone asks the shell for its own file or folder names. A completion never fails: on
// any error it offers nothing, silently. Hidden from `crm --help`.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cmd/context.hpp"
#include "index/index.hpp"
#include "model/dates.hpp"
#include "model/text.hpp"
#include "report/report.hpp"

namespace crm {

namespace {

struct CompleteArgs {
  std::string shell = "bash";
  std::vector<std::string> words;
};

// Commands that write records of a type without being its noun: their options that set fields
// complete as that type's fields.
constexpr std::pair<std::string_view, std::string_view> kWriters[] = {{"log", "note"}};

// Positionals whose value is a record reference (`crm show REF`, `crm contact merge KEEP OTHER`).
bool is_reference(const std::string& name) { return name == "REF" || name == "KEEP" || name == "OTHER"; }

// Where the words before the cursor led: the (sub)command, its positionals so far, and the
// option whose value is under the cursor, if any.
struct Walk {
  CLI::App* level = nullptr;
  std::vector<std::string> path;         // command names from the root: {"contact", "set"}
  std::vector<std::string> positionals;  // at `level`
  const CLI::Option* pending = nullptr;
  size_t pending_index = 0;  // which of its values (--next WHEN TEXT)
  bool options_ended = false;  // after `--`
  std::string type_hint;       // --type TYPE (crm search)
};

const CLI::Option* find_option(const CLI::App* level, const std::string& name) {
  for (const CLI::App* a = level; a; a = a->get_parent())
    if (const CLI::Option* o = a->get_option_no_throw(name)) return o;
  return nullptr;
}

// How many words an option takes after it: 0 for a flag, 2 for --next WHEN TEXT.
size_t values_taken(const CLI::Option* o) {
  if (o->get_type_size() == 0) return 0;
  return static_cast<size_t>(std::max(1, o->get_items_expected_min()));
}

// The positional option the index-th positional word fills.
const CLI::Option* positional_at(const CLI::App* level, size_t index) {
  for (const CLI::Option* o : level->get_options([](const CLI::Option* o) { return !o->nonpositional(); })) {
    size_t n = static_cast<size_t>(std::max(1, o->get_items_expected_max()));
    if (index < n) return o;
    index -= n;
  }
  return nullptr;
}

std::string home_expanded(const std::string& dir) {
  const char* home = std::getenv("HOME");
  if (home && (dir == "~" || dir.rfind("~/", 0) == 0)) return home + dir.substr(1);
  return dir;
}

class Completer {
 public:
  Completer(Context& ctx, bool descriptions) : ctx_(ctx), descriptions_(descriptions) {}

  void run(const std::vector<std::string>& words);

 private:
  Context& ctx_;
  bool descriptions_;
  std::vector<std::pair<std::string, std::string>> out_;
  std::set<std::string> seen_;
  std::string directive_;

  void add(const std::string& word, const std::string& help = {}) {
    if (!word.empty() && seen_.insert(word).second) out_.emplace_back(word, help);
  }
  void add_matching(const std::vector<std::string>& values, const std::string& cur, const std::string& prefix) {
    for (const auto& v : values)
      if (v.rfind(cur, 0) == 0) add(prefix + v);
  }

  const Repository* repository() {
    try {
      return &ctx_.repo();
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  const Config& config() {
    static const Config defaults = Config::defaults();
    const Repository* r = repository();
    return r ? r->config() : defaults;
  }

  Walk walk(CLI::App& root, const std::vector<std::string>& words) const;
  static const TypeSpec* noun(const Walk& w) {
    if (w.path.size() < 2) return nullptr;  // `crm contact` alone: its verbs come next
    return find_type(w.path[0]);
  }
  static const TypeSpec* context_type(const Walk& w) {
    if (const TypeSpec* t = noun(w)) return t;
    for (const auto& [command, type] : kWriters)
      if (!w.path.empty() && w.path[0] == command) return find_type(type);
    return nullptr;
  }

  void options(const Walk& w, const std::string& cur);
  void values(const Walk& w, const CLI::Option* o, size_t index, const std::string& cur, const std::string& prefix);
  void field_values(const FieldSpec& f, const std::string& cur, const std::string& prefix);
  void assignments(const TypeSpec& type, const std::string& cur);
  void field_names(const TypeSpec* type, const std::string& cur);
  void query(const TypeSpec* type, const std::string& cur);
  void references(std::vector<const TypeSpec*> types, const std::string& cur, const std::string& prefix);
  void remotes(const std::string& cur);
  void dates(bool moment, const std::string& cur, const std::string& prefix);

  friend void print(const Completer& c, const std::string& shell);
};

Walk Completer::walk(CLI::App& root, const std::vector<std::string>& words) const {
  Walk w;
  w.level = &root;
  size_t last = words.size() - 1;
  for (size_t i = 0; i < last; ++i) {
    const std::string& word = words[i];
    if (!w.options_ended && word == "--") {
      w.options_ended = true;
      continue;
    }
    if (!w.options_ended && word.size() > 1 && word[0] == '-') {
      size_t eq = word.find('=');
      const CLI::Option* o = find_option(w.level, word.substr(0, eq));
      if (!o) continue;
      size_t n = values_taken(o), k = 0;
      std::string value;
      if (eq != std::string::npos) value = word.substr(eq + 1), k = 1;
      for (; k < n; ++k) {
        if (i + 1 == last) {
          w.pending = o;
          w.pending_index = k;
          break;
        }
        value = words[++i];
      }
      if (o->check_lname("type")) w.type_hint = value;
      continue;
    }
    if (w.positionals.empty()) {
      auto subs = w.level->get_subcommands([&word](CLI::App* s) { return s->get_name() == word; });
      if (!subs.empty()) {
        w.level = subs.front();
        w.path.push_back(word);
        continue;
      }
    }
    w.positionals.push_back(word);
  }
  return w;
}

void Completer::options(const Walk& w, const std::string& cur) {
  // The command's own options, then those of the commands above it (they apply too: -C, --json...).
  for (const CLI::App* a = w.level; a; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) {
      if (!o->nonpositional() || o->get_group().empty()) continue;
      if (a != w.level && (o == a->get_help_ptr() || o == a->get_help_all_ptr() || o == a->get_version_ptr())) continue;
      for (const auto& s : o->get_snames())
        if (("-" + s).rfind(cur, 0) == 0) add("-" + s, o->get_description());
      for (const auto& l : o->get_lnames())
        if (("--" + l).rfind(cur, 0) == 0) add("--" + l, o->get_description());
    }
  }
}

void Completer::values(const Walk& w, const CLI::Option* o, size_t index, const std::string& cur,
                       const std::string& prefix) {
  // The type name as help shows it: "VALUE", "WHEN TEXT" (one word per value), "TEXT:{a,b,c}".
  std::string tname = o->get_type_name();
  if (size_t b = tname.find('{'), e = tname.rfind('}'); b != std::string::npos && e != std::string::npos && e > b) {
    add_matching(split(tname.substr(b + 1, e - b - 1), ','), cur, prefix);
    return;
  }
  std::vector<std::string> tnames = split(tname, ' ');
  std::string t = tnames.empty() ? "" : tnames[std::min(index, tnames.size() - 1)];
  if (t == "FORMAT") {
    std::vector<std::string> formats;
    for (const auto& f : split(format_names(), ',')) formats.push_back(trim(f));
    add_matching(formats, cur, prefix);
    return;
  }
  const TypeSpec* type = context_type(w);
  if (!o->nonpositional()) {
    std::string name = o->get_name();
    if (name == "FIELD=VALUE" && type) return assignments(*type, cur);
    if (is_reference(name)) {
      std::vector<const TypeSpec*> types;
      if (const TypeSpec* n = noun(w)) types.push_back(n);
      else
        for (const TypeSpec& rt : record_types())
          for (const auto& word : words(o->get_description()))
            if (word == rt.name || word == rt.folder) types.push_back(&rt);
      return references(types, cur, prefix);
    }
    if (w.level->get_name() == "report" && name == "NAME") return add_matching(report_names(), cur, prefix);
    if (name == "QUERY") return query(type ? type : find_type(w.type_hint), cur);
    if (name == "REMOTE") return remotes(cur);
    if (name == "FILE" || name == "FILES" || name == "PATH") {
      directive_ = "::file";
      return;
    }
    if (name == "DIR") {
      directive_ = "::dir";
      return;
    }
    if (type)
      if (const FieldSpec* f = type->field(lower_ascii(name))) field_values(*f, cur, prefix);
    return;
  }
  if (o->check_lname("by") && w.level->get_name() == "report") {
    if (!w.positionals.empty()) add_matching(report_groupings(w.positionals[0]), cur, prefix);
    return;
  }
  if (type) {
    // --tag, --add-tag and --rm-tag all take the value of the tags field.
    for (const auto& l : o->get_lnames()) {
      const FieldSpec* f = type->field_by_flag(l);
      for (std::string_view p : {"add-", "rm-"})
        if (!f && l.rfind(p, 0) == 0) f = type->field_by_flag(l.substr(p.size()));
      if (f) return field_values(*f, cur, prefix);
    }
  }
  if (t == "REF") {
    // `--for REF`: "a contact or company REF" names the types it takes.
    std::vector<const TypeSpec*> types;
    for (const TypeSpec& rt : record_types())
      for (const auto& word : words(o->get_description()))
        if (word == rt.name || word == rt.folder) types.push_back(&rt);
    return references(types, cur, prefix);
  }
  if (t == "FIELD") return field_names(type ? type : find_type(w.type_hint), cur);
  if (t == "TYPE") {
    std::vector<std::string> names;
    for (const TypeSpec& rt : record_types()) names.emplace_back(rt.name);
    return add_matching(names, cur, prefix);
  }
  if (t == "WHEN") return dates(true, cur, prefix);
  if (t == "DURATION") return add_matching({"15m", "30m", "45m", "1h", "1h30m", "2h", "8h", "never"}, cur, prefix);
  if (t == "CODE") {
    std::vector<std::string> codes{config().currency};
    for (const auto& [code, rate] : config().rates) codes.push_back(code);
    return add_matching(codes, cur, prefix);
  }
  if (t == "DIR") directive_ = "::dir";
  if (t == "FILE" || t == "DIR|FILE") directive_ = "::file";
}

void Completer::field_values(const FieldSpec& f, const std::string& cur, const std::string& prefix) {
  const Config& c = config();
  switch (f.kind) {
    case Kind::Choice: return add_matching(choices_of(f), cur, prefix);
    case Kind::Lifecycle: return add_matching(c.lifecycle, cur, prefix);
    case Kind::NoteKind: return add_matching(c.note_kinds, cur, prefix);
    case Kind::Stage: {
      std::vector<std::string> names;
      for (const auto& s : c.stages) names.push_back(s.name);
      return add_matching(names, cur, prefix);
    }
    case Kind::Boolean: return add_matching({"true", "false"}, cur, prefix);
    case Kind::Currency: {
      std::vector<std::string> codes{c.currency};
      for (const auto& [code, rate] : c.rates) codes.push_back(code);
      return add_matching(codes, cur, prefix);
    }
    case Kind::Ref:
    case Kind::Refs:
      if (const TypeSpec* t = find_type(f.ref_type)) references({t}, cur, prefix);
      return;
    case Kind::Date:
    case Kind::When: return dates(false, cur, prefix);
    case Kind::DateTime: return dates(true, cur, prefix);
    case Kind::Period: {
      std::vector<std::string> periods;
      for (const char* p : {"1w", "2w", "30d", "1m", "3m", "6m", "1y"}) {
        try {
          parse_period(p, "");
          periods.emplace_back(p);
        } catch (const std::exception&) {
        }
      }
      return add_matching(periods, cur, prefix);
    }
    case Kind::Duration: return add_matching({"15m", "30m", "45m", "1h", "1h30m", "2h"}, cur, prefix);
    default: return;
  }
}

// The dates people type, those crm reads (`moment`: also a time, as --at takes).
void Completer::dates(bool moment, const std::string& cur, const std::string& prefix) {
  std::vector<std::string> out;
  for (const char* d : {"now", "today", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                        "sunday", "+1d", "+3d", "+1w", "+2w", "+1m", "-7d", "-30d"}) {
    try {
      if (moment) parse_moment(d, "");
      else parse_when(d, "");
      out.emplace_back(d);
    } catch (const std::exception&) {
    }
  }
  add_matching(out, cur, prefix);
}

// `crm TYPE set REF FIELD=VALUE`: field names with '=', then after it the field's values.
void Completer::assignments(const TypeSpec& type, const std::string& cur) {
  size_t eq = cur.find('=');
  if (eq != std::string::npos) {
    std::string key = cur.substr(0, eq);
    std::replace(key.begin(), key.end(), '-', '_');
    if (const FieldSpec* f = type.field(key)) field_values(*f, cur.substr(eq + 1), cur.substr(0, eq + 1));
    return;
  }
  for (const FieldSpec& f : type.fields) {
    // What `set` refuses: the stamp and history crm writes, and the custom fields' map (fields.NAME= instead).
    if (f.name == "created" || f.kind == Kind::StageHistory || f.kind == Kind::Custom) continue;
    std::string word = std::string(f.name) + "=";
    if (word.rfind(cur, 0) == 0) add(word, std::string(f.help));
  }
  auto custom = config().fields.find(std::string(type.name));
  if (custom != config().fields.end())
    for (const CustomField& cf : custom->second)
      if ((cf.name + "=").rfind(cur, 0) == 0) add(cf.name + "=", "custom field (" + std::string(kind_name(cf.kind)) + ")");
}

void Completer::field_names(const TypeSpec* type, const std::string& cur) {
  std::vector<const TypeSpec*> types;
  if (type) types.push_back(type);
  else
    for (const TypeSpec& t : record_types()) types.push_back(&t);
  if (std::string("id").rfind(cur, 0) == 0) add("id", "the record's id");
  for (const TypeSpec* t : types)
    for (const FieldSpec& f : t->fields)
      if (f.kind != Kind::Custom && f.kind != Kind::Conflicts && std::string(f.name).rfind(cur, 0) == 0)
        add(std::string(f.name), type ? std::string(f.help) : std::string());
}

// Titles (and, once an id prefix is typed, ids) of the records of these types (empty: all),
// whose title or one of its words starts with what is typed, ignoring case and accents.
void Completer::references(std::vector<const TypeSpec*> types, const std::string& cur, const std::string& prefix) {
  const Repository* repo = repository();
  if (!repo) return;
  // Read the index as it is; none yet (a fresh clone): offer nothing rather than build one.
  if (!std::filesystem::exists(repo->state_dir() + "/index/iamglass")) return;
  Index index(*repo, false, Index::Freshen::Skip);
  if (types.empty())
    for (const TypeSpec& t : record_types()) types.push_back(&t);
  std::string typed = fold(cur);
  for (const TypeSpec* t : types) {
    ValueQuery q;
    q.type = t;
    q.fields = {"id", "title"};
    for (const auto& row : index.values(q).rows) {
      const std::string &id = row[0], &title = row[1];
      std::string folded = fold(title);
      bool match = folded.rfind(typed, 0) == 0;
      for (size_t sp = folded.find(' '); !match && sp != std::string::npos; sp = folded.find(' ', sp + 1))
        match = folded.compare(sp + 1, typed.size(), typed) == 0;
      bool printable = std::none_of(title.begin(), title.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
      if (match && !title.empty() && printable) add(prefix + title, std::string(t->name) + " " + short_id(id));
      else if (!cur.empty() && id.rfind(cur, 0) == 0) add(prefix + id, std::string(t->name) + ": " + title);
    }
  }
}

// A query term (crm-search(1)): `type:` and a record type, a field name and ':', then after it the
// field's values (choices, stages, references...), a leading '-' or '+' kept.
void Completer::query(const TypeSpec* type, const std::string& cur) {
  size_t sign = !cur.empty() && (cur[0] == '-' || cur[0] == '+') ? 1 : 0;
  std::string lead = cur.substr(0, sign), term = cur.substr(sign);
  std::vector<const TypeSpec*> types;
  if (type) types.push_back(type);
  else
    for (const TypeSpec& t : record_types()) types.push_back(&t);
  size_t colon = term.find(':');
  if (colon != std::string::npos) {
    std::string key = term.substr(0, colon), value = term.substr(colon + 1), prefix = lead + term.substr(0, colon + 1);
    if (key == "type") {
      std::vector<std::string> names;
      for (const TypeSpec& t : record_types()) names.emplace_back(t.name);
      return add_matching(names, value, prefix);
    }
    for (const TypeSpec* t : types)
      if (const FieldSpec* f = t->field(key)) field_values(*f, value, prefix);
    return;
  }
  if (term.empty()) return;  // a free word: nothing to offer but the whole vocabulary
  if (std::string("type:").rfind(term, 0) == 0) add(lead + "type:", "records of one type");
  for (const TypeSpec* t : types)
    for (const FieldSpec& f : t->fields)
      if (f.kind != Kind::Custom && f.kind != Kind::Conflicts && std::string(f.name).rfind(term, 0) == 0)
        add(lead + std::string(f.name) + ":", std::string(t->name) + " " + std::string(f.help));
  auto& custom = config().fields;
  for (const TypeSpec* t : types)
    if (auto it = custom.find(std::string(t->name)); it != custom.end())
      for (const CustomField& cf : it->second)
        if (cf.name.rfind(term, 0) == 0) add(lead + cf.name + ":", "custom field");
}

// The repository's git remotes, from .git/config (as `git remote` lists them).
void Completer::remotes(const std::string& cur) {
  const Repository* repo = repository();
  if (!repo) return;
  std::ifstream in(repo->root() + "/.git/config");
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    const std::string head = "[remote \"";
    if (line.rfind(head, 0) == 0 && line.size() > head.size() + 2 && line.substr(line.size() - 2) == "\"]") {
      std::string name = line.substr(head.size(), line.size() - head.size() - 2);
      if (name.rfind(cur, 0) == 0) add(name);
    }
  }
}

void Completer::run(const std::vector<std::string>& given) {
  std::vector<std::string> words = given.empty() ? std::vector<std::string>{""} : given;
  // -C DIR before the command: the repository whose types, settings and records to offer.
  for (size_t i = 0; i + 2 < words.size(); ++i)
    if (words[i] == "-C") ctx_.dir = home_expanded(words[i + 1]);
  // The repository's crm.yaml may declare record types: load it before building the commands.
  repository();
  Context scratch;  // what the commands' options would write to; nothing runs
  CLI::App root{"crm", "crm"};
  add_global_options(root, scratch);
  register_commands(root, scratch, "", false);

  Walk w = walk(root, words);
  const std::string& cur = words.back();
  if (w.pending) {
    values(w, w.pending, w.pending_index, cur, "");
  } else if (!w.options_ended && cur.rfind("--", 0) == 0 && cur.find('=') != std::string::npos) {
    size_t eq = cur.find('=');
    const CLI::Option* o = find_option(w.level, cur.substr(0, eq));
    if (o && values_taken(o)) values(w, o, 0, cur.substr(eq + 1), cur.substr(0, eq + 1));
  } else if (!w.options_ended && !cur.empty() && cur[0] == '-') {
    options(w, cur);
  } else if (auto subs = w.level->get_subcommands([](CLI::App* s) { return !s->get_group().empty(); });
             !subs.empty() && w.positionals.empty()) {
    for (const CLI::App* s : subs)
      if (s->get_name().rfind(cur, 0) == 0) add(s->get_name(), s->get_description());
  } else if (const CLI::Option* p = positional_at(w.level, w.positionals.size())) {
    values(w, p, 0, cur, "");
  }
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

void print(const Completer& c, const std::string& shell) {
  std::string out;
  if (c.out_.empty() && !c.directive_.empty()) out = c.directive_ + "\n";
  for (const auto& [word, help] : c.out_) {
    out += one_line(word);
    if (c.descriptions_ && !help.empty() && shell != "bash") out += "\t" + one_line(help);
    out += "\n";
  }
  std::cout << out;
}

}  // namespace

void register_complete(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<CompleteArgs>();
  auto* c = app.add_subcommand("__complete", "candidates for the word under the cursor, for the shell completions");
  c->group("");  // hidden from `crm --help`
  c->add_option("--shell", a->shell, "bash (candidates only), zsh or fish (candidate<TAB>description)")
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  c->add_option("WORD", a->words, "the words after `crm`, the last one under the cursor (after --)");
  c->callback([&ctx, a] {
    Completer completer(ctx, a->shell != "bash");
    try {
      completer.run(a->words);
    } catch (...) {
      return;  // a completion offers nothing rather than an error
    }
    print(completer, a->shell);
  });
}

}  // namespace crm
