// git's index file spliced in place: checked against what real git makes of
// the same changes (`git update-index`) in a copy of the same repository.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
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
  IndexSplice update(const std::vector<std::string>& present, const std::vector<std::string>& removed) {
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
    return crm::splice_git_index((ours / ".git").string(), ours.string(), u);
  }
  std::string in(const fs::path& repo, const std::string& cmd) { return sh("cd " + repo.string() + " && " + env + cmd); }
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

TEST_CASE("git index: what it does not know is left to git, untouched") {
  for (std::string setup : {"git update-index --index-version 4", "git update-index --split-index"}) {
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
