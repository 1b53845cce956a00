// FieldMerge: three-way merges of record files, rule by rule (crm(5), CONFLICTS).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "model/config.hpp"
#include "model/schema.hpp"
#include "model/yaml.hpp"
#include "store/git.hpp"
#include "sync/field_merge.hpp"

using crm::Config;
using crm::FieldMergeResult;
using crm::Json;
using crm::MergeSide;

namespace {

const Config& config() {
  static Config c = Config::defaults();
  return c;
}

FieldMergeResult merge(const std::string& type, const std::optional<std::string>& base, const std::string& ours,
                       const std::string& theirs) {
  return crm::merge_record(crm::type_spec(type), config(), type + "s/ab/abcdefgh.yaml", base, ours, theirs,
                           MergeSide{"Alice", "2026-12-01T10:00:00Z"});
}

Json fields(const FieldMergeResult& r) { return crm::parse_yaml(r.text, "merged").value; }

}  // namespace

TEST_CASE("a field changed on one side takes that side's value") {
  auto r = merge("contact", "name: Ana\ntitle: CTO\n", "name: Ana\ntitle: CTO\ndepartment: IT\n",
                 "name: Ana\ntitle: CEO\n");
  CHECK(r.conflicts.empty());
  CHECK(fields(r)["title"] == "CEO");
  CHECK(fields(r)["department"] == "IT");
  CHECK(r.text == "name: Ana\ntitle: CEO\ndepartment: IT\n");
}

TEST_CASE("lists merge as sets: additions from both, removals from either") {
  auto r = merge("contact", "name: Ana\ntags:\n  - a\n  - b\n", "name: Ana\ntags:\n  - a\n  - b\n  - ours\n",
                 "name: Ana\ntags:\n  - b\n  - theirs\n");
  CHECK(r.conflicts.empty());
  CHECK(fields(r)["tags"] == Json::array({"b", "ours", "theirs"}));
}

TEST_CASE("a scalar changed differently keeps ours and records theirs with who and when") {
  auto r = merge("deal", "title: Web\namount: 100\n", "title: Web\namount: 150\n", "title: Web\namount: 120\n");
  REQUIRE(r.conflicts == std::vector<std::string>{"amount"});
  Json f = fields(r);
  CHECK(f["amount"] == "150");
  CHECK(f["conflicts"]["amount"][0]["value"] == "120");
  CHECK(f["conflicts"]["amount"][0]["by"] == "Alice");
  CHECK(f["conflicts"]["amount"][0]["at"] == "2026-12-01T10:00:00Z");
  CHECK_FALSE(r.markers);
}

TEST_CASE("conflicts already recorded on either side are kept, each value once") {
  std::string theirs =
      "title: Web\namount: 120\nconflicts:\n  amount:\n    - value: \"90\"\n      by: Carol\n";
  auto r = merge("deal", "title: Web\namount: 100\n", "title: Web\namount: 150\n", theirs);
  Json c = fields(r)["conflicts"]["amount"];
  REQUIRE(c.size() == 2);
  CHECK(c[0]["value"] == "90");
  CHECK(c[1]["value"] == "120");
  // The same merge again on a record that already carries the conflict adds nothing.
  auto again = merge("deal", "title: Web\namount: 100\n", r.text, "title: Web\namount: 120\n");
  CHECK(fields(again)["conflicts"]["amount"].size() == 2);
}

TEST_CASE("a conflict cleared on one side while unchanged on the other stays cleared") {
  std::string base = "title: Web\namount: 150\nconflicts:\n  amount:\n    - value: \"120\"\n";
  auto r = merge("deal", base, "title: Web\namount: 150\n", base + "stage: won\n");
  CHECK_FALSE(fields(r).contains("conflicts"));
  CHECK(fields(r)["stage"] == "won");
}

TEST_CASE("a field cleared on one side and changed on the other keeps the change") {
  auto r = merge("contact", "name: Ana\ntitle: CTO\n", "name: Ana\n", "name: Ana\ntitle: CEO\n");
  CHECK(r.conflicts.empty());
  CHECK(fields(r)["title"] == "CEO");
}

TEST_CASE("custom fields merge key by key") {
  auto r = merge("contact", "name: Ana\nfields:\n  shoe: \"40\"\n  tier: gold\n",
                 "name: Ana\nfields:\n  shoe: \"41\"\n  tier: gold\n", "name: Ana\nfields:\n  shoe: \"42\"\n  tier: silver\n");
  REQUIRE(r.conflicts == std::vector<std::string>{"fields.shoe"});
  Json f = fields(r);
  CHECK(f["fields"]["shoe"] == "41");
  CHECK(f["fields"]["tier"] == "silver");
  CHECK(f["conflicts"]["fields.shoe"][0]["value"] == "42");
}

TEST_CASE("free text merges line by line") {
  std::string base = "name: Ana\nnotes: |\n  one\n  two\n  three\n";
  auto r = merge("contact", base, "name: Ana\nnotes: |\n  ONE\n  two\n  three\n",
                 "name: Ana\nnotes: |\n  one\n  two\n  THREE\n");
  CHECK(r.conflicts.empty());
  CHECK(fields(r)["notes"] == "ONE\ntwo\nTHREE\n");
  // The same line changed differently: a conflict, ours kept.
  auto c = merge("contact", base, "name: Ana\nnotes: |\n  one\n  2\n  three\n", "name: Ana\nnotes: |\n  one\n  II\n  three\n");
  CHECK(c.conflicts == std::vector<std::string>{"notes"});
  CHECK(fields(c)["notes"] == "one\n2\nthree\n");
}

TEST_CASE("stage history merges as a set in date order") {
  std::string base = "title: Web\nstage_history:\n  - stage: lead\n    at: 2026-01-01\n";
  auto r = merge("deal", base, base + "  - stage: won\n    at: 2026-03-01\n", base + "  - stage: proposal\n    at: 2026-02-01\n");
  Json h = fields(r)["stage_history"];
  REQUIRE(h.size() == 3);
  CHECK(h[1]["stage"] == "proposal");
  CHECK(h[2]["stage"] == "won");
}

TEST_CASE("both sides added the same file") {
  auto r = merge("contact", std::nullopt, "name: Ana\nemails:\n  - a@x.example\n", "name: Ana\nemails:\n  - b@x.example\n");
  CHECK(r.conflicts.empty());
  CHECK(fields(r)["emails"] == Json::array({"a@x.example", "b@x.example"}));
}

TEST_CASE("a side that does not parse is merged by lines, with markers when they clash") {
  auto clean = merge("contact", "name: Ana\ndepartment: IT\ntitle: CTO\n", "name: [Ana\ndepartment: IT\ntitle: CTO\n",
                     "name: Ana\ndepartment: IT\ntitle: CEO\n");
  CHECK(clean.by_lines);
  CHECK_FALSE(clean.markers);
  CHECK(clean.text == "name: [Ana\ndepartment: IT\ntitle: CEO\n");
  auto clash = merge("contact", "name: Ana\n", "name: [Ana\n", "name: {Ana\n");
  CHECK(clash.markers);
  CHECK(clash.text.find("<<<<<<< ours") != std::string::npos);
  CHECK(clash.text.find("{Ana") != std::string::npos);
}

TEST_CASE("merge_lines: clean merges, and nullopt or markers on a clash") {
  CHECK(crm::merge_lines("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n") == std::optional<std::string>("A\nb\nC\n"));
  CHECK_FALSE(crm::merge_lines("a\n", "b\n", "c\n").has_value());
  CHECK(crm::merge_lines("a\n", "b\n", "c\n", true)->find(">>>>>>> theirs") != std::string::npos);
}
