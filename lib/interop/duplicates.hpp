// Contacts that are probably the same person, and merging two records of one person or company.
//
// Two contacts are duplicates when they share an email (compared lowercase),
// a phone number (compared by its digits, E.164-style: a leading 00 is the
// international prefix, and numbers of 9 or more digits match on their last
// 9, so "+34 600 000 001" and "600000001" are one number), or work at the same
// company under names that fold to the same words or are at most two edits apart.
#pragma once
#include <string>
#include <vector>

#include "index/index.hpp"

namespace crm {

struct DuplicatePair {
  std::string first, second;  // ids, first < second
  std::string reason;         // "same email ana@acme.example"
};

std::vector<DuplicatePair> find_duplicate_contacts(const std::vector<Entry>& contacts);

// Digits of a phone number as compared for duplicates.
std::string phone_key(const std::string& phone);

struct RecordMerge {
  Json data;                                // the kept record's fields after the merge
  std::vector<std::string> disagreements;   // "title: kept 'CTO', the other had 'VP'" (kept under conflicts:)
};

// `other` merged into `kept` (two contacts, or two companies): lists unioned, missing fields taken,
// texts joined, the earlier `created` kept, different single values left in `kept` with the other's
// under conflicts:.
RecordMerge merge_record_fields(const TypeSpec& type, const Json& kept, const Json& other);

// `data` (a record of `type`) with links to `from` pointing to `to`; false when it had none.
bool repoint_links(const TypeSpec& type, Json& data, const std::string& from, const std::string& to);

}  // namespace crm
