// Report layouts are Mustache templates (kainjow's mustache.hpp, Debian's
// libkainjow-mustache-dev). The shipped ones, templates/report.FORMAT.mustache,
// are compiled into crm (cmake/embed-templates.cmake) so that a binary needs
// no data files; a repository overrides them with its own files in
// .crm/templates/: NAME.FORMAT.mustache for one report, report.FORMAT.mustache
// for all.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/yaml.hpp"

namespace crm {

struct EmbeddedTemplate {
  std::string_view name;  // report.html.mustache
  std::string_view text;
};
const std::vector<EmbeddedTemplate>& embedded_templates();

struct Template {
  std::string origin;  // the file it came from, or "(built in) report.html.mustache"
  std::string text;
};

// The template for report `name` in `format` ("markdown", "html"), from the repository at `root`
// or built in.
Template find_template(const std::string& root, const std::string& name, const std::string& format);

// Renders `data` (objects, lists, strings, booleans; numbers as text). Values in {{x}} pass
// through `escape`; {{{x}}} does not. Throws Error(Invalid) naming ORIGIN:LINE:COL when the
// template does not parse.
std::string render_template(const Template& t, const Json& data, const std::function<std::string(const std::string&)>& escape);

}  // namespace crm
