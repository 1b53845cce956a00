// The Xapian index in .git/crm/index: derived from the record files, never
// committed, rebuilt or repaired automatically. Every command opens it
// through Index, which first brings it up to date with the working tree.
//
// Schema (the one place it is defined; see index.cpp for the table):
//   terms   Q<id>  T<type>  D<folder/shard>  N<name word>  XN<whole folded name>
//           E<email>  L<linked id>  XBROKEN (file that does not parse)
//   values  0: file stamp (mtime, size, inode, ctime)   1: folded title (sort key)
//   data    JSON {"type","id","path","data"|"error"}
//   metadata  "schema": index layout version
// Freshness: .git/crm/folders holds a hash of each shard folder's file names
// and stamps; a folder whose hash differs is re-read file by file.
#pragma once
#include <xapian.h>

#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/repository.hpp"

namespace crm {

struct Entry {
  const TypeSpec* type = nullptr;
  std::string id;
  std::string path;
  Json data;          // the record's fields (when it parsed)
  std::string error;  // why the file could not be read, when it did not
  std::string title() const;
};

struct SearchOptions {
  const TypeSpec* type = nullptr;  // only this type
  size_t limit = 50;               // 0: all
  std::string sort;                // a field name; empty: relevance (or title when `by_title`)
  bool by_title = false;
  bool reverse = false;
  bool snippets = true;  // lists and reports do not show them (and they cost most of a large result)
  bool ids_only = false;  // hits carry their id alone (`--format ids`): no record is read
};

struct Hit {
  Entry entry;
  double score = 0;
  std::string snippet;
};

struct SearchResult {
  std::vector<Hit> hits;
  size_t matches = 0;              // estimated number of matches (exact when small)
  std::vector<std::string> notes;  // for stderr: expansions cut short
};

// What reports read: for each record, the values of some fields, as written (see fields.hpp).
struct ValueQuery {
  const TypeSpec* type = nullptr;
  std::vector<std::string> fields;  // field names, or "id" and "title"
  std::string query;                // the search language; empty: every record of the type
  std::string range_field;          // a date field; with from/to, only records whose value lies between
  std::string from, to;             // text bounds, inclusive (a date "2026-11-30" includes its datetimes)
};

struct ValueRows {
  std::vector<std::vector<std::string>> rows;  // per record, the fields' values ("" when it has none)
  size_t unreadable = 0;                       // files of the type that did not parse, left out
  std::vector<std::string> notes;              // for stderr: query expansions cut short
};

class Index {
 public:
  // Opens the index and brings it up to date. A writer that holds the
  // WriteLock passes holding_lock=true; readers take the lock only to
  // repair, and serve with a warning if another process holds it.
  // Freshen::Skip opens it as it is, for a writer that only indexes what it
  // wrote (files_changed): other changes are left for the next command to find.
  enum class Freshen { Check, Skip };
  // Warnings and progress go to the repository's sinks (Repository::on_warning, on_progress).
  Index(const Repository& repo, bool holding_lock, Freshen freshen = Freshen::Check);
  ~Index();

  // Candidates for REF (id, id prefix, email, or name words), of `type` when given.
  // With exact_wins, a unique exact full-name match is the only candidate.
  using Types = std::vector<const TypeSpec*>;  // empty: every type
  std::vector<Entry> find(const std::string& ref, const TypeSpec* type, bool exact_wins = true) const;
  std::vector<Entry> find(const std::string& ref, const Types& types, bool exact_wins = true) const;
  // Exactly one record for REF, or Error(NotFound) listing candidates.
  Entry resolve(const std::string& ref, const TypeSpec* type) const;
  Entry resolve(const std::string& ref, const Types& types) const;
  std::optional<Entry> get(const std::string& id) const;
  // Every record of `type` (all types when null) in title order; without data: ids only.
  // `keep`: only these fields of each record's data are kept, as it is read (a list of 50,000
  // deals held 150 MB of records to show seven columns).
  std::vector<Entry> all(const TypeSpec* type, bool with_data = true, const std::vector<std::string>* keep = nullptr) const;
  // Every record of `type` in title order, read one at a time and handed to `f` (false: stop),
  // so that a long list is never held whole.
  void each_by_title(const TypeSpec& type, const std::function<bool(Entry&&)>& f) const;
  std::vector<Entry> linking_to(const std::string& id) const;
  // Ids of records of `type` linking to `id`, without reading their data.
  std::vector<std::string> ids_linking_to(const std::string& id, const TypeSpec& type) const;
  // For each group of ids: the largest value of date field `field` (at most `upto` when given) among
  // records that link to any of the group's ids and have that field (the slot's text: dates as
  // written, datetimes in UTC); nullopt when there is none. Reads no documents.
  std::vector<std::optional<std::string>> latest_each(const std::vector<std::vector<std::string>>& groups,
                                                      const std::string& field, const std::string& upto = {}) const;
  // A record's title from the index alone (the id itself when there is no such record).
  std::string title_of(const std::string& id) const;
  // Look up the titles of many ids at once, in term and then document order (a few block
  // reads instead of a few per id), so that the title_of calls that follow are answered
  // from memory.
  void prefetch_titles(std::vector<std::string> ids) const;
  size_t count(const TypeSpec* type) const;
  // Field values of many records, from value slots alone: no document is read or decoded.
  // Throws Error(Usage) for a bad query or a field that keeps no value.
  ValueRows values(const ValueQuery& q) const;
  // The search language (lib/index/query.hpp). Throws Error(Usage) naming the column of a bad query.
  SearchResult search(const std::string& query, const SearchOptions& options) const;

  // After a writer changed files: index them now (files given by relative path).
  void files_changed(const std::vector<std::string>& paths);
  // Throw everything away and read every file again.
  void rebuild(bool holding_lock);
  // Delete the index (the next Index built reads every file).
  static void discard(const Repository& repo);

 private:
  struct State;
  std::unique_ptr<State> s_;
  void refresh(bool holding_lock, Freshen freshen = Freshen::Check);
};

std::string short_id(const std::string& id);

}  // namespace crm
