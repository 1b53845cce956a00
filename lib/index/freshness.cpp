#include "index/freshness.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <set>
#include <cstdlib>

#include "model/error.hpp"

namespace crm {

namespace {

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Too recent to trust: a change in the same timestamp tick would not move it.
bool racy(const struct stat& st) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  long long now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  long long m = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  long long c = static_cast<long long>(st.st_ctim.tv_sec) * 1000000000LL + st.st_ctim.tv_nsec;
  return now_ns - std::max(m, c) < 100'000'000LL;  // 100 ms: coarser than any Linux file system tick
}

std::string dir_stamp(const struct stat& st) {
  if (racy(st)) return "racy";
  // mtime in ns and inode, as text; std::to_chars because this runs for every folder on every command.
  char buf[64];
  char* p = std::to_chars(buf, buf + 32, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec).ptr;
  *p++ = ':';
  p = std::to_chars(p, buf + sizeof buf, static_cast<unsigned long long>(st.st_ino)).ptr;
  return std::string(buf, p);
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
  // Lines of space-separated words: "T folder stamp" and "F folder dir-stamp files-hash count".
  std::string_view all = text;
  auto next_line = [&]() {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    return line;
  };
  if (next_line() != "crm-folders 2") return;
  while (!all.empty()) {
    std::string_view line = next_line();
    std::string_view w[5];
    size_t n = 0;
    while (n < 5 && !line.empty()) {
      size_t sp = line.find(' ');
      w[n++] = line.substr(0, sp);
      line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    }
    if (n == 3 && w[0] == "T") saved_types_.emplace(std::string(w[1]), std::string(w[2]));
    else if (n == 5 && w[0] == "F")
      saved_.emplace_hint(saved_.end(), std::string(w[1]), Stamp{std::string(w[2]), std::string(w[3]),
                                               static_cast<size_t>(std::strtoull(std::string(w[4]).c_str(), nullptr, 10))});
  }
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
  for (const auto& [f, s] : recording_ ? now_ : saved_) n += s.count;
  return n;
}

Freshness::Stamp Freshness::take(const std::string& folder, bool with_files) const {
  Stamp s;
  struct stat st;
  if (::stat(repo_.absolute(folder).c_str(), &st) != 0) return s;
  s.dir = dir_stamp(st);
  size_t slash = folder.find('/');
  const TypeSpec* type = find_type(folder.substr(0, slash));
  uint64_t h = 0;
  bool any_racy = false;
  if (type)
    repo_.scan_folder(*type, folder.substr(slash + 1), [&](const FileStamp& fs) {
      ++s.count;
      if (racy(fs.st)) any_racy = true;
      h += fnv1a(fs.id + "|" + stamp_of(fs.st));
    });
  if (with_files) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    s.files = any_racy ? "racy" : buf;
  } else {
    s.files = "-";
  }
  return s;
}

std::vector<std::string> Freshness::changed() {
  load();
  size_t known = 0;
  for (const auto& [f, s] : saved_) known += s.count;
  bool with_files = saved_.empty() || known <= kVerifyFilesUpTo;
  std::vector<std::string> out;
  std::set<std::string> seen;
  seen_types_.clear();
  for (const auto& type : record_types()) {
    std::string folder(type.folder);
    int fd = ::open(repo_.absolute(folder).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st;
    ::fstat(fd, &st);
    std::string tstamp = dir_stamp(st);
    seen_types_[folder] = tstamp;
    std::vector<std::string> shards;
    auto saved_type = saved_types_.find(folder);
    if (saved_type != saved_types_.end() && saved_type->second == tstamp && tstamp != "racy") {
      for (auto it = saved_.lower_bound(folder + "/"); it != saved_.end() && it->first.rfind(folder + "/", 0) == 0; ++it)
        shards.push_back(it->first.substr(folder.size() + 1));
    } else {
      std::vector<std::string> names;
      repo_.list_folders(type, names);
      shards = names;
    }
    for (const auto& shard : shards) {
      std::string f = folder + "/" + shard;
      struct stat ds;
      if (::fstatat(fd, shard.c_str(), &ds, 0) != 0 || !S_ISDIR(ds.st_mode)) continue;
      seen.insert(f);
      auto old = saved_.find(f);
      Stamp now{dir_stamp(ds), "-", old != saved_.end() ? old->second.count : 0};
      bool differs = old == saved_.end() || old->second.dir != now.dir || now.dir == "racy";
      if (!differs && with_files) {
        Stamp full = take(f, true);
        differs = old->second.files != full.files || full.files == "racy";
      }
      if (differs) out.push_back(f);
    }
    ::close(fd);
  }
  for (const auto& [f, s] : saved_)
    if (!seen.count(f)) out.push_back(f);
  return out;
}

void Freshness::record(const std::vector<std::string>& folders) {
  load();
  if (!recording_) {
    // Only now is the saved state copied: commands that change nothing never pay for it.
    recording_ = true;
    now_ = saved_;
    now_types_ = saved_types_;
    for (const auto& [t, stamp] : seen_types_) now_types_[t] = stamp;
  }
  std::set<std::string> types;
  for (const auto& f : folders) {
    Stamp s = take(f, true);
    if (s.dir.empty()) now_.erase(f);
    else now_[f] = s;
    types.insert(f.substr(0, f.find('/')));
  }
  for (const auto& t : types) {
    struct stat st;
    if (::stat(repo_.absolute(t).c_str(), &st) == 0) now_types_[t] = dir_stamp(st);
    else now_types_.erase(t);
  }
}

void Freshness::save() const {
  if (!recording_) return;
  std::string out = "crm-folders 2\n";
  for (const auto& [t, s] : now_types_) out += "T " + t + " " + s + "\n";
  for (const auto& [f, s] : now_) out += "F " + f + " " + s.dir + " " + (s.files.empty() ? "-" : s.files) + " " + std::to_string(s.count) + "\n";
  write_file_atomic(state_file_, out);
}

}  // namespace crm
