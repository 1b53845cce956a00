// A progress bar for long work (imports), drawn on stderr only when stderr is
// a terminal: scripts and logs never see it.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <string>

namespace crm {

class Progress {
 public:
  Progress(std::string label, bool quiet) : label_(std::move(label)), on_(!quiet && ::isatty(STDERR_FILENO)) {}
  ~Progress() { finish(); }
  void update(size_t done, size_t total) {
    if (!on_ || total == 0) return;
    size_t percent = done * 100 / total;
    if (drawn_ && percent == percent_ && done != total) return;  // redraw once per percent
    percent_ = percent;
    constexpr size_t width = 30;
    size_t filled = done * width / total;
    std::fprintf(stderr, "\r%s [%s%s] %zu/%zu", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total);
    std::fflush(stderr);
    drawn_ = true;
  }
  void finish() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  std::string label_;
  bool on_;
  bool drawn_ = false;
  size_t percent_ = 0;
};

}  // namespace crm
