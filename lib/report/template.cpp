#include "report/template.hpp"

#include <kainjow/mustache.hpp>

#include <filesystem>

#include "model/error.hpp"
#include "store/repository.hpp"

namespace crm {

namespace mustache = kainjow::mustache;

namespace {

mustache::data to_data(const Json& j) {
  if (j.is_object()) {
    mustache::data d{mustache::data::type::object};
    for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
    return d;
  }
  if (j.is_array()) {
    mustache::data list{mustache::data::type::list};
    for (const auto& x : j) list.push_back(to_data(x));
    return list;
  }
  if (j.is_string()) return mustache::data{j.get<std::string>()};
  if (j.is_boolean()) return mustache::data{j.get<bool>()};
  if (j.is_null()) return mustache::data{false};
  return mustache::data{j.dump()};
}

// kainjow says "Unclosed section "rows" at 120" (a byte offset): say where as LINE:COL.
std::string positioned(const Template& t, const std::string& message) {
  size_t at = message.rfind(" at ");
  if (at == std::string::npos || at + 4 >= message.size() ||
      message.find_first_not_of("0123456789", at + 4) != std::string::npos)
    return t.origin + ": " + message;
  size_t offset = std::min<size_t>(std::stoul(message.substr(at + 4)), t.text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (t.text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  std::string what = message.substr(0, at);
  if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  return t.origin + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what;
}

}  // namespace

Template find_template(const std::string& root, const std::string& name, const std::string& format) {
  std::string dir = root + "/.crm/templates/";
  for (const std::string& file : {name + "." + format + ".mustache", "report." + format + ".mustache"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir + file, ec))
      return {".crm/templates/" + file, read_file(dir + file, kMaxRecordBytes, ".crm/templates/" + file)};
  }
  std::string shipped = "report." + format + ".mustache";
  for (const auto& e : embedded_templates())
    if (e.name == shipped) return {"(built in) " + shipped, std::string(e.text)};
  fail(Failure::Runtime, "no template for " + format + " reports", "reinstall crm");
}

std::string render_template(const Template& t, const Json& data, const std::function<std::string(const std::string&)>& escape) {
  mustache::mustache tmpl{t.text};
  if (!tmpl.is_valid())
    fail(Failure::Invalid, positioned(t, tmpl.error_message()),
         "fix the template (Mustache: {{name}}, {{#list}}...{{/list}}, {{^empty}}...{{/empty}}), or remove it to use "
         "the built-in one");
  tmpl.set_custom_escape(escape);
  std::string out = tmpl.render(to_data(data));
  if (!tmpl.is_valid()) fail(Failure::Invalid, positioned(t, tmpl.error_message()), "fix the template");
  return out;
}

}  // namespace crm
