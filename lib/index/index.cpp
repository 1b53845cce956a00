#include "index/index.hpp"

#include "index/fields.hpp"
#include "index/freshness.hpp"
#include "index/query.hpp"
#include "index/search.hpp"

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "model/error.hpp"
#include "model/text.hpp"
#include "store/heap.hpp"
#include "store/lock.hpp"

namespace crm {

namespace {

// Term prefixes and value slots: the index schema.
constexpr const char* kId = "Q";
constexpr const char* kType = "T";
constexpr const char* kFolder = "D";
constexpr const char* kNameWord = "N";
constexpr const char* kWholeName = "XN";
constexpr const char* kEmail = "E";
constexpr const char* kLink = "L";
constexpr const char* kBroken = "XBROKEN";
constexpr Xapian::valueno kSlotStamp = 0;
constexpr Xapian::valueno kSlotTitle = 1;
constexpr Xapian::valueno kSlotId = 2;
constexpr Xapian::valueno kSlotBroken = 3;  // "1" when the file did not parse
constexpr Xapian::valueno kSlotShownTitle = 4;  // the title as written, for lists of linked records
constexpr const char* kLayout = "11";  // 7: value slots for reports; 8: dates as written; 10: long text under its field only;
                                       // 11: slots from the persisted table, per-type fingerprints
// Records per commit while building from scratch. Xapian keeps a batch's postings in memory; with
// long notes, small batches are faster (S, 12,200 records: 11.7 s at 5,000, 8.9 s at 1,000).
constexpr size_t kReindexBatch = 1000;

std::string term(const char* prefix, const std::string& value) {
  std::string t = std::string(prefix) + value;
  if (t.size() > 240) t.resize(240);  // Xapian's term length limit is 245 bytes
  return t;
}

std::string folder_of(const std::string& path) { return path.substr(0, path.rfind('/')); }


Entry entry_from(const Xapian::Document& doc) {
  Entry e;
  Json j = Json::parse(doc.get_data(), nullptr, false);
  if (j.is_discarded()) return e;
  e.type = find_type(j.value("type", ""));
  e.id = j.value("id", "");
  e.path = j.value("path", "");
  if (j.contains("data")) e.data = std::move(j["data"]);  // not copied: a record is most of a hit's cost
  e.error = j.value("error", "");
  return e;
}

// A value slot read in docid order: each document asked for is found by skipping forward in the
// slot's stream, not looked up on its own (which costs a B-tree search per document).
class ValueCursor {
 public:
  ValueCursor(const Xapian::Database& d, Xapian::valueno slot)
      : it_(d.valuestream_begin(slot)), end_(d.valuestream_end(slot)) {}
  // The value of `did`, "" when it has none. Docids must not decrease from one call to the next.
  std::string at(Xapian::docid did) {
    if (it_ != end_ && it_.get_docid() < did) it_.skip_to(did);
    return it_ != end_ && it_.get_docid() == did ? *it_ : std::string();
  }

 private:
  Xapian::ValueIterator it_, end_;
};

// The postings of term `t`. Asked first whether the term exists, which leaves the database's
// own cursor on the term's block; the posting list's cursor starts from there. Lookups made in
// term order then share blocks: the agenda's 1,000 link lookups at M read 733 blocks, not 2,559.
Xapian::PostingIterator postings(const Xapian::Database& d, const std::string& t) {
  if (!d.term_exists(t)) return d.postlist_end(t);
  return d.postlist_begin(t);
}

}  // namespace

std::string Entry::title() const { return type ? record_title(*type, data) : std::string(); }

std::string short_id(const std::string& id) { return id.substr(0, std::min<size_t>(id.size(), 8)); }

struct Index::State {
  const Repository& repo;
  std::string dir;
  std::string folders_file;
  std::unique_ptr<Xapian::Database> db;
  std::unique_ptr<Xapian::WritableDatabase> wdb;  // only while writing
  Freshness fresh;
  SearchSchema schema;
  std::unordered_map<std::string, std::string> titles{};  // title_of's answers: lists name the same company often

  Xapian::Database& read() { return wdb ? *wdb : *db; }
  const Xapian::Database& read() const { return wdb ? *wdb : *db; }

  void save_freshness() {
    fresh.set_revision(read().get_revision());
    fresh.save();
  }

  void open_writable() {
    if (wdb) return;
    db.reset();
    wdb = std::make_unique<Xapian::WritableDatabase>(dir, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_SYNC);
  }

  Xapian::Document document(const FileStamp& fs) {
    Xapian::Document doc;
    Json data = Json::object();
    data["type"] = std::string(fs.type->name);
    data["id"] = fs.id;
    data["path"] = fs.path;
    doc.add_boolean_term(term(kId, fs.id));
    doc.add_boolean_term(term(kType, std::string(fs.type->name)));
    doc.add_boolean_term(term(kFolder, folder_of(fs.path)));
    doc.add_value(kSlotStamp, stamp_of(fs.st));
    doc.add_value(kSlotId, fs.id);
    try {
      if (!valid_id(fs.id)) fail(Failure::Invalid, fs.path + ": the file name is not a record id (8-32 of 0-9 a-z)");
      RecordFile rf = repo.parse(*fs.type, fs.id, fs.path, repo.read(fs.path));
      Record& r = rf.record;
      std::string title = r.title();
      doc.add_value(kSlotTitle, fold(title));
      doc.add_value(kSlotShownTitle, title);
      auto ws = words(title);
      for (const auto& w : ws) doc.add_boolean_term(term(kNameWord, w));
      std::string whole;
      for (const auto& w : ws) whole += (whole.empty() ? "" : " ") + w;
      if (!whole.empty()) doc.add_boolean_term(term(kWholeName, whole));
      if (r.data.contains("emails") && r.data["emails"].is_array())
        for (const auto& e : r.data["emails"]) {
          std::string t = lower_ascii(item_text(e));
          if (!t.empty()) doc.add_boolean_term(term(kEmail, t));
        }
      for (const auto& id : linked_ids(*fs.type, r.data)) doc.add_boolean_term(term(kLink, id));
      index_fields(schema, *fs.type, repo.config(), r.data, doc);
      data["data"] = r.data;
    } catch (const Error& e) {
      doc.add_boolean_term(kBroken);
      doc.add_value(kSlotBroken, "1");
      data["error"] = e.what();
    }
    doc.set_data(data.dump());
    return doc;
  }

  // What re-reading a folder would change: files to (re)index, documents to drop.
  struct FolderPlan {
    std::vector<FileStamp> files;
    std::vector<Xapian::docid> gone;
    bool empty() const { return files.empty() && gone.empty(); }
  };

  FolderPlan plan_folder(const std::string& folder) {
    FolderPlan plan;
    std::map<std::string, std::pair<Xapian::docid, std::string>> indexed;  // id -> (docid, stamp)
    Xapian::Database& d = read();
    std::string ft = term(kFolder, folder);
    // Ids and stamps from their value slots, in docid order: reading each document's term list
    // for its id unpacked every term of every record in the folder (at L, a third of a `log`).
    ValueCursor ids(d, kSlotId), stamps(d, kSlotStamp);
    for (auto p = d.postlist_begin(ft); p != d.postlist_end(ft); ++p) indexed[ids.at(*p)] = {*p, stamps.at(*p)};
    size_t slash = folder.find('/');
    const TypeSpec* type = find_type(folder.substr(0, slash));
    std::set<std::string> seen;
    if (type)
      repo.scan_folder(*type, folder.substr(slash + 1), [&](const FileStamp& fs) {
        seen.insert(fs.id);
        auto it = indexed.find(fs.id);
        if (it == indexed.end() || it->second.second != stamp_of(fs.st)) plan.files.push_back(fs);
      });
    for (const auto& [id, v] : indexed)
      if (!seen.count(id)) plan.gone.push_back(v.first);
    return plan;
  }

  // Into an empty database, a document is added without looking for one with its id first.
  enum class Fill { Empty, Replacing };

  // A whole index from nothing: one thread reads and parses the files of these folders into
  // documents while this one adds them to the index and commits in batches. Parsing and
  // building documents was about 40% of the work, Xapian's inverter and writes the rest.
  size_t build(const std::vector<std::string>& folders, const std::function<void(size_t)>& progress) {
    return build_from(Fill::Empty,
        [&](const std::function<void(const FileStamp&)>& emit) {
          for (const auto& f : folders) {
            size_t slash = f.find('/');
            const TypeSpec* type = find_type(f.substr(0, slash));
            if (type) repo.scan_folder(*type, f.substr(slash + 1), emit);
          }
        },
        progress);
  }

  // The same pipeline over any files: `files` calls its argument once per file, on the reader thread.
  size_t build_from(Fill fill, const std::function<void(const std::function<void(const FileStamp&)>&)>& files,
                    const std::function<void(size_t)>& progress) {
    struct Item {
      std::string id_term;
      Xapian::Document doc;
    };
    struct Stopped {};
    std::mutex m;
    std::condition_variable changed;
    std::deque<Item> queue;
    bool finished = false, stop = false;
    std::exception_ptr failure;
    constexpr size_t kQueued = 512;  // documents waiting, at most: memory stays flat
    std::thread reader([&] {
      try {
        files([&](const FileStamp& fs) {
          Item item{term(kId, fs.id), document(fs)};
          std::unique_lock<std::mutex> lock(m);
          changed.wait(lock, [&] { return queue.size() < kQueued || stop; });
          if (stop) throw Stopped{};  // the writer failed: give up quietly
          queue.push_back(std::move(item));
          changed.notify_all();
        });
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!stop) failure = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(m);
      finished = true;
      changed.notify_all();
    });
    size_t done = 0, batch = 0;
    try {
      for (;;) {
        std::deque<Item> ready;
        {
          std::unique_lock<std::mutex> lock(m);
          changed.wait(lock, [&] { return !queue.empty() || finished; });
          if (queue.empty()) break;
          ready.swap(queue);
          changed.notify_all();
        }
        for (auto& item : ready) {
          if (fill == Fill::Empty) wdb->add_document(item.doc);
          else wdb->replace_document(item.id_term, item.doc);
        }
        done += ready.size();
        batch += ready.size();
        if (batch >= kReindexBatch) {
          wdb->commit();
          batch = 0;
        }
        progress(done);
      }
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(m);
        stop = true;
        changed.notify_all();
      }
      reader.join();
      throw;
    }
    reader.join();
    if (failure) std::rethrow_exception(failure);
    return done;
  }

  // Forget every document of a type crm.yaml no longer declares.
  void drop_type(const std::string& name) {
    std::vector<Xapian::docid> docs;
    std::string t = term(kType, name);
    for (auto p = wdb->postlist_begin(t); p != wdb->postlist_end(t); ++p) docs.push_back(*p);
    for (auto d : docs) wdb->delete_document(d);
  }

  void apply(const FolderPlan& plan) {
    for (const auto& fs : plan.files) wdb->replace_document(term(kId, fs.id), document(fs));
    for (auto docid : plan.gone) wdb->delete_document(docid);
  }
};

Index::Index(const Repository& repo, bool holding_lock, Freshen freshen)
    : s_(std::make_unique<State>(State{repo, repo.state_dir() + "/index", repo.state_dir() + "/folders",
                                       nullptr, nullptr, Freshness(repo, repo.state_dir() + "/folders"),
                                       SearchSchema(repo.config())})) {
  try {
    refresh(holding_lock, freshen);
  } catch (const Xapian::DatabaseError& e) {
    // Corrupt, unreadable or from another Xapian version: it is derived data, so start again.
    repo.warn("the index was unreadable (" + e.get_msg() + "); rebuilding it");
    rebuild(holding_lock);
  }
}

Index::~Index() = default;

void Index::refresh(bool holding_lock, Freshen freshen) {
  auto& s = *s_;
  bool exists = std::filesystem::exists(s.dir + "/iamglass");
  if (exists) {
    s.db = std::make_unique<Xapian::Database>(s.dir);
    if (s.db->get_metadata("schema") != kLayout) exists = false;
  }
  // The slots fields were given when the index was built; types whose documents were indexed
  // under another schema (crm.yaml declared or changed a field or a type) are indexed again.
  s.schema = SearchSchema(s.repo.config(), exists ? s.db->get_metadata("slots") : "");
  Json fingerprints = Json::object();
  for (const TypeSpec& t : record_types()) fingerprints[std::string(t.name)] = s.schema.fingerprint(t, s.repo.config());
  std::vector<const TypeSpec*> retyped;
  std::vector<std::string> dropped;
  if (exists) {
    Json was = Json::parse(s.db->get_metadata("types"), nullptr, false);
    if (!was.is_object()) was = Json::object();
    for (const TypeSpec& t : record_types())
      if (was.value(std::string(t.name), "") != fingerprints[std::string(t.name)]) retyped.push_back(&t);
    for (auto it = was.begin(); it != was.end(); ++it)
      if (!fingerprints.contains(it.key())) dropped.push_back(it.key());
  }
  bool retype = !retyped.empty() || !dropped.empty();
  if (!exists) s.fresh.forget();
  else s.fresh.set_revision(s.db->get_revision());
  if (exists && freshen == Freshen::Skip && !retype) return;
  std::vector<std::string> stale = s.fresh.changed();
  if (exists && stale.empty() && !retype) return;

  // Plan with the reader first: often nothing really changed (a racy stamp).
  std::vector<std::pair<std::string, State::FolderPlan>> plans;
  size_t work = 0;
  if (exists) {
    for (const auto& f : stale) {
      auto p = s.plan_folder(f);
      work += p.files.size() + p.gone.size();
      if (!p.empty()) plans.emplace_back(f, std::move(p));
    }
    if (plans.empty() && !retype) {
      s.fresh.record(stale);
      s.save_freshness();
      return;
    }
  }

  std::optional<WriteLock> lock;
  if (!holding_lock) {
    WriteLock l = WriteLock::try_take(s.repo);
    if (l.held()) {
      lock.emplace(std::move(l));
    } else if (exists) {
      if (retype)
        s.repo.warn("crm.yaml changed the record types; another crm process is writing, so results may miss or "
                    "misread records until it is done");
      else
        s.repo.warn("another crm process is writing; results may miss " + std::to_string(work) + " changed file(s)");
      return;
    } else {
      lock.emplace(s.repo);  // no index at all yet: wait for the writer
    }
  }
  if (!exists) {
    s.db.reset();
    std::filesystem::remove_all(s.dir);
    // Build from scratch, folder by folder, committing in batches.
    size_t total = 0;
    s.repo.scan([&](const FileStamp&) { ++total; });
    if (total > 2000) s.repo.warn("building the index of " + std::to_string(total) + " records");
    auto show = [&](size_t n) {
      if (total > 2000) s.repo.progress("indexing", n, total);
    };
    s.open_writable();
    size_t done = s.build(stale, show);
    if (total > 2000) s.repo.progress("indexed", done, total);
  } else {
    s.open_writable();
    for (const auto& name : dropped) s.drop_type(name);
    for (const TypeSpec* t : retyped) {
      s.repo.note("index: " + std::string(t->name) + "'s fields changed; indexing its records again");
      s.build_from(State::Fill::Replacing, [&](const auto& emit) { s.repo.scan_type(*t, emit); }, [](size_t) {});
    }
    // Plans were made before the lock: make them again now that nobody else writes.
    for (const auto& f : stale) s.apply(s.plan_folder(f));
  }
  s.wdb->set_metadata("schema", kLayout);
  s.wdb->set_metadata("slots", s.schema.slot_table());
  s.wdb->set_metadata("types", fingerprints.dump());
  s.wdb->commit();
  s.titles.clear();
  s.fresh.record(stale);
  s.save_freshness();
  s.repo.note("index: re-read " + std::to_string(stale.size()) + " changed folder(s)");
  if (!holding_lock) {
    // A reader gives the write handle back with the lock, so the next writer can open it.
    s.wdb.reset();
    s.db = std::make_unique<Xapian::Database>(s.dir);
  }
}

void Index::files_changed(const std::vector<std::string>& paths) {
  auto& s = *s_;
  s.open_writable();
  std::set<std::string> folders;
  for (const auto& p : paths) folders.insert(folder_of(p));
  std::vector<State::FolderPlan> plans;
  size_t files = 0;
  for (const auto& f : folders) {
    plans.push_back(s.plan_folder(f));
    files += plans.back().files.size();
  }
  if (files < 64) {
    for (const auto& plan : plans) s.apply(plan);
  } else {
    // Many files (an import, a sync): parsed on a second thread while this one indexes.
    s.build_from(State::Fill::Replacing,
        [&](const std::function<void(const FileStamp&)>& emit) {
          for (const auto& plan : plans)
            for (const auto& fs : plan.files) emit(fs);
        },
        [](size_t) {});
    for (const auto& plan : plans)
      for (auto docid : plan.gone) s.wdb->delete_document(docid);
  }
  s.wdb->commit();
  s.titles.clear();
  s.fresh.record({folders.begin(), folders.end()});
  s.save_freshness();
}

void Index::rebuild(bool holding_lock) {
  auto& s = *s_;
  s.db.reset();
  s.wdb.reset();
  std::filesystem::remove_all(s.dir);
  s.fresh.forget();
  refresh(holding_lock);
}

void Index::discard(const Repository& repo) {
  std::filesystem::remove_all(repo.state_dir() + "/index");
  std::remove((repo.state_dir() + "/folders").c_str());
  std::remove((repo.state_dir() + "/watch-token").c_str());
}

std::optional<Entry> Index::get(const std::string& id) const {
  const auto& d = s_->read();
  std::string t = term(kId, id);
  auto p = d.postlist_begin(t);
  if (p == d.postlist_end(t)) return std::nullopt;
  return entry_from(d.get_document(*p));
}

std::vector<Entry> Index::all(const TypeSpec* type, bool with_data, const std::vector<std::string>* keep) const {
  const auto& d = s_->read();
  std::vector<std::string> titles_of;  // the sort key of each entry in `out`
  std::vector<Entry> out;
  auto collect = [&](const std::string& t) {
    if (with_data) {
      for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p) {
        Xapian::Document doc = d.get_document(*p, Xapian::DOC_ASSUME_VALID);
        Entry e = entry_from(doc);
        if (keep && e.data.is_object()) {
          Json kept = Json::object();
          for (const auto& k : *keep)
            if (auto it = e.data.find(k); it != e.data.end() && !kept.contains(k)) kept[k] = std::move(*it);
          e.data = std::move(kept);
        }
        titles_of.push_back(doc.get_value(kSlotTitle));
        out.push_back(std::move(e));
      }
      return;
    }
    // Ids and order only: the record's data is not read (stored compressed), and the values come
    // from their streams walked in docid order beside the posting list, not document by document
    // (which looks each one up: 10,000 contacts took 170 ms that way).
    ValueCursor ids(d, kSlotId), titles(d, kSlotTitle), broken(d, kSlotBroken);
    const TypeSpec* of = find_type(t.substr(1));
    for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p) {
      Entry e;
      e.type = of;
      e.id = ids.at(*p);
      if (!broken.at(*p).empty()) e.error = "unreadable";
      titles_of.push_back(titles.at(*p));
      out.push_back(std::move(e));
    }
  };
  if (type) collect(term(kType, std::string(type->name)));
  else
    for (const TypeSpec& t : record_types()) collect(term(kType, std::string(t.name)));
  // Into title order in place, a cycle of moves at a time: a second list of 100,000 entries
  // would be 12 MB more at the peak of a list at L.
  std::vector<size_t> order(out.size());  // order[i]: the entry that belongs at i
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return titles_of[a] < titles_of[b]; });
  titles_of = {};
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    Entry first = std::move(out[i]);
    size_t j = i;
    for (;;) {
      size_t from = order[j];
      order[j] = j;  // placed
      if (from == i) {
        out[j] = std::move(first);
        break;
      }
      out[j] = std::move(out[from]);
      j = from;
    }
  }
  return out;
}

void Index::each_by_title(const TypeSpec& type, const std::function<bool(Entry&&)>& f) const {
  const auto& d = s_->read();
  std::string t = term(kType, std::string(type.name));
  std::vector<std::pair<std::string, Xapian::docid>> order;
  ValueCursor titles(d, kSlotTitle);
  for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p) order.emplace_back(titles.at(*p), *p);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Xapian::docid> docs;
  docs.reserve(order.size());
  for (const auto& o : order) docs.push_back(o.second);
  order = {};
  for (Xapian::docid did : docs)
    if (!f(entry_from(d.get_document(did, Xapian::DOC_ASSUME_VALID)))) return;
}

std::vector<Entry> Index::linking_to(const std::string& id) const {
  const auto& d = s_->read();
  std::vector<Entry> out;
  std::string t = term(kLink, id);
  for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p) out.push_back(entry_from(d.get_document(*p)));
  return out;
}

std::string Index::title_of(const std::string& id) const {
  auto known = s_->titles.find(id);
  if (known != s_->titles.end()) return known->second;
  const auto& d = s_->read();
  std::string t = term(kId, id);
  auto p = d.postlist_begin(t);
  std::string title = p == d.postlist_end(t) ? id : d.get_document(*p, Xapian::DOC_ASSUME_VALID).get_value(kSlotShownTitle);
  return s_->titles.emplace(id, std::move(title)).first->second;
}

void Index::prefetch_titles(std::vector<std::string> ids) const {
  // The ids not known yet, once each (a hash set: sorting 8,000 ids took 2 ms at M).
  std::unordered_set<std::string_view> want;
  want.reserve(ids.size());
  for (const auto& id : ids)
    if (!s_->titles.count(id)) want.insert(id);
  const auto& d = s_->read();
  std::vector<std::pair<Xapian::docid, std::string_view>> docs;
  if (want.size() > 200) {
    // Many: every contact and company, with their ids and titles, in document order. Looking
    // each id up costs a few block reads of its own (at M, 8,000 ids: 10,000 reads).
    std::vector<Xapian::docid> all;
    for (const char* type : {"contact", "company"}) {
      std::string t = term(kType, type);
      for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p) all.push_back(*p);
    }
    std::sort(all.begin(), all.end());
    auto v = d.valuestream_begin(kSlotId);
    for (Xapian::docid did : all) {
      if (v != d.valuestream_end(kSlotId) && v.get_docid() < did) v.skip_to(did);
      if (v == d.valuestream_end(kSlotId)) break;
      if (v.get_docid() != did) continue;
      auto it = want.find(*v);
      if (it == want.end()) continue;
      docs.emplace_back(did, *it);
      want.erase(it);
    }
  }
  // Others (few, or not contacts and companies): by their id terms, in term order (see postings).
  std::vector<std::string_view> rest(want.begin(), want.end());
  std::sort(rest.begin(), rest.end());
  for (auto id : rest) {
    std::string t = term(kId, std::string(id));
    auto p = postings(d, t);
    if (p == d.postlist_end(t)) s_->titles.emplace(id, id);
    else docs.emplace_back(*p, id);
  }
  std::sort(docs.begin(), docs.end());
  auto v = d.valuestream_begin(kSlotShownTitle);
  for (const auto& [did, id] : docs) {
    if (v != d.valuestream_end(kSlotShownTitle) && v.get_docid() < did) v.skip_to(did);
    bool here = v != d.valuestream_end(kSlotShownTitle) && v.get_docid() == did;
    s_->titles.emplace(id, here ? *v : std::string());
  }
}

std::vector<std::optional<std::string>> Index::latest_each(const std::vector<std::vector<std::string>>& groups,
                                                          const std::string& field, const std::string& upto) const {
  std::vector<std::optional<std::string>> best(groups.size());
  const SearchField* f = s_->schema.find(field);
  if (!f || f->slot == Xapian::BAD_VALUENO) return best;
  const auto& d = s_->read();
  // Every (document, group) pair from the groups' link posting lists, then one pass over the
  // field's value stream in docid order: no documents are read and nothing is sorted by value.
  std::vector<std::pair<std::string, size_t>> links;  // looked up in term order (see postings)
  for (size_t g = 0; g < groups.size(); ++g)
    for (const auto& id : groups[g]) links.emplace_back(term(kLink, id), g);
  std::sort(links.begin(), links.end());
  // Each pair packed in one number (document id high), which sorts twice as fast as a pair.
  std::vector<uint64_t> refs;
  for (const auto& [t, g] : links)
    for (auto p = postings(d, t); p != d.postlist_end(t); ++p) refs.push_back(uint64_t{*p} << 32 | g);
  std::sort(refs.begin(), refs.end());
  auto values = d.valuestream_begin(f->slot);
  for (uint64_t ref : refs) {
    Xapian::docid did = static_cast<Xapian::docid>(ref >> 32);
    size_t g = ref & 0xffffffffu;
    if (values == d.valuestream_end(f->slot)) break;
    if (values.get_docid() < did) values.skip_to(did);
    if (values == d.valuestream_end(f->slot)) break;
    if (values.get_docid() != did) continue;
    std::string v = *values;
    if ((upto.empty() || v <= upto) && (!best[g] || v > *best[g])) best[g] = std::move(v);
  }
  return best;
}

ValueRows Index::values(const ValueQuery& vq) const {
  const auto& d = s_->read();
  const auto& schema = s_->schema;
  // Per column, the slot read and, for a date, the slot read when that one is empty.
  std::vector<std::pair<Xapian::valueno, Xapian::valueno>> slots;
  for (const auto& name : vq.fields) {
    if (name == "id") {
      slots.emplace_back(kSlotId, Xapian::BAD_VALUENO);
    } else if (name == "title") {
      slots.emplace_back(kSlotShownTitle, Xapian::BAD_VALUENO);
    } else {
      const SearchField* f = schema.find(name);
      if (!f || f->text_slot == Xapian::BAD_VALUENO) fail(Failure::Usage, "'" + name + "' keeps no value for reports");
      slots.emplace_back(f->text_slot, f->kind == SearchKind::Date ? f->slot : Xapian::BAD_VALUENO);
    }
  }
  ValueRows out;
  std::string type_term = term(kType, std::string(vq.type->name));
  Xapian::Query q(type_term);
  if (!vq.query.empty()) {
    QueryBuilder builder(d, schema);
    static thread_local const QueryBuilder* current = nullptr;
    current = &builder;
    auto clauses = parse_query(vq.query, [](std::string_view f) { return current->knows(f); });
    if (!clauses.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, builder.build(clauses), q);
    out.notes = builder.notes();
  }
  if (!vq.range_field.empty() && (!vq.from.empty() || !vq.to.empty())) {
    const SearchField* f = schema.find(vq.range_field);
    if (!f || f->kind != SearchKind::Date) fail(Failure::Usage, "'" + vq.range_field + "' is not a date field");
    // A datetime sorts after its date ("2026-11-30T10:00:00Z" > "2026-11-30"): '~' closes the day.
    std::string to = vq.to.empty() ? std::string() : vq.to + "~";
    q = Xapian::Query(Xapian::Query::OP_FILTER, q, slot_range(f->slot, vq.from, to));
  }
  {
    Xapian::Enquire broken(d);
    broken.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(kBroken), Xapian::Query(type_term)));
    broken.set_weighting_scheme(Xapian::BoolWeight());
    out.unreadable = broken.get_mset(0, d.get_doccount()).size();
  }
  q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(kBroken));
  // Matching documents in docid order (all weights are equal), then one pass per slot.
  std::vector<Xapian::docid> ids;
  if (vq.query.empty() && vq.range_field.empty()) {
    for (auto p = d.postlist_begin(type_term); p != d.postlist_end(type_term); ++p) ids.push_back(*p);
    std::vector<Xapian::docid> bad;
    for (auto p = d.postlist_begin(kBroken); p != d.postlist_end(kBroken); ++p) bad.push_back(*p);
    if (!bad.empty())
      std::erase_if(ids, [&](Xapian::docid x) { return std::binary_search(bad.begin(), bad.end(), x); });
  } else {
    Xapian::Enquire enq(d);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet m = enq.get_mset(0, d.get_doccount());
    ids.reserve(m.size());
    for (auto it = m.begin(); it != m.end(); ++it) ids.push_back(*it);
    if (!std::is_sorted(ids.begin(), ids.end())) std::sort(ids.begin(), ids.end());
  }
  // The rows, and what the caller builds from them (about 400 bytes a record), in one step.
  prefault_heap(ids.size() * (slots.size() * 48 + 400));
  out.rows.assign(ids.size(), std::vector<std::string>(slots.size()));
  for (size_t c = 0; c < slots.size(); ++c) {
    ValueCursor v(d, slots[c].first);
    for (size_t r = 0; r < ids.size(); ++r) out.rows[r][c] = v.at(ids[r]);
    if (slots[c].second == Xapian::BAD_VALUENO) continue;
    ValueCursor utc(d, slots[c].second);
    for (size_t r = 0; r < ids.size(); ++r)
      if (out.rows[r][c].empty()) out.rows[r][c] = utc.at(ids[r]);
  }
  return out;
}

std::vector<std::string> Index::ids_linking_to(const std::string& id, const TypeSpec& type) const {
  const auto& d = s_->read();
  Xapian::Enquire enq(d);
  enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term(kLink, id)),
                              Xapian::Query(term(kType, std::string(type.name)))));
  enq.set_weighting_scheme(Xapian::BoolWeight());
  std::vector<std::string> out;
  Xapian::MSet m = enq.get_mset(0, d.get_doccount());
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(it.get_document().get_value(kSlotId));
  return out;
}

size_t Index::count(const TypeSpec* type) const {
  const auto& d = s_->read();
  if (!type) return d.get_doccount();
  return d.get_termfreq(term(kType, std::string(type->name)));
}

std::vector<Entry> Index::find(const std::string& ref, const TypeSpec* type, bool exact_wins) const {
  return find(ref, type ? Types{type} : Types{}, exact_wins);
}

std::vector<Entry> Index::find(const std::string& ref_in, const Types& types, bool exact_wins) const {
  const auto& d = s_->read();
  std::string ref = trim(ref_in);
  std::vector<Entry> out;
  std::set<std::string> seen;
  auto wanted = [&](const TypeSpec* t) { return types.empty() || std::find(types.begin(), types.end(), t) != types.end(); };
  auto accept = [&](const Entry& e) {
    if (!wanted(e.type)) return;
    if (seen.insert(e.id).second) out.push_back(e);
  };
  if (ref.empty()) return out;
  std::string lower = lower_ascii(ref);
  // 1. ids and id prefixes (4+ characters)
  if (lower.size() >= 4 && valid_id(lower + std::string(lower.size() < 8 ? 8 - lower.size() : 0, '0'))) {
    if (auto e = get(lower); e && wanted(e->type)) return {*e};
    std::string prefix = term(kId, lower);
    int n = 0;
    for (auto t = d.allterms_begin(prefix); t != d.allterms_end(prefix) && n < 50; ++t, ++n)
      if (auto e = get((*t).substr(1))) accept(*e);
  }
  // 2. emails: an exact email is the answer, whatever names it also resembles
  if (lower.find('@') != std::string::npos) {
    std::string t = term(kEmail, lower);
    for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p) accept(entry_from(d.get_document(*p)));
    if (!out.empty() && exact_wins) return out;
  }
  // 3. names: every word of REF starts a word of the name, in any order
  auto ws = words(ref);
  if (!ws.empty()) {
    std::vector<Xapian::Query> parts;
    for (const auto& w : ws)
      parts.emplace_back(Xapian::Query::OP_WILDCARD, term(kNameWord, w), 0, Xapian::Query::WILDCARD_LIMIT_ERROR);
    Xapian::Query q(Xapian::Query::OP_AND, parts.begin(), parts.end());
    if (!types.empty()) {
      std::vector<Xapian::Query> ts;
      for (const auto* t : types) ts.emplace_back(term(kType, std::string(t->name)));
      q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(Xapian::Query::OP_OR, ts.begin(), ts.end()));
    }
    Xapian::Enquire enq(d);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    std::string whole;
    for (const auto& w : ws) whole += (whole.empty() ? "" : " ") + w;
    std::vector<Entry> exact, partial;
    try {
      Xapian::MSet m = enq.get_mset(0, 200);
      for (auto it = m.begin(); it != m.end(); ++it) {
        Xapian::Document doc = it.get_document();
        Entry e = entry_from(doc);
        bool is_exact = false;
        auto t = doc.termlist_begin();
        for (t.skip_to(kWholeName); t != doc.termlist_end(); ++t) {
          std::string s = *t;
          if (s.rfind(kWholeName, 0) != 0) break;
          if (s == term(kWholeName, whole)) is_exact = true;
        }
        (is_exact ? exact : partial).push_back(e);
      }
    } catch (const Xapian::WildcardError&) {
      // too many expansions of a 1-letter word: treat as no name match
    }
    if (exact_wins && out.empty() && exact.size() == 1) return exact;
    for (const auto& e : exact) accept(e);
    for (const auto& e : partial) accept(e);
  }
  // A repeating task leaves done copies under the same title: the one open task is meant.
  if (exact_wins && out.size() > 1 && std::all_of(out.begin(), out.end(), [](const Entry& e) {
        return e.type && !e.type->done_field.empty();
      })) {
    std::vector<Entry> open;
    for (const auto& e : out)
      if (e.error.empty() && !e.data.contains(std::string(e.type->done_field))) open.push_back(e);
    if (open.size() == 1) return open;
  }
  return out;
}

namespace {
// Text a snippet is cut from: the record's words, title first.
std::string snippet_text(const Entry& e) {
  std::string text;
  std::function<void(const Json&)> add = [&](const Json& v) {
    if (v.is_string()) text += v.get<std::string>() + " · ";
    else if (v.is_array() || v.is_object())
      for (const auto& x : v) add(x);
  };
  if (!e.type || !e.data.is_object()) return text;
  for (auto it = e.data.begin(); it != e.data.end(); ++it) {
    const FieldSpec* f = e.type->field(it.key());
    if (it.key() == "created" || it.key() == "stage_history" || (f && (f->kind == Kind::Ref || f->kind == Kind::Refs)))
      continue;
    add(it.value());
  }
  if (text.size() >= 4) text.resize(text.size() - 4);
  return text;
}
}  // namespace

SearchResult Index::search(const std::string& query, const SearchOptions& o) const {
  const auto& d = s_->read();
  QueryBuilder builder(d, s_->schema);
  // The parser asks the builder which fields exist; a captured lambda cannot be a function pointer.
  static thread_local const QueryBuilder* current = nullptr;
  current = &builder;
  auto clauses = parse_query(query, [](std::string_view f) { return current->knows(f); });
  Xapian::Query q = clauses.empty() ? Xapian::Query::MatchAll : builder.build(clauses);
  if (o.type) q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(term(kType, std::string(o.type->name))));
  q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(kBroken));
  Xapian::Enquire enq(d);
  enq.set_query(q);
  if (!o.sort.empty()) {
    const SearchField* f = s_->schema.find(o.sort);
    bool title = o.sort == "name" || o.sort == "title";
    if (!title && (!f || f->slot == Xapian::BAD_VALUENO))
      fail(Failure::Usage, "--sort: cannot sort by '" + o.sort + "'",
           "sort by name, title, or a date or number field (amount, close, created, ...)");
    enq.set_sort_by_value_then_relevance(title ? kSlotTitle : f->slot, o.reverse);
  } else if (o.by_title) {
    enq.set_sort_by_value_then_relevance(kSlotTitle, o.reverse);
  }
  Xapian::doccount limit = o.limit ? static_cast<Xapian::doccount>(o.limit) : d.get_doccount();
  Xapian::MSet m = enq.get_mset(0, limit, 100);
  SearchResult r;
  r.matches = m.get_matches_estimated();
  r.notes = builder.notes();
  if (o.ids_only) {
    // Ids from their value stream, walked in docid order, then put back in rank order.
    std::vector<std::pair<Xapian::docid, size_t>> order;
    for (auto it = m.begin(); it != m.end(); ++it) order.emplace_back(*it, order.size());
    std::sort(order.begin(), order.end());
    r.hits.resize(order.size());
    ValueCursor ids(d, kSlotId);
    for (const auto& [did, rank] : order) r.hits[rank].entry.id = ids.at(did);
    if (o.reverse && o.sort.empty() && !o.by_title) std::reverse(r.hits.begin(), r.hits.end());
    return r;
  }
  prefault_heap(m.size() * 3072);  // a decoded record takes about 3 KB
  // Xapian cuts a snippet around the words of the MSet's query, unprefixed (and "Z" stems): the
  // index keeps words under their fields, so the snippets come from a query of the bare words.
  Xapian::MSet around = m;
  if (o.snippets && !builder.words().empty()) {
    const auto& ws = builder.words();
    Xapian::Enquire words(d);
    words.set_query(Xapian::Query(Xapian::Query::OP_OR, ws.begin(), ws.end()));
    around = words.get_mset(0, 0);
  }
  r.hits.reserve(m.size());
  for (auto it = m.begin(); it != m.end(); ++it) {
    Hit h;
    h.entry = entry_from(it.get_document());
    h.score = it.get_weight();
    if (o.snippets)
      h.snippet = around.snippet(snippet_text(h.entry), 120, s_->schema.stemmer(), Xapian::MSet::SNIPPET_EXHAUSTIVE, "", "", "…");
    r.hits.push_back(std::move(h));
  }
  if (o.reverse && o.sort.empty() && !o.by_title) std::reverse(r.hits.begin(), r.hits.end());
  return r;
}

Entry Index::resolve(const std::string& ref, const TypeSpec* type) const {
  return resolve(ref, type ? Types{type} : Types{});
}

Entry Index::resolve(const std::string& ref, const Types& types) const {
  std::vector<Entry> c = find(ref, types);
  std::string what, whats = types.size() == 1 ? std::string(types.front()->folder) : "records";
  for (const auto* t : types) what += (what.empty() ? "" : " or ") + std::string(t->name);
  if (what.empty()) what = "record";
  if (c.empty())
    fail(Failure::NotFound, "no " + what + " matches '" + ref + "'",
         "use an id (4+ characters), an email, or words of the name; `crm " +
             (types.empty() ? std::string("contact") : std::string(types.front()->name)) + " list` shows what there is");
  if (c.size() == 1) return c.front();
  std::string msg = "'" + ref + "' matches " + std::to_string(c.size()) + " " + whats + ":";
  size_t shown = 0;
  for (const auto& e : c) {
    if (++shown > 20) {
      msg += "\n  ... and " + std::to_string(c.size() - 20) + " more";
      break;
    }
    std::string extra;
    if (e.data.contains("emails") && e.data["emails"].is_array() && !e.data["emails"].empty())
      extra = " <" + item_text(e.data["emails"][0]) + ">";
    msg += "\n  " + short_id(e.id) + "  " + std::string(e.type ? e.type->name : "?") + "  " + e.title() + extra;
  }
  fail(Failure::NotFound, msg, "use more of the name, the email, or the id");
}

}  // namespace crm
