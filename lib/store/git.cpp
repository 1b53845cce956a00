// crm-git.so: the Git interface (store/git.hpp) over libgit2, and the SHA-1
// crm needs; its one exported symbol is crm_git_module.
#include "store/git.hpp"

#include <fcntl.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include "model/dates.hpp"
#include "model/error.hpp"
#include "model/text.hpp"
#include "store/git_index.hpp"


namespace crm {

namespace {

void check(int rc, const std::string& what) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  fail(Failure::Runtime, what + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(rc)));
}

template <typename T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  ~Owned() {
    if (p) Free(p);
  }
  T** out() { return &p; }
  T* get() const { return p; }
};

using Tree = Owned<git_tree, git_tree_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Signature = Owned<git_signature, git_signature_free>;
using Index = Owned<git_index, git_index_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Blob = Owned<git_blob, git_blob_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;
using Walk = Owned<git_revwalk, git_revwalk_free>;

}  // namespace

// libgit2's init reads the whole system CA bundle into mbedTLS: 11-15 ms of every write on the
// machines crm is measured on (bench/RESULTS.md), for certificates crm never uses. crm gives
// libgit2 local repositories only; fetch, push and clone go through the user's own `git`. These
// two definitions come before libmbedx509's in this module's lookup scope, so libgit2 loads no
// CA: should it ever be asked to speak HTTPS, it would find no trusted certificate and refuse
// the connection (it fails closed, never open). Tested by t005 (no CA file is opened).
extern "C" __attribute__((visibility("default"))) int mbedtls_x509_crt_parse_file(void*, const char*) { return 0; }
extern "C" __attribute__((visibility("default"))) int mbedtls_x509_crt_parse_path(void*, const char*) { return 0; }

namespace {

struct Library {
  Library() {
    // SHA-1 for our own hashing (the git index, blob ids) needs no system OpenSSL config (1-2 ms to read).
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
    git_libgit2_init();
  }
  ~Library() { git_libgit2_shutdown(); }
};
void start_library() { static Library lib; }

// git's date forms: "@1790000000 +0100", "1790000000 +0100", or ISO 8601.
bool parse_git_date(const char* text, git_time_t& when, int& offset) {
  std::string t = text;
  if (!t.empty() && t[0] == '@') t.erase(0, 1);
  // "SECONDS" or "SECONDS +HHMM" / "SECONDS -HHMM" (git's internal form)
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  bool epoch = digits > 0 && (digits == t.size() ||
                              (t.size() == digits + 6 && t[digits] == ' ' && (t[digits + 1] == '+' || t[digits + 1] == '-') &&
                               whole_number(std::string_view(t).substr(digits + 2), 4, false)));
  if (epoch) {
    when = std::stoll(t.substr(0, digits));
    offset = 0;
    if (digits < t.size()) {
      int hhmm = std::stoi(t.substr(digits + 2));
      offset = (hhmm / 100 * 60 + hhmm % 100) * (t[digits + 1] == '-' ? -1 : 1);
    }
    return true;
  }
  try {
    DateTime d = parse_moment(t, "GIT_AUTHOR_DATE");
    when = d.utc.time_since_epoch().count();
    offset = d.offset_minutes;
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Like git: GIT_<ROLE>_NAME/EMAIL/DATE win, then user.name/user.email, then a local fallback.
void signature(git_repository* repo, Signature& sig, const char* role) {
  std::string r = role;
  const char* name = std::getenv(("GIT_" + r + "_NAME").c_str());
  const char* email = std::getenv(("GIT_" + r + "_EMAIL").c_str());
  const char* date = std::getenv(("GIT_" + r + "_DATE").c_str());
  Signature fallback;
  if (!name || !email) {
    if (git_signature_default(fallback.out(), repo) != 0) {
      const char* user = std::getenv("USER");
      std::string u = user ? user : "crm";
      check(git_signature_now(fallback.out(), u.c_str(), (u + "@localhost").c_str()), "author");
    }
    if (!name) name = fallback.get()->name;
    if (!email) email = fallback.get()->email;
  }
  git_time_t when;
  int offset;
  if (date && *date) {
    if (!parse_git_date(date, when, offset))
      fail(Failure::Usage, "GIT_" + r + "_DATE: '" + date + "' is not a date git understands",
           "use '@SECONDS +ZONE' or an ISO 8601 date");
    check(git_signature_new(sig.out(), name, email, when, offset), "signature");
    return;
  }
  check(git_signature_now(sig.out(), name, email), "signature");
}

std::optional<std::string> blob_at(git_repository* repo, git_tree* tree, const std::string& path) {
  if (!tree) return std::nullopt;
  TreeEntry entry;
  if (git_tree_entry_bypath(entry.out(), tree, path.c_str()) != 0) return std::nullopt;
  Blob blob;
  if (git_blob_lookup(blob.out(), repo, git_tree_entry_id(entry.get())) != 0) return std::nullopt;
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

// Files under .crm/ (hooks) keep their executable bit in commits; records never have one.
bool keeps_mode(const std::string& path) { return path.rfind(".crm/", 0) == 0; }

bool executable_at(git_tree* tree, const std::string& path) {
  if (!tree) return false;
  TreeEntry entry;
  if (git_tree_entry_bypath(entry.out(), tree, path.c_str()) != 0) return false;
  return git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_BLOB_EXECUTABLE;
}

std::string iso_time(const git_time& t) {
  time_t secs = static_cast<time_t>(t.time) + t.offset * 60;
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char off[16];
  int o = t.offset < 0 ? -t.offset : t.offset;
  std::snprintf(off, sizeof off, "%c%02d:%02d", t.offset < 0 ? '-' : '+', o / 60, o % 60);
  return std::string(buf) + off;
}

class LibGit2 final : public Git {
 public:
  explicit LibGit2(const std::string& root);
  ~LibGit2() override;
  LibGit2(const LibGit2&) = delete;
  LibGit2& operator=(const LibGit2&) = delete;

  std::string commit(const std::vector<Change>& changes, const std::string& message) override;
  void refresh_index(const std::vector<Change>& changes) override;
  std::vector<Revision> history(const std::string& path, size_t limit) override;
  std::string head() const override;
  std::string resolve(const std::string& rev) const override;
  std::string merge_base(const std::string& a, const std::string& b) const override;
  bool is_ancestor(const std::string& ancestor, const std::string& of) const override;
  CommitInfo info(const std::string& commit) const override;
  std::vector<TreeChange> diff(const std::string& from, const std::string& to) const override;
  std::optional<std::string> blob(const std::string& id) const override;
  std::optional<CommitInfo> introduced(const std::string& path, const std::string& blob, const std::string& from,
                                       const std::string& hide) const override;
  std::optional<std::string> file(const std::string& commit, const std::string& path) const override;
  bool executable(const std::string& commit, const std::string& path) const override;
  std::string merge_commit(const std::string& ours, const std::string& theirs, const std::vector<Change>& changes,
                           const std::string& message) override;
  void set_head(const std::string& commit, const std::string& reflog) override;
  std::string branch() const override;
  std::string config(const std::string& key) const override;
  void set_config(const std::string& key, const std::string& value) override;
  std::string author_name() const override;
  void add_remote(const std::string& name, const std::string& url) override;

 private:
  git_repository* repo_ = nullptr;
  std::string root_;
};

}  // namespace

LibGit2::LibGit2(const std::string& root) : root_(root) {
  start_library();
  check(git_repository_open_ext(&repo_, root.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
        "cannot open the git repository at " + root);
}

LibGit2::~LibGit2() {
  if (repo_) git_repository_free(repo_);
}

namespace {

void init_repository(const std::string& root) {
  start_library();
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.initial_head = "main";
  git_repository* repo = nullptr;
  check(git_repository_init_ext(&repo, root.c_str(), &opts), "cannot create a git repository at " + root);
  git_repository_free(repo);
}

}  // namespace

std::string LibGit2::author_name() const {
  Signature sig;
  signature(repo_, sig, "AUTHOR");
  return sig.get()->name;
}

std::string LibGit2::head() const {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo_, "HEAD") != 0) return {};
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

void LibGit2::add_remote(const std::string& name, const std::string& url) {
  // What `git remote add` writes. (libgit2 1.5's git_remote_create leaks pcre2 match data.)
  if (!config("remote." + name + ".url").empty()) fail(Failure::Usage, "a remote named " + name + " exists already");
  set_config("remote." + name + ".url", url);
  set_config("remote." + name + ".fetch", "+refs/heads/*:refs/remotes/" + name + "/*");
}

std::string LibGit2::commit(const std::vector<Change>& changes, const std::string& message) {
  Commit parent;
  Tree base;
  git_oid head_oid;
  bool has_head = git_reference_name_to_id(&head_oid, repo_, "HEAD") == 0;
  if (has_head) {
    check(git_commit_lookup(parent.out(), repo_, &head_oid), "cannot read HEAD");
    check(git_commit_tree(base.out(), parent.get()), "cannot read HEAD's tree");
  }

  std::vector<git_tree_update> updates;
  updates.reserve(changes.size());
  for (const auto& c : changes) {
    git_tree_update u{};
    u.path = c.path.c_str();
    if (c.content) {
      check(git_blob_create_from_buffer(&u.id, repo_, c.content->data(), c.content->size()),
            "cannot store " + c.path);
      u.action = GIT_TREE_UPDATE_UPSERT;
      u.filemode = GIT_FILEMODE_BLOB;
      // As git's index records it (store/git_index.cpp): the work tree file's executable bit.
      struct stat st;
      if (keeps_mode(c.path) && ::lstat((root_ + "/" + c.path).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          (st.st_mode & S_IXUSR))
        u.filemode = GIT_FILEMODE_BLOB_EXECUTABLE;
    } else {
      if (!base.get()) continue;
      TreeEntry e;
      if (git_tree_entry_bypath(e.out(), base.get(), c.path.c_str()) != 0) continue;  // never committed
      u.action = GIT_TREE_UPDATE_REMOVE;
    }
    updates.push_back(u);
  }

  git_oid tree_oid;
  if (base.get()) {
    check(git_tree_create_updated(&tree_oid, repo_, base.get(), updates.size(), updates.data()),
          "cannot build the commit's tree");
  } else {
    // First commit: build from an empty tree.
    git_treebuilder* tb = nullptr;
    check(git_treebuilder_new(&tb, repo_, nullptr), "cannot build a tree");
    git_oid empty;
    int rc = git_treebuilder_write(&empty, tb);
    git_treebuilder_free(tb);
    check(rc, "cannot build a tree");
    Tree empty_tree;
    check(git_tree_lookup(empty_tree.out(), repo_, &empty), "cannot build a tree");
    check(git_tree_create_updated(&tree_oid, repo_, empty_tree.get(), updates.size(), updates.data()),
          "cannot build the commit's tree");
  }
  if (base.get() && git_oid_equal(&tree_oid, git_tree_id(base.get()))) {
    refresh_index(changes);  // HEAD already has them (say, a write killed after its commit): make git's index agree
    return {};
  }

  Tree tree;
  check(git_tree_lookup(tree.out(), repo_, &tree_oid), "cannot read the new tree");
  Signature author, committer;
  signature(repo_, author, "AUTHOR");
  signature(repo_, committer, "COMMITTER");
  git_oid commit_oid;
  const git_commit* parents[] = {parent.get()};
  check(git_commit_create(&commit_oid, repo_, "HEAD", author.get(), committer.get(), "UTF-8", message.c_str(), tree.get(),
                          has_head ? 1 : 0, parents),
        "cannot commit");

  refresh_index(changes);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_oid);
  return hex;
}

namespace {
// `git update-index` honours what the splice declines (split index, version 4), and rewrites
// the index faster than libgit2. Returns false when git cannot run.
// `share`: fold a split index's entries into a new shared index as well.
bool git_update_index(const std::string& root, const std::vector<Change>& changes, bool share = false) {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return false;
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
    if (devnull >= 0 && share) ::dup2(devnull, STDERR_FILENO);  // best effort: its warnings are not crm's
    if (share) execlp("git", "git", "-C", root.c_str(), "update-index", "--split-index", nullptr);
    else execlp("git", "git", "-C", root.c_str(), "update-index", "--add", "--remove", "-z", "--stdin", nullptr);
    _exit(127);
  }
  ::close(in[0]);
  std::string paths;
  for (const auto& c : changes) paths += c.path + '\0';
  const char* p = paths.data();
  size_t left = paths.size();
  while (left > 0) {
    ssize_t n = ::write(in[1], p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
  ::close(in[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
}  // namespace

void LibGit2::refresh_index(const std::vector<Change>& changes) {
  // Only the touched entries of the git index, so `git status` stays truthful:
  // spliced in place when the index is one we know, else by git, else by libgit2.
  std::vector<IndexUpdate> updates;
  for (const auto& c : changes) {
    IndexUpdate u{c.path, std::nullopt};
    if (c.content) {
      git_oid oid;
      check(git_odb_hash(&oid, c.content->data(), c.content->size(), GIT_OBJECT_BLOB), "cannot hash " + c.path);
      u.oid.emplace();
      std::copy(std::begin(oid.id), std::end(oid.id), u.oid->begin());
    }
    updates.push_back(std::move(u));
  }
  // core.splitIndex: true splits the index now, false never; unset: when it is large.
  SplitIndex split = SplitIndex::WhenLarge;
  git_config* cfg = nullptr;
  int on = 0;
  if (git_repository_config_snapshot(&cfg, repo_) == 0 && git_config_get_bool(&on, cfg, "core.splitIndex") == 0)
    split = on ? SplitIndex::Always : SplitIndex::Never;
  git_config_free(cfg);
  for (int tries = 0;; ++tries) {
    IndexSplice r = splice_git_index(git_repository_path(repo_), root_, updates, split);
    // Many entries in a split index slow down every git that reads it: git folds them into a
    // new shared index (and expires the old one as it does its own). Without git they stay.
    if (r == IndexSplice::DoneSplitLarge) git_update_index(root_, {}, true);
    if (r == IndexSplice::Done || r == IndexSplice::DoneSplitNow || r == IndexSplice::DoneSplitLarge) return;
    if (r == IndexSplice::Declined || tries == 200) break;
    ::usleep(10000);  // a git command holds index.lock: wait for it, as git would not
  }
  if (git_update_index(root_, changes)) return;
  Index index;
  check(git_repository_index(index.out(), repo_), "cannot open the git index");
  for (const auto& c : changes) {
    if (c.content) check(git_index_add_bypath(index.get(), c.path.c_str()), "cannot stage " + c.path);
    else git_index_remove_bypath(index.get(), c.path.c_str());
  }
  check(git_index_write(index.get()), "cannot write the git index");
}

std::vector<Revision> LibGit2::history(const std::string& path, size_t limit) {
  std::vector<Revision> out;
  Walk walk;
  check(git_revwalk_new(walk.out(), repo_), "cannot walk history");
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  if (git_revwalk_push_head(walk.get()) != 0) return out;
  git_oid oid;
  while (git_revwalk_next(&oid, walk.get()) == 0) {
    Commit c;
    check(git_commit_lookup(c.out(), repo_, &oid), "cannot read a commit");
    Tree tree;
    check(git_commit_tree(tree.out(), c.get()), "cannot read a tree");
    auto after = blob_at(repo_, tree.get(), path);
    unsigned n = git_commit_parentcount(c.get());
    std::optional<std::string> before;
    bool same_as_a_parent = false;
    for (unsigned i = 0; i < n; ++i) {
      Commit p;
      if (git_commit_parent(p.out(), c.get(), i) != 0) continue;
      Tree pt;
      if (git_commit_tree(pt.out(), p.get()) != 0) continue;
      auto b = blob_at(repo_, pt.get(), path);
      if (i == 0) before = b;
      if (b == after) same_as_a_parent = true;
    }
    if (same_as_a_parent || (n == 0 && !after)) continue;
    const git_signature* a = git_commit_author(c.get());
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    out.push_back({hex, a->name ? a->name : "", a->email ? a->email : "", iso_time(a->when),
                   git_commit_summary(c.get()) ? git_commit_summary(c.get()) : "", before, after});
    if (limit && out.size() >= limit) break;
  }
  return out;
}

}  // namespace crm

// ---------------------------------------------------------------------------
// What sync needs: revisions, pruned tree diffs, merge commits, the branch.

namespace crm {

namespace {
git_oid oid_of(const std::string& hex) {
  git_oid oid;
  if (git_oid_fromstr(&oid, hex.c_str()) != 0) fail(Failure::Runtime, "not a commit id: " + hex);
  return oid;
}
std::string hex_of(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, oid);
  return hex;
}

// Both trees walked together; subtrees with the same id are skipped without being read.
void diff_trees(git_repository* repo, git_tree* a, git_tree* b, const std::string& prefix, std::vector<TreeChange>& out) {
  size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
  size_t i = 0, j = 0;
  auto side = [&](const git_tree_entry* e, bool before) {
    std::string path = prefix + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      Tree t;
      check(git_tree_lookup(t.out(), repo, git_tree_entry_id(e)), "cannot read tree " + path);
      if (before) diff_trees(repo, t.get(), nullptr, path + "/", out);
      else diff_trees(repo, nullptr, t.get(), path + "/", out);
    } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      std::string id = hex_of(git_tree_entry_id(e));
      out.push_back(before ? TreeChange{path, id, ""} : TreeChange{path, "", id});
    }
  };
  while (i < na || j < nb) {
    const git_tree_entry* ea = i < na ? git_tree_entry_byindex(a, i) : nullptr;
    const git_tree_entry* eb = j < nb ? git_tree_entry_byindex(b, j) : nullptr;
    int order = !ea ? 1 : !eb ? -1 : std::strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb));
    if (order < 0) {
      side(ea, true), ++i;
      continue;
    }
    if (order > 0) {
      side(eb, false), ++j;
      continue;
    }
    ++i, ++j;
    if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb))) continue;
    bool ta = git_tree_entry_type(ea) == GIT_OBJECT_TREE, tb = git_tree_entry_type(eb) == GIT_OBJECT_TREE;
    std::string path = prefix + git_tree_entry_name(ea);
    if (ta && tb) {
      Tree x, y;
      check(git_tree_lookup(x.out(), repo, git_tree_entry_id(ea)), "cannot read tree " + path);
      check(git_tree_lookup(y.out(), repo, git_tree_entry_id(eb)), "cannot read tree " + path);
      diff_trees(repo, x.get(), y.get(), path + "/", out);
    } else if (!ta && !tb) {
      out.push_back({path, hex_of(git_tree_entry_id(ea)), hex_of(git_tree_entry_id(eb))});
    } else {
      side(ea, true);
      side(eb, false);
    }
  }
}
}  // namespace

std::string LibGit2::resolve(const std::string& rev) const {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo_, (rev + "^{commit}").c_str()) != 0) return {};
  std::string id = hex_of(git_object_id(obj));
  git_object_free(obj);
  return id;
}

std::string LibGit2::merge_base(const std::string& a, const std::string& b) const {
  git_oid oa = oid_of(a), ob = oid_of(b), base;
  if (git_merge_base(&base, repo_, &oa, &ob) != 0) return {};
  return hex_of(&base);
}

bool LibGit2::is_ancestor(const std::string& ancestor, const std::string& of) const {
  if (ancestor == of) return true;
  git_oid a = oid_of(ancestor), b = oid_of(of);
  return git_graph_descendant_of(repo_, &b, &a) == 1;
}

CommitInfo LibGit2::info(const std::string& commit) const {
  Commit c;
  git_oid oid = oid_of(commit);
  check(git_commit_lookup(c.out(), repo_, &oid), "cannot read commit " + commit);
  const git_signature* a = git_commit_author(c.get());
  return {a->name ? a->name : "", iso_time(a->when)};
}

std::vector<TreeChange> LibGit2::diff(const std::string& from, const std::string& to) const {
  auto tree_of = [&](const std::string& hex, Tree& t) {
    if (hex.empty()) return;
    Commit c;
    git_oid oid = oid_of(hex);
    check(git_commit_lookup(c.out(), repo_, &oid), "cannot read commit " + hex);
    check(git_commit_tree(t.out(), c.get()), "cannot read the tree of " + hex);
  };
  Tree a, b;
  tree_of(from, a);
  tree_of(to, b);
  std::vector<TreeChange> out;
  diff_trees(repo_, a.get(), b.get(), "", out);
  return out;
}

std::optional<std::string> LibGit2::blob(const std::string& id) const {
  if (id.empty()) return std::nullopt;
  Blob b;
  git_oid oid = oid_of(id);
  if (git_blob_lookup(b.out(), repo_, &oid) != 0) return std::nullopt;
  return std::string(static_cast<const char*>(git_blob_rawcontent(b.get())), static_cast<size_t>(git_blob_rawsize(b.get())));
}

namespace {

std::string blob_id_of(const std::string& content) {
  start_library();
  git_oid oid;
  check(git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB), "cannot hash a file");
  return hex_of(&oid);
}

}  // namespace

std::optional<CommitInfo> LibGit2::introduced(const std::string& path, const std::string& blob, const std::string& from,
                                          const std::string& hide) const {
  auto id_at = [&](const git_commit* c) {
    Tree t;
    TreeEntry e;
    if (git_commit_tree(t.out(), c) != 0 || git_tree_entry_bypath(e.out(), t.get(), path.c_str()) != 0) return std::string();
    return hex_of(git_tree_entry_id(e.get()));
  };
  Walk walk;
  check(git_revwalk_new(walk.out(), repo_), "cannot walk history");
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  git_oid start = oid_of(from);
  check(git_revwalk_push(walk.get(), &start), "cannot walk from " + from);
  if (!hide.empty()) {
    git_oid h = oid_of(hide);
    git_revwalk_hide(walk.get(), &h);
  }
  git_oid oid;
  while (git_revwalk_next(&oid, walk.get()) == 0) {
    Commit c;
    if (git_commit_lookup(c.out(), repo_, &oid) != 0 || id_at(c.get()) != blob) continue;
    bool inherited = false;
    for (unsigned i = 0; i < git_commit_parentcount(c.get()) && !inherited; ++i) {
      Commit p;
      inherited = git_commit_parent(p.out(), c.get(), i) == 0 && id_at(p.get()) == blob;
    }
    if (inherited) continue;
    const git_signature* a = git_commit_author(c.get());
    return CommitInfo{a->name ? a->name : "", iso_time(a->when)};
  }
  return std::nullopt;
}

std::optional<std::string> LibGit2::file(const std::string& commit, const std::string& path) const {
  if (commit.empty()) return std::nullopt;
  Commit c;
  git_oid oid = oid_of(commit);
  check(git_commit_lookup(c.out(), repo_, &oid), "cannot read commit " + commit);
  Tree t;
  check(git_commit_tree(t.out(), c.get()), "cannot read the tree of " + commit);
  return blob_at(repo_, t.get(), path);
}

bool LibGit2::executable(const std::string& commit, const std::string& path) const {
  if (commit.empty()) return false;
  Commit c;
  git_oid oid = oid_of(commit);
  check(git_commit_lookup(c.out(), repo_, &oid), "cannot read commit " + commit);
  Tree t;
  check(git_commit_tree(t.out(), c.get()), "cannot read the tree of " + commit);
  return executable_at(t.get(), path);
}

std::string LibGit2::merge_commit(const std::string& ours, const std::string& theirs, const std::vector<Change>& changes,
                              const std::string& message) {
  Commit o, t;
  git_oid oo = oid_of(ours), ot = oid_of(theirs);
  check(git_commit_lookup(o.out(), repo_, &oo), "cannot read commit " + ours);
  check(git_commit_lookup(t.out(), repo_, &ot), "cannot read commit " + theirs);
  Tree base;
  check(git_commit_tree(base.out(), o.get()), "cannot read the tree of " + ours);
  std::vector<git_tree_update> updates;
  for (const auto& c : changes) {
    git_tree_update u{};
    u.path = c.path.c_str();
    if (c.content) {
      check(git_blob_create_from_buffer(&u.id, repo_, c.content->data(), c.content->size()), "cannot store " + c.path);
      u.action = GIT_TREE_UPDATE_UPSERT;
      u.filemode = GIT_FILEMODE_BLOB;
      if (keeps_mode(c.path)) {  // executable when either side's file is (a hook made so on one side)
        Tree their_tree;
        if (git_commit_tree(their_tree.out(), t.get()) == 0 &&
            (executable_at(base.get(), c.path) || executable_at(their_tree.get(), c.path)))
          u.filemode = GIT_FILEMODE_BLOB_EXECUTABLE;
      }
    } else {
      TreeEntry e;
      if (git_tree_entry_bypath(e.out(), base.get(), c.path.c_str()) != 0) continue;
      u.action = GIT_TREE_UPDATE_REMOVE;
    }
    updates.push_back(u);
  }
  git_oid tree_oid;
  check(git_tree_create_updated(&tree_oid, repo_, base.get(), updates.size(), updates.data()), "cannot build the merge's tree");
  Tree tree;
  check(git_tree_lookup(tree.out(), repo_, &tree_oid), "cannot read the merge's tree");
  Signature author, committer;
  signature(repo_, author, "AUTHOR");
  signature(repo_, committer, "COMMITTER");
  const git_commit* parents[] = {o.get(), t.get()};
  git_oid id;
  check(git_commit_create(&id, repo_, nullptr, author.get(), committer.get(), "UTF-8", message.c_str(), tree.get(), 2, parents),
        "cannot commit the merge");
  return hex_of(&id);
}

void LibGit2::set_head(const std::string& commit, const std::string& reflog) {
  git_oid oid = oid_of(commit);
  std::string branch_name = branch();
  if (branch_name.empty()) fail(Failure::Usage, "HEAD is detached", "check out a branch first: git switch main");
  Reference ref;
  check(git_reference_create(ref.out(), repo_, ("refs/heads/" + branch_name).c_str(), &oid, 1, reflog.c_str()),
        "cannot move " + branch_name);
}

std::string LibGit2::branch() const {
  Reference head;
  if (git_reference_lookup(head.out(), repo_, "HEAD") != 0) return {};
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return {};
  std::string target = git_reference_symbolic_target(head.get());
  const std::string prefix = "refs/heads/";
  return target.rfind(prefix, 0) == 0 ? target.substr(prefix.size()) : std::string();
}

std::string LibGit2::config(const std::string& key) const {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo_) != 0) return {};
  const char* value = nullptr;
  std::string out;
  if (git_config_get_string(&value, cfg, key.c_str()) == 0 && value) out = value;
  git_config_free(cfg);
  return out;
}

void LibGit2::set_config(const std::string& key, const std::string& value) {
  git_config* cfg = nullptr;
  check(git_repository_config(&cfg, repo_), "cannot open .git/config");
  int rc = git_config_set_string(cfg, key.c_str(), value.c_str());
  git_config_free(cfg);
  check(rc, "cannot set " + key + " in .git/config");
}

namespace {

std::optional<std::string> merge_file(const std::string& base, const std::string& ours, const std::string& theirs,
                                      bool markers) {
  start_library();
  git_merge_file_input b = GIT_MERGE_FILE_INPUT_INIT, o = GIT_MERGE_FILE_INPUT_INIT, t = GIT_MERGE_FILE_INPUT_INIT;
  b.ptr = base.data(), b.size = base.size();
  o.ptr = ours.data(), o.size = ours.size(), o.path = "ours";
  t.ptr = theirs.data(), t.size = theirs.size(), t.path = "theirs";
  git_merge_file_options opts = GIT_MERGE_FILE_OPTIONS_INIT;
  opts.our_label = "ours";
  opts.their_label = "theirs";
  git_merge_file_result r{};
  check(git_merge_file(&r, &b, &o, &t, &opts), "cannot merge lines");
  std::optional<std::string> out;
  if (r.automergeable || markers) out = std::string(r.ptr, r.len);
  git_merge_file_result_free(&r);
  return out;
}

std::array<uint8_t, 20> sha1_of(std::string_view bytes) {
  std::array<uint8_t, 20> digest;
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  return digest;
}

std::unique_ptr<Git> open_repository(const std::string& root) { return std::make_unique<LibGit2>(root); }

const GitModule kModule{open_repository, init_repository, blob_id_of, merge_file, sha1_of};

}  // namespace

}  // namespace crm

extern "C" __attribute__((visibility("default"))) const crm::GitModule* crm_git_module() { return &crm::kModule; }
