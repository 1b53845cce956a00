// A report in each output format. table: aligned columns, totals, notes,
// and unicode bars when the output is a terminal (style.width > 0); csv and
// tsv: the rows of a one-table report; json, yaml: the whole report;
// ndjson: one row per line; ids: the records a report lists; markdown and
// html: through the Mustache templates (lib/report/template.hpp), html with
// SVG charts.
#pragma once
#include <iosfwd>
#include <string>

#include "render/output.hpp"
#include "report/report.hpp"

namespace crm {

// Throws Error(Usage) for a format the report cannot be printed in, Error(Invalid) for a broken
// template in the repository at `root`.
void render_report(std::ostream& out, Format format, const Report& report, const Style& style, const std::string& root);

}  // namespace crm
