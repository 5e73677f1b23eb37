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

TEST(StatusLineTest, EachSinkWithItsQueueSpoolLossesAndDrops) {
  sink::SinkQueueState ch;
  ch.name = "clickhouse";
  ch.queued_bytes = 123456;
  ch.rows_dropped_queue = 5;
  ch.counts =
      sink::SinkCounts{.rows_waiting = 20000, .rows_written = 9, .rows_spooled = 3400, .rows_dropped = 2, .rows_lost = 1};
  sink::SinkQueueState quiet;  // a sink that tells nothing before its report
  quiet.name = "json";
  quiet.rows_dropped_queue = 7;
  EXPECT_EQ(StatusLine::format_sinks({ch, quiet}),
            "sinks  clickhouse: 123.5kB queued, 20.0k waiting, 3400 spooled, 1 lost, 7 dropped  json: 0B queued, 7 dropped");
  EXPECT_EQ(StatusLine::format_sinks({}), "sinks");
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
