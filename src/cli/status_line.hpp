#pragma once
// The live line on stderr (only when stderr is a terminal): events/s over the
// last interval, rows so far, drops. Rewritten in place with '\r'.

#include <string>

#include "cli/run_counters.hpp"

namespace ior::cli {

class StatusLine {
 public:
  /// enabled: stderr is a terminal and -quiet was not given.
  explicit StatusLine(bool enabled) : enabled_(enabled) {}
  void update(const RunCounters& now);
  /// Erases the line before other output goes to stderr.
  void clear();

  /// The text of one update, exposed for tests.
  static std::string format(const RunCounters& prev, const RunCounters& now);

 private:
  bool enabled_;
  bool shown_ = false;
  RunCounters prev_{};
};

/// 1234567 -> "1.23M", 12345 -> "12.3k".
std::string human_count(double v);

}  // namespace ior::cli
