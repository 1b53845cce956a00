// The watcher: a background process that holds an inotify watch on every record folder of one
// repository and tells commands which folders changed since they last asked.
//
// Without it, every read stats each record folder (5,000 at M) to find hand edits and pulls;
// with it, a read asks one question over a unix socket. The design follows git's fsmonitor:
// the answer to "what changed since TOKEN" is a list of folders and a new token; a token from
// another watcher (it restarted) or from before an event overflow gets "all", and the caller
// falls back to its own scan. Linux queues an inotify event inside the system call that
// changes the file, so reading the queue before answering is enough: a change made before the
// question is always in the answer (git needs cookie files only for macOS's delayed events).
//
// The socket is .git/crm/watch.sock (mode 0600; both ends check the other's uid). One watcher
// per repository: it holds a lock on .git/crm/watch.lock for its life. It exits after an idle
// time, when asked (`crm watch --stop`), or when the repository is deleted or moved.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/repository.hpp"

namespace crm {

struct WatchAnswer {
  std::string token;                 // ask with this next time
  bool all = false;                  // the watcher cannot say: check every folder
  std::vector<std::string> folders;  // "contacts/k7" (when !all)
};

// What changed since `token` ("" for a first question). nullopt: no watcher answered.
std::optional<WatchAnswer> ask_watcher(const Repository& repo, const std::string& token);

// How reads use the watcher, from CRM_WATCH: "never" (0), "always" (1: start one for any
// repository), or "auto" (the default: start one for repositories above kVerifyFilesUpTo files).
enum class WatchMode { Never, Auto, Always };
WatchMode watch_mode();

// Starts a watcher in the background (`crm watch --start`) unless one runs, is starting, or
// failed in the last hour (.git/crm/watch.failed says why). Never waits for it.
void start_watcher(const Repository& repo);

struct WatcherStatus {
  bool running = false;
  std::string text;  // the watcher's own lines: pid, folders watched, since when
};
WatcherStatus watcher_status(const Repository& repo);
bool stop_watcher(const Repository& repo);  // true: one was running and has stopped

// Runs the watcher in this process until it is stopped, idle for `idle_seconds`, or the
// repository goes away. Returns false (with `why`) when it could not start: another watcher
// runs, inotify limits, a socket path too long. After a run, `why` says why it stopped when it
// was not asked to or idle (the repository was deleted, events could not be watched).
bool run_watcher(const Repository& repo, int idle_seconds, std::string& why);

}  // namespace crm
