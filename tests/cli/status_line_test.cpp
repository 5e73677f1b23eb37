#include "cli/status_line.hpp"

#include <gtest/gtest.h>

namespace ior::cli {
namespace {

TEST(StatusLineTest, RateIsOverTheLastInterval) {
  RunCounters a;
  a.elapsed_s = 1;
  a.records = 1000;
  RunCounters b = a;
  b.elapsed_s = 3;
  b.records = 41000;
  b.rows_emitted = 20000;
  b.kernel.drop_exit = 7;
  b.mismatches = 2;
  EXPECT_EQ(StatusLine::format(a, b),
            "ior: 3s  20.0k events/s  20.0k rows  7 drops  2 mismatches");
}

TEST(StatusLineTest, HumanCounts) {
  EXPECT_EQ(human_count(999), "999");
  EXPECT_EQ(human_count(12345), "12.3k");
  EXPECT_EQ(human_count(2500000), "2.50M");
}

}  // namespace
}  // namespace ior::cli
