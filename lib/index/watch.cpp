#include "index/watch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <ctime>
#include <map>
#include <unordered_map>

#include "index/freshness.hpp"
#include "model/error.hpp"
#include "store/module.hpp"

extern char** environ;

namespace crm {

namespace {

constexpr std::string_view kHello = "crm-watch 1 ";
constexpr int kFailedQuietSeconds = 3600;  // after a failed start, readers do not try again for an hour

std::string socket_path(const Repository& repo) { return repo.state_dir() + "/watch.sock"; }

bool socket_address(const std::string& path, sockaddr_un& addr) {
  if (path.size() >= sizeof addr.sun_path) return false;  // 108 bytes: a deeper repository goes without
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool same_user(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  return ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == ::getuid();
}

void set_timeouts(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// One request or answer: everything until the other side closes (bounded).
bool read_all(int fd, std::string& out, size_t limit) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return false;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) return false;
  }
}

// Connected to this repository's watcher, or -1.
int connect_watcher(const Repository& repo) {
  sockaddr_un addr;
  if (!socket_address(socket_path(repo), addr)) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || !same_user(fd)) {
    ::close(fd);
    return -1;
  }
  set_timeouts(fd, 2000);
  return fd;
}

// Sends one request line and returns the whole answer ("" when none came).
std::string request(const Repository& repo, const std::string& line) {
  int fd = connect_watcher(repo);
  if (fd < 0) return {};
  std::string answer;
  bool ok = write_all(fd, line + "\n") && ::shutdown(fd, SHUT_WR) == 0 && read_all(fd, answer, 64 << 20);
  ::close(fd);
  return ok ? answer : std::string();
}

bool lock_is_free(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return free;
}

// The watcher's state: what each watch descriptor is, and when each folder last changed.
class Watcher {
 public:
  Watcher(const Repository& repo, int inotify) : repo_(repo), fd_(inotify) {
    uint64_t r = 0;
    if (::getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<uint64_t>(::time(nullptr)) ^ ::getpid();
    char buf[17];
    *std::to_chars(buf, buf + 16, r, 16).ptr = 0;
    instance_ = buf;
  }

  // Watches the root, every type folder and every shard folder. False: out of watches (`why`).
  bool watch_all(std::string& why) {
    for (auto& [wd, w] : watches_) ::inotify_rm_watch(fd_, wd);
    watches_.clear();
    if (!add(".", Kind::Root, why)) return false;
    for (const TypeSpec& type : record_types())
      if (!add_type(type, false, why)) return false;
    return true;
  }

  // Reads every queued event. False: the watcher must stop (repository gone, or out of watches).
  bool drain(std::string& why) {
    alignas(inotify_event) char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return true;  // EAGAIN: the queue is empty
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + ev->len;
        if (!event(*ev, why)) return false;
      }
    }
  }

  // "crm-watch 1 TOKEN\n" then "all\n", or "changed N\n" and N folder names.
  std::string answer(std::string_view asked) {
    std::string out(kHello);
    out += instance_ + ":" + std::to_string(seq_) + "\n";
    uint64_t since = 0;
    bool known = false;
    size_t colon = asked.find(':');
    if (colon != std::string_view::npos && asked.substr(0, colon) == instance_) {
      auto rest = asked.substr(colon + 1);
      auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), since);
      known = ec == std::errc() && p == rest.data() + rest.size() && since >= floor_ && since <= seq_;
    }
    if (!known) return out + "all\n";
    std::string list;
    size_t n = 0;
    for (const auto& [folder, at] : changed_at_)
      if (at > since) {
        list += folder + "\n";
        ++n;
      }
    return out + "changed " + std::to_string(n) + "\n" + list;
  }

  std::string status() const {
    char when[32];
    std::tm tm{};
    ::localtime_r(&started_, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    return "pid " + std::to_string(::getpid()) + "\nfolders " + std::to_string(watches_.size()) + "\nsince " + when +
           "\nchanges " + std::to_string(seq_) + "\nresets " + std::to_string(resets_) + "\n";
  }

 private:
  enum class Kind { Root, Type, Shard };
  struct Watch {
    Kind kind;
    std::string folder;  // ".", "contacts", "contacts/k7"
  };
  const Repository& repo_;
  int fd_;
  std::string instance_;
  uint64_t seq_ = 1, floor_ = 1;  // tokens below floor_ get "all"
  std::unordered_map<int, Watch> watches_;
  std::map<std::string, uint64_t> changed_at_;
  time_t started_ = ::time(nullptr);
  uint64_t resets_ = 0;  // events lost (queue overflow) or a watched folder renamed: everything was re-watched

  void mark(const std::string& folder) { changed_at_[folder] = ++seq_; }

  // Everything changed: tokens given out so far get "all".
  void forget_all() { floor_ = ++seq_; }

  bool add(const std::string& folder, Kind kind, std::string& why) {
    uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    if (kind == Kind::Shard) mask |= IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB;
    if (kind == Kind::Root) mask |= IN_CLOSE_WRITE;  // crm.yaml edited in place
    int wd = ::inotify_add_watch(fd_, repo_.absolute(folder).c_str(), mask);
    if (wd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) return true;  // gone again already: its parent's event says so
      why = "cannot watch " + repo_.absolute(folder) + ": " + std::strerror(errno) +
            (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
      return false;
    }
    auto [it, added] = watches_.try_emplace(wd, Watch{kind, folder});
    // The same folder under a second name (it was renamed): start again from a clean slate.
    if (!added && it->second.folder != folder) return reset(why);
    return true;
  }

  bool add_type(const TypeSpec& type, bool changed, std::string& why) {
    std::string folder(type.folder);
    if (!add(folder, Kind::Type, why)) return false;
    std::vector<std::string> shards;
    repo_.list_folders(type, shards);
    for (const auto& s : shards) {
      if (!add(folder + "/" + s, Kind::Shard, why)) return false;
      if (changed) mark(folder + "/" + s);
    }
    return true;
  }

  void mark_type(const std::string& type_folder) {
    for (auto& [folder, at] : changed_at_)
      if (folder.rfind(type_folder + "/", 0) == 0) at = ++seq_;
    for (const auto& [wd, w] : watches_)
      if (w.kind == Kind::Shard && w.folder.rfind(type_folder + "/", 0) == 0) mark(w.folder);
  }

  bool reset(std::string& why) {
    ++resets_;
    forget_all();
    return watch_all(why);
  }

  bool event(const inotify_event& ev, std::string& why) {
    if (ev.mask & IN_Q_OVERFLOW) return reset(why);  // events were lost
    auto it = watches_.find(ev.wd);
    if (it == watches_.end()) return true;
    Watch w = it->second;
    std::string name = ev.len ? std::string(ev.name) : std::string();
    bool self_gone = ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED);
    if (ev.mask & IN_IGNORED) watches_.erase(it);
    switch (w.kind) {
      case Kind::Root: {
        if (self_gone) {
          why = "the repository was deleted or moved";
          return false;
        }
        if (name == "crm.yaml") {
          // It may declare other record types: read it again, watch their folders, and answer
          // "all" to the next question (a reset), so nobody trusts what was said before.
          try {
            Repository::at(repo_.root());
          } catch (const Error&) {
            // unreadable for now: the types stay as they were; the next edit tries again
          }
          return reset(why);
        }
        const TypeSpec* type = find_type(name);
        if (!type || type->folder != name || !(ev.mask & IN_ISDIR)) return true;
        mark_type(name);
        if (ev.mask & IN_MOVE_SELF) return reset(why);
        if (ev.mask & (IN_CREATE | IN_MOVED_TO)) return add_type(*type, true, why);
        return true;
      }
      case Kind::Type:
        if (ev.mask & IN_MOVE_SELF) return reset(why);
        if (self_gone) {
          mark_type(w.folder);
          return true;
        }
        if (!(ev.mask & IN_ISDIR) || name.empty()) return true;
        mark(w.folder + "/" + name);
        if (ev.mask & (IN_CREATE | IN_MOVED_TO)) return add(w.folder + "/" + name, Kind::Shard, why);
        return true;
      case Kind::Shard:
        mark(w.folder);
        if (ev.mask & IN_MOVE_SELF) return reset(why);
        return true;
    }
    return true;
  }
};

// The name of a file system whose files other machines change (inotify only sees this one's), or null.
// git's fsmonitor declines them too (fsmonitor.allowRemote).
const char* network_file_system(const std::string& path) {
  struct statfs fs;
  if (::statfs(path.c_str(), &fs) != 0) return nullptr;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969: return "nfs";
    case 0xFF534D42: case 0xFE534D42: case 0x517B: return "smb";
    case 0x65735546: return "fuse";
    case 0x01021997: return "9p";
    case 0x00C36400: return "ceph";
    case 0x5346414F: return "afs";
    case 0x47504653: return "gpfs";
    case 0x0BD00BD0: return "lustre";
    default: return nullptr;
  }
}

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

}  // namespace

WatchMode watch_mode() {
  const char* v = std::getenv("CRM_WATCH");
  std::string s = v ? v : "";
  if (s == "never" || s == "0" || s == "no") return WatchMode::Never;
  if (s == "always" || s == "1" || s == "yes") return WatchMode::Always;
  return WatchMode::Auto;
}

std::optional<WatchAnswer> ask_watcher(const Repository& repo, const std::string& token) {
  std::string text = request(repo, "since " + token);
  std::string_view all = text;
  if (all.substr(0, kHello.size()) != kHello) return std::nullopt;
  all.remove_prefix(kHello.size());
  auto line = [&all]() {
    size_t nl = all.find('\n');
    std::string_view l = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    return l;
  };
  WatchAnswer a;
  a.token = std::string(line());
  std::string_view what = line();
  if (what == "all") {
    a.all = true;
    return a;
  }
  if (what.substr(0, 8) != "changed ") return std::nullopt;
  size_t n = 0;
  auto [p, ec] = std::from_chars(what.data() + 8, what.data() + what.size(), n);
  if (ec != std::errc() || p != what.data() + what.size()) return std::nullopt;
  // Believed only if every line names a folder inside a record type's folder ("contacts/k7"), and the
  // count is what came: a broken or impostor answer makes the caller scan instead.
  for (size_t i = 0; i < n; ++i) {
    if (all.empty()) return std::nullopt;  // cut short
    std::string_view f = line();
    size_t slash = f.find('/');
    const TypeSpec* type = slash == std::string_view::npos ? nullptr : find_type(f.substr(0, slash));
    std::string_view shard = slash == std::string_view::npos ? std::string_view() : f.substr(slash + 1);
    if (!type || type->folder != f.substr(0, slash) || shard.empty() || shard.size() > 255 || shard == "." ||
        shard == ".." || shard.find('/') != std::string_view::npos)
      return std::nullopt;
    a.folders.emplace_back(f);
  }
  if (!all.empty()) return std::nullopt;
  return a;
}

void start_watcher(const Repository& repo) {
  std::string state = repo.state_dir();
  if (::access(state.c_str(), W_OK) != 0) return;
  struct stat st;
  if (::stat((state + "/watch.failed").c_str(), &st) == 0 && ::time(nullptr) - st.st_mtime < kFailedQuietSeconds)
    return;
  if (!lock_is_free(state + "/watch.lock")) return;  // one runs, or is starting
  std::string exe = executable_path();
  if (exe.empty()) return;
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&files);
  for (int fd : {0, 1, 2}) posix_spawn_file_actions_addopen(&files, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&files, 3);  // hold none of the caller's pipes open
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::string root = repo.root();
  const char* argv[] = {exe.c_str(), "-C", root.c_str(), "-q", "watch", nullptr};
  pid_t pid;
  posix_spawn(&pid, exe.c_str(), &files, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
}

WatcherStatus watcher_status(const Repository& repo) {
  WatcherStatus s;
  s.text = request(repo, "status");
  s.running = s.text.substr(0, kHello.size()) == kHello;
  if (s.running) s.text = s.text.substr(s.text.find('\n') + 1);
  return s;
}

bool stop_watcher(const Repository& repo) {
  if (request(repo, "stop").empty()) return false;
  // It answers, then exits and lets go of its lock: wait for that (at most 5 s).
  std::string lock = repo.state_dir() + "/watch.lock";
  for (int i = 0; i < 500 && !lock_is_free(lock); ++i) ::usleep(10000);
  return true;
}

bool run_watcher(const Repository& repo, int idle_seconds, std::string& why) {
  why.clear();
  std::string state = repo.state_dir();
  int lock = ::open((state + "/watch.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    why = "a watcher already runs for " + repo.root();
    return false;
  }
  if (::chdir("/") != 0) why.clear();  // hold no directory busy; every path used is absolute
  auto failed = [&](const std::string& reason) {
    why = reason;
    replace_file(state + "/watch.failed", reason + "\n");
    ::close(lock);  // now, not at exit: a `crm watch --start` waiting for the lock can try again
    return false;
  };
  sockaddr_un addr;
  std::string path = socket_path(repo);
  if (!socket_address(path, addr)) return failed("the socket path " + path + " is too long for a unix socket");
  if (const char* fs = network_file_system(repo.root()))
    return failed(std::string("the repository is on a network file system (") + fs +
                  "): inotify does not see changes made from other machines");
  int in = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in < 0) return failed(std::string("inotify: ") + std::strerror(errno));
  Watcher watcher(repo, in);
  if (!watcher.watch_all(why)) return failed(why);
  int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path.c_str());  // a dead watcher's (we hold the lock)
  mode_t old = ::umask(077);
  bool bound = sock >= 0 && ::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::umask(old);
  if (!bound || ::listen(sock, 64) != 0) return failed("cannot listen on " + path + ": " + std::strerror(errno));
  ::unlink((state + "/watch.failed").c_str());
  struct stat mine;
  ::stat(path.c_str(), &mine);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGHUP, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  time_t last_asked = ::time(nullptr);
  bool ok = true;
  while (!g_stop && ok) {
    pollfd fds[2] = {{in, POLLIN, 0}, {sock, POLLIN, 0}};
    int n = ::poll(fds, 2, 60000);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) ok = watcher.drain(why);
    if (ok && (fds[1].revents & POLLIN)) {
      int c = ::accept4(sock, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      set_timeouts(c, 1000);
      std::string req;
      if (same_user(c) && read_all(c, req, 4096) && !req.empty()) {
        last_asked = ::time(nullptr);
        ok = watcher.drain(why);  // every change made before the question is queued by now
        if (req.rfind("since ", 0) == 0) {
          std::string token = req.substr(6, req.find('\n') - 6);
          write_all(c, ok ? watcher.answer(token) : std::string());
        } else if (req == "status\n") {
          write_all(c, std::string(kHello) + "\n" + watcher.status());
        } else if (req == "stop\n") {
          write_all(c, std::string(kHello) + "stopping\n");
          g_stop = 1;
        }
      }
      ::close(c);
    }
    // Gone when the socket file is not ours any more (the repository's .git was replaced).
    struct stat now;
    if (::stat(path.c_str(), &now) != 0 || now.st_ino != mine.st_ino) {
      why = "its socket " + path + " was removed";
      ok = false;
    }
    if (idle_seconds > 0 && ::time(nullptr) - last_asked >= idle_seconds) break;
  }
  struct stat now;
  if (::stat(path.c_str(), &now) == 0 && now.st_ino == mine.st_ino) ::unlink(path.c_str());
  ::close(sock);
  ::close(in);
  ::close(lock);
  return true;
}

}  // namespace crm
