// crm search QUERY: every record type, ranked, in the Lunr query language.
#include <iostream>

#include "cmd/records.hpp"
#include "model/error.hpp"

namespace crm {

namespace {

struct SearchArgs {
  std::string query;
  std::string type;
  size_t limit = 20;
  std::string sort;
  bool reverse = false;
};

void run_search(Context& ctx, const SearchArgs& a) {
  Index index(ctx.repo(), false);
  SearchOptions o;
  if (!a.type.empty()) o.type = &type_spec(a.type);
  o.limit = a.limit;
  o.sort = a.sort;
  o.reverse = a.reverse;
  o.ids_only = ctx.format(Format::Table) == Format::Ids;
  o.snippets = !o.ids_only;
  SearchResult r;
  try {
    r = index.search(a.query, o);
  } catch (const Xapian::DatabaseError& e) {
    // Damage found only while reading: the index is derived data, so rebuild it and ask again.
    ctx.warn(std::string("the index was unreadable (") + e.get_msg() + "); rebuilding it");
    Index::discard(ctx.repo());
    Index fresh(ctx.repo(), false);
    r = fresh.search(a.query, o);
  }
  for (const auto& n : r.notes) ctx.warn(n);
  Format fmt = ctx.format(Format::Table);
  Listing l;
  l.headers = {"type", "id", "title", "snippet"};
  bool machine = fmt == Format::Csv || fmt == Format::Tsv;
  for (const auto& h : r.hits) {
    const Entry& e = h.entry;
    std::string type = e.type ? std::string(e.type->name) : "";
    l.ids.push_back(e.id);
    l.rows.push_back({type, machine ? e.id : short_id(e.id), e.title(), h.snippet});
    if (e.type) {
      Json j = {{"type", type}, {"id", e.id}, {"title", e.title()}, {"score", h.score}, {"snippet", h.snippet}};
      j["record"] = record_json(*e.type, e.id, e.data);
      l.records.push_back(j);
    }
  }
  render(std::cout, fmt, l, ctx.style());
  if (fmt == Format::Table && r.matches > r.hits.size())
    ctx.say("crm: " + std::to_string(r.hits.size()) + " of about " + std::to_string(r.matches) +
            " matches; --limit N shows more");
}

}  // namespace

void register_search(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<SearchArgs>();
  auto* s = app.add_subcommand("search", "search every record: word field:word +must -not wild* word~1 word^2 \"phrase\"");
  s->add_option("QUERY", a->query, "the query (see man crm-search); put -- before a query that starts with -")
      ->required();
  s->add_option("--type", a->type, "only records of this type (contact, company, deal)")->type_name("TYPE");
  s->add_option("--limit", a->limit, "at most N results (default 20; 0: all)")->type_name("N");
  s->add_option("--sort", a->sort, "sort by a field (name, amount, close, created...) instead of relevance")
      ->type_name("FIELD");
  s->add_flag("--reverse", a->reverse, "reverse the order");
  s->callback([&ctx, a] { run_search(ctx, *a); });
}

}  // namespace crm
