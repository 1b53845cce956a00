#include "store/git_index.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace crm {

namespace {

constexpr size_t kEntryFixed = 62;  // stat data (40), object id (20), flags (2)
constexpr size_t kHash = 20;

uint32_t be32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

void put32(std::string& out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

// One entry of an index of version 2 or 3 at `at`: its size and path; false when it does not parse.
bool parse_entry(std::string_view data, uint32_t version, size_t at, size_t& size, std::string_view& path) {
  size_t limit = data.size() - kHash;
  if (at + kEntryFixed > limit) return false;
  uint16_t flags = static_cast<uint16_t>((static_cast<unsigned char>(data[at + 60]) << 8) |
                                         static_cast<unsigned char>(data[at + 61]));
  size_t name_at = at + kEntryFixed;
  if (flags & 0x4000) {  // extended flags: version 3 only
    if (version < 3) return false;
    name_at += 2;
  }
  size_t nul = data.find('\0', name_at);
  if (nul == std::string_view::npos || nul >= limit) return false;
  size_t name_len = nul - name_at;
  if ((flags & 0xFFF) != std::min<size_t>(name_len, 0xFFF)) return false;
  size = (name_at - at + name_len + 8) & ~size_t{7};  // 1-8 NULs pad the entry to 8 bytes
  if (at + size > limit) return false;
  path = data.substr(name_at, name_len);
  return true;
}

// An entry for the file as lstat sees it now.
std::string new_entry(const std::string& path, const std::array<uint8_t, 20>& oid, const struct stat& st) {
  std::string e;
  e.reserve(kEntryFixed + path.size() + 8);
  uint32_t mode = S_ISLNK(st.st_mode) ? 0120000u : (st.st_mode & 0111) ? 0100755u : 0100644u;
  for (uint64_t v : {static_cast<uint64_t>(st.st_ctim.tv_sec), static_cast<uint64_t>(st.st_ctim.tv_nsec),
                     static_cast<uint64_t>(st.st_mtim.tv_sec), static_cast<uint64_t>(st.st_mtim.tv_nsec),
                     static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), uint64_t{mode},
                     static_cast<uint64_t>(st.st_uid), static_cast<uint64_t>(st.st_gid), static_cast<uint64_t>(st.st_size)})
    put32(e, static_cast<uint32_t>(v));  // git keeps the low 32 bits
  e.append(reinterpret_cast<const char*>(oid.data()), oid.size());
  uint16_t flags = static_cast<uint16_t>(std::min<size_t>(path.size(), 0xFFF));
  e += static_cast<char>(flags >> 8);
  e += static_cast<char>(flags & 0xFF);
  e += path;
  e.append(((kEntryFixed + path.size() + 8) & ~size_t{7}) - kEntryFixed - path.size(), '\0');
  return e;
}

// The TREE extension (cached tree ids) with every directory on a touched path
// marked invalid ("-1"), as git does. Nodes are: name NUL, "entries subtrees\n",
// the id when entries >= 0, then the subtrees, depth first.
bool invalidate_trees(std::string_view& in, const std::string& dir, const std::vector<IndexUpdate>& updates,
                      std::string& out) {
  size_t nul = in.find('\0');
  if (nul == std::string_view::npos) return false;
  std::string_view name = in.substr(0, nul);
  size_t nl = in.find('\n', nul);
  if (nl == std::string_view::npos) return false;
  std::string_view counts = in.substr(nul + 1, nl - nul - 1);
  size_t sp = counts.find(' ');
  if (sp == std::string_view::npos) return false;
  long entries = std::strtol(std::string(counts.substr(0, sp)).c_str(), nullptr, 10);
  long subtrees = std::strtol(std::string(counts.substr(sp + 1)).c_str(), nullptr, 10);
  if (subtrees < 0) return false;
  in.remove_prefix(nl + 1);
  std::string path = dir.empty() ? std::string(name) : dir + "/" + std::string(name);
  std::string inside = path.empty() ? "" : path + "/";
  bool touched = std::any_of(updates.begin(), updates.end(),
                             [&](const IndexUpdate& u) { return u.path.compare(0, inside.size(), inside) == 0; });
  out.append(name);
  out += '\0';
  if (entries >= 0 && !touched) {
    if (in.size() < kHash) return false;
    out.append(counts);
    out += '\n';
    out.append(in.substr(0, kHash));
  } else {
    out += "-1 " + std::to_string(subtrees) + "\n";
  }
  if (entries >= 0) in.remove_prefix(kHash);
  for (long i = 0; i < subtrees; ++i)
    if (!invalidate_trees(in, path, updates, out)) return false;
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The new index, or false when this index is one we do not handle.
bool spliced(std::string_view data, const std::vector<IndexUpdate>& updates, const std::vector<struct stat>& stats,
             std::vector<std::string>& owned, std::vector<std::string_view>& parts) {
  if (data.size() < 12 + kHash || data.substr(0, 4) != "DIRC") return false;
  uint32_t version = be32(data.data() + 4);
  if (version != 2 && version != 3) return false;
  // Every piece is owned or points into `data`; `owned` is reserved so views into it stay valid.
  owned.reserve(updates.size() + 4);
  auto add = [&](std::string bytes) {
    owned.push_back(std::move(bytes));
    parts.emplace_back(owned.back());
  };
  add(std::string(data.substr(0, 12)));  // header; the count is set below
  // One pass over the entries, in order: runs of untouched entries are copied through as they
  // are; an updated path's entries (every stage) are dropped and its new entry goes where the
  // order puts it. Nothing is allocated per entry (at M there are 122,000 of them).
  size_t count = 0, at = 12, run = 12, u = 0;
  auto flush = [&](size_t to) {
    if (to > run) parts.push_back(data.substr(run, to - run));
    run = to;
  };
  auto insert = [&] {
    if (updates[u].oid) {
      add(new_entry(updates[u].path, *updates[u].oid, stats[u]));
      ++count;
    }
    ++u;
  };
  std::string_view previous;
  for (uint32_t i = 0, n = be32(data.data() + 8); i < n; ++i) {
    size_t size = 0;
    std::string_view path;
    if (!parse_entry(data, version, at, size, path) || path < previous) return false;
    previous = path;
    for (; u < updates.size() && updates[u].path < path; insert()) flush(at);  // paths new to the index
    if (u < updates.size() && updates[u].path == path) {
      flush(at);
      run = at + size;  // dropped: the update's entry follows the path's last stage
    } else {
      ++count;
    }
    at += size;
  }
  size_t end = at;
  flush(end);
  while (u < updates.size()) insert();

  // Extensions: TREE is rewritten, REUC kept, other optional ones (untracked cache,
  // fsmonitor, offset tables) dropped; git rebuilds them. Mandatory ones: decline.
  std::string_view tree, reuc;
  for (size_t x = end; x < data.size() - kHash;) {
    if (x + 8 > data.size() - kHash) return false;
    std::string_view sig = data.substr(x, 4);
    size_t len = be32(data.data() + x + 4);
    if (len > data.size() - kHash - x - 8) return false;
    std::string_view body = data.substr(x + 8, len);
    if (sig == "TREE") tree = body;
    else if (sig == "REUC") reuc = body;
    else if (sig[0] < 'A' || sig[0] > 'Z') return false;
    x += 8 + len;
  }

  std::string& header = owned.front();
  header[8] = static_cast<char>(count >> 24);
  header[9] = static_cast<char>(count >> 16);
  header[10] = static_cast<char>(count >> 8);
  header[11] = static_cast<char>(count);

  if (!tree.empty()) {
    std::string t;
    std::string_view in = tree;
    if (!invalidate_trees(in, "", updates, t) || !in.empty()) return false;
    std::string ext = "TREE";
    put32(ext, static_cast<uint32_t>(t.size()));
    add(ext + t);
  }
  if (!reuc.empty()) parts.push_back(data.substr(static_cast<size_t>(reuc.data() - data.data()) - 8, reuc.size() + 8));
  return true;
}

}  // namespace

IndexSplice splice_git_index(const std::string& git_dir, const std::string& work_tree, std::vector<IndexUpdate> updates) {
  if (updates.empty()) return IndexSplice::Done;
  std::stable_sort(updates.begin(), updates.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  // The last update of a path wins.
  std::vector<IndexUpdate> unique;
  for (auto& u : updates) {
    if (!unique.empty() && unique.back().path == u.path) unique.back() = std::move(u);
    else unique.push_back(std::move(u));
  }
  std::vector<struct stat> stats(unique.size());
  for (size_t i = 0; i < unique.size(); ++i)
    if (unique[i].oid && ::lstat((work_tree + "/" + unique[i].path).c_str(), &stats[i]) != 0) return IndexSplice::Declined;

  std::string index = git_dir + "/index", lock = index + ".lock";
  int lfd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (lfd < 0) return errno == EEXIST ? IndexSplice::Busy : IndexSplice::Declined;
  int fd = ::open(index.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  void* map = MAP_FAILED;
  if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_size > 0)
    // Populated in one call: at M the file is 11 MB, and a fault per page was a third of the splice.
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (fd >= 0) ::close(fd);
  std::vector<std::string> owned;
  std::vector<std::string_view> parts;
  bool ok = map != MAP_FAILED &&
            spliced({static_cast<const char*>(map), static_cast<size_t>(st.st_size)}, unique, stats, owned, parts);
  if (ok) {
    // The trailer: SHA-1 of everything before it.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);  // as in git.cpp: no system config to read
    EVP_MD_CTX* sha = EVP_MD_CTX_new();
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_len = 0;
    ok = sha && EVP_DigestInit_ex(sha, EVP_sha1(), nullptr) == 1;
    for (auto p : parts) ok = ok && EVP_DigestUpdate(sha, p.data(), p.size()) == 1 && write_all(lfd, p);
    ok = ok && EVP_DigestFinal_ex(sha, hash, &hash_len) == 1 && hash_len == kHash &&
         write_all(lfd, {reinterpret_cast<const char*>(hash), kHash});
    EVP_MD_CTX_free(sha);
  }
  if (map != MAP_FAILED) ::munmap(map, static_cast<size_t>(st.st_size));
  ok = ::close(lfd) == 0 && ok;
  if (ok && ::rename(lock.c_str(), index.c_str()) == 0) return IndexSplice::Done;
  ::unlink(lock.c_str());
  return IndexSplice::Declined;
}

}  // namespace crm
