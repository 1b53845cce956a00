// The repository's writer lock (.git/crm/lock). Writers take it for the whole
// validate-write-commit-index sequence; readers never take it.
#pragma once
#include <string>

namespace crm {

class Repository;

class WriteLock {
 public:
  // Waits up to CRM_LOCK_TIMEOUT seconds (default 10), then Error(Conflict).
  explicit WriteLock(const Repository& repo);
  // Returns without the lock (held() false) when another process has it.
  static WriteLock try_take(const Repository& repo);
  ~WriteLock();
  WriteLock(WriteLock&& other) noexcept;
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;
  bool held() const { return fd_ >= 0; }
  // Let go before the end of its scope (a writer that goes on without writing: hooks).
  void release();

 private:
  WriteLock() = default;
  int fd_ = -1;
};

}  // namespace crm
