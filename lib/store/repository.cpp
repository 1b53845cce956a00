#include "store/repository.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdlib>
#include <set>

#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string absolute_dir(const std::string& dir) {
  char buf[PATH_MAX];
  if (!::realpath(dir.c_str(), buf))
    fail(Failure::Usage, "cannot use directory '" + dir + "': " + std::strerror(errno));
  return buf;
}

void mkdirs(const std::string& path) {
  std::string cur;
  for (const auto& part : split(path, '/')) {
    cur += part;
    if (!cur.empty() && ::mkdir(cur.c_str(), 0777) != 0 && errno != EEXIST)
      fail(Failure::Runtime, "cannot create folder " + cur + ": " + std::strerror(errno));
    cur += "/";
  }
}

}  // namespace

std::string RecordFile::where(const Problem& p) const {
  Mark m = doc.mark_of(p.pointer);
  return path + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

Repository Repository::discover(const std::string& dir_option) {
  std::string start = dir_option;
  if (start.empty())
    if (const char* env = std::getenv("CRM_REPO"); env && *env) start = env;
  bool explicit_dir = !start.empty();
  if (start.empty()) start = ".";
  if (!is_dir(start)) fail(Failure::Usage, "'" + start + "' is not a directory");
  std::string dir = absolute_dir(start);
  while (true) {
    if (is_file(dir + "/crm.yaml") && is_dir(dir + "/.git")) return at(dir);
    if (explicit_dir || dir == "/") break;
    dir = dir.substr(0, dir.rfind('/'));
    if (dir.empty()) dir = "/";
  }
  fail(Failure::Usage, "not a crm repository: " + absolute_dir(start) + (explicit_dir ? "" : " (or any parent)"),
       "run `crm init` to create one, `crm clone URL` to fetch one, or pass -C DIR");
}

Repository Repository::at(const std::string& root) {
  Repository r;
  r.root_ = root;
  r.config_ = Config::parse(read_file(root + "/crm.yaml", kMaxRecordBytes, "crm.yaml"), "crm.yaml");
  declare_types(r.config_.types);  // its record types join the built-in ones
  return r;
}

std::string Repository::git_dir() const { return root_ + "/.git"; }

std::string Repository::state_dir() const {
  std::string d = git_dir() + "/crm";
  if (::mkdir(d.c_str(), 0777) != 0 && errno != EEXIST)
    fail(Failure::Runtime, "cannot create " + d + ": " + std::strerror(errno));
  return d;
}

std::string Repository::relative_path(const TypeSpec& type, const std::string& id) {
  if (!valid_id(id)) fail(Failure::Invalid, "'" + id + "' is not a valid record id");
  return std::string(type.folder) + "/" + id.substr(0, 2) + "/" + id + ".yaml";
}

bool Repository::exists(const std::string& relative) const { return is_file(absolute(relative)); }

std::string read_file(const std::string& path, size_t limit, const std::string& display) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) fail(Failure::NotFound, display + ": no such file");
    if (errno == ELOOP)
      fail(Failure::Invalid, display + ": is a symbolic link; crm reads only regular files",
           "replace the link with the file itself");
    fail(Failure::Runtime, display + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(Failure::Invalid, display + ": not a regular file");
  }
  if (static_cast<size_t>(st.st_size) > limit) {
    ::close(fd);
    fail(Failure::Invalid,
         display + ": file is " + std::to_string(st.st_size) + " bytes; crm refuses files over " +
             std::to_string(limit) + " bytes",
         "a record this large is not a hand-written record; move bulky text out of it");
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

std::string Repository::read(const std::string& relative) const {
  return read_file(absolute(relative), kMaxRecordBytes, relative);
}

RecordFile Repository::parse(const TypeSpec& type, const std::string& id, const std::string& relative,
                             const std::string& text) const {
  RecordFile f;
  f.path = relative;
  f.text = text;
  if (!valid_utf8(text)) fail(Failure::Invalid, relative + ": not valid UTF-8 text");
  f.doc = parse_yaml(text, relative);
  if (!f.doc.value.is_object()) {
    fail(Failure::Invalid, relative + ":1:1: a " + std::string(type.name) + " file must be a map of fields");
  }
  f.record.type = &type;
  f.record.id = id;
  f.record.data = f.doc.value;
  f.record.comments = f.doc.comments;
  f.problems = validate_record(type, config_, f.record.data);
  return f;
}

RecordFile Repository::load(const TypeSpec& type, const std::string& id) const {
  std::string rel = relative_path(type, id);
  return parse(type, id, rel, read(rel));
}

namespace {
enum class Durable { Yes, No };

// `content` in the file `tmp` (created or truncated), flushed to disk when durable; with
// `mode`, given those permissions (those of the file it replaces).
void write_temp(const std::string& tmp, const std::string& content, Durable durable, mode_t mode = 0) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail(Failure::Runtime, "cannot write " + tmp + ": " + std::strerror(errno));
  if (mode && ::fchmod(fd, mode) != 0) {
    // The file keeps the default permissions: its content is what matters.
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(Failure::Runtime, "cannot write " + tmp + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  if ((durable == Durable::Yes && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail(Failure::Runtime, "cannot write " + tmp + ": " + std::strerror(errno));
  }
}

void write_file(const std::string& path, const std::string& content, const std::string& temp_dir, Durable durable,
                mode_t mode = 0) {
  std::string dir = path.substr(0, path.rfind('/'));
  mkdirs(dir);
  std::string tmp = (temp_dir.empty() ? dir : temp_dir) + "/." + path.substr(path.rfind('/') + 1) + ".tmp" +
                    std::to_string(::getpid());
  write_temp(tmp, content, durable, mode);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    if (e == EXDEV && !temp_dir.empty()) return write_file(path, content, {}, durable, mode);  // .git on another file system
    fail(Failure::Runtime, "cannot write " + path + ": " + std::strerror(e));
  }
  if (durable == Durable::No) return;
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// A file's content at `tmp`, not flushed: the caller syncs and renames (write_atomic_many).
void replace_file_at(const std::string& tmp, const std::string& content, mode_t mode) {
  write_temp(tmp, content, Durable::No, mode);
}

// The permissions a rewritten file keeps: those of a file under .crm/ (a hook stays executable);
// 0 (the default ones) for the others and for new files.
mode_t kept_mode(const std::string& root, const std::string& relative) {
  struct stat st;
  if (relative.rfind(".crm/", 0) != 0 || ::lstat((root + "/" + relative).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  return st.st_mode & 07777;
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& content, const std::string& temp_dir) {
  write_file(path, content, temp_dir, Durable::Yes);
}

void replace_file(const std::string& path, const std::string& content) { write_file(path, content, {}, Durable::No); }

void Repository::write_atomic(const std::string& relative, const std::string& content) const {
  std::string temp = state_dir() + "/tmp";
  if (::mkdir(temp.c_str(), 0777) != 0 && errno != EEXIST) temp.clear();
  write_file(absolute(relative), content, temp, Durable::Yes, kept_mode(root_, relative));
}

void Repository::write_atomic_many(const std::vector<std::pair<std::string, std::string>>& files) const {
  std::string temp = state_dir() + "/tmp";
  if (::mkdir(temp.c_str(), 0777) != 0 && errno != EEXIST) temp.clear();
  std::vector<std::string> temps;
  auto sync_all = [&] {
    int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::syncfs(fd) != 0) {
      if (fd >= 0) ::close(fd);
      for (const auto& t : temps) ::unlink(t.c_str());
      fail(Failure::Runtime, std::string("cannot flush the written files to disk: ") + std::strerror(errno));
    }
    ::close(fd);
  };
  // 1. every file's content in a temp file (.git/crm/tmp, named after the file: ids are unique)
  for (const auto& [relative, content] : files) {
    std::string name = relative.substr(relative.rfind('/') + 1);
    std::string tmp = (temp.empty() ? absolute(relative.substr(0, relative.rfind('/'))) : temp) + "/." + name + ".tmp" +
                      std::to_string(::getpid());
    if (temp.empty()) mkdirs(absolute(relative.substr(0, relative.rfind('/'))));
    temps.push_back(tmp);
    replace_file_at(tmp, content, kept_mode(root_, relative));
  }
  sync_all();
  // 2. renamed into place, then the renames flushed
  std::set<std::string> folders;  // made once each
  for (size_t i = 0; i < files.size(); ++i) {
    std::string path = absolute(files[i].first);
    if (std::string folder = path.substr(0, path.rfind('/')); folders.insert(folder).second) mkdirs(folder);
    if (::rename(temps[i].c_str(), path.c_str()) != 0) {
      int e = errno;
      ::unlink(temps[i].c_str());
      if (e == EXDEV) write_atomic(files[i].first, files[i].second);  // .git on another file system
      else fail(Failure::Runtime, "cannot write " + files[i].first + ": " + std::strerror(e));
    }
  }
  sync_all();
}

void Repository::remove_stale_temp_files() const {
  std::string temp = git_dir() + "/crm/tmp";
  DIR* d = ::opendir(temp.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] == '.' && std::strstr(e->d_name, ".tmp")) ::unlinkat(::dirfd(d), e->d_name, 0);
  ::closedir(d);
}

void Repository::remove(const std::string& relative) const {
  if (::unlink(absolute(relative).c_str()) != 0 && errno != ENOENT)
    fail(Failure::Runtime, "cannot remove " + relative + ": " + std::strerror(errno));
  std::string dir = absolute(relative.substr(0, relative.rfind('/')));
  ::rmdir(dir.c_str());  // an empty shard folder goes too; git does not track folders
}

namespace {
void scan_shard(int parent_fd, const TypeSpec& type, const char* shard,
                const std::function<void(const FileStamp&)>& visit) {
  int sfd = ::openat(parent_fd, shard, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sfd < 0) return;
  DIR* d = ::fdopendir(sfd);
  if (!d) {
    ::close(sfd);
    return;
  }
  while (dirent* e = ::readdir(d)) {
    const char* name = e->d_name;
    if (name[0] == '.') continue;  // temp files of interrupted writes, editor swap files
    size_t len = std::strlen(name);
    if (len < 6 || std::strcmp(name + len - 5, ".yaml") != 0) continue;
    FileStamp fs;
    // Symbolic links are listed (so `crm check` can name them) but never followed.
    if (::fstatat(sfd, name, &fs.st, AT_SYMLINK_NOFOLLOW) != 0 || !(S_ISREG(fs.st.st_mode) || S_ISLNK(fs.st.st_mode)))
      continue;
    fs.type = &type;
    fs.id.assign(name, len - 5);
    fs.path = std::string(type.folder) + "/" + shard + "/" + name;
    visit(fs);
  }
  ::closedir(d);
}
}  // namespace

void Repository::scan_type(const TypeSpec& type, const std::function<void(const FileStamp&)>& visit) const {
  std::string base = root_ + "/" + std::string(type.folder);
  DIR* top = ::opendir(base.c_str());
  if (!top) return;
  while (dirent* shard = ::readdir(top))
    if (shard->d_name[0] != '.') scan_shard(::dirfd(top), type, shard->d_name, visit);
  ::closedir(top);
}

void Repository::list_folders(const TypeSpec& type, std::vector<std::string>& names) const {
  DIR* top = ::opendir((root_ + "/" + std::string(type.folder)).c_str());
  if (!top) return;
  while (dirent* shard = ::readdir(top))
    if (shard->d_name[0] != '.' && (shard->d_type == DT_DIR || shard->d_type == DT_UNKNOWN)) names.push_back(shard->d_name);
  ::closedir(top);
}

void Repository::scan_folder(const TypeSpec& type, const std::string& shard,
                             const std::function<void(const FileStamp&)>& visit) const {
  std::string base = root_ + "/" + std::string(type.folder);
  int fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  scan_shard(fd, type, shard.c_str(), visit);
  ::close(fd);
}

void Repository::scan(const std::function<void(const FileStamp&)>& visit) const {
  for (const TypeSpec& t : record_types()) scan_type(t, visit);
}

}  // namespace crm
