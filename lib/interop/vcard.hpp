// vCard 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350) in, 3.0 or 4.0 out.
//
// Hand-written rather than a library: Debian has no maintained C++ vCard
// library (libebook drags in Evolution's data server), the format is small,
// and what goes wrong in real files is exactly what a general library gets
// wrong: 2.1 exports from phones with QUOTED-PRINTABLE soft line breaks and
// CHARSET, Apple's item1.X-ABLabel groups, folding inside UTF-8 characters.
// tests/data/vcard/ holds samples in the styles of those producers.
//
// Mapping (a vCard holds one contact):
//   FN (else N)  -> name            ORG company;unit -> company (by name) and department
//   EMAIL, TEL   -> emails, phones  TYPE parameters (or Apple's X-ABLabel) -> the label
//   ADR          -> addresses       TITLE -> title    BDAY -> birthday   URL -> website
//   NOTE         -> notes           CATEGORIES -> tags
//   UID          -> the contact's id: the UID itself when it is a crm id (a crm export),
//                   else an id derived from it (id_for_key), so re-importing finds the same contact
//   PHOTO, LOGO, SOUND, KEY and unknown properties are dropped (counted in Batch::notes).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "interop/batch.hpp"

namespace crm {

struct VcardProperty {
  std::string group;  // "item1" in item1.EMAIL
  std::string name;   // upper case: EMAIL
  std::vector<std::pair<std::string, std::string>> params;  // (upper-case name, value); 2.1's bare TYPE values as ("TYPE", v)
  std::string value;  // decoded (quoted-printable, charset) but still escaped
  size_t line = 0;
  std::vector<std::string> param_values(std::string_view name) const;  // every value, commas split
};

struct Vcard {
  size_t line = 0;  // of BEGIN:VCARD
  std::string version;
  std::vector<VcardProperty> properties;
};

// Cards in `text`; broken ones go to `rejected` naming origin:line.
std::vector<Vcard> parse_vcards(std::string_view text, const std::string& origin, std::vector<Rejected>& rejected);
// Escaped TEXT -> text: \n \N \, \; \\ .
std::string unescape_vcard_text(std::string_view s);
// A structured value split on unescaped `sep` (';' for N, ADR, ORG; ',' for CATEGORIES), each part unescaped.
std::vector<std::string> split_vcard_value(std::string_view s, char sep);

// Contacts from vCard text: each an Incoming with Landing::Merge.
Batch read_vcards(std::string_view text, const std::string& origin);

// One contact as a vCard ("3.0" or "4.0"); `company` is the linked company's name.
std::string write_vcard(const std::string& id, const Json& contact, const std::string& company, const std::string& version);

}  // namespace crm
