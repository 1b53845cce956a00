// crm report NAME [QUERY]: pipeline, forecast, won, activity, stale,
// customers, campaigns and weekly, read from the index (lib/report/).
#include <iostream>
#include <sstream>

#include "cmd/context.hpp"
#include "index/index.hpp"
#include "model/dates.hpp"
#include "model/error.hpp"
#include "report/render.hpp"
#include "report/report.hpp"

namespace crm {

namespace {

struct ReportArgs {
  std::string name;
  std::vector<std::string> query;
  std::string since, until, owner, by, currency, output;
  int days = 30;
  bool pareto = false;
  size_t limit = 0;
};

constexpr size_t kMaxWarnings = 20;

// -o pipeline.html without --format: the file's extension says which.
Format format_for(const Context& ctx, const std::string& output) {
  Format fallback = Format::Table;
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return output.size() > e.size() && output.compare(output.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html") || ends(".htm")) fallback = Format::Html;
  else if (ends(".md") || ends(".markdown")) fallback = Format::Markdown;
  else if (ends(".csv")) fallback = Format::Csv;
  else if (ends(".tsv")) fallback = Format::Tsv;
  else if (ends(".json")) fallback = Format::Json;
  return ctx.format(fallback);
}

void run_report(Context& ctx, const ReportArgs& a, const CLI::App& cmd) {
  ReportOptions o;
  o.name = a.name;
  if (!a.since.empty()) o.since = parse_day(a.since, "--since");
  if (!a.until.empty()) o.until = parse_day(a.until, "--until");
  o.owner = a.owner;
  o.by = a.by;
  for (const auto& q : a.query) o.query += (o.query.empty() ? "" : " ") + q;
  o.currency = a.currency;
  o.days = a.days;
  if (cmd.count("--days") && a.name != "stale" && a.name != "weekly")
    fail(Failure::Usage, "--days applies to the stale and weekly reports");
  o.pareto = a.pareto;
  o.limit = a.limit;
  Format fmt = format_for(ctx, a.output);

  size_t warnings = 0;
  auto warn = [&](const std::string& text) {
    if (++warnings <= kMaxWarnings) ctx.warn(text);
  };
  Index index(ctx.repo(), false);
  Report r = make_report(index, ctx.repo().config(), o, warn);
  if (warnings > kMaxWarnings)
    ctx.warn(std::to_string(warnings - kMaxWarnings) + " more records skipped; `crm check` lists every problem");

  Style style = ctx.style();
  if (!a.output.empty()) style = Style{};  // a file gets no colour and no bars
  std::ostringstream text;
  render_report(text, fmt, r, style, ctx.repo().root());
  if (a.output.empty() || a.output == "-") {
    std::cout << text.str();
    return;
  }
  write_file_atomic(a.output, text.str());
  ctx.say("crm: wrote " + a.output);
}

}  // namespace

void register_report(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ReportArgs>();
  std::string names;
  for (const auto& n : report_names()) names += (names.empty() ? "" : ", ") + n;
  auto* r = app.add_subcommand("report", "reports: pipeline, forecast, won, activity, stale, customers, campaigns, weekly");
  r->add_option("NAME", a->name, "the report: " + names)->required();
  r->add_option("QUERY", a->query,
                "only the records matching this query (the search language; see man crm-search): deals, notes for "
                "activity, campaigns for campaigns");
  r->add_option("--since", a->since, "from this day on (2026-01-01, -7d, start of month...)")->type_name("WHEN");
  r->add_option("--until", a->until, "up to this day, included (today, +6m, end of month...)")->type_name("WHEN");
  r->add_option("--owner", a->owner, "only what this person owns (notes: their author)")->type_name("NAME");
  r->add_option("--by", a->by,
                "group by: pipeline stage|owner|company; forecast month|week|quarter|year; won "
                "month|week|quarter|year|owner|company; activity kind|owner|week|month|quarter|year")
      ->type_name("FIELD");
  r->add_option("--currency", a->currency, "convert every amount to this currency (needs rates: in crm.yaml)")
      ->type_name("CODE");
  r->add_option("--days", a->days, "stale: days without activity (default 30)")->type_name("N");
  r->add_flag("--pareto", a->pareto, "customers: only those making the first 80% of revenue");
  r->add_option("--limit", a->limit, "customers, stale: at most N rows (default: all)")->type_name("N");
  r->add_option("-o,--output", a->output, "write to FILE (its extension picks the format: .html, .md, .csv, .json)")
      ->type_name("FILE");
  r->footer("Formats (--format): table (bars on a terminal), markdown, html, json, yaml, ndjson, csv, tsv, ids.\n"
            "Examples:\n"
            "  crm report pipeline\n"
            "  crm report forecast --by month --since today --until +6m\n"
            "  crm report won --by owner --since 2026-01-01\n"
            "  crm report customers --pareto\n"
            "  crm report pipeline --format html -o pipeline.html\n"
            "  crm report weekly --format markdown | mail -s \"Weekly CRM\" team@example.com");
  r->callback([&ctx, a, r] { run_report(ctx, *a, *r); });
}

}  // namespace crm
