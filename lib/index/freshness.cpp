#include "index/freshness.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <cstdio>
#include <thread>

#include "index/watch.hpp"
#include "model/error.hpp"

namespace crm {

namespace {

constexpr std::string_view kHeader = "crm-folders 4 ";

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

int64_t ns_of(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000LL + t.tv_nsec; }

// [first, last) of the sorted folders whose name starts with "type/".
std::pair<size_t, size_t> range_of(const std::vector<Freshness::Folder>& v, const std::string& type) {
  auto by_name = [](const Freshness::Folder& f, const std::string& n) { return f.name < n; };
  auto first = std::lower_bound(v.begin(), v.end(), type + "/", by_name);
  auto last = std::lower_bound(first, v.end(), type + char('/' + 1), by_name);
  return {static_cast<size_t>(first - v.begin()), static_cast<size_t>(last - v.begin())};
}

const Freshness::Folder* find(const std::vector<Freshness::Folder>& v, const std::string& name) {
  auto it = std::lower_bound(v.begin(), v.end(), name, [](const auto& f, const std::string& n) { return f.name < n; });
  return it != v.end() && it->name == name ? &*it : nullptr;
}

// Insert, replace or (with an empty name) erase `name` in a sorted vector.
void put(std::vector<Freshness::Folder>& v, const std::string& name, const Freshness::Folder& f) {
  auto it = std::lower_bound(v.begin(), v.end(), name, [](const auto& x, const std::string& n) { return x.name < n; });
  bool there = it != v.end() && it->name == name;
  if (f.name.empty()) {
    if (there) v.erase(it);
  } else if (there) {
    *it = f;
  } else {
    v.insert(it, f);
  }
}

bool same(const Freshness::Folder& a, const Freshness::Folder& b) {
  return a.mtime_ns >= 0 && b.mtime_ns >= 0 && a.mtime_ns == b.mtime_ns && a.ino == b.ino;
}

template <typename T>
bool number(std::string_view& line, T& out) {
  auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), out);
  if (ec != std::errc()) return false;
  line.remove_prefix(static_cast<size_t>(p - line.data()));
  if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  return true;
}

}  // namespace

std::string stamp_of(const struct stat& st) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%lld.%09ld:%lld:%llu:%lld.%09ld", static_cast<long long>(st.st_mtim.tv_sec),
                st.st_mtim.tv_nsec, static_cast<long long>(st.st_size), static_cast<unsigned long long>(st.st_ino),
                static_cast<long long>(st.st_ctim.tv_sec), st.st_ctim.tv_nsec);
  return buf;
}

Freshness::Freshness(const Repository& repo, std::string state_file) : repo_(repo), state_file_(std::move(state_file)) {}

void Freshness::load() {
  if (loaded_) return;
  loaded_ = true;
  std::string text;
  try {
    text = read_file(state_file_, 64 << 20, "folders");
  } catch (const Error&) {
    return;  // no state yet
  }
  // "crm-folders 4 REVISION", then one line per folder: "T|F name mtime_ns inode files-hash count newest_ns".
  std::string_view all = text;
  uint64_t revision = 0;
  if (all.substr(0, kHeader.size()) != kHeader) return;
  all.remove_prefix(kHeader.size());
  // The index's revision when the state was saved. An index behind it lost commits (it is
  // not flushed to disk), so its folder stamps cannot be trusted: everything is checked again.
  // An index ahead of it is a writer between its index commit and saving this file: the
  // stamps it is about to save are newer than these, so these still show its folders changed.
  if (!number(all, revision) || revision > revision_) return;
  // A stamp as new as the state file itself may hide a change made in the same clock tick
  // after it was taken (git's "racy" entries): such folders are never trusted.
  struct stat st;
  if (::stat(state_file_.c_str(), &st) != 0) return;
  int64_t saved_at = std::min(ns_of(st.st_mtim), ns_of(st.st_ctim));
  saved_.reserve(static_cast<size_t>(std::count(all.begin(), all.end(), '\n')));  // no copies while growing
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    if (line.size() < 3 || line[1] != ' ') continue;
    char kind = line[0];
    line.remove_prefix(2);
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    Folder f;
    f.name = line.substr(0, sp);
    line.remove_prefix(sp + 1);
    if (!number(line, f.mtime_ns) || !number(line, f.ino) || !number(line, f.files) || !number(line, f.count) ||
        !number(line, f.newest_ns))
      continue;
    if (f.newest_ns >= saved_at) f.mtime_ns = -1;
    (kind == 'T' ? saved_types_ : saved_).push_back(std::move(f));
  }
  std::sort(saved_.begin(), saved_.end());
  std::sort(saved_types_.begin(), saved_types_.end());
}

void Freshness::forget() {
  loaded_ = true;
  forgotten_ = true;
  watched_ = false;
  recording_ = false;
  saved_.clear();
  saved_types_.clear();
  now_.clear();
  now_types_.clear();
}

std::string Freshness::token_file() const { return state_file_.substr(0, state_file_.rfind('/')) + "/watch-token"; }

std::optional<std::vector<std::string>> Freshness::changed_by_watcher() {
  watch_token_.clear();
  watched_ = false;
  if (watch_mode() == WatchMode::Never) return std::nullopt;
  // "crm-watch-token REVISION TOKEN": the token of the last answer whose folders the index has read.
  std::string saved, text;
  uint64_t revision = 0;
  try {
    text = read_file(token_file(), 4096, "watch-token");
  } catch (const Error&) {
  }
  std::string_view line = text;
  constexpr std::string_view kTokenHeader = "crm-watch-token ";
  if (line.substr(0, kTokenHeader.size()) == kTokenHeader) {
    line.remove_prefix(kTokenHeader.size());
    if (number(line, revision)) saved = std::string(line.substr(0, line.find('\n')));
  }
  // Asked even when its answer cannot be used: its token, taken before the scan, is saved after it.
  auto answer = ask_watcher(repo_, saved);
  if (!answer) return std::nullopt;
  watch_token_ = answer->token;
  // An index behind the token lost commits (it is not flushed): the folders are checked again.
  if (answer->all || saved.empty() || forgotten_ || revision > revision_) return std::nullopt;
  watched_ = true;
  return std::move(answer->folders);
}

void Freshness::save_token() const {
  if (watch_token_.empty()) return;
  replace_file(token_file(), "crm-watch-token " + std::to_string(revision_) + " " + watch_token_ + "\n");
}

Freshness::Folder Freshness::stamp(const std::string& name, const struct stat& st) const {
  Folder f;
  f.name = name;
  f.ino = st.st_ino;
  f.mtime_ns = ns_of(st.st_mtim);
  f.newest_ns = std::max(ns_of(st.st_mtim), ns_of(st.st_ctim));
  return f;
}

Freshness::Folder Freshness::take(const std::string& folder, bool with_files) const {
  struct stat st;
  if (::stat(repo_.absolute(folder).c_str(), &st) != 0) return {};
  Folder s = stamp(folder, st);
  size_t slash = folder.find('/');
  const TypeSpec* type = find_type(folder.substr(0, slash));
  uint64_t h = 0;
  if (type)
    repo_.scan_folder(*type, folder.substr(slash + 1), [&](const FileStamp& fs) {
      ++s.count;
      s.newest_ns = std::max({s.newest_ns, ns_of(fs.st.st_mtim), ns_of(fs.st.st_ctim)});
      h += fnv1a(stamp_of(fs.st), fnv1a(fs.id));
    });
  if (with_files) s.files = h | 1;  // 0 means "not taken"
  return s;
}

std::vector<std::string> Freshness::changed() {
  if (auto folders = changed_by_watcher()) return std::move(*folders);
  load();
  size_t known = 0;
  for (const auto& f : saved_) known += f.count;
  bool with_files = saved_.empty() || known <= kVerifyFilesUpTo;
  std::vector<std::string> out;
  seen_types_.clear();
  // First the shard folders to look at (known before, or listed when their type
  // folder changed), then one stat each, then the comparison.
  // Kept small (no name copies, no struct stat): at M there are 5,000 of them, and every
  // page of memory first touched costs a page fault, which was a third of a read's time.
  struct Probe {
    int dir;                  // the type folder
    uint32_t shard;           // where the shard's name starts in *name
    const std::string* name;  // "contacts/k7": the saved folder's name, or one of `listed`
    const Folder* saved;      // null: not known before
    int64_t mtime_ns = 0;
    uint64_t ino = 0;
    bool found = false;
  };
  std::vector<Probe> probes;
  probes.reserve(saved_.size() + 64);
  std::vector<int> dirs;
  std::deque<std::string> listed;  // names of shard folders not known before (stable addresses)
  for (const TypeSpec& type : record_types()) {
    std::string folder(type.folder);
    auto [first, last] = range_of(saved_, folder);
    int fd = ::open(repo_.absolute(folder).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      for (size_t i = first; i < last; ++i) out.push_back(saved_[i].name);  // the whole type folder is gone
      continue;
    }
    dirs.push_back(fd);
    struct stat st;
    ::fstat(fd, &st);
    Folder tstamp = stamp(folder, st);
    seen_types_.push_back(tstamp);
    uint32_t shard_at = static_cast<uint32_t>(folder.size() + 1);
    const Folder* saved_type = find(saved_types_, folder);
    if (saved_type && same(*saved_type, tstamp)) {
      // No shard folder was added or removed: only the known ones can have changed.
      for (size_t i = first; i < last; ++i) probes.push_back({fd, shard_at, &saved_[i].name, &saved_[i]});
    } else {
      std::vector<std::string> names;
      repo_.list_folders(type, names);
      std::sort(names.begin(), names.end());
      size_t i = first;
      for (const auto& shard : names) {
        std::string name = folder + "/" + shard;
        for (; i < last && saved_[i].name < name; ++i) out.push_back(saved_[i].name);  // gone
        bool known_before = i < last && saved_[i].name == name;
        if (known_before) {
          probes.push_back({fd, shard_at, &saved_[i].name, &saved_[i]});
          ++i;
        } else {
          listed.push_back(std::move(name));
          probes.push_back({fd, shard_at, &listed.back(), nullptr});
        }
      }
      for (; i < last; ++i) out.push_back(saved_[i].name);
    }
  }
  // The stats are most of a read command's time at scale (5,000 folders at M):
  // with many folders, two threads share them.
  auto probe = [&](size_t from, size_t to) {
    struct stat st;
    for (size_t i = from; i < to; ++i) {
      Probe& p = probes[i];
      p.found = ::fstatat(p.dir, p.name->c_str() + p.shard, &st, 0) == 0 && S_ISDIR(st.st_mode);
      if (!p.found) continue;
      p.mtime_ns = ns_of(st.st_mtim);
      p.ino = st.st_ino;
    }
  };
  if (probes.size() >= 1024 && std::thread::hardware_concurrency() > 1) {
    std::thread helper(probe, probes.size() / 2, probes.size());
    probe(0, probes.size() / 2);
    helper.join();
  } else {
    probe(0, probes.size());
  }
  for (auto& p : probes) {
    if (!p.found) {
      if (p.saved) out.push_back(*p.name);  // gone
      continue;
    }
    Folder now;
    now.mtime_ns = p.mtime_ns;
    now.ino = p.ino;
    bool differs = !p.saved || !same(*p.saved, now);
    if (!differs && with_files) differs = take(*p.name, true).files != p.saved->files;
    if (differs) out.push_back(*p.name);
  }
  for (int fd : dirs) ::close(fd);
  if (out.empty()) save_token();  // nothing to read again: the watcher's token already describes the index
  if (watch_token_.empty() &&
      (watch_mode() == WatchMode::Always || (watch_mode() == WatchMode::Auto && known > kVerifyFilesUpTo)))
    start_watcher(repo_);  // for the next command
  return out;
}

void Freshness::record(const std::vector<std::string>& folders) {
  // Answered by the watcher: the token alone says what the index has read. The folder stamps
  // are left as they were (read and written, they cost a write at M 20 ms): a later scan finds
  // the folders changed since, and reads them again to find nothing new.
  if (watched_) return;
  load();
  if (!recording_) {
    // Only now is the saved state copied: commands that change nothing never pay for it.
    recording_ = true;
    now_ = saved_;
    now_types_ = saved_types_;
    for (const auto& t : seen_types_) put(now_types_, t.name, t);
  }
  // Type folder stamps only from changed(), which listed their shards when they moved: one
  // taken now could hide a shard folder made since. (A writer that skipped changed() keeps
  // the old stamps, so the next command lists the shards again: a new one of ours included.)
  for (const auto& f : folders) put(now_, f, take(f, true));
}

void Freshness::save() const {
  if (watched_) return save_token();
  if (!recording_) return;
  std::string out(kHeader);
  out += std::to_string(revision_) + "\n";
  out.reserve(64 * (now_.size() + now_types_.size()));
  auto line = [&](char kind, const Folder& f) {
    out += kind;
    out += ' ';
    out += f.name;
    char buf[96];
    char* p = buf;
    *p++ = ' ';
    p = std::to_chars(p, buf + sizeof buf, f.mtime_ns).ptr;
    for (uint64_t v : {f.ino, f.files, f.count, static_cast<uint64_t>(f.newest_ns)}) {
      *p++ = ' ';
      p = std::to_chars(p, buf + sizeof buf, v).ptr;
    }
    *p++ = '\n';
    out.append(buf, p);
  };
  for (const auto& t : now_types_) line('T', t);
  for (const auto& f : now_) line('F', f);
  replace_file(state_file_, out);  // derived data: lost or torn, it only costs a re-check
  save_token();  // after the state it describes: a crash between the two leaves the older token
}

}  // namespace crm
