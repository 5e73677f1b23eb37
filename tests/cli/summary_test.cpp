// The end-of-run summary and its top tables print names any user chose and
// text servers sent: escaped, one line each, and still aligned.
#include "cli/summary.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "base/terminal_text.hpp"
#include "event/pipeline_stats.hpp"
#include "event/syscall_table.hpp"
#include "sink/sink.hpp"
#include "sink/top_stats.hpp"

namespace ior::cli {
namespace {

bool has_raw_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f) return true;
  }
  return false;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

schema::EventRow row(std::string_view comm, std::uint32_t pid, std::string_view file, std::uint64_t ns) {
  schema::EventRow r;
  r.comm = comm;
  r.pid = r.tid = pid;
  r.syscall_name = "openat";
  r.trace_id = 1;
  r.filename = file;
  r.duration_ns = ns;
  return r;
}

// Under a load ior cannot keep up with, the summary's own queue drops: its
// tables then count fewer rows than the run had, and say by how many (a soak
// run's tables had lacked 6.8 % of the rows without a word under them).
TEST(SummaryTest, TablesThatLackRowsSaySo) {
  sink::SinkReport parquet, summary;
  parquet.name = "parquet";
  parquet.rows_received = 1000;
  parquet.rows_dropped_queue = 7;
  summary.name = "summary";
  summary.rows_received = 1000;
  summary.rows_written = 1000;
  EXPECT_EQ(top_tables_shortfall({parquet, summary}), "");
  summary.rows_written = 990;
  summary.rows_dropped_queue = 10;
  EXPECT_EQ(top_tables_shortfall({parquet, summary}),
            "  (these tables lack 10 of the run's 1000 rows: their queue was full; each output's own count is in the "
            "account above)\n");
}

TEST(SummaryTest, TopTablesEscapeFileAndProcessNames) {
  const std::string clear = "/tmp/\x1b[2J";
  const std::string title = "/tmp/\x1b]0;owned\x07";
  const std::string forged = "/tmp/x\n  /etc/shadow  999  999.000";
  const std::string csi = "/tmp/\xc2\x9b" "31m";
  const std::string bad = "/tmp/\xff\xfe\\";
  const std::string utf8 = "/tmp/caf\xc3\xa9";
  sink::TopStats stats;
  std::uint64_t ns = 1000000;
  for (const auto& f : {clear, title, forged, csi, bad, utf8}) {
    stats.consume(row("\x1b[31mred\xc2\x9b", 42, f, ns));
    ns += 1000000;
  }
  const std::string text = format_top_tables(stats);
  EXPECT_FALSE(has_raw_control(text)) << text;
  for (const auto& f : {clear, title, forged, csi, bad}) {
    EXPECT_NE(text.find(terminal_text(f)), std::string::npos) << f << "\n" << text;
  }
  EXPECT_NE(text.find(utf8), std::string::npos) << "readable UTF-8 kept";
  EXPECT_NE(text.find("\\x1b[31mred\\xc2\\x9b"), std::string::npos) << text;
  // Two syscall tables of 1 row, 6 files, 1 process, each with title and header.
  EXPECT_EQ(lines_of(text).size(), 3u + 3u + 8u + 3u) << text;
  // The "calls" column of the files table ends at the same column on every line.
  auto lines = lines_of(text);
  auto files = std::find(lines.begin(), lines.end(), "top files by total time:");
  ASSERT_NE(files, lines.end());
  std::size_t header_end = terminal_width(files[1].substr(0, files[1].find("calls") + 5));
  for (int i = 2; i < 8; ++i) {
    const std::string& l = files[i];
    auto calls_end = l.find(" 1 ");
    ASSERT_NE(calls_end, std::string::npos) << l;
    EXPECT_EQ(terminal_width(l.substr(0, calls_end + 2)), header_end) << l;
  }
}

TEST(SummaryTest, TopFilesByBytesShowEachClassAndOnlyFilesThatMovedBytes) {
  sink::TopStats stats;
  auto add = [&](std::string_view file, schema::ByteClass c, std::uint64_t bytes) {
    schema::EventRow r = row("cp", 7, file, 10);
    r.byte_class = schema::byte_class_name(c);
    r.bytes = bytes;
    stats.consume(r);
  };
  add("/src", schema::ByteClass::kRead, 65536);
  add("/src", schema::ByteClass::kTransfer, 1000);
  add("/dst", schema::ByteClass::kWrite, 65536);
  add("/etc/ld.so.cache", schema::ByteClass::kNone, 0);
  auto lines = lines_of(format_top_tables(stats));
  auto at = std::find(lines.begin(), lines.end(), "top files by bytes:");
  ASSERT_NE(at, lines.end());
  ASSERT_GE(lines.end() - at, 4);
  EXPECT_EQ(at[1], "  file  bytes   read  written  transferred  calls");
  EXPECT_EQ(at[2], "  /src  66536  65536        0         1000      2");
  EXPECT_EQ(at[3], "  /dst  65536      0    65536            0      1");
  EXPECT_TRUE(at + 4 == lines.end() || !at[4].starts_with("  /")) << "a file that moved no bytes is not listed";
}

// A CJK character or an emoji takes two columns, a combining mark none:
// counted as one column per character, the names pushed the numbers after
// them out of their columns (the expected lines are spelled out by hand).
TEST(SummaryTest, WideAndCombiningCharactersKeepTheColumnsAligned) {
  sink::TopStats stats;
  auto add = [&](std::string_view file, std::uint64_t bytes) {
    schema::EventRow r = row("cp", 7, file, 10);
    r.byte_class = schema::byte_class_name(schema::ByteClass::kRead);
    r.bytes = bytes;
    stats.consume(r);
  };
  add("/tmp/\u65e5\u672c", 4000);   // two CJK ideographs: 4 columns
  add("/tmp/\U0001F600", 3000);      // an emoji: 2 columns
  add("/tmp/e\u0301", 2000);         // e and a combining acute accent: 1 column
  add("/tmp/ab", 1000);
  auto lines = lines_of(format_top_tables(stats));
  auto at = std::find(lines.begin(), lines.end(), "top files by bytes:");
  ASSERT_NE(at, lines.end());
  ASSERT_GE(lines.end() - at, 6);
  EXPECT_EQ(at[1], "  file       bytes  read  written  transferred  calls");
  EXPECT_EQ(at[2], "  /tmp/\u65e5\u672c   4000  4000        0            0      1");
  EXPECT_EQ(at[3], "  /tmp/\U0001F600     3000  3000        0            0      1");
  EXPECT_EQ(at[4], "  /tmp/e\u0301      2000  2000        0            0      1");
  EXPECT_EQ(at[5], "  /tmp/ab     1000  1000        0            0      1");
}

TEST(SummaryTest, LongHostileNamesAreShortenedWithoutCuttingAnEscape) {
  sink::TopStats stats;
  std::string name = "/tmp/";
  for (int i = 0; i < 30; ++i) name += "\x1b\xc3\xa9";
  stats.consume(row("cat", 1, name, 5));
  const std::string text = format_top_tables(stats);
  EXPECT_FALSE(has_raw_control(text)) << text;
  // 57 columns after "...": 11 times "\x1b" + "é" (5 columns each), one more "é".
  EXPECT_NE(text.find("...\xc3\xa9\\x1b\xc3\xa9"), std::string::npos) << text;
  EXPECT_EQ(text.find("...x1b"), std::string::npos) << text;
  EXPECT_EQ(text.find("...b\xc3"), std::string::npos) << text;
}

TEST(SummaryTest, SinkLinesAndHostNameAreEscaped) {
  RunIdentity id;
  id.hostname = "host\x1b[2J";
  event::PipelineStats stats;
  SummaryInput in;
  in.identity = &id;
  in.stats = &stats;
  sink::SinkReport r;
  r.name = "clickhouse";
  r.lines.push_back("clickhouse: server error 60 (DB::Exception): Table ior.\x1b]0;x\x07\n forged doesn't exist");
  r.failed = true;
  in.sinks.push_back(r);
  const std::string text = format_summary(in);
  EXPECT_FALSE(has_raw_control(text)) << text;
  EXPECT_NE(text.find("host\\x1b[2J"), std::string::npos) << text;
  EXPECT_NE(text.find("Table ior.\\x1b]0;x\\x07\\n forged doesn't exist"), std::string::npos) << text;
}

TEST(SummaryTest, ChildrenNotFollowedAreSaidOnlyWhenThereAreAnyAndFiltersAreCountedByReason) {
  RunIdentity id;
  event::PipelineStats stats;
  stats.rows.add(10);
  stats.rows_not_failed.add(3);
  stats.rows_too_fast.add(2);
  stats.rows_no_match.add(1);
  stats.rows_emitted.add(4);
  SummaryInput in;
  in.identity = &id;
  in.stats = &stats;
  std::string text = format_summary(in);
  EXPECT_EQ(text.find("not followed"), std::string::npos) << text;
  EXPECT_NE(text.find("10 = not built 0 + filtered out 6 (-errors 3, -min-duration 2, -comm/-path 1, -tps names only 0) "
                      "+ to the sinks 4"),
            std::string::npos)
      << text;
  in.counters.kernel.follow_full = 7;
  text = format_summary(in);
  EXPECT_NE(text.find("not followed              7 new processes (16384 followed at once at most)"), std::string::npos)
      << text;
}

// Filtered rows, syscalls still running at the end and spooled rows are no
// loss; every way a row can be lost is said, with its sink named escaped.
TEST(SummaryTest, RowsLostLineNamesEveryLossAndNothingElse) {
  RunIdentity id;
  event::PipelineStats stats;
  stats.rows.add(10);
  stats.rows_not_failed.add(3);
  stats.enter_unfinished.add(2);
  stats.rows_emitted.add(7);
  SummaryInput in;
  in.identity = &id;
  in.stats = &stats;
  sink::SinkReport parquet;
  parquet.name = "parquet";
  parquet.rows_received = 7;
  parquet.rows_written = 7;
  sink::SinkReport clickhouse;
  clickhouse.name = "clickhouse";
  clickhouse.rows_received = 7;
  clickhouse.rows_written = 2;
  clickhouse.rows_spooled = 5;
  in.sinks = {parquet, clickhouse};
  EXPECT_EQ(rows_lost_line(in), std::nullopt);

  in.counters.kernel.drop_exit = 4;
  stats.decode_short.add(1);
  stats.enter_forgotten.add(2);
  stats.rows_failed.add(3);
  in.rows_not_packed = 5;
  in.sinks[0].rows_dropped_queue = 6;
  in.sinks[0].rows_lost = 1;
  in.sinks[1].rows_dropped = 7;
  in.sinks[1].name = "click[2Jhouse";
  EXPECT_EQ(rows_lost_line(in),
            "ior: not every syscall was stored: 4 records lost in the ring buffer; 1 records undecodable; "
            "2 enters not kept or forgotten; 3 rows not built; 5 rows not copied to the outputs; "
            "7 rows not stored by parquet (queue full 6, lost 1); "
            "7 rows not stored by click\\x1b[2Jhouse (dropped 7)");
}

TEST(SummaryTest, ALongTracepointNameIsKeptApartFromItsCount) {
  RunIdentity id;
  event::PipelineStats stats;
  const auto copy = event::syscall_id("copy_file_range");
  const auto read = event::syscall_id("read");
  ASSERT_TRUE(copy && read);
  stats.per_syscall[*copy][0].add(30);
  stats.per_syscall[*read][1].add(99);
  SummaryInput in;
  in.identity = &id;
  in.stats = &stats;
  in.counters.elapsed_s = 1;
  const std::string text = format_summary(in);
  EXPECT_NE(text.find("\n    sys_enter_copy_file_range 30 (30.0/s)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n    sys_exit_read           99 (99.0/s)\n"), std::string::npos) << text;
}

TEST(SummaryTest, TheTracingTimeIsSaidApartFromTheTimeTheOutputsTookToFinish) {
  RunIdentity id;
  id.hostname = "vm";
  event::PipelineStats stats;
  SummaryInput in;
  in.identity = &id;
  in.stats = &stats;
  in.counters.elapsed_s = 0.12;
  in.counters.rows = 24;
  in.finish_s = 10.04;
  std::string text = format_summary(in);
  EXPECT_TRUE(text.starts_with("ior: traced 0.1 s on vm (collection ")) << text;
  EXPECT_NE(text.find("); the outputs finished 10.0 s later\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  syscalls                  24 (200.0/s)\n"), std::string::npos) << "rates per second traced\n" << text;
  in.finish_s = 0.2;
  text = format_summary(in);
  EXPECT_EQ(text.find("finished"), std::string::npos) << "a quick finish is not worth a word\n" << text;
}

TEST(SummaryTest, TimeOffTheTracedCpusIsSaidOnlyWhenIorMovedItsThreads) {
  RunIdentity id;
  event::PipelineStats stats;
  SummaryInput in;
  in.identity = &id;
  in.stats = &stats;
  std::string text = format_summary(in);  // -avoid-traced-cpus=false
  EXPECT_EQ(text.find("ior's threads"), std::string::npos) << text;
  in.off_traced_cpus_s = 0;  // on, but no CPU was ever busy enough
  text = format_summary(in);
  EXPECT_EQ(text.find("ior's threads"), std::string::npos) << text;
  in.off_traced_cpus_s = 12.34;
  in.placement_releases = 2;
  text = format_summary(in);
  EXPECT_NE(text.find("  ior's threads             off the busiest traced CPUs 12.3 s; back on all CPUs 2 times "
                      "(ior fell behind)\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace ior::cli
