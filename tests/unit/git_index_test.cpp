// git's index file spliced in place: checked against what real git makes of
// the same changes (`git update-index`) in a copy of the same repository.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/git_index.hpp"

namespace fs = std::filesystem;
using crm::IndexSplice;
using crm::IndexUpdate;

namespace {

std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  INFO(cmd << "\n" << out);
  REQUIRE(rc == 0);
  return out;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::array<uint8_t, 20> blob_id(const fs::path& repo, const std::string& path) {
  std::string hex = sh("git -C " + repo.string() + " hash-object -w " + path);
  std::array<uint8_t, 20> id{};
  for (size_t i = 0; i < 20; ++i) id[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return id;
}

struct Repos {
  fs::path base = fs::temp_directory_path() / ("crm-gitindex-" + std::to_string(::getpid()));
  fs::path ours = base / "ours", git = base / "git";
  std::string env = "GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@x ";

  explicit Repos(const std::string& setup = "") {
    fs::remove_all(base);
    fs::create_directories(ours);
    sh("git init -q -b main " + ours.string());
    for (const char* p : {"crm.yaml", "contacts/k7/aaa.yaml", "contacts/k7/ccc.yaml", "contacts/zz/zzz.yaml",
                          "deals/k7/ddd.yaml", "notes/ab/n1.yaml"})
      write(ours / p, std::string("file ") + p + "\n");
    sh("cd " + ours.string() + " && git add -A && " + env + "git commit -qm start" + (setup.empty() ? "" : " && " + setup));
    sh("cp -a " + ours.string() + " " + git.string());
  }
  ~Repos() { fs::remove_all(base); }

  // The same work-tree change in both copies.
  void put(const std::string& path, const std::string& text) {
    write(ours / path, text);
    write(git / path, text);
  }
  void drop(const std::string& path) {
    fs::remove(ours / path);
    fs::remove(git / path);
  }
  // Ours through the splice, the other copy through git itself.
  IndexSplice update(const std::vector<std::string>& present, const std::vector<std::string>& removed,
                     crm::SplitIndex split = crm::SplitIndex::Never) {
    std::vector<IndexUpdate> u;
    std::string paths;
    for (const auto& p : present) {
      u.push_back({p, blob_id(ours, p)});
      paths += " " + p;
    }
    for (const auto& p : removed) {
      u.push_back({p, std::nullopt});
      paths += " " + p;
    }
    sh("git -C " + git.string() + " update-index --add --remove" + paths);
    return crm::splice_git_index((ours / ".git").string(), ours.string(), u, split);
  }
  std::string in(const fs::path& repo, const std::string& cmd) { return sh("cd " + repo.string() + " && " + env + cmd); }
  // What git makes of both copies agrees, and ours is whole.
  void agree() {
    CHECK(in(ours, "git ls-files -s") == in(git, "git ls-files -s"));
    CHECK(in(ours, "git diff-files --name-only") == "");  // stat data matches the files
    CHECK(in(ours, "git status --porcelain") == in(git, "git status --porcelain"));
    CHECK(in(ours, "git write-tree") == in(git, "git write-tree"));
    CHECK(in(ours, "git fsck --no-progress --no-dangling 2>&1") == "");
  }
  size_t shared_indexes() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(ours / ".git"))
      n += e.path().filename().string().rfind("sharedindex.", 0) == 0;
    return n;
  }
};

}  // namespace

TEST_CASE("git index: added, changed and removed paths agree with git update-index") {
  Repos r;
  r.put("contacts/k7/bbb.yaml", "new in the middle\n");
  r.put("contacts/k7/ccc.yaml", "changed\n");
  r.put("tasks/t1/t.yaml", "new folder at the end\n");
  r.drop("deals/k7/ddd.yaml");
  REQUIRE(r.update({"contacts/k7/bbb.yaml", "contacts/k7/ccc.yaml", "tasks/t1/t.yaml"}, {"deals/k7/ddd.yaml"}) ==
          IndexSplice::Done);
  CHECK(r.in(r.ours, "git ls-files -s") == r.in(r.git, "git ls-files -s"));
  CHECK(r.in(r.ours, "git diff-files --name-only") == "");  // stat data matches the files
  CHECK(r.in(r.ours, "git status --porcelain") == r.in(r.git, "git status --porcelain"));
  // The cached trees were invalidated where they changed: a commit has git's tree.
  CHECK(r.in(r.ours, "git write-tree") == r.in(r.git, "git write-tree"));
  r.in(r.ours, "git commit -qm change");
  CHECK(r.in(r.ours, "git status --porcelain") == "");
  CHECK(r.in(r.ours, "git fsck --no-progress 2>&1") == "");
}

TEST_CASE("git index: a path before every entry, and an unchanged file") {
  Repos r;
  r.put("a.yaml", "first\n");
  REQUIRE(r.update({"a.yaml", "crm.yaml"}, {}) == IndexSplice::Done);
  CHECK(r.in(r.ours, "git ls-files -s") == r.in(r.git, "git ls-files -s"));
  CHECK(r.in(r.ours, "git diff-files --name-only") == "");
  CHECK(r.in(r.ours, "git status --porcelain") == "A  a.yaml\n");
}

TEST_CASE("git index: version 3 entries (intent to add) are kept") {
  Repos r("echo x > later.yaml && git add -N later.yaml");
  r.put("contacts/k7/bbb.yaml", "new\n");
  REQUIRE(r.update({"contacts/k7/bbb.yaml"}, {}) == IndexSplice::Done);
  CHECK(r.in(r.ours, "git ls-files -s") == r.in(r.git, "git ls-files -s"));
  CHECK(r.in(r.ours, "git status --porcelain") == r.in(r.git, "git status --porcelain"));
}

TEST_CASE("git index: a split index keeps its shared index and agrees with git") {
  // "sleep 1": entries older than the index go to the shared index; without it git writes the
  // racily clean ones as replacements in .git/index, which the second setup wants.
  for (std::string setup : {"sleep 1 && git update-index --split-index", "git update-index --split-index"}) {
    Repos r(setup);
    REQUIRE(r.shared_indexes() == 1);
    std::string shared = r.in(r.ours, "sha1sum .git/sharedindex.*");
    r.put("contacts/k7/bbb.yaml", "new in the middle\n");
    r.put("contacts/k7/ccc.yaml", "changed\n");
    r.put("tasks/t1/t.yaml", "new folder at the end\n");
    r.drop("deals/k7/ddd.yaml");
    r.drop("contacts/zz/zzz.yaml");
    REQUIRE(r.update({"contacts/k7/bbb.yaml", "contacts/k7/ccc.yaml", "tasks/t1/t.yaml"},
                     {"deals/k7/ddd.yaml", "contacts/zz/zzz.yaml"}) == IndexSplice::Done);
    CHECK(r.in(r.ours, "sha1sum .git/sharedindex.*") == shared);  // left as it was
    r.agree();  // git may fold the changes into a new shared index: in so small a repository, it does
    // Again on what the splice wrote: a path written twice, one removed that it had added.
    r.put("contacts/k7/bbb.yaml", "changed again\n");
    r.drop("tasks/t1/t.yaml");
    REQUIRE(r.update({"contacts/k7/bbb.yaml"}, {"tasks/t1/t.yaml"}) == IndexSplice::Done);
    r.agree();
    // git itself takes it from there.
    r.in(r.ours, "git add -A && git commit -qm change");
    CHECK(r.in(r.ours, "git status --porcelain") == "");
  }
}

TEST_CASE("git index: split when core.splitIndex asks, or when large") {
  Repos r;
  r.put("contacts/k7/bbb.yaml", "new\n");
  REQUIRE(r.update({"contacts/k7/bbb.yaml"}, {}, crm::SplitIndex::WhenLarge) == IndexSplice::Done);  // 7 entries
  CHECK(r.shared_indexes() == 0);
  r.put("contacts/k7/ccc.yaml", "changed\n");
  REQUIRE(r.update({"contacts/k7/ccc.yaml"}, {}, crm::SplitIndex::Always) == IndexSplice::DoneSplitNow);
  CHECK(r.shared_indexes() == 1);
  CHECK(fs::file_size(r.ours / ".git/index") < 400);  // header, TREE, link, trailer: no entries
  r.agree();
  CHECK(r.in(r.ours, "git rev-parse --shared-index-path").find(".git/sharedindex.") != std::string::npos);
  // Entries beyond the limit: git is asked to fold them into a new shared index.
  std::vector<std::string> many;
  for (uint32_t i = 0; i <= crm::kSplitEntriesAtMost; ++i) {
    many.push_back("notes/zz/n" + std::to_string(100000 + i) + ".yaml");
    r.put(many.back(), "note " + std::to_string(i) + "\n");
  }
  r.in(r.git, "git add notes/zz");
  CHECK(crm::splice_git_index((r.ours / ".git").string(), r.ours.string(),
                              [&] {
                                std::vector<IndexUpdate> u;
                                std::string ids = r.in(r.ours, "git hash-object -w notes/zz/*");
                                for (size_t i = 0; i < many.size(); ++i) {
                                  std::array<uint8_t, 20> id{};
                                  for (size_t b = 0; b < 20; ++b)
                                    id[b] = static_cast<uint8_t>(std::stoi(ids.substr(41 * i + 2 * b, 2), nullptr, 16));
                                  u.push_back({many[i], id});
                                }
                                return u;
                              }()) == IndexSplice::DoneSplitLarge);
  r.agree();
}

TEST_CASE("git index: a broken split index or missing shared index is declined") {
  Repos r("sleep 1 && git update-index --split-index");
  r.put("contacts/k7/bbb.yaml", "new\n");
  sh("mv " + (r.ours / ".git").string() + "/sharedindex.* " + r.base.string());
  std::string before = r.in(r.ours, "sha1sum .git/index");
  CHECK(r.update({"contacts/k7/bbb.yaml"}, {}) == IndexSplice::Declined);
  CHECK(r.in(r.ours, "sha1sum .git/index") == before);
  CHECK_FALSE(fs::exists(r.ours / ".git/index.lock"));
}

TEST_CASE("git index: a split index whose bitmaps do not parse is declined, unchanged") {
  // The delete bitmap's word count (after "link", its length and the shared index id) made huge,
  // then past the extension's end by a few words: neither may be read past.
  for (std::string word_count : {std::string("\xff\xff\xff\xff"), std::string("\0\0\0\x05", 4)}) {
    Repos r("sleep 1 && git update-index --split-index");
    std::string index;
    {
      std::ifstream f(r.ours / ".git/index", std::ios::binary);
      index.assign(std::istreambuf_iterator<char>(f), {});
    }
    size_t link = index.find("link");
    REQUIRE(link != std::string::npos);
    index.replace(link + 8 + 20 + 4, 4, word_count);
    std::ofstream(r.ours / ".git/index", std::ios::binary) << index;
    std::string before = r.in(r.ours, "sha1sum .git/index");
    r.put("contacts/k7/bbb.yaml", "new\n");
    r.drop("deals/k7/ddd.yaml");
    CHECK(r.update({"contacts/k7/bbb.yaml"}, {"deals/k7/ddd.yaml"}) == IndexSplice::Declined);
    CHECK(r.in(r.ours, "sha1sum .git/index") == before);
    CHECK_FALSE(fs::exists(r.ours / ".git/index.lock"));
  }
}

TEST_CASE("git index: what it does not know is left to git, untouched") {
  for (std::string setup : {"git update-index --index-version 4"}) {
    Repos r(setup);
    std::string before = r.in(r.ours, "sha1sum .git/index");
    r.put("contacts/k7/bbb.yaml", "new\n");
    CHECK(r.update({"contacts/k7/bbb.yaml"}, {}) == IndexSplice::Declined);
    CHECK(r.in(r.ours, "sha1sum .git/index") == before);
    CHECK_FALSE(fs::exists(r.ours / ".git/index.lock"));
  }
}

TEST_CASE("git index: a held index.lock is reported, and a broken index declined") {
  Repos r;
  r.put("contacts/k7/bbb.yaml", "new\n");
  write(r.ours / ".git/index.lock", "");
  CHECK(r.update({"contacts/k7/bbb.yaml"}, {}) == IndexSplice::Busy);
  fs::remove(r.ours / ".git/index.lock");
  fs::resize_file(r.ours / ".git/index", 200);  // cut in the middle of the entries
  CHECK(crm::splice_git_index((r.ours / ".git").string(), r.ours.string(),
                              {{"contacts/k7/bbb.yaml", blob_id(r.ours, "contacts/k7/bbb.yaml")}}) ==
        IndexSplice::Declined);
  CHECK(fs::file_size(r.ours / ".git/index") == 200);
  CHECK_FALSE(fs::exists(r.ours / ".git/index.lock"));
}

TEST_CASE("git index: a conflicted path's stages are replaced by one entry, others kept") {
  // Two branches change the same two files: a merge leaves stages 1, 2 and 3 for both.
  std::string conflict =
      "git checkout -qb other && echo theirs > contacts/k7/ccc.yaml && echo theirs > notes/ab/n1.yaml && " +
      std::string("git commit -qam theirs && git checkout -q main && echo ours > contacts/k7/ccc.yaml && ") +
      "echo ours > notes/ab/n1.yaml && git commit -qam ours && (git merge -q other >/dev/null 2>&1 || true)";
  Repos r("GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@x " +
          conflict);
  REQUIRE(r.in(r.ours, "git ls-files -u | wc -l") == "6\n");
  r.put("contacts/k7/ccc.yaml", "resolved\n");
  r.put("contacts/k7/bbb.yaml", "new, just before the conflicted path\n");
  REQUIRE(r.update({"contacts/k7/bbb.yaml", "contacts/k7/ccc.yaml"}, {}) == IndexSplice::Done);
  CHECK(r.in(r.ours, "git ls-files -s") == r.in(r.git, "git ls-files -s"));
  CHECK(r.in(r.ours, "git ls-files -u") == r.in(r.git, "git ls-files -u"));  // n1.yaml still conflicted
  CHECK(r.in(r.ours, "git status --porcelain") == r.in(r.git, "git status --porcelain"));
}

TEST_CASE("git index: entries out of order are declined") {
  Repos r;
  // Swap the names of two entries of the same length in place: the file still parses, but
  // its order is wrong, which git would refuse; the splice must not make it worse.
  std::string index;
  {
    std::ifstream f(r.ours / ".git/index", std::ios::binary);
    index.assign(std::istreambuf_iterator<char>(f), {});
  }
  size_t a = index.find("contacts/k7/aaa.yaml"), c = index.find("contacts/k7/ccc.yaml");
  REQUIRE(a != std::string::npos);
  REQUIRE(c != std::string::npos);
  index.replace(a, 20, "contacts/k7/ccc.yaml");
  index.replace(c, 20, "contacts/k7/aaa.yaml");
  std::ofstream(r.ours / ".git/index", std::ios::binary) << index;
  r.put("contacts/k7/bbb.yaml", "new\n");
  CHECK(crm::splice_git_index((r.ours / ".git").string(), r.ours.string(),
                              {{"contacts/k7/bbb.yaml", blob_id(r.ours, "contacts/k7/bbb.yaml")}}) ==
        IndexSplice::Declined);
  CHECK_FALSE(fs::exists(r.ours / ".git/index.lock"));
}

TEST_CASE("git index: a racily clean entry that changed is smudged, as git does; unchanged ones are kept") {
  // Two files recorded with their mtime in the same second as the index was written: one is then
  // changed, keeping its size and mtime (a change within that second), the other is not.
  Repos r("git config core.trustctime false");
  const std::string changed = "contacts/k7/aaa.yaml", same = "contacts/k7/ccc.yaml";
  auto at = [&](const std::string& path, long seconds) {
    std::string when = "@" + std::to_string(seconds);
    r.in(r.ours, "touch -m -d " + when + " " + path);
  };
  long past = static_cast<long>(std::time(nullptr)) - 100;
  at(changed, past);
  at(same, past);
  r.in(r.ours, "git update-index --refresh >/dev/null");  // records that mtime
  write(r.ours / changed, "FILE contacts/k7/aaa.yaml\n");  // same size, other content
  at(changed, past);
  at(".git/index", past);
  // The stat data match; git reads the content because the entry is not older than the index.
  REQUIRE(r.in(r.ours, "git diff-files --name-only") == changed + "\n");
  write(r.ours / "notes/ab/n2.yaml", "another\n");
  std::vector<IndexUpdate> u{{"notes/ab/n2.yaml", blob_id(r.ours, "notes/ab/n2.yaml")}};
  REQUIRE(crm::splice_git_index((r.ours / ".git").string(), r.ours.string(), u, crm::SplitIndex::Never) ==
          IndexSplice::Done);
  // The new index is newer than both entries: only the smudge still tells git to look.
  CHECK(r.in(r.ours, "git diff-files --name-only") == changed + "\n");
  CHECK(r.in(r.ours, "git status --porcelain") == " M " + changed + "\nA  notes/ab/n2.yaml\n");
  CHECK(r.in(r.ours, "git fsck --no-progress --no-dangling 2>&1") == "");
}
