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
#include <deque>
#include <optional>
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

// git's EWAH bitmaps (Documentation/technical/bitmap-format.txt), as the link extension of a
// split index stores which shared entries are deleted or replaced: bit size, word count, the
// 64-bit words big-endian, the position of the last run-length word. A run-length word holds
// the running bit (bit 0), how many 64-bit words repeat it (bits 1-32) and how many literal
// words follow (bits 33-63). Bits count from the least significant bit of each word.
uint64_t be64(const char* p) { return (uint64_t{be32(p)} << 32) | be32(p + 4); }

void put64(std::string& out, uint64_t v) {
  put32(out, static_cast<uint32_t>(v >> 32));
  put32(out, static_cast<uint32_t>(v));
}

// The set bits, ascending, of the bitmap at the start of `in`, which is advanced past it;
// nullopt when it does not parse or sets a bit at or past `limit`.
std::optional<std::vector<uint32_t>> read_ewah(std::string_view& in, uint32_t limit) {
  if (in.size() < 12) return std::nullopt;  // bit size, word count, last run-length word's position
  size_t words = be32(in.data() + 4);
  if (words > (in.size() - 12) / 8) return std::nullopt;
  std::vector<uint32_t> bits;
  uint64_t pos = 0;
  for (size_t w = 0; w < words;) {
    uint64_t rlw = be64(in.data() + 8 + 8 * w++);
    uint64_t run = ((rlw >> 1) & 0xFFFFFFFFu) * 64, literals = rlw >> 33;
    if (pos + run > limit + uint64_t{64} || literals > words - w) return std::nullopt;
    if (rlw & 1)
      for (uint64_t b = 0; b < run; ++b) bits.push_back(static_cast<uint32_t>(pos + b));
    pos += run;
    for (; literals > 0; --literals, pos += 64) {
      uint64_t word = be64(in.data() + 8 + 8 * w++);
      for (int b = 0; b < 64; ++b)
        if (word >> b & 1) bits.push_back(static_cast<uint32_t>(pos + b));
    }
  }
  if (!bits.empty() && bits.back() >= limit) return std::nullopt;
  in.remove_prefix(12 + 8 * words);
  return bits;
}

std::string ewah(const std::vector<uint32_t>& bits) {
  std::vector<uint64_t> plain(bits.empty() ? 0 : bits.back() / 64 + 1);
  for (uint32_t b : bits) plain[b / 64] |= uint64_t{1} << (b % 64);
  std::vector<uint64_t> words;
  size_t last_rlw = 0;
  for (size_t i = 0; i < plain.size();) {
    uint64_t zeros = 0, literals = 0;
    while (i < plain.size() && plain[i] == 0) ++zeros, ++i;  // at most 2^26 words here: no overflow
    last_rlw = words.size();
    words.push_back(0);
    while (i + literals < plain.size() && plain[i + literals] != 0) words.push_back(plain[i + literals++]);
    i += literals;
    words[last_rlw] = zeros << 1 | literals << 33;
  }
  if (words.empty()) words.push_back(0);  // an empty bitmap is one empty run-length word, as git writes it
  std::string out;
  put32(out, bits.empty() ? 0 : bits.back() + 1);
  put32(out, static_cast<uint32_t>(words.size()));
  for (uint64_t w : words) put64(out, w);
  put32(out, static_cast<uint32_t>(last_rlw));
  return out;
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

// The SHA-1 of the pieces, each also written to `fd` unless it is -1; nullopt on failure.
std::optional<std::array<uint8_t, 20>> sha1(const std::vector<std::string_view>& parts, int fd = -1) {
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);  // as in git.cpp: no system config to read
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  std::array<uint8_t, 20> hash{};
  unsigned int hash_len = 0;
  bool ok = sha && EVP_DigestInit_ex(sha, EVP_sha1(), nullptr) == 1;
  for (auto p : parts) ok = ok && EVP_DigestUpdate(sha, p.data(), p.size()) == 1 && (fd < 0 || write_all(fd, p));
  ok = ok && EVP_DigestFinal_ex(sha, hash.data(), &hash_len) == 1 && hash_len == kHash;
  EVP_MD_CTX_free(sha);
  if (!ok) return std::nullopt;
  return hash;
}

// Writes the pieces and their SHA-1 (git's trailer) to `fd`; the hash, or nullopt on failure.
std::optional<std::array<uint8_t, 20>> write_hashed(int fd, const std::vector<std::string_view>& parts) {
  auto hash = sha1(parts, fd);
  if (!hash || !write_all(fd, {reinterpret_cast<const char*>(hash->data()), kHash})) return std::nullopt;
  return hash;
}

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
  return out;
}

struct Mapped {  // a file mapped read-only, whole
  std::string_view data;
  int64_t mtime = 0;  // seconds
  explicit Mapped(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      mtime = st.st_mtim.tv_sec;
      // Populated in one call: at M the file is 11 MB, and a fault per page was a third of the splice.
      void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (map != MAP_FAILED) data = {static_cast<const char*>(map), static_cast<size_t>(st.st_size)};
    }
    ::close(fd);
  }
  ~Mapped() {
    if (!data.empty()) ::munmap(const_cast<char*>(data.data()), data.size());
  }
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
};

// The new index as pieces, each owned or pointing into the old one: the header, the entries
// (a split index's nameless replacements first), then the extensions.
struct Spliced {
  std::deque<std::string> owned;  // growing it leaves the views in `parts` valid
  std::vector<std::string_view> parts;
  size_t entries_end = 0;  // parts[0, entries_end) are the header and the entries
  uint32_t count = 0;
  uint32_t version = 0;
  std::vector<std::string_view> replacements;  // a split index's: they replace shared entries, in order
  std::string_view link;                       // the link extension's body: this index is split

  void add(std::string bytes) {
    owned.push_back(std::move(bytes));
    parts.emplace_back(owned.back());
  }
  void set_count(uint32_t n) {
    std::string& header = owned.front();
    for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<char>(n >> (24 - 8 * i));
  }
};

// git's racily clean entries (Documentation/technical/racy-git.txt). An entry recorded in the
// same second as the index was written (or later) cannot show a change made to its file in that
// second that kept its size: its stat data still match. git reads such entries' contents; when
// it writes a newer index they would stop being suspect, so it first smudges (size 0: "look at
// the content") those whose content changed. The splice does the same for the entries it copies
// (in a split index, those of the small index; the shared index's are left as they are).
struct Racy {
  const std::string& work_tree;
  int64_t index_mtime;  // the old index's, in seconds (git compares seconds unless built with USE_NSEC)

  bool changed(std::string_view entry, std::string_view path) const {
    if (static_cast<int64_t>(be32(entry.data() + 8)) < (index_mtime & 0xffffffff)) return false;
    struct stat st;
    std::string file = work_tree + "/" + std::string(path);
    if (::lstat(file.c_str(), &st) != 0) return false;  // gone: git sees that
    // Only what git always compares, so that nothing it would call clean escapes the check.
    if (be32(entry.data() + 8) != static_cast<uint32_t>(st.st_mtim.tv_sec) ||
        be32(entry.data() + 36) != static_cast<uint32_t>(st.st_size))
      return false;  // git sees the change in the stat data
    if (!S_ISREG(st.st_mode)) return true;
    auto id = blob_id(file, st.st_size);
    return !id || std::memcmp(id->data(), entry.data() + 40, kHash) != 0;
  }

  // git's object id of the file's content ("blob SIZE\0" and the bytes), or none when unreadable.
  static std::optional<std::array<uint8_t, 20>> blob_id(const std::string& file, off_t size) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string content(static_cast<size_t>(size), '\0');
    ssize_t n = ::pread(fd, content.data(), content.size(), 0);
    ::close(fd);
    if (n != size) return std::nullopt;
    std::string header = "blob " + std::to_string(size);
    header += '\0';
    return sha1({header, content});
  }
};

// Splices the entries and rewrites the extensions; false when this index is one we do not handle.
bool splice_entries(std::string_view data, const std::vector<IndexUpdate>& updates,
                    const std::vector<struct stat>& stats, const Racy& racy, Spliced& s) {
  if (data.size() < 12 + kHash || data.substr(0, 4) != "DIRC") return false;
  s.version = be32(data.data() + 4);
  if (s.version != 2 && s.version != 3) return false;
  s.add(std::string(data.substr(0, 12)));  // header; the count is set by the caller
  // One pass over the entries, in order: runs of untouched entries are copied through as they
  // are; an updated path's entries (every stage) are dropped and its new entry goes where the
  // order puts it. Nothing is allocated per entry (at M there are 122,000 of them).
  size_t at = 12, run = 12, u = 0;
  auto flush = [&](size_t to) {
    if (to > run) s.parts.push_back(data.substr(run, to - run));
    run = to;
  };
  auto insert = [&] {
    if (updates[u].oid) {
      s.add(new_entry(updates[u].path, *updates[u].oid, stats[u]));
      ++s.count;
    }
    ++u;
  };
  std::string_view previous;
  for (uint32_t i = 0, n = be32(data.data() + 8); i < n; ++i) {
    size_t size = 0;
    std::string_view path;
    if (!parse_entry(data, s.version, at, size, path)) return false;
    if (path.empty()) {  // a split index's replacement: they all come before the named entries
      if (!previous.empty()) return false;
      s.replacements.push_back(data.substr(at, size));
      at += size;
      run = at;
      continue;
    }
    if (path < previous) return false;
    previous = path;
    for (; u < updates.size() && updates[u].path < path; insert()) flush(at);  // paths new to the index
    if (u < updates.size() && updates[u].path == path) {
      flush(at);
      run = at + size;  // dropped: the update's entry follows the path's last stage
    } else {
      ++s.count;
      if (racy.changed(data.substr(at, size), path)) {
        flush(at);
        std::string smudged(data.substr(at, size));
        std::memset(smudged.data() + 36, 0, 4);
        s.add(std::move(smudged));
        run = at + size;
      }
    }
    at += size;
  }
  size_t end = at;
  flush(end);
  while (u < updates.size()) insert();
  s.entries_end = s.parts.size();

  // Extensions: TREE is rewritten, REUC kept, link (a split index) handled by the caller, other
  // optional ones (untracked cache, fsmonitor, offset tables) dropped; git rebuilds them.
  // Other mandatory ones: decline.
  std::string_view tree, reuc;
  for (size_t x = end; x < data.size() - kHash;) {
    if (x + 8 > data.size() - kHash) return false;
    std::string_view sig = data.substr(x, 4);
    size_t len = be32(data.data() + x + 4);
    if (len > data.size() - kHash - x - 8) return false;
    std::string_view body = data.substr(x + 8, len);
    if (sig == "TREE") tree = body;
    else if (sig == "REUC") reuc = body;
    else if (sig == "link") s.link = body;
    else if (sig[0] < 'A' || sig[0] > 'Z') return false;
    x += 8 + len;
  }
  if (!s.replacements.empty() && s.link.empty()) return false;
  if (!tree.empty()) {
    std::string t;
    std::string_view in = tree;
    if (!invalidate_trees(in, "", updates, t) || !in.empty()) return false;
    std::string ext = "TREE";
    put32(ext, static_cast<uint32_t>(t.size()));
    s.add(ext + t);
  }
  if (!reuc.empty()) s.parts.push_back(data.substr(static_cast<size_t>(reuc.data() - data.data()) - 8, reuc.size() + 8));
  return true;
}

std::string link_extension(std::string_view shared_id, const std::vector<uint32_t>& deleted,
                           const std::vector<uint32_t>& replaced) {
  std::string body = std::string(shared_id) + ewah(deleted) + ewah(replaced);
  std::string ext = "link";
  put32(ext, static_cast<uint32_t>(body.size()));
  return ext + body;
}

// A split index (git's Documentation/technical/split-index.txt): most entries live in
// .git/sharedindex.<id>, which is left as it is. Written paths become entries of .git/index,
// which git reads as replacing their shared ones; a removed path's shared entries are marked
// deleted in the link extension. False when it does not parse.
bool splice_split(const std::string& git_dir, const std::vector<IndexUpdate>& updates, Spliced& s) {
  std::string_view link = s.link;
  if (link.size() <= kHash) return false;  // no bitmaps: git treats it as not split
  std::string_view shared_id = link.substr(0, kHash);
  link.remove_prefix(kHash);
  std::string shared_path = git_dir + "/sharedindex." + hex(shared_id);
  // Only its header is read, unless a path is removed: then its entries are looked through.
  bool removals = std::any_of(updates.begin(), updates.end(), [](const IndexUpdate& u) { return !u.oid; });
  std::optional<Mapped> mapped;
  char header[12];
  std::string_view head;
  if (removals) {
    mapped.emplace(shared_path);
    head = mapped->data.size() >= 12 + kHash ? mapped->data : std::string_view();
  } else if (int fd = ::open(shared_path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    if (::pread(fd, header, sizeof header, 0) == sizeof header) head = {header, sizeof header};
    ::close(fd);
  }
  if (head.size() < 12 || head.substr(0, 4) != "DIRC" || be32(head.data() + 4) != s.version) return false;
  uint32_t shared_count = be32(head.data() + 8);
  auto deleted = read_ewah(link, shared_count);
  auto replaced = deleted ? read_ewah(link, shared_count) : std::nullopt;
  if (!replaced || !link.empty() || replaced->size() != s.replacements.size()) return false;
  std::vector<bool> kept(s.replacements.size(), true);
  if (removals) {
    // Removed paths: their entries in the shared index are found by one pass over it.
    std::string_view shared = mapped->data;
    auto u = updates.begin();
    size_t at = 12;
    for (uint32_t i = 0; i < shared_count; ++i) {
      size_t size = 0;
      std::string_view path;
      if (!parse_entry(shared, s.version, at, size, path)) return false;
      at += size;
      while (u != updates.end() && u->path < path) ++u;
      if (u == updates.end()) break;
      if (u->oid || u->path != path) continue;
      if (!std::binary_search(deleted->begin(), deleted->end(), i))
        deleted->insert(std::lower_bound(deleted->begin(), deleted->end(), i), i);
      // git refuses an entry both replaced and deleted: the replacement goes.
      auto r = std::lower_bound(replaced->begin(), replaced->end(), i);
      if (r != replaced->end() && *r == i) {
        size_t k = static_cast<size_t>(r - replaced->begin()), j = 0;
        for (size_t seen = 0; j < kept.size(); ++j)
          if (kept[j] && seen++ == k) break;
        kept[j] = false;
        replaced->erase(r);
      }
    }
  }
  std::vector<std::string_view> entries;
  for (size_t j = 0; j < kept.size(); ++j)
    if (kept[j]) entries.push_back(s.replacements[j]);
  s.count += static_cast<uint32_t>(entries.size());
  s.parts.insert(s.parts.begin() + 1, entries.begin(), entries.end());
  s.entries_end += entries.size();
  s.add(link_extension(shared_id, *deleted, *replaced));
  // As git does: a shared index in use is kept fresh, so that git's expiry of old ones spares it.
  ::utimensat(AT_FDCWD, shared_path.c_str(), nullptr, 0);
  return true;
}

// Moves every entry to a new .git/sharedindex.<id>, leaving .git/index with none but the link
// to it and the extensions.
bool split_now(const std::string& git_dir, Spliced& s) {
  std::vector<std::string_view> shared(s.parts.begin(), s.parts.begin() + static_cast<std::ptrdiff_t>(s.entries_end));
  s.set_count(s.count);
  std::string temp = git_dir + "/sharedindex_XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return false;
  auto id = write_hashed(fd, shared);
  bool ok = ::close(fd) == 0 && id;
  std::string id_bytes = id ? std::string(reinterpret_cast<const char*>(id->data()), kHash) : "";
  ok = ok && ::chmod(temp.c_str(), 0644) == 0 &&
       ::rename(temp.c_str(), (git_dir + "/sharedindex." + hex(id_bytes)).c_str()) == 0;
  if (!ok) {
    ::unlink(temp.c_str());
    return false;
  }
  std::vector<std::string_view> small = {s.parts.front()};  // the header: the caller sets its count
  small.insert(small.end(), s.parts.begin() + static_cast<std::ptrdiff_t>(s.entries_end), s.parts.end());
  s.parts = std::move(small);
  s.entries_end = 1;
  s.count = 0;
  s.add(link_extension(id_bytes, {}, {}));
  return true;
}

}  // namespace

IndexSplice splice_git_index(const std::string& git_dir, const std::string& work_tree, std::vector<IndexUpdate> updates,
                             SplitIndex split) {
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
  IndexSplice result = IndexSplice::Done;
  bool ok = false;
  {
    Mapped old(index);
    Spliced s;
    ok = !old.data.empty() && splice_entries(old.data, unique, stats, Racy{work_tree, old.mtime}, s);
    if (ok && !s.link.empty()) {
      ok = splice_split(git_dir, unique, s);
      if (s.count > kSplitEntriesAtMost) result = IndexSplice::DoneSplitLarge;
    } else if (ok && (split == SplitIndex::Always || (split == SplitIndex::WhenLarge && s.count >= kSplitFrom))) {
      ok = split_now(git_dir, s);
      result = IndexSplice::DoneSplitNow;
    }
    if (ok) {
      s.set_count(s.count);
      ok = write_hashed(lfd, s.parts).has_value();
    }
  }
  ok = ::close(lfd) == 0 && ok;
  if (ok && ::rename(lock.c_str(), index.c_str()) == 0) return result;
  ::unlink(lock.c_str());
  return IndexSplice::Declined;
}

}  // namespace crm
