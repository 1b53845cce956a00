// JSON in and out: an array of records, each {"id", "type", fields...} as
// `crm ... --json` prints them. Export then import into an empty repository
// then export gives the same bytes: ids, `created` and every field are kept.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "interop/batch.hpp"

namespace crm {

// The records of a JSON backup. Throws Error(Invalid, "ORIGIN:LINE:COL: ...") when the file is not
// a JSON array; a record that is not a valid record goes to Batch::rejected with its number and line.
Batch read_json_records(std::string_view text, const std::string& origin);

// The export: records ({"id","type",...}) as one array, two-space indented, UTF-8 as is, ending in a newline.
std::string write_json_records(const std::vector<Json>& records);

}  // namespace crm
