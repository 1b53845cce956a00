// crm-mail.so: reading mail with GMime; its one exported symbol is crm_mail_module.
#include "interop/mail.hpp"

#include <fcntl.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;

void init_gmime() {
  static bool done = false;
  if (!done) {
    g_mime_init();
    done = true;
  }
}

template <class T>
struct GObjectRelease {
  void operator()(T* p) const {
    if (p) g_object_unref(p);
  }
};
template <class T>
using GPtr = std::unique_ptr<T, GObjectRelease<T>>;

std::string utf8_of(const char* s) {
  if (!s) return {};
  std::string v(s);
  return valid_utf8(v) ? v : latin1_to_utf8(v);
}

// Control characters out (tabs and line breaks stay), CRLF to LF.
std::string clean_text(const std::string& s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') continue;
    if (c < 0x20 && c != '\n' && c != '\t') continue;
    r += s[i];
  }
  while (!r.empty() && (r.back() == '\n' || r.back() == ' ' || r.back() == '\t')) r.pop_back();
  size_t start = 0;
  while (start < r.size() && r[start] == '\n') ++start;
  return r.substr(start);
}

// Text of an HTML part: tags, styles and scripts out, the common entities decoded.
std::string html_text(const std::string& html) {
  std::string r;
  bool tag = false;
  std::string skip_until;
  for (size_t i = 0; i < html.size(); ++i) {
    if (!skip_until.empty()) {
      if (lower_ascii(html.substr(i, skip_until.size())) == skip_until) {
        i += skip_until.size() - 1;
        skip_until.clear();
      }
      continue;
    }
    char c = html[i];
    if (c == '<') {
      std::string next = lower_ascii(html.substr(i, 8));
      if (next.rfind("<style", 0) == 0) skip_until = "</style>";
      else if (next.rfind("<script", 0) == 0) skip_until = "</script>";
      else if (next.rfind("<br", 0) == 0 || next.rfind("<p", 0) == 0 || next.rfind("</p", 0) == 0 || next.rfind("<div", 0) == 0)
        r += '\n';
      tag = true;
    } else if (c == '>' && tag) {
      tag = false;
    } else if (!tag) {
      r += c;
    }
  }
  for (const auto& [entity, text] : std::vector<std::pair<std::string, std::string>>{
           {"&nbsp;", " "}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
    for (size_t at; (at = r.find(entity)) != std::string::npos;) r.replace(at, entity.size(), text);
  std::string out;
  size_t newlines = 0;
  for (char c : r) {
    newlines = c == '\n' ? newlines + 1 : 0;
    if (newlines <= 2) out += c;
  }
  return out;
}

// mboxrd quoting undone: ">From " at a line start was "From " in the mail (and ">>From " was ">From ").
std::string unquote_mbox_from(const std::string& body) {
  std::string out;
  for (const auto& line : split(body, '\n')) {
    size_t q = 0;
    while (q < line.size() && line[q] == '>') ++q;
    out += (q > 0 && line.compare(q, 5, "From ") == 0 ? line.substr(1) : line) + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

struct Parts {
  std::string plain, html;
  std::vector<std::string> attachments;
};

void visit_part(GMimeObject*, GMimeObject* part, gpointer data) {
  auto* parts = static_cast<Parts*>(data);
  if (!GMIME_IS_PART(part)) return;
  GMimePart* p = GMIME_PART(part);
  const char* filename = g_mime_part_get_filename(p);
  if (g_mime_part_is_attachment(p) || (filename && *filename)) {
    parts->attachments.push_back(filename && *filename ? utf8_of(filename) : "(unnamed)");
    return;
  }
  if (!GMIME_IS_TEXT_PART(part)) return;
  GMimeContentType* type = g_mime_object_get_content_type(part);
  bool plain = g_mime_content_type_is_type(type, "text", "plain");
  bool html = g_mime_content_type_is_type(type, "text", "html");
  if ((plain && !parts->plain.empty()) || (html && !parts->html.empty()) || (!plain && !html)) return;
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  if (!text) return;
  (plain ? parts->plain : parts->html) = utf8_of(text);
  g_free(text);
}

struct Address {
  std::string name, email;
};

std::vector<Address> addresses(InternetAddressList* list) {
  std::vector<Address> out;
  if (!list) return out;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      if (addr) out.push_back({utf8_of(internet_address_get_name(a)), lower_ascii(trim(utf8_of(addr)))});
    } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      auto members = addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
      out.insert(out.end(), members.begin(), members.end());
    }
  }
  return out;
}

// One message as a note (or why it is not one). Returns false when it concerns no contact.
bool note_of(GMimeMessage* msg, const std::string& where, const MailOptions& options, Batch& batch, MailCounts& counts,
             bool from_mbox) {
  ++counts.messages;
  auto from = addresses(g_mime_message_get_from(msg));
  GDateTime* date = g_mime_message_get_date(msg);
  if (from.empty() && !date) {
    batch.rejected.push_back({where, "not a mail message (no From and no Date header)"});
    return false;
  }
  if (!date) {
    batch.rejected.push_back({where, "the message has no Date header"});
    return false;
  }
  DateTime at{std::chrono::sys_seconds{std::chrono::seconds{g_date_time_to_unix(date)}},
              static_cast<int>(g_date_time_get_utc_offset(date) / G_TIME_SPAN_MINUTE)};
  if (!options.since.empty() && at.utc < when_moment(options.since).utc) {
    ++counts.older;
    return false;
  }
  std::vector<std::string> contacts;
  std::string company;
  auto involve = [&](const Address& a) {
    auto it = options.contacts.find(a.email);
    if (it == options.contacts.end()) return false;
    if (std::find(contacts.begin(), contacts.end(), it->second.id) == contacts.end()) contacts.push_back(it->second.id);
    if (company.empty()) company = it->second.company;
    return true;
  };
  bool incoming = false;
  for (const auto& a : from) incoming = involve(a) || incoming;
  for (auto type : {GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC})
    for (const auto& a : addresses(g_mime_message_get_addresses(msg, type))) involve(a);
  if (contacts.empty()) {
    ++counts.unrelated;
    return false;
  }
  Parts parts;
  g_mime_message_foreach(msg, visit_part, &parts);
  std::string body = clean_text(!parts.plain.empty() ? parts.plain : html_text(parts.html));
  if (from_mbox) body = unquote_mbox_from(body);
  if (body.size() > kMaxBodyBytes) {
    size_t cut = kMaxBodyBytes;
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
    body = body.substr(0, cut) + "\n[... cut: the message has " + std::to_string(body.size() / 1024) + " KiB of text]";
  }
  if (!parts.attachments.empty()) {
    std::string names;
    for (const auto& n : parts.attachments) names += (names.empty() ? "" : ", ") + n;
    body += std::string(body.empty() ? "" : "\n\n") + "Attachments (not stored): " + names;
  }
  const char* id = g_mime_message_get_message_id(msg);
  std::string subject = trim(utf8_of(g_mime_message_get_subject(msg)));
  for (auto& c : subject)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (subject.size() > 1000) subject = subject.substr(0, 1000);
  while (!subject.empty() && !valid_utf8(subject)) subject.pop_back();

  Incoming in;
  in.record.type = &types::note();
  in.where = where;
  in.landing = Landing::Keep;
  Json& d = in.record.data;
  d["kind"] = "email";
  d["at"] = format_datetime(at);
  if (!subject.empty()) d["subject"] = subject;
  d["contacts"] = contacts;
  if (!company.empty()) d["company"] = company;
  d["direction"] = incoming ? "in" : "out";
  if (!from.empty()) d["author"] = !trim(from[0].name).empty() ? trim(from[0].name) : from[0].email;
  if (!body.empty()) d["body"] = body;
  std::string key = id && *id ? utf8_of(id) : d["at"].get<std::string>() + "\n" + (from.empty() ? "" : from[0].email) + "\n" + subject;
  in.derived_id = id_for_key("mail", key);
  batch.records.push_back(std::move(in));
  return true;
}

GPtr<GMimeStream> open_stream(const std::string& path) {
  GError* error = nullptr;
  GMimeStream* s = g_mime_stream_fs_open(path.c_str(), O_RDONLY, 0, &error);
  if (!s) {
    std::string why = error ? error->message : "cannot open";
    if (error) g_error_free(error);
    fail(Failure::NotFound, path + ": " + why);
  }
  return GPtr<GMimeStream>(s);
}

// Line numbers of mbox offsets, counted once through the file as the offsets grow.
class LineCounter {
 public:
  explicit LineCounter(const std::string& path) : in_(path, std::ios::binary) {}
  size_t line_at(gint64 offset) {
    char buf[65536];
    while (pos_ < offset && in_) {
      size_t want = static_cast<size_t>(std::min<gint64>(sizeof buf, offset - pos_));
      in_.read(buf, static_cast<std::streamsize>(want));
      std::streamsize got = in_.gcount();
      if (got <= 0) break;
      line_ += static_cast<size_t>(std::count(buf, buf + got, '\n'));
      pos_ += got;
    }
    return line_;
  }

 private:
  std::ifstream in_;
  gint64 pos_ = 0;
  size_t line_ = 1;
};

bool looks_like_mbox(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[5] = {};
  in.read(head, 5);
  return in.gcount() == 5 && std::string(head, 5) == "From ";
}

Batch read_messages(const std::string& path, const MailOptions& options, MailCounts& counts,
                     const std::function<void(size_t, size_t)>& progress) {
  init_gmime();
  Batch batch;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(Failure::NotFound, path + ": no such file or folder");
  if (!std::filesystem::is_directory(path, ec) && looks_like_mbox(path)) {
    auto stream = open_stream(path);
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MBOX);
    LineCounter lines(path);
    size_t number = 0;
    while (!g_mime_parser_eos(parser.get())) {
      GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), nullptr));
      if (!msg) break;
      ++number;
      std::string where = path + ":" + std::to_string(lines.line_at(g_mime_parser_get_mbox_marker_offset(parser.get())));
      note_of(msg.get(), where, options, batch, counts, true);
      if (progress && number % 64 == 0) progress(number, 0);
    }
    return batch;
  }
  // A Maildir (cur/ and new/), a folder of message files, or one message file.
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::string> folders;
    for (const char* sub : {"cur", "new"})
      if (std::filesystem::is_directory(path + "/" + sub, ec)) folders.push_back(path + "/" + sub);
    if (folders.empty()) folders.push_back(path);
    for (const auto& folder : folders)
      for (const auto& f : std::filesystem::directory_iterator(folder, ec))
        if (f.is_regular_file() && f.path().filename().string()[0] != '.') files.push_back(f.path().string());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    auto stream = open_stream(files[i]);
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!msg) {
      ++counts.messages;
      batch.rejected.push_back({files[i], "not a mail message (GMime could not parse it)"});
    } else {
      note_of(msg.get(), files[i], options, batch, counts, false);
    }
    if (progress) progress(i + 1, files.size());
  }
  return batch;
}

const MailModule kModule{read_messages};

}  // namespace

}  // namespace crm

extern "C" __attribute__((visibility("default"))) const crm::MailModule* crm_mail_module() { return &crm::kModule; }
