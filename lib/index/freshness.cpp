#include "index/freshness.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "model/error.hpp"

namespace crm {

namespace {

constexpr std::string_view kHeader = "crm-folders 3\n";

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

int64_t ns_of(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000LL + t.tv_nsec; }

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

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
  // After the header, one line per folder: "T|F name mtime_ns inode files-hash count".
  std::string_view all = text;
  if (all.substr(0, kHeader.size()) != kHeader) return;
  all.remove_prefix(kHeader.size());
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
    if (!number(line, f.mtime_ns) || !number(line, f.ino) || !number(line, f.files) || !number(line, f.count)) continue;
    (kind == 'T' ? saved_types_ : saved_).push_back(std::move(f));
  }
  std::sort(saved_.begin(), saved_.end());
  std::sort(saved_types_.begin(), saved_types_.end());
}

void Freshness::forget() {
  loaded_ = true;
  recording_ = false;
  saved_.clear();
  saved_types_.clear();
  now_.clear();
  now_types_.clear();
}

size_t Freshness::files() const {
  size_t n = 0;
  for (const auto& f : recording_ ? now_ : saved_) n += f.count;
  return n;
}

Freshness::Folder Freshness::stamp(const std::string& name, const struct stat& st) const {
  Folder f;
  f.name = name;
  f.ino = st.st_ino;
  // Too recent to trust: a change in the same timestamp tick would not move it.
  // 100 ms is coarser than any Linux file system's tick.
  bool racy = now_ns_ - std::max(ns_of(st.st_mtim), ns_of(st.st_ctim)) < 100'000'000LL;
  f.mtime_ns = racy ? -1 : ns_of(st.st_mtim);
  return f;
}

Freshness::Folder Freshness::take(const std::string& folder, bool with_files) const {
  struct stat st;
  if (::stat(repo_.absolute(folder).c_str(), &st) != 0) return {};
  Folder s = stamp(folder, st);
  size_t slash = folder.find('/');
  const TypeSpec* type = find_type(folder.substr(0, slash));
  uint64_t h = 0;
  bool any_racy = false;
  if (type)
    repo_.scan_folder(*type, folder.substr(slash + 1), [&](const FileStamp& fs) {
      ++s.count;
      if (now_ns_ - std::max(ns_of(fs.st.st_mtim), ns_of(fs.st.st_ctim)) < 100'000'000LL) any_racy = true;
      h += fnv1a(stamp_of(fs.st), fnv1a(fs.id));
    });
  if (with_files) s.files = h | 1;  // 0 means "not taken"
  if (any_racy) s.mtime_ns = -1;
  return s;
}

std::vector<std::string> Freshness::changed() {
  load();
  now_ns_ = now_ns();
  size_t known = 0;
  for (const auto& f : saved_) known += f.count;
  bool with_files = saved_.empty() || known <= kVerifyFilesUpTo;
  std::vector<std::string> out;
  seen_types_.clear();
  for (const auto& type : record_types()) {
    std::string folder(type.folder);
    auto [first, last] = range_of(saved_, folder);
    int fd = ::open(repo_.absolute(folder).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      for (size_t i = first; i < last; ++i) out.push_back(saved_[i].name);  // the whole type folder is gone
      continue;
    }
    struct stat st;
    ::fstat(fd, &st);
    Folder tstamp = stamp(folder, st);
    seen_types_.push_back(tstamp);
    // One shard: gone, new or changed since its saved state (null: not known before).
    auto check = [&](const std::string& shard, const Folder* saved) {
      std::string name = folder + "/" + shard;
      struct stat ds;
      if (::fstatat(fd, shard.c_str(), &ds, 0) != 0 || !S_ISDIR(ds.st_mode)) {
        if (saved) out.push_back(std::move(name));
        return;
      }
      bool differs = !saved || !same(*saved, stamp(name, ds));
      if (!differs && with_files) {
        Folder full = take(name, true);
        differs = full.files != saved->files || full.mtime_ns < 0;
      }
      if (differs) out.push_back(std::move(name));
    };
    const Folder* saved_type = find(saved_types_, folder);
    if (saved_type && same(*saved_type, tstamp)) {
      // No shard folder was added or removed: only the known ones can have changed.
      for (size_t i = first; i < last; ++i) check(saved_[i].name.substr(folder.size() + 1), &saved_[i]);
    } else {
      std::vector<std::string> names;
      repo_.list_folders(type, names);
      std::sort(names.begin(), names.end());
      size_t i = first;
      for (const auto& shard : names) {
        std::string name = folder + "/" + shard;
        for (; i < last && saved_[i].name < name; ++i) out.push_back(saved_[i].name);  // gone
        bool known_before = i < last && saved_[i].name == name;
        check(shard, known_before ? &saved_[i] : nullptr);
        if (known_before) ++i;
      }
      for (; i < last; ++i) out.push_back(saved_[i].name);
    }
    ::close(fd);
  }
  return out;
}

void Freshness::record(const std::vector<std::string>& folders) {
  load();
  now_ns_ = now_ns();
  if (!recording_) {
    // Only now is the saved state copied: commands that change nothing never pay for it.
    recording_ = true;
    now_ = saved_;
    now_types_ = saved_types_;
    for (const auto& t : seen_types_) put(now_types_, t.name, t);
  }
  std::vector<std::string> types;
  for (const auto& f : folders) {
    put(now_, f, take(f, true));
    types.push_back(f.substr(0, f.find('/')));
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  for (const auto& t : types) {
    struct stat st;
    put(now_types_, t, ::stat(repo_.absolute(t).c_str(), &st) == 0 ? stamp(t, st) : Folder{});
  }
}

void Freshness::save() const {
  if (!recording_) return;
  std::string out(kHeader);
  out.reserve(64 * (now_.size() + now_types_.size()));
  auto line = [&](char kind, const Folder& f) {
    out += kind;
    out += ' ';
    out += f.name;
    char buf[96];
    char* p = buf;
    *p++ = ' ';
    p = std::to_chars(p, buf + sizeof buf, f.mtime_ns).ptr;
    for (uint64_t v : {f.ino, f.files, f.count}) {
      *p++ = ' ';
      p = std::to_chars(p, buf + sizeof buf, v).ptr;
    }
    *p++ = '\n';
    out.append(buf, p);
  };
  for (const auto& t : now_types_) line('T', t);
  for (const auto& f : now_) line('F', f);
  write_file_atomic(state_file_, out);
}

}  // namespace crm
