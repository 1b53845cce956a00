// crm: the command table, global options, and the one place where failures
// become exit codes (0 ok, 1 runtime, 2 usage, 3 not found/ambiguous,
// 4 invalid data, 5 conflict or lock busy).
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <vector>

#include "cmd/context.hpp"
#include "model/error.hpp"
#include "model/schema.hpp"

namespace crm {

Repository& Context::repo() {
  if (!repo_) {
    repo_ = Repository::discover(dir);
    // -q is read at the time of printing: the repository may be opened before options are parsed.
    repo_->on_warning([this](const std::string& text) {
      if (!quiet) std::cerr << "crm: " << text << "\n";
    });
    if (isatty(STDERR_FILENO))
      repo_->on_progress([this](const std::string& what, size_t done, size_t total) {
        if (quiet) return;
        if (what == "indexed") std::cerr << "\rcrm: indexed " << done << " records      \n";
        else std::cerr << "\rcrm: " << what << " " << done << "/" << total << std::flush;
      });
    repo_->on_note([this](const std::string& text) {
      if (verbose) std::cerr << "crm: " << text << "\n";
    });
    repo_->note("repository " + repo_->root());
  }
  return *repo_;
}

Format Context::format(Format fallback) const {
  if (json) return Format::Json;
  if (!format_name.empty()) return parse_format(format_name);
  return fallback;
}

bool Context::stdout_tty() const { return isatty(STDOUT_FILENO); }

bool Context::use_color() const {
  if (color == "always") return true;
  if (color == "never") return false;
  if (const char* nc = std::getenv("NO_COLOR"); nc && *nc) return false;
  return stdout_tty();
}

Style Context::style() const {
  Style s;
  s.color = use_color();
  if (stdout_tty()) {
    s.width = 100;
    if (const char* cols = std::getenv("COLUMNS"); cols && std::atoi(cols) > 20)
      s.width = static_cast<size_t>(std::atoi(cols));
  }
  return s;
}

void Context::say(const std::string& text) const {
  if (!quiet) std::cerr << text << "\n";
}
void Context::warn(const std::string& text) const { std::cerr << "crm: warning: " << text << "\n"; }

std::string read_stdin() {
  std::string s, line;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) s.append(buf, n);
  return s;
}

// The global options that take a value as the next word.
bool takes_value(const std::string& a) { return a == "-C" || a == "--format" || a == "--color"; }

// The first word that is not a global option or its value: the command asked for.
std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (takes_value(a))
      ++i;
    else if (a == "--")
      return argc > i + 1 ? argv[i + 1] : "";
    else if (!a.empty() && a[0] != '-')
      return a;
  }
  return "";
}

// The options every command takes, on the root of the command tree (also built by `crm __complete`).
void add_global_options(CLI::App& app, Context& ctx) {
  app.set_version_flag("--version", std::string("crm ") + CRM_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("-C", ctx.dir, "run as if started in DIR (default: $CRM_REPO, else the enclosing repository)")
      ->type_name("DIR");
  app.add_option("--format", ctx.format_name, "output format: " + format_names())
      ->type_name("FORMAT")
      ->check([](const std::string& v) {
        try {
          parse_format(v);
          return std::string();
        } catch (const Error& e) {
          return std::string("unknown format '") + v + "'; formats are: " + format_names();
        }
      });
  app.add_flag("--json", ctx.json, "same as --format json");
  app.add_option("--color", ctx.color, "colour: auto, always, never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", ctx.quiet, "no messages on stderr except errors");
  app.add_flag("-v,--verbose", ctx.verbose, "more messages on stderr");
  app.footer(
      "Run 'crm COMMAND --help' for a command's options, and 'man crm' for the whole manual.\n"
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 not found or ambiguous, 4 invalid data, 5 conflict or busy.");
}

// Only the command asked for is built: every command's options, checks and help together take
// longer to construct than the rest of crm's start. No command (`crm --help`) or an unknown one
// builds them all, for the list of commands and the error naming the unknown one.
void register_commands(CLI::App& app, Context& ctx, const std::string& word, bool version) {
  using Register = void (*)(CLI::App&, Context&);
  static const std::pair<const char*, Register> table[] = {
      {"init", register_init},
      {"clone", register_init},
      {nullptr, [](CLI::App& a, Context& c) { register_records(a, c); }},  // contact, company, deal...
      {"show", register_show},
      {"edit", register_edit},
      {"history", register_history},
      {"check", register_check},
      {"reindex", register_reindex},
      {"search", register_search},
      {"log", register_log},
      {"agenda", register_agenda},
      {"export", register_export},
      {"report", register_report},
      {"sync", register_sync},
      {"merge-file", register_sync},
      {"import", register_import},
      {"watch", register_watch},
      {"hooks", register_hooks},
      {"__complete", register_complete},
      {"__schema", register_schema},
  };
  if (word.empty() && version) return;  // `crm --version` needs no command
  for (const auto& [name, reg] : table)
    if (name && word == name) return reg(app, ctx);
  for (const TypeSpec& t : record_types())
    if (word == t.name) return register_records(app, ctx, word);
  // Not a built-in word: perhaps a type the repository's crm.yaml declares (reading it declares
  // them). Outside a repository only built-in commands exist. A crm.yaml that does not load is
  // the reason a declared noun is unknown: its error (file, line, column) is the one to read.
  try {
    ctx.repo();
  } catch (const Error& e) {
    if (!word.empty() && std::string_view(e.what()).rfind("not a crm repository", 0) != 0) throw;
  }
  for (const TypeSpec& t : record_types())
    if (word == t.name) return register_records(app, ctx, word);
  for (Register last = nullptr; const auto& [name, reg] : table)
    if (reg != last) reg(app, ctx), last = reg;
}

}  // namespace crm

int main(int argc, char** argv) {
  using namespace crm;
  // Local time as the system has it, read once: with TZ unset, glibc stats /etc/localtime on
  // every conversion (4,000 times in `crm agenda` at M).
  if (!std::getenv("TZ")) ::setenv("TZ", ":/etc/localtime", 0);
  Context ctx;
  CLI::App app{"crm: customer relationships in plain YAML files in a git repository", "crm"};
  add_global_options(app, ctx);

  // -C before the command names the repository whose crm.yaml may declare the command's noun.
  for (int i = 1; i + 1 < argc && std::string_view(argv[i]) != "--"; ++i)
    if (std::string_view(argv[i]) == "-C") ctx.dir = argv[i + 1];
  try {
    register_commands(app, ctx, command_word(argc, argv),
                      std::any_of(argv + 1, argv + argc, [](const char* a) { return std::string_view(a) == "--version"; }));
  } catch (const Error& e) {  // the crm.yaml that would declare the command's noun does not load
    std::cerr << "crm: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return e.exit_code();
  }

  // Name an unknown command (at any level) instead of CLI11's "A subcommand is required".
  CLI::App* level = &app;
  std::string path = "crm";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (takes_value(a)) {
      ++i;
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    auto subs = level->get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) break;  // a command's own arguments from here on
    auto known = level->get_subcommands([&a](const CLI::App* sub) { return sub->get_name() == a; });
    if (known.empty()) {
      std::cerr << "crm: '" << a << "' is not a " << path << " command\nhint: run '" << path
                << " --help' for the list of commands\n";
      return static_cast<int>(Failure::Usage);
    }
    level = known.front();
    path += " " + a;
  }
  // A query may start with '-' (Lunr's "prohibited"): after `search` or `list`, a word that is not one
  // of the command's options is the query, so `crm search -stage:lost` works without `--`.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (path == "crm search" || path == "crm report" || (path.size() > 5 && path.substr(path.size() - 5) == " list")) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--") break;
      // The value of an option (`--since -7d`) is not a query.
      if (a.size() > 2 && a[0] == '-' && a[1] == '-' && a.find('=') == std::string::npos) {
        const CLI::Option* o = level->get_option_no_throw(a);
        if (!o) o = app.get_option_no_throw(a);
        if (o && o->get_type_size() != 0) ++i;
        continue;
      }
      if (a.size() > 1 && a[0] == '-' && a[1] != '-' && !level->get_option_no_throw(a.substr(0, 2)) &&
          !app.get_option_no_throw(a.substr(0, 2))) {
        if (path == "crm report") {
          // Report options may follow the query (`crm report pipeline -stage:lead --format csv`):
          // the query's words go last, after `--`.
          std::vector<std::string> kept, words;
          for (size_t j = 0; j < args.size(); ++j) {
            const std::string& w = args[j];
            const CLI::Option* o = w.size() > 1 && w[0] == '-'
                                       ? level->get_option_no_throw(w.substr(0, w[1] == '-' ? w.find('=') : 2))
                                       : nullptr;
            if (!o && w.size() > 1 && w[0] == '-')
              o = app.get_option_no_throw(w.substr(0, w[1] == '-' ? w.find('=') : 2));
            if (j >= i && w.size() > 1 && w[0] == '-' && w[1] != '-' && !o) {
              words.push_back(w);
              continue;
            }
            kept.push_back(w);
            if (o && o->get_type_size() != 0 && w.find('=') == std::string::npos &&
                w.size() == (w[1] == '-' ? w.size() : 2) && j + 1 < args.size())
              kept.push_back(args[++j]);  // the option's value, whatever it looks like
          }
          kept.push_back("--");
          kept.insert(kept.end(), words.begin(), words.end());
          args = kept;
          break;
        }
        args.insert(args.begin() + static_cast<long>(i), "--");
        break;
      }
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last-first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "crm: " << e.what() << "\n";
    std::cerr << "hint: run 'crm --help' or 'crm COMMAND --help'\n";
    return static_cast<int>(Failure::Usage);
  } catch (const Error& e) {
    std::cerr << "crm: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return e.exit_code();
  } catch (const Xapian::Error& e) {
    std::cerr << "crm: index: " << e.get_description() << "\n";
    std::cerr << "hint: `crm reindex` rebuilds the index from the files\n";
    return static_cast<int>(Failure::Runtime);
  } catch (const std::exception& e) {
    std::cerr << "crm: " << e.what() << "\n";
    return static_cast<int>(Failure::Runtime);
  }
  return 0;
}
