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
            "ior: 3s  20.0k events/s  20.0k rows  7 drops  2 mismatches  sinks: 0B queued, 0 dropped");
}

TEST(StatusLineTest, HumanCounts) {
  EXPECT_EQ(human_count(999), "999");
  EXPECT_EQ(human_count(12345), "12.3k");
  EXPECT_EQ(human_count(2500000), "2.50M");
}

}  // namespace
}  // namespace ior::cli

#include "cli/summary.hpp"

namespace ior::cli {
namespace {

TEST(TopTablesTest, AlignedColumnsWithHeaders) {
  sink::TopStats s;
  schema::EventRow r;
  r.trace_id = 1;
  r.syscall_name = "read";
  r.pid = 42;
  r.comm = "db";
  r.filename = "/data/x";
  r.duration_ns = 2000;
  s.consume(r);
  r.trace_id = 2;
  r.syscall_name = "pwritev2";
  r.duration_ns = 10000;
  s.consume(r);
  auto text = format_top_tables(s);
  EXPECT_NE(text.find("top syscalls by count:\n  syscall   calls  total ms  p50 us  p90 us  p99 us\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("  pwritev2      1     0.010"), std::string::npos) << text;
  EXPECT_NE(text.find("top files by total time:\n  file     calls  total ms\n  /data/x      2     0.012\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("  comm  pid  calls  total ms\n  db     42      2     0.012\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace ior::cli
