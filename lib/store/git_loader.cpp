// The Git interface's entry points, served by crm-git.so (store/module.hpp).
// A program that links the module's objects in (the unit tests) defines
// crm_git_module itself and loads nothing.
#include "store/git.hpp"
#include "store/module.hpp"

extern "C" const crm::GitModule* crm_git_module() __attribute__((weak));

namespace crm {

namespace {

const GitModule& git_module() {
  static const GitModule* module = crm_git_module
      ? crm_git_module()
      : reinterpret_cast<const GitModule* (*)()>(module_symbol("crm-git", "crm_git_module"))();
  return *module;
}

}  // namespace

std::unique_ptr<Git> Git::open(const std::string& root) { return git_module().open(root); }

void Git::init(const std::string& root) { git_module().init(root); }

std::string Git::blob_id(const std::string& content) { return git_module().blob_id(content); }

std::optional<std::string> merge_lines(const std::string& base, const std::string& ours, const std::string& theirs,
                                       bool markers) {
  return git_module().merge_lines(base, ours, theirs, markers);
}

std::array<uint8_t, 20> sha1(std::string_view bytes) { return git_module().sha1(bytes); }

}  // namespace crm
