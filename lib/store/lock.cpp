#include "store/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "model/error.hpp"
#include "store/repository.hpp"

namespace crm {

namespace {
int open_lock(const Repository& repo) {
  std::string path = repo.state_dir() + "/lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) fail(Failure::Runtime, "cannot open " + path + ": " + std::strerror(errno));
  return fd;
}
void note_owner(int fd) {
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only a courtesy for the message other processes print.
  }
}
}  // namespace

WriteLock::WriteLock(const Repository& repo) {
  fd_ = open_lock(repo);
  double timeout = 10;
  if (const char* t = std::getenv("CRM_LOCK_TIMEOUT"); t && *t) timeout = std::atof(t);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(timeout * 1000));
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      ::close(fd_);
      fd_ = -1;
      fail(Failure::Runtime, std::string("cannot lock the repository: ") + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      char buf[32] = {};
      ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      std::string owner = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
      while (!owner.empty() && owner.back() == '\n') owner.pop_back();
      ::close(fd_);
      fd_ = -1;
      fail(Failure::Conflict,
           "the repository is locked by another crm process" + (owner.empty() ? "" : " (pid " + owner + ")"),
           "wait for it to finish and try again; set CRM_LOCK_TIMEOUT to wait longer");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  note_owner(fd_);
}

WriteLock WriteLock::try_take(const Repository& repo) {
  WriteLock l;
  l.fd_ = open_lock(repo);
  if (::flock(l.fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(l.fd_);
    l.fd_ = -1;
  } else {
    note_owner(l.fd_);
  }
  return l;
}

WriteLock::WriteLock(WriteLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

WriteLock::~WriteLock() { release(); }

void WriteLock::release() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  fd_ = -1;
}

}  // namespace crm
