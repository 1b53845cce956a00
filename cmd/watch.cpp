// crm watch: the watcher that spares reads their freshness scan (index/watch.hpp).
#include <unistd.h>

#include <iostream>

#include "cmd/context.hpp"
#include "index/watch.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"

namespace crm {

void register_watch(CLI::App& app, Context& ctx) {
  auto* w = app.add_subcommand("watch", "watch the record folders so reads need not scan them");
  struct Opts {
    bool start = false, stop = false, status = false;
    std::string idle = "1h";
  };
  auto o = std::make_shared<Opts>();
  w->add_flag("--start", o->start, "start a watcher in the background and return once it answers");
  w->add_flag("--stop", o->stop, "stop the repository's watcher");
  w->add_flag("--status", o->status, "say whether a watcher runs (exit 1 when none does)");
  w->add_option("--idle", o->idle, "stop after this long without a question: 45m, 8h, never (default 1h)")
      ->type_name("DURATION");
  w->callback([&ctx, o] {
    if (o->start + o->stop + o->status > 1) fail(Failure::Usage, "watch: give one of --start, --stop, --status");
    // Checked before anything starts.
    int idle = o->idle == "never" || o->idle == "0" ? 0 : duration_minutes(parse_duration(o->idle, "--idle")) * 60;
    Repository& repo = ctx.repo();
    if (o->status) {
      WatcherStatus s = watcher_status(repo);
      if (!s.running) fail(Failure::Runtime, "no watcher runs for " + repo.root());
      std::cout << s.text;
      return;
    }
    if (o->stop) {
      ctx.say(stop_watcher(repo) ? "crm: the watcher stopped" : "crm: no watcher was running");
      return;
    }
    if (o->start) {
      if (watcher_status(repo).running) return ctx.say("crm: a watcher already runs");
      ::unlink((repo.state_dir() + "/watch.failed").c_str());  // asked by a person: try now
      start_watcher(repo);
      std::string failed = repo.state_dir() + "/watch.failed";
      for (int i = 1; i <= 1000; ++i) {  // watching 10,000 folders takes a moment: wait up to 20 s
        if (watcher_status(repo).running) return ctx.say("crm: the watcher runs");
        if (::access(failed.c_str(), F_OK) == 0) {
          std::string reason = read_file(failed, 4096, failed);
          fail(Failure::Runtime, "the watcher could not start: " + reason.substr(0, reason.find('\n')));
        }
        // One that was exiting (started by an earlier command) may have held the lock, so that
        // none was started: try again (a second one started meanwhile finds the lock taken and exits).
        if (i % 25 == 0) start_watcher(repo);
        ::usleep(20000);
      }
      fail(Failure::Runtime, "the watcher did not answer within 20 s");
    }
    std::string why;
    if (!run_watcher(repo, idle, why)) fail(Failure::Runtime, "watch: " + why);
    if (!why.empty()) ctx.warn("the watcher stopped: " + why);
  });
}

}  // namespace crm
