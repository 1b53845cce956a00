// Test helper shared by the unit tests that depend on "now".
#pragma once
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

// Pins CRM_NOW and TZ for one test, restoring the previous values afterwards.
class PinnedClock {
 public:
  explicit PinnedClock(const char* now = "2026-11-23T10:00:00Z", const char* tz = "UTC") {
    save("CRM_NOW", now_);
    save("TZ", tz_);
    setenv("CRM_NOW", now, 1);
    setenv("TZ", tz, 1);
    tzset();
  }
  ~PinnedClock() {
    restore("CRM_NOW", now_);
    restore("TZ", tz_);
    tzset();
  }
  PinnedClock(const PinnedClock&) = delete;
  PinnedClock& operator=(const PinnedClock&) = delete;

 private:
  std::optional<std::string> now_, tz_;
  static void save(const char* name, std::optional<std::string>& slot) {
    if (const char* v = std::getenv(name)) slot = v;
  }
  static void restore(const char* name, const std::optional<std::string>& slot) {
    if (slot) setenv(name, slot->c_str(), 1);
    else unsetenv(name);
  }
};
