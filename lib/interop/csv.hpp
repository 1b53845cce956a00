// CSV in (RFC 4180: quoted fields with "" and line breaks, CRLF or LF, UTF-8
// with or without a BOM) as contacts, with presets for the exports of Google
// Contacts, Outlook and HubSpot, crm's own columns, and --map for any other.
//
// A column's target is a contact field, optionally with a label:
//   id name given_name middle_name family_name prefix suffix company title department
//   email[:LABEL] phone[:LABEL] emails phones (lists, ';'-separated, LABEL:value items)
//   street|city|region|postal_code|country[:LABEL] (one address per label)
//   website birthday notes tags owner lifecycle source keep_in_touch fields.NAME skip
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "interop/batch.hpp"
#include "model/config.hpp"

namespace crm {

struct CsvRow {
  size_t line = 0;  // where the row starts
  std::vector<std::string> cells;
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  char delimiter = ',';
};

// Rows of `text`; delimiter 0: the one of , ; TAB that the header line uses most. A row with a
// different number of fields than the header, or with invalid UTF-8, goes to `rejected`; an
// unterminated quote rejects the rest of the file from where it starts.
CsvTable parse_csv(std::string_view text, char delimiter, const std::string& origin, std::vector<Rejected>& rejected);

struct CsvOptions {
  std::string preset;               // google, outlook, hubspot, crm; empty: recognised from the header
  std::vector<std::string> map;     // "Header=target" (several per string, comma-separated)
  char delimiter = 0;
};

// The preset names, for help and errors.
std::vector<std::string> csv_presets();

// Contacts from CSV text. Throws Error(Usage) for an unknown preset or target, or when the header
// matches no preset and no --map is given.
Batch read_csv_contacts(std::string_view text, const CsvOptions& options, const std::string& origin, const Config& config);

// crm's own columns, in the order `crm export csv` writes them.
std::vector<std::string> crm_csv_columns();

}  // namespace crm
