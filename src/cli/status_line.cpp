#include "cli/status_line.hpp"

#include <unistd.h>

#include <cstdio>

#include "base/terminal_text.hpp"

namespace ior::cli {

std::string human_count(double v) {
  char buf[32];
  if (v >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2fG", v / 1e9);
  } else if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  } else if (v >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

std::string StatusLine::format(const RunCounters& prev, const RunCounters& now) {
  double dt = now.elapsed_s - prev.elapsed_s;
  double rate = dt > 0 ? static_cast<double>(now.records - prev.records) / dt : 0.0;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "ior: %.0fs  %s events/s  %s rows  %llu drops  %llu mismatches  sinks: %sB queued, %llu dropped",
                now.elapsed_s, human_count(rate).c_str(),
                human_count(static_cast<double>(now.rows_emitted)).c_str(),
                static_cast<unsigned long long>(now.kernel.drops()),
                static_cast<unsigned long long>(now.mismatches),
                human_count(static_cast<double>(now.sink_queued_bytes)).c_str(),
                static_cast<unsigned long long>(now.sink_queue_drops));
  return buf;
}

void StatusLine::update(const RunCounters& now) {
  if (enabled_) {
    // Only ior's own erase-line sequence reaches the terminal raw.
    std::string line = "\r" + terminal_text(format(prev_, now)) + "\x1b[K";
    (void)!::write(STDERR_FILENO, line.data(), line.size());
    shown_ = true;
  }
  prev_ = now;
}

void StatusLine::clear() {
  if (!shown_) return;
  static constexpr char kErase[] = "\r\x1b[K";
  (void)!::write(STDERR_FILENO, kErase, sizeof kErase - 1);
  shown_ = false;
}

}  // namespace ior::cli
