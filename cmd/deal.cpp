// crm deal move REF STAGE: a deal enters another stage; the move joins its stage_history with
// when it happened (--at for a past moment, kept in time order) and, for a lost deal, why.
#include <algorithm>

#include "cmd/records.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/types/types.hpp"

namespace crm {

namespace {

void run_move(Context& ctx, const TypeSpec& type, const std::string& ref, const std::string& stage,
              const std::string& at, const std::string& reason) {
  Repository& repo = ctx.repo();
  const Stage* target = repo.config().stage(stage);
  if (!target) fail(Failure::Invalid, "unknown stage '" + stage + "'", "stages are: " + repo.config().stage_names());
  if (!reason.empty() && target->probability != 0)
    fail(Failure::Usage, "--reason is for lost deals; '" + stage + "' is not a lost stage",
         "record other context in the deal's notes");
  DateTime when = at.empty() ? crm::now() : parse_moment(at, "--at");
  Transaction tx(repo);
  Entry e = tx.index().resolve(ref, &type);
  RecordFile f = load_valid_entry(repo, e);
  Record r = f.record;
  std::string from = r.data.value("stage", "");
  if (from == stage) {
    ctx.say("crm: " + r.title() + " is already in " + stage);
    print_changed(ctx, {r});
    return;
  }
  r.data["stage"] = stage;
  if (!reason.empty()) r.data["lost_reason"] = reason;
  else if (target->probability != 0) r.data.erase("lost_reason");  // reopened or won: the old reason no longer holds
  append_stage(r.data, stage, format_datetime(when));
  // Keep the history in time order when --at names a past moment.
  std::stable_sort(r.data["stage_history"].begin(), r.data["stage_history"].end(), [](const Json& x, const Json& y) {
    auto t = [](const Json& h) {
      return h.contains("at") && h["at"].is_string() && valid_datetime(h["at"].get<std::string>())
                 ? parse_moment(h["at"].get<std::string>(), "at").utc
                 : std::chrono::sys_seconds{};
    };
    return t(x) < t(y);
  });
  // The stage is the latest one in time: a move dated in the past before a later change stays history.
  std::string latest = r.data["stage_history"].back().value("stage", stage);
  if (latest != stage)
    ctx.say("crm: recorded " + stage + " at " + format_datetime(when) + "; the deal stays in " + latest +
            ", which came later");
  r.data["stage"] = latest;
  if (repo.config().stage(latest) && repo.config().stage(latest)->probability != 0 && reason.empty())
    r.data.erase("lost_reason");
  tx.put(r);
  tx.mark_event(r.id, "move");  // hooks: TYPE-move, not TYPE-set
  tx.commit(ctx.message.empty() ? std::string(type.name) + ": move " + r.title() + " to " + stage : ctx.message);
  print_changed(ctx, {r});
}

}  // namespace

void register_deal_move(CLI::App* group, Context& ctx, const TypeSpec& type) {
  struct MoveArgs {
    std::string ref, stage, at, reason;
  };
  auto m = std::make_shared<MoveArgs>();
  auto* move = group->add_subcommand("move", "move a deal to another stage, recording when");
  move->add_option("REF", m->ref, "deal id, id prefix or title words")->required();
  move->add_option("STAGE", m->stage, "stage from crm.yaml")->required();
  move->add_option("--at", m->at, "when it happened (default: now)")->type_name("WHEN");
  move->add_option("--reason", m->reason, "why (kept as lost_reason)")->type_name("TEXT");
  move->add_option("-m,--message", ctx.message, "commit message");
  move->callback([&ctx, &type, m] { run_move(ctx, type, m->ref, m->stage, m->at, m->reason); });
}

}  // namespace crm
