// crm.yaml: the repository's settings.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/schema.hpp"

namespace crm {

struct Stage {
  std::string name;
  int probability = 0;  // 100: won; 0: lost
};

struct CustomField {
  std::string name;
  Kind kind = Kind::Line;
};

struct Config {
  static constexpr int kSchemaVersion = 1;
  int schema = kSchemaVersion;
  std::string currency = "EUR";
  std::string language = "english";
  std::vector<Stage> stages;
  std::vector<std::string> lifecycle;
  std::vector<std::string> note_kinds;
  std::map<std::string, std::vector<CustomField>> fields;  // record type -> declared custom fields
  std::vector<TypeSpec> types;  // record types declared under `types:` (strings interned: see schema.hpp)
  // Exchange rates for reports: currency code -> what one unit is worth in `currency` (decimal text).
  std::map<std::string, std::string> rates;

  static Config defaults(const std::string& currency = "EUR");
  // Throws Error(Invalid) naming ORIGIN:LINE:COL.
  static Config parse(const std::string& text, const std::string& origin);
  std::string emit() const;

  // A type by name: built-in, or declared here.
  const TypeSpec* type(const std::string& name) const;
  const Stage* stage(const std::string& name) const;
  const CustomField* custom(const std::string& type, const std::string& name) const;
  std::string stage_names() const;
  bool note_kind(const std::string& name) const;
  std::string note_kind_names() const;
};

// A positive decimal with at most 12 whole digits and 6 decimals ("0.92", "1", "155.3").
bool valid_rate(std::string_view s);

}  // namespace crm
