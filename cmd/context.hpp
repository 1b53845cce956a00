// What every command shares: global options, the repository, output style.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

#include "render/output.hpp"
#include "store/repository.hpp"

namespace crm {

struct Context {
  std::string dir;          // -C
  std::string format_name;  // --format
  bool json = false;        // --json
  std::string color = "auto";
  bool quiet = false;
  bool verbose = false;
  std::string message;  // -m on mutating commands

  Repository& repo();  // discovered on first use
  Format format(Format fallback) const;
  Style style() const;
  bool use_color() const;
  bool stdout_tty() const;
  // Human messages: stderr, silenced by -q.
  void say(const std::string& text) const;
  void warn(const std::string& text) const;

 private:
  std::optional<Repository> repo_;
};

// Command groups register themselves on the app (one file each, like git's builtins).
void register_init(CLI::App& app, Context& ctx);
// `only`: one record type's command (`contact`), or every type when empty.
void register_records(CLI::App& app, Context& ctx, const std::string& only = "");
void register_show(CLI::App& app, Context& ctx);
void register_edit(CLI::App& app, Context& ctx);
void register_history(CLI::App& app, Context& ctx);
void register_check(CLI::App& app, Context& ctx);
void register_reindex(CLI::App& app, Context& ctx);
void register_search(CLI::App& app, Context& ctx);
void register_log(CLI::App& app, Context& ctx);
void register_agenda(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);
void register_report(CLI::App& app, Context& ctx);
void register_sync(CLI::App& app, Context& ctx);
void register_import(CLI::App& app, Context& ctx);
void register_watch(CLI::App& app, Context& ctx);
void register_hooks(CLI::App& app, Context& ctx);
// Hidden commands for the shell completions and the build (cmd/complete.cpp, cmd/schema.cpp).
void register_complete(CLI::App& app, Context& ctx);
void register_schema(CLI::App& app, Context& ctx);

// The global options (-C, --format, ...) on the root of the command tree.
void add_global_options(CLI::App& app, Context& ctx);
// The commands on `app`: only the one named `word`, or every one when `word` is empty or unknown
// (cmd/main.cpp). `version`: `crm --version`, which needs none.
void register_commands(CLI::App& app, Context& ctx, const std::string& word, bool version);

// Read all of stdin (for `-` arguments).
std::string read_stdin();

}  // namespace crm
