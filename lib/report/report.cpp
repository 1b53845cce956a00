#include "report/report.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "activity/activity.hpp"
#include "index/fields.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "report/decimal.hpp"

namespace crm {

using std::chrono::days;

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string r;
  for (const auto& s : v) r += (r.empty() ? "" : ", ") + s;
  return r;
}

std::string plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ---------------------------------------------------------------------------
// Days from value slots: dates as written, datetimes as UTC text (YYYY-MM-DDTHH:MM:SSZ).

bool digits(std::string_view s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number(std::string_view s, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// The local day of a slot value; nullopt when it is not a date. Hand-parsed: it runs per record.
std::optional<Days> day_of(std::string_view v) {
  if (v.size() < 10 || v[4] != '-' || v[7] != '-' || !digits(v, 0, 4) || !digits(v, 5, 2) || !digits(v, 8, 2))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{number(v, 0, 4)},
                                  std::chrono::month{static_cast<unsigned>(number(v, 5, 2))},
                                  std::chrono::day{static_cast<unsigned>(number(v, 8, 2))}};
  if (!ymd.ok()) return std::nullopt;
  Days d{ymd};
  if (v.size() == 10) return d;
  if (v.size() == 20 && v[10] == 'T' && v[19] == 'Z' && digits(v, 11, 2) && digits(v, 14, 2) && digits(v, 17, 2))
    return local_day_of(d + std::chrono::hours{number(v, 11, 2)} + std::chrono::minutes{number(v, 14, 2)} +
                        std::chrono::seconds{number(v, 17, 2)});
  if (valid_datetime(v)) return local_day_of(parse_moment(v, "date").utc);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Periods: week (ISO), month, quarter, year.

bool is_period(const std::string& by) { return by == "week" || by == "month" || by == "quarter" || by == "year"; }

Days period_start(Days d, const std::string& by) {
  std::chrono::year_month_day ymd{d};
  if (by == "week") return d - days{std::chrono::weekday{d}.iso_encoding() - 1};
  if (by == "month") return Days{ymd.year() / ymd.month() / 1};
  if (by == "quarter") {
    unsigned m = static_cast<unsigned>(ymd.month());
    return Days{ymd.year() / std::chrono::month{(m - 1) / 3 * 3 + 1} / 1};
  }
  return Days{ymd.year() / std::chrono::January / 1};
}

Days next_period(Days start, const std::string& by) {
  std::chrono::year_month_day ymd{start};
  if (by == "week") return start + days{7};
  if (by == "month") return Days{ymd + std::chrono::months{1}};
  if (by == "quarter") return Days{ymd + std::chrono::months{3}};
  return Days{ymd + std::chrono::years{1}};
}

std::string period_key(Days d, const std::string& by) {
  std::chrono::year_month_day ymd{d};
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month()) % 13;
  char buf[48];
  if (by == "week") {
    // ISO 8601: the week belongs to the year of its Thursday.
    Days thursday = d + days{4 - static_cast<int>(std::chrono::weekday{d}.iso_encoding())};
    std::chrono::year_month_day t{thursday};
    Days jan1{t.year() / std::chrono::January / 1};
    int week = static_cast<int>((thursday - jan1).count() / 7 + 1);
    std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(t.year()), week);
  } else if (by == "month") {
    std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  } else if (by == "quarter") {
    std::snprintf(buf, sizeof buf, "%04d-Q%u", y, (m - 1) / 3 + 1);
  } else {
    std::snprintf(buf, sizeof buf, "%04d", y);
  }
  return buf;
}

// Every period key from the one holding `from` to the one holding `to` (at most 1,000).
std::vector<std::string> periods_between(Days from, Days to, const std::string& by) {
  std::vector<std::string> out;
  for (Days p = period_start(from, by); p <= to && out.size() < 1000; p = next_period(p, by))
    out.push_back(period_key(p, by));
  return out;
}

// ---------------------------------------------------------------------------
// Currencies: kept apart, or converted with crm.yaml's rates.

class Converter {
 public:
  Converter(const Config& config, const std::string& wanted) : config_(config) {
    if (!wanted.empty()) {
      if (!valid_currency(wanted))
        fail(Failure::Usage, "--currency: '" + wanted + "' is not an ISO 4217 currency code", "write it like EUR or USD");
      target_ = wanted;
      explicit_ = true;
      if (!rate(wanted)) refuse(wanted, wanted);
    } else if (!config.rates.empty()) {
      target_ = config.currency;
    }
  }

  // The amount in the currency it is reported in.
  std::pair<std::string, Decimal> operator()(const std::string& currency, const Decimal& amount) {
    if (target_.empty() || currency == target_) return {currency, amount};
    auto from = rate(currency);
    if (!from) {
      if (explicit_) refuse(currency, target_);
      apart_.insert(currency);
      return {currency, amount};
    }
    return {target_, amount.times(*from).divided_by(*rate(target_))};
  }

  const std::string& target() const { return target_; }
  const std::set<std::string>& apart() const { return apart_; }

 private:
  const Config& config_;
  std::string target_;
  bool explicit_ = false;
  std::set<std::string> apart_;

  // What one unit is worth in crm.yaml's currency.
  std::optional<Decimal> rate(const std::string& currency) const {
    if (currency == config_.currency) return Decimal::whole(1);
    auto it = config_.rates.find(currency);
    if (it == config_.rates.end()) return std::nullopt;
    return Decimal::parse(it->second);
  }

  [[noreturn]] void refuse(const std::string& currency, const std::string& to) const {
    fail(Failure::Usage,
         "--currency " + to + ": " + (currency == to ? std::string() : "cannot convert amounts in " + currency + ": ") +
             "crm.yaml has no rate for " + currency,
         "add what one " + currency + " is worth in " + config_.currency + " to crm.yaml, e.g.\n  rates:\n    " +
             currency + ": 1.10\n(see crm(5)); or leave out --currency to see each currency apart");
  }
};

// ---------------------------------------------------------------------------
// Records as reports see them: from value slots.

struct Deal {
  std::string id, title, stage, currency, owner, company, close;
  std::vector<std::string> contacts;
  Decimal amount;
  bool has_amount = false;
  int stage_probability = 0;
  int probability = 0;  // the deal's own, else its stage's
  std::optional<Days> close_day, created_day, changed_day;
  bool open() const { return stage_probability != 0 && stage_probability != 100; }
  bool won() const { return stage_probability == 100; }
  // When a closed deal was won or lost: when it entered its stage, else its close date.
  std::optional<Days> closed_day() const { return changed_day ? changed_day : close_day; }
};

// What every part of a report shares: records left out are counted once, however often read.
struct Tally {
  std::set<std::string> invalid_amounts, unknown_stages;  // deal ids
  std::set<const TypeSpec*> unreadable;                   // types whose unreadable files were counted
};

struct Builder {
  const Index& index;
  const Config& config;
  const ReportOptions& o;
  const std::function<void(const std::string&)>& warn;
  Report& report;
  Converter& convert;
  Tally& tally;
  Days today_ = today();
  std::string owner_folded = fold(o.owner);

  bool owned(const std::string& owner) const { return owner_folded.empty() || fold(owner) == owner_folded; }
  bool in_window(const std::optional<Days>& d) const {
    if (!o.since && !o.until) return true;
    return d && (!o.since || *d >= *o.since) && (!o.until || *d <= *o.until);
  }

  ValueRows read(const TypeSpec& type, std::vector<std::string> fields, const std::string& range_field = {},
                 bool slack = false) {
    ValueQuery q;
    q.type = &type;
    q.fields = std::move(fields);
    q.query = o.query;
    if (!range_field.empty()) {
      q.range_field = range_field;
      // Datetimes are kept in UTC and windows are local days: one day of slack, exact checks after.
      days pad{slack ? 1 : 0};
      if (o.since) q.from = format_date(*o.since - pad);
      if (o.until) q.to = format_date(*o.until + pad);
    }
    ValueRows rows = index.values(q);
    for (const auto& n : rows.notes) warn(n);
    if (rows.unreadable && tally.unreadable.insert(&type).second) {
      report.notes.push_back(plural(rows.unreadable, std::string(type.name) + " file", std::string(type.name) + " files") +
                             " could not be read and " + (rows.unreadable == 1 ? "is" : "are") +
                             " left out (crm check names " + (rows.unreadable == 1 ? "it" : "them") + ")");
      report.skipped += rows.unreadable;
    }
    return rows;
  }

  // Deals of the query and owner, with `close` in the window when `by_close`. Without `links`,
  // company, contacts, created and stage_changed stay empty (each field read is a pass over a slot).
  std::vector<Deal> deals(bool by_close, bool links = true) {
    std::vector<std::string> fields{"id", "title", "stage", "amount", "currency", "probability", "close", "owner"};
    if (links) fields.insert(fields.end(), {"company", "contacts", "created", kStageChanged});
    ValueRows rows = read(types::deal(), fields, by_close ? "close" : "");
    for (auto& r : rows.rows) r.resize(12);
    std::vector<Deal> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) {
      if (!owned(r[7])) continue;
      Deal d;
      d.id = r[0];
      d.title = r[1];
      d.stage = r[2];
      const Stage* st = config.stage(d.stage);
      if (!st) {
        if (tally.unknown_stages.insert(d.id).second)
          warn("deal '" + d.title + "' (" + short_id(d.id) + "): " +
             (d.stage.empty() ? std::string("no stage") : "stage '" + d.stage + "' is not in crm.yaml") + "; skipped");
        continue;
      }
      d.stage_probability = st->probability;
      d.probability = st->probability;
      if (whole_number(r[5], 3, false) && std::stoi(r[5]) <= 100) d.probability = std::stoi(r[5]);
      if (!r[3].empty()) {
        auto a = valid_money(r[3]) ? Decimal::parse(r[3]) : std::nullopt;
        if (!a) {
          if (tally.invalid_amounts.insert(d.id).second)
            warn("deal '" + d.title + "' (" + short_id(d.id) + "): amount '" + r[3] + "' is not a number; skipped");
          continue;
        }
        d.has_amount = true;
        std::string currency = r[4].empty() ? config.currency : r[4];
        std::tie(d.currency, d.amount) = convert(currency, *a);
      } else {
        d.currency = convert(r[4].empty() ? config.currency : r[4], Decimal()).first;
      }
      d.close = r[6];
      d.close_day = day_of(r[6]);
      d.owner = r[7];
      d.company = r[8];
      d.contacts = split_ids(r[9]);
      d.created_day = day_of(r[10]);
      d.changed_day = day_of(r[11]);
      if (by_close && !in_window(d.close_day)) continue;
      out.push_back(std::move(d));
    }
    return out;
  }

  static std::vector<std::string> split_ids(const std::string& s) {
    std::vector<std::string> out;
    for (auto& w : split(s, ' '))
      if (!w.empty()) out.push_back(w);
    return out;
  }

  // Notes for the report's skipped records and currencies; called once at the end.
  void finish() {
    size_t invalid_amounts = tally.invalid_amounts.size(), unknown_stages = tally.unknown_stages.size();
    if (invalid_amounts) {
      report.notes.push_back(plural(invalid_amounts, "deal", "deals") + " skipped: the amount is not a number (crm check names " +
                             (invalid_amounts == 1 ? "it" : "them") + ")");
      report.skipped += invalid_amounts;
    }
    if (unknown_stages) {
      report.notes.push_back(plural(unknown_stages, "deal", "deals") + " skipped: no stage, or a stage crm.yaml does not have");
      report.skipped += unknown_stages;
    }
    if (!convert.apart().empty()) {
      std::vector<std::string> c(convert.apart().begin(), convert.apart().end());
      report.notes.push_back("amounts in " + joined(c) + " are kept apart: crm.yaml has no rate for them");
    }
  }

  // "12000.50" for json and csv.
  static Json money(const Decimal& d) { return d.str(); }
};

// Rows keyed by (currency, group key), in first-seen order of keys unless sorted later.
template <typename Acc>
struct Groups {
  std::vector<std::pair<std::string, std::string>> order;  // (currency, key)
  std::map<std::pair<std::string, std::string>, Acc> acc;
  Acc& at(const std::string& currency, const std::string& key) {
    auto k = std::make_pair(currency, key);
    auto it = acc.find(k);
    if (it == acc.end()) {
      order.push_back(k);
      it = acc.emplace(k, Acc{}).first;
    }
    return it->second;
  }
  std::set<std::string> currencies() const {
    std::set<std::string> c;
    for (const auto& [cur, key] : order) c.insert(cur);
    return c;
  }
};

// The currencies a section reports in: those seen, else the one amounts would be in.
std::set<std::string> currencies_or(std::set<std::string> seen, const Builder& b) {
  if (seen.empty()) seen.insert(b.convert.target().empty() ? b.config.currency : b.convert.target());
  return seen;
}

// Which currencies get a row for every step (stage, period) even when empty: the one reported in,
// or with several, the main one (crm.yaml's or --currency's); the others only where they have deals.
std::set<std::string> filled(const std::set<std::string>& currencies, const Builder& b) {
  if (currencies.size() <= 1) return currencies;
  std::string main = b.convert.target().empty() ? b.config.currency : b.convert.target();
  return {currencies.count(main) ? main : *currencies.begin()};
}

std::string group_title(const std::string& by) {
  if (by == "author") return "owner";
  return by;
}

std::string name_of(const Index& index, const std::string& id) {
  if (id.empty()) return "(none)";
  return index.title_of(id);
}

// ---------------------------------------------------------------------------

Section pipeline(Builder& b) {
  std::string by = b.o.by.empty() ? "stage" : b.o.by;
  struct Acc {
    long long count = 0;
    Decimal amount, weighted;
  };
  Groups<Acc> g;
  std::map<std::string, Acc> totals;
  size_t no_amount = 0;
  std::vector<Deal> deals = b.deals(true, by == "company");
  std::set<std::string> seen;
  for (const auto& d : deals)
    if (d.open()) seen.insert(d.currency);
  std::set<std::string> currencies = currencies_or(seen, b);
  // By stage: every open stage, in crm.yaml's order, also when empty (a funnel has every step).
  if (by == "stage")
    for (const auto& c : filled(currencies, b))
      for (const auto& st : b.config.stages)
        if (st.probability != 0 && st.probability != 100) g.at(c, st.name);
  std::map<std::string, std::string> titles;
  for (const auto& d : deals) {
    if (!d.open()) continue;
    std::string key = by == "stage" ? d.stage : by == "owner" ? (d.owner.empty() ? "(none)" : d.owner) : d.company;
    if (by == "company" && !titles.count(key)) titles[key] = name_of(b.index, key);
    Acc& a = g.at(d.currency, key);
    Decimal w = d.amount.percent_of(d.probability);
    a.count++;
    a.amount += d.amount;
    a.weighted += w;
    Acc& t = totals[d.currency];
    t.count++;
    t.amount += d.amount;
    t.weighted += w;
    if (!d.has_amount) ++no_amount;
  }
  Section s;
  s.name = "pipeline";
  s.title = by == "stage" ? "Open deals by stage" : "Open deals by " + by;
  s.columns = {{by, by, ColumnType::Text}, {"currency", "currency", ColumnType::Text}, {"deals", "deals", ColumnType::Count}};
  if (by == "stage") s.columns.push_back({"probability", "probability", ColumnType::Percent});
  s.columns.push_back({"amount", "amount", ColumnType::Money});
  s.columns.push_back({"weighted", "weighted", ColumnType::Money});
  auto order = g.order;
  if (by != "stage")
    std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
      if (x.first != y.first) return x.first < y.first;
      return g.acc[y].amount < g.acc[x].amount;
    });
  else
    std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& k : order) {
    const Acc& a = g.acc[k];
    Json row = {{by, by == "company" ? titles[k.second] : k.second}, {"currency", k.first}, {"deals", a.count}};
    if (by == "company") row["company_id"] = k.second;
    if (by == "stage") row["probability"] = std::to_string(b.config.stage(k.second)->probability);
    row["amount"] = Builder::money(a.amount);
    row["weighted"] = Builder::money(a.weighted);
    s.rows.push_back(row);
  }
  for (const auto& c : currencies) {
    const Acc& t = totals[c];
    s.totals.push_back({{by, "total"}, {"currency", c}, {"deals", t.count}, {"amount", Builder::money(t.amount)},
                        {"weighted", Builder::money(t.weighted)}});
  }
  s.chart = {by == "stage" ? "funnel" : "bars", by, "amount", "", ""};
  s.bar = "amount";
  if (no_amount) s.notes.push_back(plural(no_amount, "open deal has", "open deals have") + " no amount (counted, worth 0)");
  return s;
}

Section forecast(Builder& b) {
  std::string by = b.o.by.empty() ? "month" : b.o.by;
  struct Acc {
    long long count = 0;
    Decimal best, weighted;
  };
  Groups<Acc> g;
  std::map<std::string, Acc> totals;
  std::vector<Deal> deals = b.deals(true, false);
  size_t no_close = 0;
  std::optional<Days> first, last;
  std::set<std::string> seen;
  for (const auto& d : deals) {
    if (!d.open()) continue;
    if (!d.close_day) {
      ++no_close;
      continue;
    }
    seen.insert(d.currency);
    if (!first || *d.close_day < *first) first = d.close_day;
    if (!last || *d.close_day > *last) last = d.close_day;
  }
  std::set<std::string> currencies = currencies_or(seen, b);
  // Every period of the window (or of the close dates seen), also empty ones.
  std::optional<Days> from = b.o.since ? b.o.since : first, to = b.o.until ? b.o.until : last;
  if (from && to)
    for (const auto& c : filled(currencies, b))
      for (const auto& p : periods_between(*from, *to, by)) g.at(c, p);
  for (const auto& d : deals) {
    if (!d.open() || !d.close_day) continue;
    Acc& a = g.at(d.currency, period_key(*d.close_day, by));
    Decimal w = d.amount.percent_of(d.probability);
    a.count++;
    a.best += d.amount;
    a.weighted += w;
    Acc& t = totals[d.currency];
    t.count++;
    t.best += d.amount;
    t.weighted += w;
  }
  Section s;
  s.name = "forecast";
  s.title = "Expected revenue by " + by + " of close";
  s.columns = {{by, by, ColumnType::Text},
               {"currency", "currency", ColumnType::Text},
               {"deals", "deals", ColumnType::Count},
               {"best_case", "best case", ColumnType::Money},
               {"weighted", "weighted", ColumnType::Money}};
  auto order = g.order;
  std::stable_sort(order.begin(), order.end());
  for (const auto& k : order) {
    const Acc& a = g.acc[k];
    s.rows.push_back({{by, k.second}, {"currency", k.first}, {"deals", a.count}, {"best_case", Builder::money(a.best)},
                      {"weighted", Builder::money(a.weighted)}});
  }
  for (const auto& c : currencies) {
    const Acc& t = totals[c];
    s.totals.push_back({{by, "total"}, {"currency", c}, {"deals", t.count}, {"best_case", Builder::money(t.best)},
                        {"weighted", Builder::money(t.weighted)}});
  }
  s.chart = {"bars", by, "weighted", "best_case", ""};
  s.bar = "weighted";
  if (no_close)
    s.notes.push_back(plural(no_close, "open deal has", "open deals have") + " no close date and " +
                      (no_close == 1 ? "is" : "are") + " not in the forecast");
  return s;
}

Section won(Builder& b) {
  std::string by = b.o.by.empty() ? "month" : b.o.by;
  struct Acc {
    long long won = 0, lost = 0, cycles = 0, cycle_days = 0;
    Decimal won_amount, lost_amount;
  };
  Groups<Acc> g;
  std::map<std::string, Acc> totals;
  std::map<std::string, std::string> titles;
  size_t undated = 0;
  for (const auto& d : b.deals(false)) {
    if (d.open()) continue;
    auto day = d.closed_day();
    if (!b.in_window(day)) continue;
    std::string key;
    if (is_period(by)) {
      if (!day) {
        ++undated;
        key = "(no date)";
      } else {
        key = period_key(*day, by);
      }
    } else if (by == "owner") {
      key = d.owner.empty() ? "(none)" : d.owner;
    } else {
      key = d.company;
      if (!titles.count(key)) titles[key] = name_of(b.index, key);
    }
    for (Acc* a : {&g.at(d.currency, key), &totals[d.currency]}) {
      if (d.won()) {
        a->won++;
        a->won_amount += d.amount;
        if (day && d.created_day) {
          a->cycles++;
          a->cycle_days += (*day - *d.created_day).count();
        }
      } else {
        a->lost++;
        a->lost_amount += d.amount;
      }
    }
  }
  Section s;
  s.name = "won";
  s.title = "Won and lost deals by " + by;
  s.columns = {{by, by, ColumnType::Text},
               {"currency", "currency", ColumnType::Text},
               {"won", "won", ColumnType::Count},
               {"lost", "lost", ColumnType::Count},
               {"win_rate", "win rate", ColumnType::Percent},
               {"won_amount", "won amount", ColumnType::Money},
               {"lost_amount", "lost amount", ColumnType::Money},
               {"cycle_days", "avg cycle days", ColumnType::Number}};
  auto row_of = [&](const std::string& key, const std::string& currency, const Acc& a) {
    Json row = {{by, key}, {"currency", currency}, {"won", a.won}, {"lost", a.lost}};
    row["win_rate"] = a.won + a.lost ? Json(Decimal::ratio(a.won * 100, a.won + a.lost, 1)) : Json();
    row["won_amount"] = Builder::money(a.won_amount);
    row["lost_amount"] = Builder::money(a.lost_amount);
    row["cycle_days"] = a.cycles ? Json(Decimal::ratio(a.cycle_days, a.cycles, 1)) : Json();
    return row;
  };
  auto order = g.order;
  if (is_period(by))
    std::stable_sort(order.begin(), order.end());
  else
    std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
      if (x.first != y.first) return x.first < y.first;
      return g.acc[y].won_amount < g.acc[x].won_amount;
    });
  for (const auto& k : order) {
    Json row = row_of(by == "company" ? titles[k.second] : k.second, k.first, g.acc[k]);
    if (by == "company") row["company_id"] = k.second;
    s.rows.push_back(row);
  }
  for (const auto& c : currencies_or({}, b)) totals.try_emplace(c);
  for (const auto& [c, t] : totals) {
    if (totals.size() > 1 && t.won + t.lost == 0) continue;
    s.totals.push_back(row_of("total", c, t));
  }
  s.chart = {"bars", by, "won_amount", "", ""};
  s.bar = "won_amount";
  if (undated) s.notes.push_back(plural(undated, "closed deal has", "closed deals have") + " no date (no stage history, no close date)");
  s.notes.push_back("win rate: won / (won + lost); cycle: days from created to won, averaged over won deals");
  return s;
}

Section activity(Builder& b) {
  std::string by = b.o.by.empty() ? "kind" : b.o.by == "owner" ? "author" : b.o.by;
  ValueRows rows = b.read(types::note(), {"kind", "at", "author"}, "at", true);
  std::vector<std::string> kinds = b.config.note_kinds;
  std::map<std::string, std::map<std::string, long long>> counts;  // key -> kind -> n
  std::vector<std::string> order;
  std::map<std::string, long long> total_by_kind;
  long long total = 0;
  auto add_key = [&](const std::string& key) {
    if (counts.try_emplace(key).second) order.push_back(key);
  };
  if (by == "kind")
    for (const auto& k : kinds) add_key(k);
  if (is_period(by) && b.o.since)
    for (const auto& p : periods_between(*b.o.since, b.o.until ? *b.o.until : b.today_, by)) add_key(p);
  // Notes dated ahead (a meeting planned for tomorrow) have not happened yet.
  std::string now_utc = format_datetime(DateTime{now().utc, 0});
  for (const auto& r : rows.rows) {
    auto day = day_of(r[1]);
    if (r[1] > now_utc || !b.in_window(day) || !b.owned(r[2])) continue;
    const std::string& kind = r[0];
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
    std::string key = by == "kind" ? kind : by == "author" ? (r[2].empty() ? "(none)" : r[2])
                      : day ? period_key(*day, by) : "(no date)";
    add_key(key);
    counts[key][kind]++;
    total_by_kind[kind]++;
    ++total;
  }
  Section s;
  s.name = "activity";
  s.title = "Interactions by " + group_title(by);
  s.columns = {{by, group_title(by), ColumnType::Text}, {"notes", "notes", ColumnType::Count}};
  if (by == "kind") {
    s.columns.push_back({"share", "share", ColumnType::Percent});
  } else {
    for (const auto& k : kinds) s.columns.push_back({k, k, ColumnType::Count});
  }
  if (is_period(by)) std::stable_sort(order.begin(), order.end());
  else if (by != "kind")
    std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
      long long nx = 0, ny = 0;
      for (const auto& [k, n] : counts[x]) nx += n;
      for (const auto& [k, n] : counts[y]) ny += n;
      return nx > ny;
    });
  for (const auto& key : order) {
    long long n = 0;
    for (const auto& [k, c] : counts[key]) n += c;
    Json row = {{by, key}, {"notes", n}};
    if (by == "kind") row["share"] = Decimal::ratio(n * 100, total ? total : 1, 1);
    else
      for (const auto& k : kinds) row[k] = counts[key].count(k) ? counts[key][k] : 0;
    s.rows.push_back(row);
  }
  Json t = {{by, "total"}, {"notes", total}};
  if (by == "kind") t["share"] = total ? "100.0" : "0.0";
  else
    for (const auto& k : kinds) t[k] = total_by_kind[k];
  s.totals.push_back(t);
  s.chart = {"bars", by, "notes", "", ""};
  s.bar = "notes";
  return s;
}

Section stale(Builder& b) {
  int n = b.o.days;
  if (n < 1) fail(Failure::Usage, "--days must be 1 or more");
  struct Item {
    std::string type, id, name, owner, detail, currency, amount;
    Days last;
    long long idle;
  };
  std::vector<Item> items;
  std::vector<Deal> open;
  for (auto& d : b.deals(false))
    if (d.open()) open.push_back(std::move(d));
  std::vector<std::vector<std::string>> groups;
  for (const auto& d : open) groups.push_back({d.id});
  // Notes dated ahead (a meeting planned) are not activity yet.
  std::string now_utc = format_datetime(DateTime{now().utc, 0});
  auto lasts = b.index.latest_each(groups, "at", now_utc);
  for (size_t i = 0; i < open.size(); ++i) {
    const Deal& d = open[i];
    std::optional<Days> last = lasts[i] ? day_of(*lasts[i]) : std::nullopt;
    for (const auto& other : {d.changed_day, d.created_day})
      if (other && (!last || *other > *last)) last = other;
    if (!last) continue;
    long long idle = (b.today_ - *last).count();
    if (idle < n || !b.in_window(last)) continue;
    items.push_back({"deal", d.id, d.title, d.owner, d.stage, d.currency, d.has_amount ? d.amount.str() : "", *last, idle});
  }
  std::set<std::string> wanted;
  bool filtered = !b.o.query.empty();
  if (filtered)
    for (const char* type : {"contact", "company"})
      for (auto& r : b.read(type_spec(type), {"id"}).rows) wanted.insert(r[0]);
  for (const auto& c : cadences(b.index)) {
    if (c.due_day >= b.today_ || (filtered && !wanted.count(c.party.id))) continue;
    const std::string& owner = c.owner;
    if (!b.owned(owner) || !b.in_window(c.since_day)) continue;
    std::string detail = "every " + c.every + (c.last ? "" : ", never contacted");
    items.push_back({std::string(c.party.type->name), c.party.id, c.title, owner, detail, "", "", c.since_day,
                     (b.today_ - c.since_day).count()});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
    if (x.idle != y.idle) return x.idle > y.idle;
    return fold(x.name) < fold(y.name);
  });
  Section s;
  s.name = "stale";
  s.title = "Open deals without activity for " + std::to_string(n) + " days or more, people past their cadence";
  s.columns = {{"type", "type", ColumnType::Text},       {"id", "id", ColumnType::Id},
               {"name", "name", ColumnType::Text},       {"owner", "owner", ColumnType::Text},
               {"last_activity", "last activity", ColumnType::Date}, {"idle_days", "idle days", ColumnType::Count},
               {"detail", "stage / cadence", ColumnType::Text},     {"amount", "amount", ColumnType::Money},
               {"currency", "currency", ColumnType::Text}};
  size_t deals = 0, people = 0;
  for (const auto& it : items) (it.type == "deal" ? deals : people)++;
  size_t shown = 0;
  for (const auto& it : items) {
    if (b.o.limit && shown++ >= b.o.limit) break;
    s.rows.push_back({{"type", it.type}, {"id", it.id}, {"name", it.name}, {"owner", it.owner},
                      {"last_activity", format_date(it.last)}, {"idle_days", it.idle}, {"detail", it.detail},
                      {"amount", it.amount.empty() ? Json() : Json(it.amount)},
                      {"currency", it.currency.empty() ? Json() : Json(it.currency)}});
  }
  s.bar = "idle_days";
  s.notes.push_back(plural(deals, "open deal", "open deals") + " without activity for " + std::to_string(n) +
                    " days or more; " + plural(people, "contact or company", "contacts and companies") +
                    " past their keep-in-touch cadence");
  if (b.o.limit && items.size() > b.o.limit)
    s.notes.push_back("showing " + std::to_string(b.o.limit) + " of " + std::to_string(items.size()));
  return s;
}

Section customers(Builder& b) {
  struct Acc {
    std::string id, type;
    long long deals = 0;
    Decimal revenue;
    std::optional<Days> last_won;
  };
  Groups<Acc> g;
  size_t nobody = 0;
  for (const auto& d : b.deals(false)) {
    if (!d.won()) continue;
    auto day = d.closed_day();
    if (!b.in_window(day)) continue;
    std::string who = !d.company.empty() ? d.company : !d.contacts.empty() ? d.contacts.front() : "";
    if (who.empty()) {
      ++nobody;
      continue;
    }
    Acc& a = g.at(d.currency, who);
    a.id = who;
    a.type = d.company.empty() ? "contact" : "company";
    a.deals++;
    a.revenue += d.amount;
    if (day && (!a.last_won || *day > *a.last_won)) a.last_won = day;
  }
  // Last contact: the latest note about the customer, or (a company) about any of its people.
  std::map<std::string, std::vector<std::string>> people;
  if (!g.order.empty())
    for (auto& r : b.index.values({&types::contact(), {"id", "company"}, "", "", "", ""}).rows)
      if (!r[1].empty()) people[r[1]].push_back(r[0]);
  std::vector<std::vector<std::string>> groups;
  for (const auto& k : g.order) {
    std::vector<std::string> ids{k.second};
    if (g.acc[k].type == "company")
      for (const auto& c : people[k.second]) ids.push_back(c);
    groups.push_back(ids);
  }
  std::string now_utc = format_datetime(DateTime{now().utc, 0});
  auto lasts = b.index.latest_each(groups, "at", now_utc);
  std::map<std::pair<std::string, std::string>, std::optional<Days>> last_contact;
  for (size_t i = 0; i < g.order.size(); ++i) last_contact[g.order[i]] = lasts[i] ? day_of(*lasts[i]) : std::nullopt;

  Section s;
  s.name = "customers";
  s.title = "Revenue per customer (won deals)";
  s.columns = {{"customer", "customer", ColumnType::Text},
               {"id", "id", ColumnType::Id},
               {"currency", "currency", ColumnType::Text},
               {"deals", "won deals", ColumnType::Count},
               {"revenue", "revenue", ColumnType::Money},
               {"share", "share", ColumnType::Percent},
               {"cumulative", "cumulative", ColumnType::Percent},
               {"class", "class", ColumnType::Text},
               {"last_contact", "last contact", ColumnType::Date},
               {"recency_days", "recency days", ColumnType::Count},
               {"segment", "segment", ColumnType::Text}};
  std::map<std::string, std::string> names;
  for (const auto& k : g.order) names[k.second] = name_of(b.index, k.second);
  for (const auto& currency : g.currencies()) {
    std::vector<std::pair<std::string, std::string>> keys;
    Decimal total;
    for (const auto& k : g.order)
      if (k.first == currency) keys.push_back(k), total += g.acc[k].revenue;
    std::stable_sort(keys.begin(), keys.end(), [&](const auto& x, const auto& y) {
      if (g.acc[x].revenue != g.acc[y].revenue) return g.acc[y].revenue < g.acc[x].revenue;
      return fold(names[x.second]) < fold(names[y.second]);
    });
    Decimal cumulative;
    size_t in_a = 0, shown = 0;
    Decimal a_share;
    for (const auto& k : keys) {
      const Acc& a = g.acc[k];
      Decimal before = cumulative;
      cumulative += a.revenue;
      // ABC: A until 80% of revenue is reached (the customer crossing it included), B until 95%.
      std::string cls = before < total.percent_of(80) ? "A" : before < total.percent_of(95) ? "B" : "C";
      if (cls == "A") {
        ++in_a;
        a_share = cumulative;
      }
      std::optional<Days> lc = last_contact[k];
      std::optional<Days> latest = lc;
      if (a.last_won && (!latest || *a.last_won > *latest)) latest = a.last_won;
      std::optional<long long> recency;
      if (latest) recency = (b.today_ - *latest).count();
      long long r = recency ? *recency : 1000000;
      std::string segment = cls == "A" && r <= 90 && a.deals >= 2 ? "champion"
                            : cls != "C" && r <= 180             ? "loyal"
                            : cls != "C"                         ? "at risk"
                            : r <= 90 && a.deals == 1            ? "new"
                            : r > 365                            ? "lapsed"
                                                                 : "occasional";
      if (b.o.pareto && cls != "A") continue;
      if (b.o.limit && shown >= b.o.limit) continue;
      ++shown;
      s.rows.push_back({{"customer", names[k.second]},
                        {"id", k.second},
                        {"type", a.type},
                        {"currency", currency},
                        {"deals", a.deals},
                        {"revenue", Builder::money(a.revenue)},
                        {"share", Decimal::percent(a.revenue, total, 1)},
                        {"cumulative", Decimal::percent(cumulative, total, 1)},
                        {"class", cls},
                        {"last_contact", lc ? Json(format_date(*lc)) : Json()},
                        {"recency_days", recency ? Json(*recency) : Json()},
                        {"segment", segment}});
    }
    s.totals.push_back({{"customer", "total"}, {"currency", currency}, {"deals", [&] {
                          long long n = 0;
                          for (const auto& k : keys) n += g.acc[k].deals;
                          return n;
                        }()},
                        {"revenue", Builder::money(total)}, {"share", "100.0"}});
    if (!keys.empty())
      s.notes.push_back(std::to_string(in_a) + " of " + plural(keys.size(), "customer", "customers") + " (" +
                        Decimal::ratio(static_cast<long long>(in_a) * 100, static_cast<long long>(keys.size()), 1) +
                        "%) make " + Decimal::percent(a_share, total, 1) + "% of revenue in " + currency +
                        " (class A)");
  }
  if (nobody) s.notes.push_back(plural(nobody, "won deal has", "won deals have") + " no company or contact and " +
                                (nobody == 1 ? "is" : "are") + " left out");
  s.chart = {"pareto", "customer", "revenue", "", "cumulative"};
  s.bar = "revenue";
  return s;
}

Section campaigns(Builder& b) {
  ValueRows cs = b.read(types::campaign(), {"id", "title", "status", "start", "end", "contacts", "owner", "created"});
  struct Campaign {
    std::string id, name, status, start, end;
    std::set<std::string> members;
    Days from;
  };
  std::vector<Campaign> list;
  for (auto& r : cs.rows) {
    if (!b.owned(r[6])) continue;
    auto start = day_of(r[3]);
    auto created = day_of(r[7]);
    if (!b.in_window(start ? start : created)) continue;
    auto ids = Builder::split_ids(r[5]);
    list.push_back({r[0], r[1], r[2], r[3], r[4], {ids.begin(), ids.end()}, start ? *start : created ? *created : Days{}});
  }
  std::map<std::string, long long> responses;
  std::map<std::string, std::set<std::string>> responders, noted_deals;
  if (!list.empty()) {
    ValueQuery nq{&types::note(), {"campaign", "contacts", "deal"}, "has:campaign", "", "", ""};
    for (auto& r : b.index.values(nq).rows) {
      responses[r[0]]++;
      for (auto& c : Builder::split_ids(r[1])) responders[r[0]].insert(c);
      if (!r[2].empty()) noted_deals[r[0]].insert(r[2]);
    }
  }
  std::vector<Deal> deals;
  if (!list.empty()) {
    // Attribution looks at every deal, whatever the query (which selects campaigns).
    ReportOptions all = b.o;
    all.query.clear();
    all.owner.clear();
    Builder whole{b.index, b.config, all, b.warn, b.report, b.convert, b.tally};
    deals = whole.deals(false);
  }
  Section s;
  s.name = "campaigns";
  s.title = "Campaigns: members, responses, deals and revenue";
  s.columns = {{"campaign", "campaign", ColumnType::Text}, {"id", "id", ColumnType::Id},
               {"status", "status", ColumnType::Text},     {"start", "start", ColumnType::Date},
               {"members", "members", ColumnType::Count},  {"responses", "responses", ColumnType::Count},
               {"responders", "responders", ColumnType::Count}, {"deals", "deals", ColumnType::Count},
               {"won", "won", ColumnType::Count},          {"currency", "currency", ColumnType::Text},
               {"revenue", "revenue", ColumnType::Money}};
  std::stable_sort(list.begin(), list.end(), [](const Campaign& x, const Campaign& y) { return x.from > y.from; });
  for (const auto& c : list) {
    long long n = 0, won = 0;
    std::map<std::string, Decimal> revenue;
    for (const auto& d : deals) {
      bool member = std::any_of(d.contacts.begin(), d.contacts.end(), [&](const std::string& id) { return c.members.count(id) > 0; });
      bool attributed = (noted_deals[c.id].count(d.id) > 0) || (member && d.created_day && *d.created_day >= c.from);
      if (!attributed) continue;
      ++n;
      if (d.won()) {
        ++won;
        revenue[d.currency] += d.amount;
      }
    }
    if (revenue.empty()) revenue[b.convert.target().empty() ? b.config.currency : b.convert.target()];
    for (const auto& [currency, amount] : revenue)
      s.rows.push_back({{"campaign", c.name}, {"id", c.id}, {"status", c.status.empty() ? Json() : Json(c.status)},
                        {"start", c.start.empty() ? Json() : Json(c.start)}, {"members", c.members.size()},
                        {"responses", responses[c.id]}, {"responders", responders[c.id].size()}, {"deals", n},
                        {"won", won}, {"currency", currency}, {"revenue", Builder::money(amount)}});
  }
  if (list.empty()) s.notes.push_back("no campaigns" + std::string(b.o.since || b.o.until || !b.o.query.empty() || !b.o.owner.empty() ? " match" : " yet"));
  s.notes.push_back("a deal counts for a campaign when a note of the campaign names it, or when one of its contacts is a member "
                    "and it was created on or after the campaign's start");
  s.chart = {"bars", "campaign", "revenue", "", ""};
  s.bar = "revenue";
  return s;
}


// weekly: the open pipeline, the next months' forecast, the last week's activity, what went stale.
std::vector<Section> weekly(Builder& b) {
  const ReportOptions& o = b.o;
  Days t = today();
  ReportOptions p = o;
  p.since.reset();
  p.until.reset();
  std::vector<Section> out;
  Builder bp{b.index, b.config, p, b.warn, b.report, b.convert, b.tally};
  out.push_back(pipeline(bp));
  ReportOptions f = p;
  std::chrono::year_month_day ymd{t};
  f.since = Days{ymd.year() / ymd.month() / 1};
  f.until = Days{std::chrono::year_month_day{*f.since} + std::chrono::months{3}} - days{1};
  Builder bf{b.index, b.config, f, b.warn, b.report, b.convert, b.tally};
  out.push_back(forecast(bf));
  ReportOptions a = o;
  if (!a.since) a.since = t - days{7};
  if (!a.until) a.until = t;
  if (*a.since > *a.until) a.since = a.until;
  Builder ba{b.index, b.config, a, b.warn, b.report, b.convert, b.tally};
  Section act = activity(ba);
  act.title += " from " + format_date(*a.since) + " to " + format_date(*a.until);
  out.push_back(act);
  out.push_back(stale(bp));
  return out;
}

template <Section (*build)(Builder&)>
std::vector<Section> one(Builder& b) {
  return {build(b)};
}

// The reports: name, title, what --by takes, whether --days applies, and the sections they build.
struct ReportKind {
  std::string name, title;
  std::vector<std::string> by;
  bool days = false;
  std::vector<Section> (*build)(Builder&);
};

const std::vector<ReportKind>& report_kinds() {
  static const std::vector<ReportKind> kinds{
      {"pipeline", "Pipeline", {"stage", "owner", "company"}, false, one<pipeline>},
      {"forecast", "Forecast", {"month", "week", "quarter", "year"}, false, one<forecast>},
      {"won", "Won and lost", {"month", "week", "quarter", "year", "owner", "company"}, false, one<won>},
      {"activity", "Activity", {"kind", "owner", "author", "week", "month", "quarter", "year"}, false, one<activity>},
      {"stale", "Stale deals and contacts", {}, true, one<stale>},
      {"customers", "Customers", {}, false, one<customers>},
      {"campaigns", "Campaigns", {}, false, one<campaigns>},
      {"weekly", "Weekly report", {}, true, weekly},
  };
  return kinds;
}

const ReportKind& report_kind(const std::string& name) {
  for (const auto& k : report_kinds())
    if (k.name == name) return k;
  fail(Failure::Usage, "unknown report '" + name + "'", "reports are: " + joined(report_names()));
}

void check_options(const ReportOptions& o) {
  const auto& names = report_names();
  if (std::find(names.begin(), names.end(), o.name) == names.end())
    fail(Failure::Usage, "unknown report '" + o.name + "'", "reports are: " + joined(names));
  if (o.since && o.until && *o.since > *o.until)
    fail(Failure::Usage, "--since " + format_date(*o.since) + " is after --until " + format_date(*o.until),
         "give the earlier day to --since");
  if (!o.by.empty()) {
    const auto& by = report_groupings(o.name);
    if (by.empty()) {
      std::vector<std::string> with;
      for (const auto& k : report_kinds())
        if (!k.by.empty()) with.push_back(k.name);
      fail(Failure::Usage, "--by does not apply to the " + o.name + " report", "reports with --by: " + joined(with));
    }
    if (std::find(by.begin(), by.end(), o.by) == by.end())
      fail(Failure::Usage, "--by " + o.by + ": the " + o.name + " report groups by " + joined(by));
  }
  if (o.pareto && o.name != "customers") fail(Failure::Usage, "--pareto applies to the customers report");
  if (o.limit && o.name != "customers" && o.name != "stale")
    fail(Failure::Usage, "--limit applies to the customers and stale reports");
}

}  // namespace

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& k : report_kinds()) v.push_back(k.name);
    return v;
  }();
  return names;
}

const std::vector<std::string>& report_groupings(const std::string& report) {
  static const std::vector<std::string> none;
  for (const auto& k : report_kinds())
    if (k.name == report) return k.by;
  return none;
}

Report make_report(const Index& index, const Config& config, const ReportOptions& o,
                   const std::function<void(const std::string&)>& warn) {
  check_options(o);
  Report r;
  r.name = o.name;
  const ReportKind& kind = report_kind(o.name);
  r.title = kind.title;
  r.generated = format_date(today());
  if (o.since) r.since = format_date(*o.since);
  if (o.until) r.until = format_date(*o.until);
  if (!o.owner.empty()) r.filters.emplace_back("owner", o.owner);
  if (!o.query.empty()) r.filters.emplace_back("query", o.query);
  if (kind.days) r.filters.emplace_back("days", std::to_string(o.days));
  Converter convert(config, o.currency);
  Tally tally;
  Builder b{index, config, o, warn, r, convert, tally};
  if (!convert.target().empty()) r.filters.emplace_back("currency", convert.target());
  r.sections = kind.build(b);
  b.finish();
  return r;
}

Json report_json(const Report& r) {
  Json j = {{"report", r.name}, {"title", r.title}, {"generated", r.generated}};
  j["since"] = r.since.empty() ? Json() : Json(r.since);
  j["until"] = r.until.empty() ? Json() : Json(r.until);
  Json filters = Json::object();
  for (const auto& [k, v] : r.filters) filters[k] = v;
  j["filters"] = filters;
  j["sections"] = Json::array();
  for (const auto& s : r.sections) {
    Json cols = Json::array();
    for (const auto& c : s.columns) {
      static const char* types[] = {"text", "count", "money", "percent", "number", "date", "id"};
      cols.push_back({{"key", c.key}, {"title", c.title}, {"type", types[static_cast<int>(c.type)]}});
    }
    j["sections"].push_back({{"name", s.name}, {"title", s.title}, {"columns", cols}, {"rows", s.rows},
                             {"totals", s.totals}, {"notes", s.notes}});
  }
  j["notes"] = r.notes;
  j["skipped"] = r.skipped;
  return j;
}

}  // namespace crm
