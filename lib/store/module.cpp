#include "store/module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <string>

#include "model/error.hpp"

#ifndef CRM_MODULE_DIR
#define CRM_MODULE_DIR "../lib/crm"
#endif

namespace crm {

std::string executable_path() {
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  return n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string();
}

void* module_symbol(const char* name, const char* symbol) {
  std::string dir = executable_path();
  dir = dir.empty() ? "." : dir.erase(dir.rfind('/'));
  std::string file = std::string(name) + ".so";
  std::string why;
  for (const std::string& path : {dir + "/" CRM_MODULE_DIR "/" + file, dir + "/" + file}) {
    if (::access(path.c_str(), F_OK) != 0) continue;
    // Never closed: the module lives as long as the process.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) fail(Failure::Runtime, std::string("cannot load ") + path + ": " + ::dlerror());
    void* address = ::dlsym(handle, symbol);
    if (!address) fail(Failure::Runtime, std::string("cannot load ") + path + ": no " + symbol + " in it");
    return address;
  }
  fail(Failure::Runtime, "cannot find " + file + " in " + dir + "/" CRM_MODULE_DIR + " or " + dir,
       "crm's installation is incomplete: reinstall it");
}

}  // namespace crm
