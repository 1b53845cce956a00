#include "write/transaction.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

void require_valid(const Repository& repo, const Record& record, const std::string& where) {
  auto problems = validate_record(*record.type, repo.config(), record.data);
  if (problems.empty()) return;
  std::string msg;
  for (const auto& p : problems) {
    std::string field = p.pointer.empty() ? "" : p.pointer.substr(1);
    msg += (msg.empty() ? "" : "\n") + where + (field.empty() ? "" : " (" + field + ")") + ": " + p.message;
  }
  fail(Failure::Invalid, msg, "nothing was changed");
}

Transaction::Transaction(const Repository& repo)
    : repo_(repo), lock_(repo), journal_(repo.state_dir() + "/journal"), checkout_journal_(repo.state_dir() + "/checkout") {
  repo_.remove_stale_temp_files();
  recover();
  recover_checkout();
}

Transaction::~Transaction() {
  if (events_.empty()) return;
  // After the commit and without the lock or the index's write handle: a hook may run crm.
  index_.reset();
  lock_.release();
  try {
    Hooks(repo_).run(events_, [](const std::string& line) { std::cerr << "crm: " << line << "\n"; });
  } catch (...) {
    // A hook never fails the command that fired it: its commit is made.
  }
}

Index& Transaction::index() {
  if (!index_) index_ = std::make_unique<Index>(repo_, true);
  return *index_;
}

// A previous writer was killed between writing files and committing them: finish its commit.
void Transaction::recover() {
  std::string text;
  try {
    text = read_file(journal_, kMaxRecordBytes, "journal");
  } catch (const Error&) {
    return;  // no journal: the last write finished
  }
  // git lock files younger than the journal were taken by the killed writer itself (we hold the
  // repository lock, so no other crm runs): they are stale.
  struct stat js;
  if (::stat(journal_.c_str(), &js) == 0) {
    std::vector<std::string> locks = {"index.lock", "HEAD.lock"};
    std::string head = read_file(repo_.git_dir() + "/HEAD", 4096, ".git/HEAD");
    if (head.rfind("ref: ", 0) == 0) locks.push_back(trim(head.substr(5)) + ".lock");
    for (const auto& l : locks) {
      struct stat ls;
      std::string path = repo_.git_dir() + "/" + l;
      if (::stat(path.c_str(), &ls) == 0 && ls.st_mtim.tv_sec >= js.st_mtim.tv_sec) {
        ::unlink(path.c_str());
        repo_.note("removed .git/" + l + " left by an interrupted crm write");
      }
    }
  }
  auto lines = split(text, '\n');
  if (lines.size() < 2 || lines[0] != "crm-journal 1") {
    std::remove(journal_.c_str());
    return;
  }
  std::string message;
  for (size_t i = 0; i < lines[1].size(); ++i) {
    if (lines[1][i] == '\\' && i + 1 < lines[1].size()) {
      message += lines[1][i + 1] == 'n' ? '\n' : lines[1][i + 1];
      ++i;
    } else {
      message += lines[1][i];
    }
  }
  std::vector<Change> changes;
  for (size_t i = 2; i < lines.size(); ++i) {
    const std::string& path = lines[i];
    if (path.empty() || path.find("..") != std::string::npos) continue;
    if (repo_.exists(path)) changes.push_back({path, repo_.read(path)});
    else changes.push_back({path, std::nullopt});
  }
  auto opened = Git::open(repo_.root());
  Git& git = *opened;
  std::string id = git.commit(changes, message + "\n\nCommitted by the next crm command after the first was interrupted.");
  repo_.note("recovered an interrupted write: " + (id.empty() ? "nothing to commit" : id.substr(0, 10)));
  index();  // brought up to date first: the killed writer may have left more than its files
  index_changes(changes);
  std::remove(journal_.c_str());
}

void Transaction::put(const Record& record) {
  std::string path = Repository::relative_path(*record.type, record.id);
  require_valid(repo_, record, path);
  changes_.push_back({path, record_yaml(*record.type, record.data, &repo_.config(), &record.comments)});
  staged_.push_back({record.type, record.id});
}

void Transaction::remove(const TypeSpec& type, const std::string& id) {
  changes_.push_back({Repository::relative_path(type, id), std::nullopt});
  staged_.push_back({&type, id});
}

void Transaction::put_file(const std::string& path, const std::string& content) {
  changes_.push_back({path, content});
  staged_.push_back({});
}

void Transaction::put_file_removal(const std::string& path) {
  changes_.push_back({path, std::nullopt});
  staged_.push_back({});
}

// The records this commit changed, for the hooks (only when the repository has any: .crm/hooks).
// Files put as files (sync's hand edits) fire none.
void Transaction::note_events(const std::string& commit, const std::vector<std::optional<std::string>>& before) {
  if (commit.empty() || !Hooks::present(repo_)) return;
  std::map<std::string, size_t> seen;  // path -> its event: a record put twice is one change
  std::map<std::string, bool> listened;  // TYPE-EVENT -> a hook may run (an import of many records asks once)
  for (size_t i = 0; i < changes_.size(); ++i) {
    const Staged& s = staged_[i];
    const Change& c = changes_[i];
    if (!s.type) continue;
    if (auto it = seen.find(c.path); it != seen.end()) {
      events_[it->second].after = c.content;
      continue;
    }
    if (before[i] == c.content) continue;
    HookEvent e;
    auto m = marked_.find(s.id);
    e.event = m != marked_.end() ? m->second : !c.content ? "rm" : !before[i] ? "add" : "set";
    std::string name = std::string(s.type->name) + "-" + e.event;
    if (!listened.count(name)) listened[name] = Hooks::listens(repo_, *s.type, e.event);
    if (!listened[name]) continue;  // no hook would run: the texts are not kept
    e.type = s.type;
    e.id = s.id;
    e.path = c.path;
    e.commit = commit;
    e.before = before[i];
    e.after = c.content;
    seen[c.path] = events_.size();
    events_.push_back(std::move(e));
  }
}

namespace {
// git's own lock files: a commit now would fail half-way, so stop before writing anything.
void require_git_unlocked(const Repository& repo) {
  std::vector<std::string> locks = {"index.lock", "HEAD.lock"};
  std::string head = read_file(repo.git_dir() + "/HEAD", 4096, ".git/HEAD");
  if (head.rfind("ref: ", 0) == 0) locks.push_back(trim(head.substr(5)) + ".lock");
  // A running git (a `git status` refreshing the index) holds them for milliseconds: wait up to 2 s.
  for (const auto& l : locks) {
    std::string path = repo.git_dir() + "/" + l;
    for (int tries = 0; ::access(path.c_str(), F_OK) == 0; ++tries) {
      if (tries == 200)
        fail(Failure::Conflict, "git is busy: .git/" + l + " exists; nothing was changed",
             "wait for the git command that holds it; if none is running, it was left by a crash: remove .git/" + l);
      ::usleep(10000);
    }
  }
}
}  // namespace

std::string Transaction::commit(const std::string& message) {
  if (changes_.empty()) return {};
  require_git_unlocked(repo_);
  // Opened before anything is written: a repository or module that cannot be opened changes nothing.
  auto opened = Git::open(repo_.root());
  Git& git = *opened;
  // What the files held before, to put back if the commit fails.
  std::vector<std::optional<std::string>> before;
  for (const auto& c : changes_) before.push_back(repo_.exists(c.path) ? std::optional(repo_.read(c.path)) : std::nullopt);
  std::string escaped;  // the message on one line: \n and \\ escaped
  for (char ch : message) escaped += ch == '\n' ? std::string("\\n") : ch == '\\' ? std::string("\\\\") : std::string(1, ch);
  std::string journal = "crm-journal 1\n" + escaped + "\n";
  for (const auto& c : changes_) journal += c.path + "\n";
  // Not flushed: it is for a writer killed before its commit (the next command commits
  // its files). After a power cut the files alone are enough: they show as hand edits.
  replace_file(journal_, journal);
  if (changes_.size() > 16) {  // an import: two flushes in all rather than two per file
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& c : changes_)
      if (c.content) files.emplace_back(c.path, *c.content);
    repo_.write_atomic_many(files);
    for (const auto& c : changes_)
      if (!c.content) repo_.remove(c.path);
  } else {
    for (const auto& c : changes_) {
      if (c.content) repo_.write_atomic(c.path, *c.content);
      else repo_.remove(c.path);
    }
  }
  std::string id;
  std::string head_before = git.head();
  try {
    id = git.commit(changes_, message);
  } catch (const Error& e) {
    if (git.head() != head_before) {
      // The commit landed; only refreshing the git index failed. The files are right: keep them.
      std::remove(journal_.c_str());
      fail(Failure::Runtime, std::string(e.what()) + " (the commit itself was made)",
           "run `git reset -q` to refresh git's index so `git status` is truthful");
    }
    for (size_t i = 0; i < changes_.size(); ++i) {
      if (before[i]) repo_.write_atomic(changes_[i].path, *before[i]);
      else repo_.remove(changes_[i].path);
    }
    std::remove(journal_.c_str());
    throw;
  }
  repo_.note(id.empty() ? "nothing to commit" : "committed " + id.substr(0, 10) + " " + message);
  index_changes(changes_);
  std::remove(journal_.c_str());
  note_events(id, before);
  changes_.clear();
  staged_.clear();
  marked_.clear();
  return id;
}

void Transaction::move_head(Git& git, const std::string& commit, const std::vector<Change>& changes,
                            const std::string& reflog) {
  std::string journal = "crm-checkout 1\n";
  for (const auto& c : changes) journal += c.path + "\n";
  replace_file(checkout_journal_, journal);
  git.set_head(commit, reflog);
  checkout(git, changes);
  std::remove(checkout_journal_.c_str());
}

// Files written into the work tree (flushed twice in all, not per file); git's index and crm's follow.
void Transaction::checkout(Git& git, const std::vector<Change>& changes) {
  if (changes.empty()) return;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& c : changes) {
    if (c.content) files.emplace_back(c.path, *c.content);
    else repo_.remove(c.path);
  }
  repo_.write_atomic_many(files);
  // A hook is executable as the commit has it, before git's index records the files' modes.
  std::string head;
  for (const auto& c : changes) {
    if (!c.content || c.path.rfind(".crm/", 0) != 0) continue;
    if (head.empty()) head = git.head();
    struct stat st;
    std::string path = repo_.absolute(c.path);
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    mode_t mode = st.st_mode & 07777;
    mode_t want = git.executable(head, c.path) ? mode | ((mode & 0444) >> 2) : mode & ~mode_t(0111);
    if (want != mode) ::chmod(path.c_str(), want);
  }
  git.refresh_index(changes);
  index_changes(changes);
}

// Files in folders are records (crm.yaml and .gitattributes are not): index those.
void Transaction::index_changes(const std::vector<Change>& changes) {
  std::vector<std::string> paths;
  for (const auto& c : changes)
    if (c.path.find('/') != std::string::npos) paths.push_back(c.path);
  if (paths.empty()) return;
  if (!index_) index_ = std::make_unique<Index>(repo_, true, Index::Freshen::Skip);
  index_->files_changed(paths);
}

// A sync killed while it wrote the merged files: write them again from HEAD.
void Transaction::recover_checkout() {
  std::string text;
  try {
    text = read_file(checkout_journal_, 64 << 20, "checkout journal");
  } catch (const Error&) {
    return;
  }
  auto lines = split(text, '\n');
  auto opened = Git::open(repo_.root());
  Git& git = *opened;
  std::string head = git.head();
  std::vector<Change> changes;
  if (!lines.empty() && lines[0] == "crm-checkout 1")
    for (size_t i = 1; i < lines.size(); ++i)
      if (!lines[i].empty() && lines[i].find("..") == std::string::npos) changes.push_back({lines[i], git.file(head, lines[i])});
  checkout(git, changes);
  repo_.note("finished an interrupted sync: " + std::to_string(changes.size()) + " files written from HEAD");
  std::remove(checkout_journal_.c_str());
}

}  // namespace crm
