// crm reindex: rebuild the index from the files.
#include "cmd/context.hpp"
#include "index/index.hpp"
#include "store/lock.hpp"

namespace crm {

void register_reindex(CLI::App& app, Context& ctx) {
  auto* r = app.add_subcommand("reindex", "rebuild the index from the files");
  r->callback([&ctx] {
    Repository& repo = ctx.repo();
    WriteLock lock(repo);
    Index::discard(repo);
    Index index(repo, true);
    ctx.say("crm: indexed " + std::to_string(index.count(nullptr)) + " records");
  });
}

}  // namespace crm
