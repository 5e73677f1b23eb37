#include "event/clock.hpp"

#include <time.h>

#include <limits>

namespace ior::event {
namespace {

std::int64_t read_ns(clockid_t id) {
  struct timespec ts {};
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

std::uint64_t monotonic_now_ns() { return static_cast<std::uint64_t>(read_ns(CLOCK_MONOTONIC)); }

std::int64_t realtime_minus_monotonic_ns() {
  std::int64_t best_gap = std::numeric_limits<std::int64_t>::max();
  std::int64_t offset = 0;
  for (int i = 0; i < 8; ++i) {
    std::int64_t m1 = read_ns(CLOCK_MONOTONIC);
    std::int64_t r = read_ns(CLOCK_REALTIME);
    std::int64_t m2 = read_ns(CLOCK_MONOTONIC);
    if (m2 - m1 < best_gap) {
      best_gap = m2 - m1;
      offset = r - (m1 + (m2 - m1) / 2);
    }
  }
  return offset;
}

}  // namespace ior::event
