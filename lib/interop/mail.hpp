// Mail in: each message from or to a contact becomes an `email` note on
// their timeline (GMime parses the messages: MIME, encoded words, charsets).
//
//   direction  in when the sender is a contact, else out
//   subject    Subject        at    Date (its offset kept)
//   contacts   every contact among From, To and Cc; company: the first one's company
//   author     the sender's name (else address)
//   body       the first text/plain part (else text/html without tags), cut at 64 KiB;
//              attachments are named at its end, never stored
//   id         derived from the Message-ID (id_for_key), so importing a mailbox again adds nothing
// Messages that concern no contact are counted and left out.
#pragma once
#include <functional>
#include <map>
#include <string>

#include "interop/batch.hpp"

namespace crm {

struct MailContact {
  std::string id;
  std::string company;  // its company id, "" when none
};

struct MailOptions {
  std::map<std::string, MailContact> contacts;  // lowercase email -> contact
  std::string since;                            // an ISO date or datetime; older mail is left out
};

struct MailCounts {
  size_t messages = 0;   // read
  size_t unrelated = 0;  // no contact among the addresses
  size_t older = 0;      // before --since
};

// Messages of a Maildir (cur/ and new/), a folder of message files, or an mbox file.
// A message that cannot be read goes to Batch::rejected (path, or mbox path:line).
// GMime is in crm-mail.so, loaded on first use (store/module.hpp).
Batch read_mail(const std::string& path, const MailOptions& options, MailCounts& counts,
                const std::function<void(size_t, size_t)>& progress = {});

// What crm-mail.so provides: its one exported symbol, crm_mail_module, returns this.
struct MailModule {
  Batch (*read)(const std::string& path, const MailOptions& options, MailCounts& counts,
                const std::function<void(size_t, size_t)>& progress);
};

}  // namespace crm
