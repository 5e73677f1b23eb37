// The footer of the live view at the widths of real terminals: every sink's
// state stays on screen, the parts are never cut by the width.
#include <gtest/gtest.h>

#include "live/footer.hpp"

namespace ior::live {
namespace {

FooterRun run() {
  return {.elapsed_s = 12.2, .events_per_s = 98765.4, .rows = 1234567, .drops = 3, .mismatches = 0,
          .keys = 5500, .keys_to_other = 12};
}

std::vector<sink::SinkQueueState> sinks() {
  sink::SinkQueueState ch;
  ch.name = "clickhouse";
  ch.queued_bytes = 1572864;
  ch.counts = sink::SinkCounts{};
  ch.counts->rows_waiting = 12000;
  ch.counts->rows_spooled = 34000;
  sink::SinkQueueState live;
  live.name = "live";
  live.counts = sink::SinkCounts{};
  // no counts before its report: queued and the queue's drops only
  sink::SinkQueueState console;
  console.name = "console";
  console.rows_dropped_queue = 7;
  console.queued_bytes = 2048;
  return {ch, live, console};
}

TEST(FooterTest, At200ColumnsTheRunOnOneLineTheSinksOnTheNext) {
  EXPECT_EQ(footer_lines(run(), sinks(), 200),
            (std::vector<std::string>{
                "ior: 12s  98765 events/s  1234567 rows  3 drops  0 mismatches  keys 5500 ([other]: 12)",
                "sinks  clickhouse: 1.5MB queued, 12000 waiting, 34000 spooled, 0 lost, 0 dropped  "
                "live: 0B queued, 0 spooled, 0 lost, 0 dropped  console: 2.0KB queued, 7 dropped"}));
}

TEST(FooterTest, At80ColumnsTheyWrapAndEverySinkStaysWhole) {
  EXPECT_EQ(footer_lines(run(), sinks(), 80),
            (std::vector<std::string>{
                "ior: 12s  98765 events/s  1234567 rows  3 drops  0 mismatches",
                "keys 5500 ([other]: 12)",
                "sinks  clickhouse: 1.5MB queued, 12000 waiting, 34000 spooled, 0 lost, 0 dropped",
                "live: 0B queued, 0 spooled, 0 lost, 0 dropped  console: 2.0KB queued, 7 dropped"}));
}

TEST(FooterTest, At40ColumnsASinkWiderThanTheLineBreaksAfterItsCommas) {
  EXPECT_EQ(footer_lines(run(), sinks(), 40),
            (std::vector<std::string>{"ior: 12s  98765 events/s  1234567 rows",
                                      "3 drops  0 mismatches",
                                      "keys 5500 ([other]: 12)",
                                      "clickhouse: 1.5MB queued, 12000 waiting,",
                                      "  34000 spooled, 0 lost, 0 dropped",
                                      "live: 0B queued, 0 spooled, 0 lost,",
                                      "  0 dropped",
                                      "console: 2.0KB queued, 7 dropped"}));
}

TEST(FooterTest, NoLineWiderThanTheScreenAtAnyWidth) {
  for (std::size_t w = 40; w <= 220; ++w) {
    std::string all;
    for (const auto& line : footer_lines(run(), sinks(), w)) {
      EXPECT_LE(line.size(), w) << line;
      all += line + "\n";
    }
    for (const char* s : {"clickhouse: 1.5MB queued", "12000 waiting", "34000 spooled", "live: 0B queued",
                          "console: 2.0KB queued", "7 dropped", "keys 5500"}) {
      EXPECT_NE(all.find(s), std::string::npos) << w << "\n" << all;
    }
  }
}

TEST(FooterTest, AQueueFullDropAddsToTheSinksOwnDrops) {
  sink::SinkQueueState s;
  s.name = "parquet";
  s.rows_dropped_queue = 5;
  s.counts = sink::SinkCounts{};
  s.counts->rows_dropped = 2;
  s.counts->rows_lost = 4;
  EXPECT_EQ(footer_lines({}, {s}, 120),
            (std::vector<std::string>{"ior: 0s  0 events/s  0 rows  0 drops  0 mismatches  keys 0",
                                      "sinks  parquet: 0B queued, 0 spooled, 4 lost, 7 dropped"}));
}

}  // namespace
}  // namespace ior::live
