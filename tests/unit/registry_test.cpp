// The registry of record types: the invariants every row keeps, built-in or declared.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/config.hpp"
#include "model/error.hpp"
#include "model/schema.hpp"

using namespace crm;

namespace {

void check_rows() {
  std::map<std::string, const FieldSpec*> by_name;
  std::set<std::string> names, folders;
  for (const TypeSpec& t : record_types()) {
    INFO("type " << t.name);
    CHECK(names.insert(std::string(t.name)).second);
    CHECK(folders.insert(std::string(t.folder)).second);
    REQUIRE(t.field(t.title_field) != nullptr);
    std::set<std::string> flags, fields;
    for (const auto& f : t.fields) {
      INFO("field " << f.name);
      CHECK(fields.insert(std::string(f.name)).second);
      if (!f.flag.empty()) CHECK(flags.insert(std::string(f.flag)).second);
      if (f.kind == Kind::Ref || f.kind == Kind::Refs) CHECK(find_type(f.ref_type) != nullptr);
      if (f.kind == Kind::Choice) CHECK(!choices_of(f).empty());
      // A field name has one meaning for the index across types.
      auto [it, fresh] = by_name.emplace(std::string(f.name), &f);
      if (!fresh) {
        CHECK(index_family(it->second->kind) == index_family(f.kind));
        CHECK(it->second->ref_type == f.ref_type);
      }
    }
    for (auto c : t.columns) CHECK((t.field(c) != nullptr || c == "title"));
    for (auto c : t.summary) CHECK(t.field(c) != nullptr);
    if (!t.sort.empty()) CHECK(t.field(t.sort) != nullptr);
    if (!t.done_field.empty()) CHECK((t.field(t.done_field) && t.field(t.due_field)));
    CHECK(reserved_word(t.name) == !t.declared);
  }
}

const char* kDeclared = R"(types:
  project:
    title: name
    fields:
      name: {kind: line, required: true}
      company: {kind: ref, to: company}
      status: {kind: choice, choices: [planned, active, done], default: planned}
      budget: money
      due: {kind: date}
    list: [name, company, status, due]
  asset:
    folder: kit
    fields:
      label: line
      project: {kind: ref, to: project}
fields:
  project:
    cost_centre: string
)";

std::optional<std::string> refusal(const std::string& types) {
  try {
    Config::parse("types:\n" + types, "crm.yaml");
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("registry: the built-in rows keep the invariants") { check_rows(); }

TEST_CASE("registry: declared types join it and keep the invariants") {
  Config c = Config::parse(kDeclared, "crm.yaml");
  REQUIRE(c.types.size() == 2);
  declare_types(c.types);
  const TypeSpec* p = find_type("project");
  REQUIRE(p != nullptr);
  CHECK(p->folder == "projects");
  CHECK(find_type("kit") == find_type("asset"));
  CHECK(find_type("asset")->title_field == "label");
  CHECK(p->field("status")->fallback == "planned");
  CHECK(c.custom("project", "cost_centre") != nullptr);
  check_rows();
  // Declared again: the same address, the new row.
  declare_types(Config::parse(std::string(kDeclared).replace(std::string(kDeclared).find("done]"), 5, "done, held]"),
                              "crm.yaml").types);
  CHECK(find_type("project") == p);
  CHECK(choices_of(*p->field("status")).size() == 4);
  declare_types({});
  CHECK(find_type("project") == nullptr);
}

TEST_CASE("registry: crm.yaml refuses what the registry could not hold") {
  auto refused = [](const std::string& types, const std::string& position, const std::string& needle) {
    INFO(types);
    auto e = refusal(types);
    REQUIRE(e.has_value());
    CHECK(e->rfind("crm.yaml:" + position + ":", 0) == 0);
    CHECK(e->find(needle) != std::string::npos);
  };
  refused("  deal:\n    fields: {name: line}\n", "2", "built-in record type");
  refused("  contacts:\n    fields: {name: line}\n", "2", "built-in");
  refused("  search:\n    fields: {name: line}\n", "2", "command");
  refused("  thing:\n    fields: {name: gizmo}\n", "3", "unknown kind 'gizmo'");
  refused("  thing:\n    fields:\n      owner_ref: {kind: ref, to: spaceship}\n", "4", "not a record type");
  refused("  thing:\n    fields:\n      s: {kind: choice, choices: [a, b], default: c}\n", "4", "not one of the choices");
  refused("  thing:\n    folder: a/b\n    fields: {name: line}\n", "3", "no slash");
  refused("  thing:\n    folder: ..\n    fields: {name: line}\n", "3", "no slash");
  refused("  thing:\n    fields:\n      due: line\n", "4", "built-in field");
  refused("  thing:\n    fields:\n      company: {kind: ref, to: deal}\n", "4", "built-in field");
  refused("  thing:\n    fields: {name: line}\n    colour: red\n", "4", "unknown option");
  refused("  thing:\n    fields: {name: line}\n    list: [nope]\n", "4", "not a field");
  refused("  thing:\n    title: size\n    fields: {name: line, size: integer}\n", "3", "title");
  refused("  thing:\n    folder: deals\n    fields: {name: line}\n", "3", "another type");
  CHECK(!refusal("  thing:\n    fields:\n      name: line\n      due: date\n      company: {kind: ref, to: company}\n"));
}
