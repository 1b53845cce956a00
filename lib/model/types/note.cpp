// note: a call, an email, a meeting or a thought, about people, a company, a deal or a campaign.
// Added by `crm log` (and mail import), not by `crm note add`; newest first.
#include "model/text.hpp"
#include "model/types/types.hpp"

namespace crm {

namespace {

std::string text(const Json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? trim(it->get<std::string>()) : std::string();
}

// A note without a subject: its kind and the first line of its body.
std::string untitled(const Json& data) {
  std::string body = text(data, "body");
  body = truncate_to_width(body.substr(0, body.find('\n')), 60);
  std::string kind = text(data, "kind");
  return body.empty() ? kind : kind.empty() ? body : kind + ": " + body;
}

void moments(const Json& data, const std::string& title, const MomentSink& add) {
  std::string outcome = text(data, "outcome");
  add(text(data, "at"), text(data, "kind"), outcome.empty() ? title : title + " (" + outcome + ")");
}

const Behaviour kNote{nullptr, nullptr, untitled, moments};

}  // namespace

TypeSpec note_type() {
  TypeSpec t{"note", "notes", "subject", false,
             with_tail({{"kind", Kind::NoteKind, "", "call, email, meeting, note... (crm.yaml note_kinds)", "", true},
                        {"at", Kind::DateTime, "at", "when it happened (default: now)", "", true},
                        {"subject", Kind::Line, "subject", "one-line summary"},
                        {"contacts", Kind::Refs, "contact", "people involved (contact REF, repeatable)", "contact"},
                        {"company", Kind::Ref, "company", "company (REF)", "company"},
                        {"deal", Kind::Ref, "deal", "deal it is about (REF)", "deal"},
                        {"campaign", Kind::Ref, "campaign", "campaign it answers (REF)", "campaign"},
                        {"direction", Kind::Choice, "direction", "in (they reached us) or out (we reached them)", "",
                         false, "in out"},
                        {"duration", Kind::Duration, "duration", "how long: 45m, 1h30m"},
                        {"outcome", Kind::Line, "outcome", "what came of it"},
                        {"author", Kind::Line, "author", "who wrote it (default: git config user.name)"},
                        {"tags", Kind::Tags, "tag", "tag (repeatable)"},
                        {"body", Kind::Text, "", "what was said or written"}},
                       "")};
  t.columns = {"at", "kind", "title", "contacts", "company", "deal"};
  t.sort = "at";
  t.newest_first = true;
  t.in_timeline = true;
  t.help = "interactions";
  t.behaviour = &kNote;
  return t;
}

}  // namespace crm
