// Report building blocks: exact decimals, the Mustache templates (shipped ones parse and
// render; errors name the line), and crm.yaml rates.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "model/config.hpp"
#include "model/error.hpp"
#include "report/chart.hpp"
#include "report/decimal.hpp"
#include "report/template.hpp"

using crm::Decimal;

namespace {
Decimal d(const char* s) { return *Decimal::parse(s); }
}  // namespace

TEST_CASE("decimals parse what money fields hold and refuse the rest") {
  CHECK(d("12000.50").str() == "12000.50");
  CHECK(d("3").str() == "3.00");
  CHECK(d("0.125").str() == "0.125");
  CHECK(d("-2.5").str() == "-2.50");
  CHECK(d("1.000001").str() == "1.000001");
  for (const char* bad : {"", "abc", "1.", ".5", "1.2.3", "1,5", "12k", "1.0000001", "1e3", " 1"})
    CHECK_FALSE(Decimal::parse(bad).has_value());
}

TEST_CASE("sums and weighted sums are exact where binary floating point is not") {
  Decimal sum;
  for (int i = 0; i < 10; ++i) sum += d("0.10");
  CHECK(sum == d("1"));
  CHECK(d("12000.50").percent_of(50).str() == "6000.25");
  CHECK(d("0.01").percent_of(37).str() == "0.0037");
  CHECK(d("99999999999999.9999").percent_of(75).str() == "74999999999999.999925");
  Decimal big;
  for (int i = 0; i < 1000; ++i) big += d("999999999999999.9999");
  CHECK(big.str() == "999999999999999999.90");
}

TEST_CASE("rounding is half to even, only where it has to be") {
  CHECK(d("2.345").fixed(2) == "2.34");
  CHECK(d("2.355").fixed(2) == "2.36");
  CHECK(d("1234567.005").fixed(2, ',') == "1,234,567.00");
  CHECK(d("1234567.015").fixed(2, ',') == "1,234,567.02");
  CHECK(d("999.995").fixed(2, ',') == "1,000.00");
  CHECK(d("0.5").fixed(0) == "0");
  CHECK(d("1.5").fixed(0) == "2");
  CHECK(d("1000.10").divided_by(d("0.90")).str() == "1111.222222");
  CHECK(d("500").times(d("0.9")).str() == "450.00");
  CHECK(Decimal::percent(d("1"), d("3"), 1) == "33.3");
  CHECK(Decimal::percent(d("2"), d("3"), 1) == "66.7");
  CHECK(Decimal::percent(d("1"), d("0"), 1) == "0.0");
  CHECK(Decimal::ratio(1, 8, 2) == "0.12");
  CHECK(Decimal::ratio(3, 8, 2) == "0.38");
  CHECK(Decimal::ratio(25, 2, 1) == "12.5");
  CHECK_THROWS_AS(d("1").divided_by(Decimal()), crm::Error);
}

TEST_CASE("terminal bars are as long as their share, in eighths") {
  CHECK(crm::text_bar(d("10"), d("10"), 4) == "████");
  CHECK(crm::text_bar(d("5"), d("10"), 4) == "██");
  CHECK(crm::text_bar(d("1"), d("8"), 1) == "▏");
  CHECK(crm::text_bar(d("0"), d("10"), 4).empty());
  CHECK(crm::text_bar(d("1"), d("100000"), 4) == "▏");  // something, however small
}

TEST_CASE("the shipped templates parse and render a report") {
  crm::Json data = {{"title", "Pipeline"}, {"generated", "2026-11-23"}, {"period", ""}, {"has_period", false},
                    {"filters", crm::Json::array()}, {"notes", {"1 deal skipped"}}, {"has_notes", true},
                    {"sections", {{{"name", "pipeline"}, {"title", "Open deals"},
                                   {"headers", {{{"title", "stage"}, {"right", false}}, {{"title", "amount"}, {"right", true}}}},
                                   {"rows", {{{"cells", {{{"text", "lead | <b>"}, {"right", false}, {"empty", false}},
                                                         {{"text", "1,000.00"}, {"right", true}, {"empty", false}}}}}}},
                                   {"totals", crm::Json::array()}, {"has_rows", true}, {"notes", crm::Json::array()},
                                   {"has_notes", false}, {"charts", crm::Json::array()}}}}};
  auto md = crm::render_template(crm::find_template("/nonexistent", "pipeline", "markdown"), data,
                                 [](const std::string& s) { return s == "lead | <b>" ? std::string("lead \\| \\<b\\>") : s; });
  CHECK(md.find("# Pipeline") != std::string::npos);
  CHECK(md.find("| --- | ---: |") != std::string::npos);
  CHECK(md.find("| lead \\| \\<b\\> | 1,000.00 |") != std::string::npos);
  CHECK(md.find("1 deal skipped") != std::string::npos);
  auto html = crm::render_template(crm::find_template("/nonexistent", "pipeline", "html"), data,
                                   [](const std::string& s) { return s == "lead | <b>" ? std::string("lead | &lt;b&gt;") : s; });
  CHECK(html.find("<!DOCTYPE html>") != std::string::npos);
  CHECK(html.find("<td>lead | &lt;b&gt;</td>") != std::string::npos);
  CHECK(html.find("<td class=\"num\">1,000.00</td>") != std::string::npos);
}

TEST_CASE("a template that does not parse is an error naming where") {
  crm::Template t{".crm/templates/report.markdown.mustache", "# {{title}}\n{{#sections}}\n## {{title}}\n"};
  try {
    crm::render_template(t, crm::Json::object(), [](const std::string& s) { return s; });
    FAIL("no error");
  } catch (const crm::Error& e) {
    CHECK(e.failure() == crm::Failure::Invalid);
    CHECK(std::string(e.what()) == ".crm/templates/report.markdown.mustache:2:1: unclosed section \"sections\"");
  }
  crm::Template u{"x.mustache", "ok {{/nothing}}"};
  CHECK_THROWS_WITH(crm::render_template(u, crm::Json::object(), [](const std::string& s) { return s; }),
                    "x.mustache:1:4: unopened section \"nothing\"");
}

TEST_CASE("crm.yaml rates: currency codes and positive decimals") {
  auto c = crm::Config::parse("currency: EUR\nrates:\n  USD: 0.92\n  GBP: 1.17\n", "crm.yaml");
  CHECK(c.rates.at("USD") == "0.92");
  CHECK(c.rates.at("GBP") == "1.17");
  CHECK(crm::Config::parse(c.emit(), "crm.yaml").rates == c.rates);
  CHECK(crm::Config::defaults().emit().find("rates") == std::string::npos);
  for (const char* bad : {"rates: 3\n", "rates:\n  usd: 1\n", "rates:\n  USD: 0\n", "rates:\n  USD: -1\n",
                          "rates:\n  USD: lots\n", "rates:\n  USD: 0.1234567\n"})
    CHECK_THROWS_AS(crm::Config::parse(bad, "crm.yaml"), crm::Error);
}
