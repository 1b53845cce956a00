// crm init, crm clone
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "cmd/context.hpp"
#include "index/index.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "store/git.hpp"
#include "sync/sync.hpp"

namespace crm {

namespace {

std::string absolute(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    fail(Failure::Runtime, "cannot create " + dir + ": " + std::strerror(errno));
  char buf[4096];
  if (!::realpath(dir.c_str(), buf)) fail(Failure::Runtime, "cannot use " + dir + ": " + std::strerror(errno));
  return buf;
}

struct InitOptions {
  std::string dir = ".";
  std::string remote;
  std::string currency = "EUR";
};

void run_init(Context& ctx, const InitOptions& o) {
  std::string cur = o.currency;
  for (auto& c : cur) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!valid_currency(cur))
    fail(Failure::Invalid, "--currency: '" + o.currency + "' is not an ISO 4217 currency code");
  std::string base = o.dir;
  if (!ctx.dir.empty() && o.dir == ".") base = ctx.dir;
  std::string root = absolute(base);
  struct stat st;
  if (::stat((root + "/crm.yaml").c_str(), &st) == 0)
    fail(Failure::Usage, root + " is already a crm repository", "use it as it is, or choose another folder");
  Git::init(root);
  std::string settings = Config::defaults(cur).emit();
  write_file_atomic(root + "/crm.yaml", settings);
  write_file_atomic(root + "/.gitattributes", kGitAttributes);
  auto opened = Git::open(root);
  Git& git = *opened;
  git.commit({{"crm.yaml", settings}, {".gitattributes", kGitAttributes}},
             ctx.message.empty() ? "crm: start repository" : ctx.message);
  register_merge_driver(git);
  if (!o.remote.empty()) git.add_remote("origin", o.remote);
  ctx.say("crm: initialised a repository in " + root);
}

void run_clone(Context& ctx, const std::string& url, std::string dir) {
  if (dir.empty()) {
    std::string u = url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    dir = u.substr(u.find_last_of("/:") + 1);
    if (dir.size() > 4 && dir.substr(dir.size() - 4) == ".git") dir.resize(dir.size() - 4);
    if (dir.empty()) dir = "crm";
  }
  // The user's git does the transport: their ssh config, agents and credential helpers apply.
  std::vector<std::string> args = {"clone"};
  if (ctx.quiet) args.push_back("--quiet");
  args.insert(args.end(), {"--", url, dir});
  int rc = run_git(".", args);
  if (rc != 0)
    fail(Failure::Runtime, "git clone of " + url + " failed" + (rc == 127 ? " (is git installed?)" : ""),
         "check the address and your access to it; git's message is above");
  // A bare remote made with another default branch name points HEAD at a branch
  // nobody pushed: git then checks out nothing. Take main, else the only branch.
  struct stat st;
  if (::stat((dir + "/crm.yaml").c_str(), &st) != 0) {
    std::string branches;
    std::string ignored;
    run_git(dir, {"for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/origin/"}, &branches, &ignored);
    auto names = split(trim(branches), '\n');
    names.erase(std::remove(names.begin(), names.end(), "HEAD"), names.end());
    std::string pick = std::find(names.begin(), names.end(), "main") != names.end() ? "main"
                       : names.size() == 1 && !names[0].empty() ? names[0] : "";
    if (!pick.empty()) run_git(dir, {"checkout", "-q", "-B", pick, "--track", "origin/" + pick});
  }
  Repository repo = Repository::discover(dir);
  {
    auto opened = Git::open(repo.root());
    Git& git = *opened;
    register_merge_driver(git);
  }
  Index index(repo, false);
  ctx.say("crm: cloned " + std::to_string(index.count(nullptr)) + " records into " + repo.root());
}

}  // namespace

void register_init(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<InitOptions>();
  auto* init = app.add_subcommand("init", "create a crm repository (a git repository with crm.yaml)");
  init->add_option("DIR", o->dir, "folder to create or use (default: the current one)");
  init->add_option("--remote", o->remote, "add this git remote as origin")->type_name("URL");
  init->add_option("--currency", o->currency, "default currency (ISO 4217, default EUR)")->type_name("CODE");
  init->add_option("-m,--message", ctx.message, "commit message");
  init->callback([&ctx, o] { run_init(ctx, *o); });

  auto url = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>();
  auto* clone = app.add_subcommand("clone", "clone a crm repository and build its index");
  clone->add_option("URL", *url, "git remote address (file, ssh or https)")->required();
  clone->add_option("DIR", *dir, "folder to clone into");
  clone->callback([&ctx, url, dir] { run_clone(ctx, *url, *dir); });
}

}  // namespace crm
