#include "event/clock.hpp"

#include <gtest/gtest.h>
#include <time.h>

namespace ior::event {
namespace {

TEST(ClockTest, OffsetTurnsMonotonicIntoUnixTime) {
  std::int64_t offset = realtime_minus_monotonic_ns();
  struct timespec rt {};
  clock_gettime(CLOCK_REALTIME, &rt);
  std::int64_t real = static_cast<std::int64_t>(rt.tv_sec) * 1'000'000'000 + rt.tv_nsec;
  std::int64_t derived = static_cast<std::int64_t>(monotonic_now_ns()) + offset;
  EXPECT_LT(std::llabs(derived - real), 5'000'000);  // within 5 ms
  EXPECT_GT(derived, 1'600'000'000'000'000'000);     // after 2020: epoch-based, not boot-based
}

}  // namespace
}  // namespace ior::event
