// Reports: aggregations over the index's value slots (never the YAML files),
// with exact decimal money and currencies kept apart unless crm.yaml has
// rates. A report is data: sections of typed columns and rows, which
// lib/report/render.hpp lays out as a table, csv, json, markdown or html.
//
//   pipeline   open deals by stage: count, amount, probability-weighted amount
//   forecast   open deals by expected close period: best case and weighted
//   won        won and lost deals by period, owner or company: win rate, cycle days
//   activity   notes by kind, author, week or month
//   stale      open deals without activity for N days; people past their cadence
//   customers  revenue per customer, cumulative share (Pareto), recency/frequency/value
//   campaigns  members, responses, deals and revenue per campaign
//   weekly     pipeline + forecast + activity + stale, for a mail from cron
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "index/index.hpp"
#include "model/dates.hpp"

namespace crm {

const std::vector<std::string>& report_names();
// What --by takes for a report; empty: the report has no --by.
const std::vector<std::string>& report_groupings(const std::string& report);

struct ReportOptions {
  std::string name;
  std::optional<Days> since, until;  // inclusive local days
  std::string owner;                 // folded comparison; empty: everybody
  std::string by;                    // grouping; empty: the report's default
  std::string query;                 // the search language, on the report's records
  std::string currency;              // convert every amount to this currency (needs crm.yaml rates)
  int days = 30;                     // stale: idle days
  bool pareto = false;               // customers: only those making the first 80%
  size_t limit = 0;                  // rows of long lists (customers, stale); 0: all
};

enum class ColumnType { Text, Count, Money, Percent, Number, Date, Id };

struct Column {
  std::string key;    // json key and csv header
  std::string title;  // for people
  ColumnType type = ColumnType::Text;
};

// What a chart draws: `label` along one axis, `value` (and a lighter `value2` behind it) along the
// other; `line` is a percent column drawn as a curve (Pareto). Rows of one currency per chart.
struct Chart {
  std::string kind;  // "funnel", "bars", "pareto"; empty: none
  std::string label, value, value2, line;
};

struct Section {
  std::string name;   // pipeline, forecast, ... (json key; template hook)
  std::string title;  // for people
  std::vector<Column> columns;
  std::vector<Json> rows;    // one object per row, keyed by column key: money as exact decimal text
  std::vector<Json> totals;  // one per currency (or one)
  Chart chart;
  std::string bar;  // the column a terminal draws bars for; empty: none
  std::vector<std::string> notes;  // one line each: "3 of 12 customers (25.0%) make 80% of revenue"
};

struct Report {
  std::string name, title;
  std::string generated;              // today, YYYY-MM-DD
  std::string since, until;           // the window as days; empty: open
  std::vector<std::pair<std::string, std::string>> filters;  // ("owner", "Ana"), ("query", ...), ...
  std::vector<Section> sections;
  std::vector<std::string> notes;     // records left out and why, conversions
  size_t skipped = 0;                 // records left out (invalid amounts, unreadable files)
};

// Builds the report `o.name`. Throws Error(Usage) for an unknown name (listing them), a window
// that ends before it starts, an option the report does not take, or a conversion without rates.
// `warn` gets one line per record left out.
Report make_report(const Index& index, const Config& config, const ReportOptions& o,
                   const std::function<void(const std::string&)>& warn);

// The report as programs get it (json, yaml, ndjson rows).
Json report_json(const Report& r);

}  // namespace crm
