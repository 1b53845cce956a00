// Charts for reports: unicode bars for a terminal, and SVG for the html page
// (a funnel for the pipeline, bars for periods, a Pareto curve for customers).
// Values are exact decimals; only the drawing turns them into lengths.
#pragma once
#include <string>
#include <vector>

#include "report/decimal.hpp"

namespace crm {

// A bar of `width` columns at most, as long as value/max, in eighths of a column ("█████▍").
std::string text_bar(const Decimal& value, const Decimal& max, size_t width);

struct ChartPoint {
  std::string label;
  Decimal value;
  Decimal value2;      // drawn lighter, behind `value` (forecast: best case behind weighted)
  Decimal cumulative;  // Pareto: the running total (of all points) up to this one
};

// Each returns one <svg> element, well-formed XML, sized by its viewBox.
std::string funnel_svg(const std::string& title, const std::vector<ChartPoint>& points);
std::string bars_svg(const std::string& title, const std::vector<ChartPoint>& points, const std::string& value_name,
                     const std::string& value2_name);
// Customers by revenue, largest first, with the cumulative share as a curve and the 80% line.
std::string pareto_svg(const std::string& title, const std::vector<ChartPoint>& points, const Decimal& total);

}  // namespace crm
