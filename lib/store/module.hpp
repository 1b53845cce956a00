// Modules: the parts of crm whose libraries are costly to load, built as
// shared objects and loaded on first use, so that a command that does not
// need them never pays for them. Loading the 30 libraries behind libgit2
// and GMime took ~14 ms of every process (bench/RESULTS.md).
//
//   crm-git.so    libgit2, OpenSSL (store/git.hpp)
//   crm-mail.so   GMime and glib (interop/mail.hpp)
//
// A module links its own copy of the crm code it uses, so pointers into
// crm's static tables (a record's TypeSpec) must be mapped back by the caller.
//
// They are looked for in CRM_MODULE_DIR relative to the crm binary
// (../lib/crm when installed), then beside it (the build tree).
#pragma once
#include <string>

namespace crm {

// The running crm binary's path ("" when /proc is not there): modules are found beside it,
// and the watcher is started from it.
std::string executable_path();

// The address of `symbol` in module `name` ("crm-git"), loaded once.
// Fails (exit 1) naming the file and the loader's reason when it cannot be loaded.
void* module_symbol(const char* name, const char* symbol);

}  // namespace crm
