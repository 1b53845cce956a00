// deal: something being sold, moving through crm.yaml's stages. A new deal starts in the first
// stage; every stage it enters is kept in stage_history with when (`crm deal move` is its verb).
#include "model/config.hpp"
#include "model/types/types.hpp"

namespace crm {

void append_stage(Json& data, const std::string& stage, const std::string& at) {
  if (!data.contains("stage_history") || !data["stage_history"].is_array()) data["stage_history"] = Json::array();
  Json h = Json::object();
  h["stage"] = stage;
  h["at"] = at;
  data["stage_history"].push_back(h);
}

namespace {

void on_add(Json& data, const Config& config, const std::string& now) {
  if (!data.contains("stage")) data["stage"] = config.stages.front().name;
  if (data.contains("amount") && !data.contains("currency")) data["currency"] = config.currency;
  if (data["stage"].is_string()) append_stage(data, data["stage"].get<std::string>(), now);
}

// A new stage joins the history; a deal that is no longer lost loses its lost_reason unless one was given.
void on_set(const Json& before, Json& after, const std::vector<std::string>& changed, const Config& config,
            const std::string& now) {
  if (!after.contains("stage") || !after["stage"].is_string() || before.value("stage", Json()) == after["stage"]) return;
  append_stage(after, after["stage"].get<std::string>(), now);
  const Stage* st = config.stage(after["stage"].get<std::string>());
  bool reason_given = std::find(changed.begin(), changed.end(), "lost_reason") != changed.end();
  if (st && st->probability != 0 && !reason_given) after.erase("lost_reason");
}

void moments(const Json& data, const std::string& title, const MomentSink& add) {
  auto h = data.find("stage_history");
  if (h == data.end() || !h->is_array()) return;
  for (const auto& e : *h)
    if (e.is_object() && e.contains("at") && e["at"].is_string())
      add(e["at"].get<std::string>(), "stage", title + " -> " + (e.contains("stage") && e["stage"].is_string() ? e["stage"].get<std::string>() : ""));
}

const Behaviour kDeal{on_add, on_set, nullptr, moments};

}  // namespace

TypeSpec deal_type() {
  TypeSpec t{"deal", "deals", "title", true,
             with_tail({{"title", Kind::Line, "title", "what is being sold", "", true},
                        {"company", Kind::Ref, "company", "customer company (REF)", "company"},
                        {"contacts", Kind::Refs, "contact", "people involved (contact REF, repeatable)", "contact"},
                        {"owner", Kind::Line, "owner", "who in your team owns it"},
                        {"stage", Kind::Stage, "stage", "pipeline stage from crm.yaml"},
                        {"amount", Kind::Money, "amount", "value, a decimal number (12000.50)"},
                        {"currency", Kind::Currency, "currency", "ISO 4217 code (default from crm.yaml)"},
                        {"probability", Kind::Percent, "probability", "win probability 0-100 (default from the stage)"},
                        {"close", Kind::Date, "close", "expected close date"},
                        {"source", Kind::Line, "source", "where it came from"},
                        {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                        {"lost_reason", Kind::Line, "lost-reason", "why it was lost"},
                        {"stage_history", Kind::StageHistory, "", "stage changes with dates"}})};
  t.columns = {"title", "company", "stage", "amount", "currency", "close", "owner"};
  t.summary = {"stage", "amount", "currency"};
  t.verbs = {"move"};
  t.help = "sales opportunities";
  t.behaviour = &kDeal;
  return t;
}

}  // namespace crm
