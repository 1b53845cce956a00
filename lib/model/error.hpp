// Failures crossing layers: one exception type, one category per exit code.
// cmd/main.cpp is the only place that turns a category into an exit status.
#pragma once
#include <stdexcept>
#include <string>

namespace crm {

enum class Failure {
  Runtime = 1,   // the machine or a library failed
  Usage = 2,     // the command line is wrong
  NotFound = 3,  // a reference matched nothing or several records
  Invalid = 4,   // input or files hold invalid data
  Conflict = 5,  // merge conflicts remain, or the repository lock stayed busy
};

class Error : public std::runtime_error {
 public:
  Error(Failure failure, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), failure_(failure), hint_(std::move(hint)) {}
  Failure failure() const { return failure_; }
  const std::string& hint() const { return hint_; }
  int exit_code() const { return static_cast<int>(failure_); }

 private:
  Failure failure_;
  std::string hint_;
};

[[noreturn]] inline void fail(Failure f, std::string message, std::string hint = {}) {
  throw Error(f, std::move(message), std::move(hint));
}

}  // namespace crm
