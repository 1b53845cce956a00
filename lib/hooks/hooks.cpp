#include "hooks/hooks.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "model/error.hpp"
#include "model/record.hpp"
#include "store/git.hpp"
#include "store/lock.hpp"
#include "store/repository.hpp"

extern char** environ;

namespace crm {

const std::vector<std::string>& hook_event_names() {
  static const std::vector<std::string> names = {"add", "set", "move", "rm"};
  return names;
}

namespace {

constexpr const char* kFolder = ".crm/hooks";
// Hooks whose crm fires hooks, whose crm fires hooks...: the crm started this many levels deep runs none.
constexpr int kMaxDepth = 3;
constexpr size_t kMaxHookBytes = size_t(16) << 20;
constexpr double kDefaultTimeout = 30;

// "deal-move": a record type's name and an event.
bool valid_name(const std::string& name) {
  size_t dash = name.rfind('-');
  if (dash == std::string::npos) return false;
  std::string type = name.substr(0, dash), event = name.substr(dash + 1);
  const auto& events = hook_event_names();
  if (std::find(events.begin(), events.end(), event) == events.end()) return false;
  return std::any_of(record_types().begin(), record_types().end(), [&](const TypeSpec& t) { return t.name == type; });
}

std::string trust_file(const Repository& repo) { return repo.state_dir() + "/hooks-trusted"; }

// name -> blob id trusted.
std::map<std::string, std::string> read_trust(const Repository& repo) {
  std::map<std::string, std::string> trusted;
  std::string path = repo.git_dir() + "/crm/hooks-trusted";
  if (::access(path.c_str(), F_OK) != 0) return trusted;
  std::string text = read_file(path, kMaxRecordBytes, ".git/crm/hooks-trusted");
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t sp = line.find(' ');
    if (line.empty() || line[0] == '#' || sp == std::string::npos) continue;
    trusted[line.substr(sp + 1)] = line.substr(0, sp);
  }
  return trusted;
}

void write_trust(const Repository& repo, const std::map<std::string, std::string>& trusted) {
  std::string text = "# Hooks trusted in this clone (crm hooks trust): git blob id, name. Never committed.\n";
  for (const auto& [name, blob] : trusted) text += blob + " " + name + "\n";
  replace_file(trust_file(repo), text);
}

// A hook's content, read without following a symbolic link; nullopt when it is not a readable regular file.
std::optional<std::string> read_hook(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) > kMaxHookBytes) {
    ::close(fd);
    return std::nullopt;
  }
  std::string content;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || content.size() + static_cast<size_t>(n) > kMaxHookBytes) {
      ::close(fd);
      return std::nullopt;
    }
    content.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

// What an entry of .crm/hooks is, and for a hook, whether this clone trusts its content.
HookFile describe(const Repository& repo, const std::string& name, const std::map<std::string, std::string>& trusted) {
  HookFile h;
  h.name = name;
  h.path = std::string(kFolder) + "/" + name;
  std::string abs = repo.absolute(h.path);
  struct stat st;
  if (::lstat(abs.c_str(), &st) != 0) {
    h.ignored = "cannot be read: " + std::string(std::strerror(errno));
    return h;
  }
  if (S_ISLNK(st.st_mode))
    h.ignored = "a symbolic link: a hook must be a regular file";
  else if (S_ISDIR(st.st_mode))
    h.ignored = "a folder";
  else if (!S_ISREG(st.st_mode))
    h.ignored = "not a regular file";
  else if (!valid_name(name))
    h.ignored = "not named TYPE-EVENT (like deal-move)";
  if (!h.ignored.empty()) return h;
  auto content = read_hook(abs);
  if (!content) {
    h.ignored = "cannot be read (or is larger than 16 MiB)";
    return h;
  }
  h.executable = (st.st_mode & S_IXUSR) && ::access(abs.c_str(), X_OK) == 0;
  h.blob = Git::blob_id(*content);
  auto t = trusted.find(name);
  h.trust = t == trusted.end() ? HookTrust::Untrusted : t->second == h.blob ? HookTrust::Trusted : HookTrust::Changed;
  return h;
}

double hook_timeout() {
  if (const char* t = std::getenv("CRM_HOOK_TIMEOUT"); t && *t) {
    char* end = nullptr;
    double v = std::strtod(t, &end);
    if (end && *end == '\0' && v > 0) return v;
  }
  return kDefaultTimeout;
}

int hook_depth() {
  const char* d = std::getenv("CRM_HOOK_DEPTH");
  return d && *d ? std::max(0, std::atoi(d)) : 0;
}

// The record of a file's text, as JSON (fields only); null when it does not parse.
Json record_of(const Repository& repo, const HookEvent& e, const std::string& text) {
  try {
    return canonical(*e.type, repo.parse(*e.type, e.id, e.path, text).record.data);
  } catch (const Error&) {
    return Json();
  }
}

// How a hook ended.
struct Outcome {
  int status = 0;  // from waitpid
  bool timed_out = false;
  std::string last_line;  // of its stderr
};

// Run `file` with `input` on stdin and `env` as its environment, in `root`, in its own process
// group (so that a timeout kills what it started too). Its stdout and stderr go to our stderr
// (never our stdout: that is the command's); the last line of its stderr is kept.
Outcome spawn(const std::string& root, const std::string& file, const std::string& input,
              const std::vector<std::string>& env, double timeout) {
  Outcome o;
  // stdin from memory, not a pipe: a hook that does not read it neither blocks nor breaks us.
  int in = ::memfd_create("crm-hook-input", MFD_CLOEXEC);
  int errpipe[2] = {-1, -1};
  if (in < 0 || ::pipe2(errpipe, O_CLOEXEC) != 0) {
    if (in >= 0) ::close(in);
    o.status = 127 << 8;
    o.last_line = std::string("cannot start it: ") + std::strerror(errno);
    return o;
  }
  for (size_t done = 0; done < input.size();) {
    ssize_t n = ::write(in, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  ::lseek(in, 0, SEEK_SET);
  // Everything the child needs is made before fork().
  std::vector<const char*> argv = {file.c_str(), nullptr};
  std::vector<const char*> envp;
  for (const auto& e : env) envp.push_back(e.c_str());
  envp.push_back(nullptr);
  std::string cannot = "cannot run it: ";
  sigset_t none;
  sigemptyset(&none);
  std::cout.flush();
  std::fflush(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with crm (a crm killed by ^C takes its hook along)
    if (::getppid() != parent) _exit(127);
    ::signal(SIGPIPE, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(in, STDIN_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::dup2(errpipe[1], STDERR_FILENO);
    if (::chdir(root.c_str()) != 0) _exit(127);
    ::execve(file.c_str(), const_cast<char* const*>(argv.data()), const_cast<char* const*>(envp.data()));
    int e = errno;  // no allocation between fork and exit: only write(2)
    const char* why = std::strerror(e);
    const char* hint = e == ENOEXEC ? " (a script needs a #! line)\n" : "\n";
    for (const char* part : {cannot.c_str(), why, hint})
      if (::write(STDERR_FILENO, part, std::strlen(part)) < 0) break;
    _exit(126);
  }
  ::close(in);
  ::close(errpipe[1]);
  if (pid < 0) {
    ::close(errpipe[0]);
    o.status = 127 << 8;
    o.last_line = std::string("cannot start it: ") + std::strerror(errno);
    return o;
  }
  ::setpgid(pid, pid);  // also here: the child may not have run yet when a timeout kills its group
  int fd = errpipe[0];
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  std::string tail;  // the end of its stderr, for the last line
  auto drain = [&] {
    char buf[8192];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return n == 0;  // true: end of file
      size_t got = static_cast<size_t>(n);
      for (size_t off = 0; off < got;) {
        ssize_t w = ::write(STDERR_FILENO, buf + off, got - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
      tail.append(buf, got);
      if (tail.size() > 8192) tail.erase(0, tail.size() - 4096);
    }
  };
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(timeout * 1000));
  auto kill_at = Clock::time_point::max();
  int nap = 1;
  while (true) {
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, 20);
      if (drain()) {
        ::close(fd);
        fd = -1;
      }
    } else {
      ::usleep(static_cast<useconds_t>(nap * 1000));
      nap = std::min(nap * 2, 20);
    }
    pid_t r = ::waitpid(pid, &o.status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) break;
    auto now = Clock::now();
    if (!o.timed_out && now >= deadline) {
      o.timed_out = true;
      ::kill(-pid, SIGTERM);
      ::kill(pid, SIGTERM);  // in case it left the group
      kill_at = now + std::chrono::seconds(2);
    } else if (now >= kill_at) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      kill_at = Clock::time_point::max();
    }
  }
  // What it wrote before it ended (a process it left running may hold the pipe: do not wait for that).
  if (fd >= 0) {
    drain();
    ::close(fd);
  }
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) tail.pop_back();
  size_t nl = tail.rfind('\n');
  o.last_line = nl == std::string::npos ? tail : tail.substr(nl + 1);
  return o;
}

std::string failure_of(const Outcome& o, double timeout) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%g", timeout);
  if (o.timed_out) return std::string("timed out after ") + secs + " s and was killed";
  if (WIFEXITED(o.status)) return "exit " + std::to_string(WEXITSTATUS(o.status));
  if (WIFSIGNALED(o.status)) {
    const char* name = ::strsignal(WTERMSIG(o.status));
    return "killed by signal " + std::to_string(WTERMSIG(o.status)) + (name ? std::string(": ") + name : "");
  }
  return "status " + std::to_string(o.status);
}

}  // namespace

bool Hooks::present(const Repository& repo) {
  struct stat st;
  return ::lstat(repo.absolute(kFolder).c_str(), &st) == 0;
}

bool Hooks::listens(const Repository& repo, const TypeSpec& type, const std::string& event) {
  auto exists = [&](const std::string& e) {
    struct stat st;
    return ::lstat(repo.absolute(std::string(kFolder) + "/" + std::string(type.name) + "-" + e).c_str(), &st) == 0;
  };
  return exists(event) || (event == "set" && type.has_verb("move") && exists("move"));
}

std::string Hooks::folder_problem() const {
  for (const std::string& f : {std::string(".crm"), std::string(kFolder)}) {
    struct stat st;
    if (::lstat(repo_.absolute(f).c_str(), &st) != 0) return f + " does not exist";
    if (S_ISLNK(st.st_mode)) return f + " is a symbolic link; hooks must be files in the repository's own " + kFolder;
    if (!S_ISDIR(st.st_mode)) return f + " is not a folder";
  }
  return {};
}

std::vector<HookFile> Hooks::list() const {
  std::vector<HookFile> hooks;
  if (!folder_problem().empty()) return hooks;
  auto trusted = read_trust(repo_);
  DIR* d = ::opendir(repo_.absolute(kFolder).c_str());
  if (!d) return hooks;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);  // dot files: editors' swap files
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) hooks.push_back(describe(repo_, n, trusted));
  return hooks;
}

std::vector<std::string> Hooks::trust(const std::vector<std::string>& names) const {
  std::string problem = folder_problem();
  if (!problem.empty())
    fail(Failure::NotFound, "no hooks to trust: " + problem, "hooks are executable files in .crm/hooks");
  WriteLock lock(repo_);  // two trusts at once must not lose one
  auto trusted = read_trust(repo_);
  std::vector<HookFile> chosen;
  if (names.empty()) {
    for (auto& h : list())
      if (h.ignored.empty()) chosen.push_back(h);
    if (chosen.empty())
      fail(Failure::NotFound, "no hooks in .crm/hooks", "hooks are executable files named TYPE-EVENT, like deal-move");
  }
  for (const auto& n : names) {
    if (!valid_name(n))
      fail(Failure::Usage, "'" + n + "' is not a hook name",
           "hooks are named TYPE-EVENT (events: add, set, move, rm), like deal-move");
    struct stat st;
    if (::lstat(repo_.absolute(std::string(kFolder) + "/" + n).c_str(), &st) != 0)
      fail(Failure::NotFound, "no hook " + std::string(kFolder) + "/" + n,
           "write it first; `crm hooks` lists the hooks there are");
    HookFile h = describe(repo_, n, trusted);
    if (!h.ignored.empty()) fail(Failure::Invalid, "cannot trust " + h.path + ": it is " + h.ignored);
    chosen.push_back(h);
  }
  std::vector<std::string> done;
  for (const auto& h : chosen) {
    trusted[h.name] = h.blob;
    done.push_back(h.name);
  }
  write_trust(repo_, trusted);
  return done;
}

std::vector<std::string> Hooks::untrust(const std::vector<std::string>& names) const {
  WriteLock lock(repo_);
  auto trusted = read_trust(repo_);
  std::vector<std::string> done;
  if (names.empty()) {
    for (const auto& [name, blob] : trusted) done.push_back(name);
    trusted.clear();
  }
  for (const auto& n : names) {
    if (!valid_name(n))
      fail(Failure::Usage, "'" + n + "' is not a hook name",
           "hooks are named TYPE-EVENT (events: add, set, move, rm), like deal-move");
    if (trusted.erase(n)) done.push_back(n);
  }
  write_trust(repo_, trusted);
  return done;
}

void Hooks::run(const std::vector<HookEvent>& events, const std::function<void(const std::string&)>& report) const {
  if (events.empty()) return;
  if (std::string problem = folder_problem(); !problem.empty()) {
    if (problem.find("does not exist") == std::string::npos) report("no hook was run: " + problem);
    return;
  }
  auto trusted = read_trust(repo_);
  int depth = hook_depth();
  double timeout = hook_timeout();
  // Each hook is looked at once per command (an import fires one per record): whether it may
  // run, and if not, said once.
  std::map<std::string, bool> runnable;
  auto may_run = [&](const std::string& name) {
    if (auto it = runnable.find(name); it != runnable.end()) return it->second;
    bool ok = false;
    std::string path = std::string(kFolder) + "/" + name;
    struct stat st;
    if (::lstat(repo_.absolute(path).c_str(), &st) != 0 || S_ISDIR(st.st_mode)) {
      // no such hook; a folder of that name is not one
    } else {
      HookFile h = describe(repo_, name, trusted);
      std::string how = "review it, then run `crm hooks trust " + name + "`";
      if (!h.ignored.empty())
        report("hook " + path + " not run: it is " + h.ignored);
      else if (h.trust == HookTrust::Untrusted)
        report("hook " + path + " not run: it is not trusted in this clone; " + how);
      else if (h.trust == HookTrust::Changed)
        report("hook " + path + " not run: it changed since it was trusted; " + how);
      else if (depth >= kMaxDepth)
        report("hook " + path + " not run: hooks that run crm are nested " + std::to_string(depth) +
               " deep (CRM_HOOK_DEPTH), the most crm allows; does a hook fire itself?");
      else if (!h.executable)
        report("hook " + path + " failed (not executable): make it executable with `chmod +x " + path + "`");
      else
        ok = true;
    }
    runnable[name] = ok;
    return ok;
  };
  auto exists = [&](const std::string& name) {
    struct stat st;
    return ::lstat(repo_.absolute(std::string(kFolder) + "/" + name).c_str(), &st) == 0;
  };
  // The environment: ours, less what a hook is told, plus that.
  static const std::vector<std::string> told = {"CRM_EVENT",  "CRM_TYPE", "CRM_ID",        "CRM_PATH",
                                                "CRM_COMMIT", "CRM_REPO", "CRM_HOOK_DEPTH"};
  std::vector<std::string> base;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (std::find(told.begin(), told.end(), key) == told.end()) base.push_back(kv);
  }
  for (const auto& e : events) {
    std::string tn(e.type->name);
    std::string event = e.event;
    // A deal whose stage changed moved, however it was changed (set, edit).
    if (event == "set" && e.type->has_verb("move") && e.before && e.after &&
        (exists(tn + "-move") || exists(tn + "-set"))) {
      Json b = record_of(repo_, e, *e.before), a = record_of(repo_, e, *e.after);
      if (b.is_object() && a.is_object() && b.value("stage", Json()) != a.value("stage", Json())) event = "move";
    }
    std::string name = tn + "-" + event;
    if (!may_run(name)) continue;
    Json j = Json::object();
    j["event"] = event;
    j["type"] = tn;
    j["id"] = e.id;
    j["path"] = e.path;
    j["commit"] = e.commit;
    j["record"] = record_of(repo_, e, e.after ? *e.after : e.before.value_or(""));
    if (e.before && e.after) j["before"] = record_of(repo_, e, *e.before);
    std::vector<std::string> env = base;
    env.push_back("CRM_EVENT=" + event);
    env.push_back("CRM_TYPE=" + tn);
    env.push_back("CRM_ID=" + e.id);
    env.push_back("CRM_PATH=" + e.path);
    env.push_back("CRM_COMMIT=" + e.commit);
    env.push_back("CRM_REPO=" + repo_.root());
    env.push_back("CRM_HOOK_DEPTH=" + std::to_string(depth + 1));
    std::string path = std::string(kFolder) + "/" + name;
    Outcome o = spawn(repo_.root(), repo_.absolute(path), j.dump() + "\n", env, timeout);
    if (!o.timed_out && WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) continue;
    report("hook " + path + " failed (" + failure_of(o, timeout) + ")" +
           (o.last_line.empty() ? "" : ": " + o.last_line));
  }
}

}  // namespace crm
