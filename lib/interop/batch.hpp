// What an import reads from its files, before anything touches the
// repository: records as crm would write them, where each came from, and the
// input it had to refuse. Readers (json, vcard, csv, mail) produce a Batch;
// ImportPlan (import_plan.hpp) decides what each record does to the repository.
#pragma once
#include <string>
#include <vector>

#include "model/record.hpp"

namespace crm {

// How an incoming record lands on one that exists already.
enum class Landing {
  Replace,  // the record as given (JSON backups: an exact copy)
  Merge,    // the format's fields set, lists unioned, other fields kept (vCard, CSV)
  Keep,     // an existing record wins; the incoming one is only added when new (mail notes)
};

struct Incoming {
  Record record;        // id empty: a new record unless it matches one (by email for contacts)
  std::string where;    // "backup.json: record 3", "phone.vcf:12"
  Landing landing = Landing::Replace;
  // The id from the source's own key (id_for_key): used when no record has record.id or, for
  // contacts, one of its emails.
  std::string derived_id;
  // A company named by a contact (vCard ORG, CSV Company column): linked by name, added when new.
  std::string company_name;
};

struct Rejected {
  std::string where;
  std::string message;
};

struct Batch {
  std::vector<Incoming> records;
  std::vector<Rejected> rejected;
  std::vector<std::string> notes;  // things dropped on purpose (a vCard PHOTO), for stderr
};

// A stable id for a record whose source names it with a foreign key (a vCard UID, a Message-ID):
// the key itself when it is already a crm id, else 16 characters of its SHA-1 in crm's base32.
// Importing the same source again finds the same record.
std::string id_for_key(const std::string& scope, const std::string& key);
// The id of a contact whose source gives no key (a vCard without UID, a CSV row): from its folded
// name, first email and first phone, so the same person from a vCard or a CSV row lands on one record.
std::string id_for_contact(const std::string& name, const std::string& email, const std::string& phone);

}  // namespace crm
