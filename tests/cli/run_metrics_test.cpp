// -metrics: the families are the account's counters (the same numbers the
// end-of-run summary prints), and the whole output passes the format's
// strict readers: promtool check metrics and the Python client's parser.
#include "cli/run_metrics.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/summary.hpp"
#include "metrics/exposition.hpp"
#include "subprocess.hpp"  // in_ci()

namespace ior::cli {
namespace {

struct Fixture {
  RunIdentity id;
  event::PipelineStats stats;
  SummaryInput in;
  MetricsInput m;

  Fixture() {
    id.start_unix_ns = 1'764'000'000'500'000'000ull;
    stats.records.add(1000);
    stats.enters.add(490);
    stats.exits.add(480);
    stats.task_events.add(20);
    stats.decode_short.add(4);
    stats.decode_unknown_kind.add(3);
    stats.decode_bad_syscall.add(3);
    stats.rows.add(470);
    stats.enter_thread_gone.add(5);
    stats.enter_unfinished.add(15);
    stats.exit_without_enter.add(10);
    stats.rows_not_failed.add(100);
    stats.rows_too_fast.add(50);
    stats.rows_no_match.add(20);
    stats.rows_emitted.add(300);
    in.identity = &id;
    in.stats = &stats;
    in.counters.kernel.drop_enter = 7;
    in.counters.kernel.drop_exit = 8;
    in.counters.kernel.drop_task = 9;
    in.off_traced_cpus_s = 1.5;  // the strict readers see these families too
    sink::SinkReport p;
    p.name = "parquet";
    p.rows_received = 300;
    p.rows_dropped_queue = 10;
    p.rows_written = 290;
    sink::SinkReport c;
    c.name = "clickhouse";
    c.rows_received = 300;
    c.rows_written = 200;
    c.rows_spooled = 90;
    c.rows_dropped = 6;
    c.rows_lost = 4;
    c.rows_replayed_earlier = 17;
    c.failed = true;
    c.lines = {"clickhouse: 6 rows dropped"};
    in.sinks = {p, c};
    m.summary = &in;
    m.queues.resize(2);
    m.queues[0].queued_bytes = 4096;
    m.queues[0].max_queue_bytes = 32 << 20;
    m.queues[1].max_queue_bytes = 1 << 20;
    ClickHouseState ch;
    ch.stats.connections_open = 3;
    ch.stats.failing = true;
    ch.stats.unanswered_ms = 2500;
    ch.stats.insert_errors = 2;
    ch.stats.spool.bytes = 123456;
    ch.stats.spool.rows_own = 90;
    ch.stats.spool.rows_earlier = 11;
    ch.stats.last_error = "Code: 60. DB::Exception: Table ior.\"x\\y\"\n\x1b[2J doesn't exist\xff";
    ch.memory_limit_bytes = 16 << 20;
    ch.spool_limit_bytes = 1 << 30;
    ch.senders = 4;
    m.clickhouse = ch;
    m.uptime_s = 12.25;
    m.version = "0.9.0";
  }
  std::string text() const { return metrics::format_families(metric_families(m)); }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(RunMetricsTest, EachStageOfTheAccountIsAMetric) {
  Fixture f;
  const std::string t = f.text();
  for (const char* line : {
           "ior_build_info{version=\"0.9.0\"} 1",
           "ior_uptime_seconds 12.25",
           "ior_start_time_seconds 1764000000.5",
           "ior_ring_buffer_records_read_total 1000",
           "ior_ring_buffer_drops_total{kind=\"enter\"} 7",
           "ior_ring_buffer_drops_total{kind=\"exit\"} 8",
           "ior_ring_buffer_drops_total{kind=\"task\"} 9",
           "ior_records_decoded_total{kind=\"exit\"} 480",
           "ior_records_undecodable_total{reason=\"short\"} 4",
           "ior_syscalls_paired_total 470",
           "ior_enter_records_unpaired_total{reason=\"running_at_end\"} 15",
           "ior_exit_records_unpaired_total{reason=\"no_enter\"} 10",
           "ior_rows_filtered_total{filter=\"errors\"} 100",
           "ior_rows_filtered_total{filter=\"min_duration\"} 50",
           "ior_rows_filtered_total{filter=\"comm_path\"} 20",
           "ior_rows_to_sinks_total 300",
           "ior_sink_rows_received_total{sink=\"parquet\"} 300",
           "ior_sink_rows_written_total{sink=\"parquet\"} 290",
           "ior_sink_rows_dropped_total{sink=\"parquet\",reason=\"queue_full\"} 10",
           "ior_sink_rows_dropped_total{sink=\"clickhouse\",reason=\"output_full\"} 6",
           "ior_sink_rows_lost_total{sink=\"clickhouse\"} 4",
           "ior_sink_rows_spooled{sink=\"clickhouse\"} 90",
           "ior_sink_rows_replayed_earlier_total{sink=\"clickhouse\"} 17",
           "ior_sink_queue_bytes{sink=\"parquet\"} 4096",
           "ior_sink_queue_limit_bytes{sink=\"parquet\"} 33554432",
           "ior_sink_failed{sink=\"clickhouse\"} 1",
           "ior_sink_failed{sink=\"parquet\"} 0",
           "ior_clickhouse_connections_open 3",
           "ior_clickhouse_failing 1",
           "ior_clickhouse_unanswered_seconds 2.5",
           "ior_clickhouse_spool_bytes 123456",
           "ior_clickhouse_spool_limit_bytes 1073741824",
           "ior_clickhouse_spool_rows{run=\"earlier\"} 11",
           "# TYPE ior_sink_rows_written_total counter",
           "# TYPE ior_sink_queue_bytes gauge",
       }) {
    EXPECT_TRUE(has_line(t, line)) << line << "\n" << t;
  }
  // The last error: one line, escaped twice (terminal text, then the format).
  EXPECT_TRUE(has_line(t, "ior_last_error_info{sink=\"clickhouse\",error=\"Code: 60. DB::Exception: Table "
                          "ior.\\\"x\\\\\\\\y\\\"\\\\n\\\\x1b[2J doesn't exist\\\\xff\"} 1"))
      << t;
}

TEST(RunMetricsTest, WherePlacedThreadsRanIsAMetricOnlyWhenIorPlacesThem) {
  Fixture f;
  f.in.off_traced_cpus_s = -1;
  EXPECT_EQ(f.text().find("ior_threads_"), std::string::npos) << "-avoid-traced-cpus=false";
  f.in.off_traced_cpus_s = 12.5;
  f.in.off_traced_cpus_now = true;
  f.in.placement_releases = 3;
  const std::string t = f.text();
  for (const char* line : {"ior_threads_off_traced_cpus_seconds_total 12.5", "ior_threads_off_traced_cpus 1",
                           "ior_threads_placement_releases_total 3", "# TYPE ior_threads_off_traced_cpus gauge"}) {
    EXPECT_TRUE(has_line(t, line)) << line << "\n" << t;
  }
}

TEST(RunMetricsTest, WithoutClickHouseOrErrorsThoseFamiliesAreAbsent) {
  Fixture f;
  f.m.clickhouse.reset();
  f.in.sinks[1].failed = false;
  const std::string t = f.text();
  EXPECT_EQ(t.find("ior_clickhouse_"), std::string::npos) << t;
  EXPECT_EQ(t.find("ior_last_error_info"), std::string::npos) << t;
  f.m.clickhouse = ClickHouseState{};
  EXPECT_EQ(f.text().find("ior_clickhouse_spool_"), std::string::npos) << "no spool, no spool metrics";
}

std::string run(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

TEST(RunMetricsTest, PromtoolAndThePythonParserTakeEveryLine) {
  const bool have = ::access("/usr/bin/promtool", X_OK) == 0 &&
                    std::system("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null") == 0;
  if (!have) {
    if (::ior::testing::in_ci()) FAIL() << "promtool or python3-prometheus-client missing";
    GTEST_SKIP() << "needs promtool and python3-prometheus-client (scripts/setup.sh --test)";
  }
  Fixture f;
  char path[] = "/tmp/ior-metrics-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string t = f.text();
  ASSERT_EQ(::write(fd, t.data(), t.size()), static_cast<ssize_t>(t.size()));
  ::close(fd);
  int status = -1;
  std::string out = run(std::string("/usr/bin/promtool check metrics < ") + path + " 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, "") << "promtool's lint finds nothing to say";
  out = run(std::string("/usr/bin/python3 " IOR_SOURCE_DIR "/tests/metrics/parse_metrics.py < ") + path, &status);
  ::unlink(path);
  ASSERT_EQ(status, 0) << out;
  // The error label reads back as the terminal-escaped text.
  EXPECT_NE(out.find("ior_last_error_info\t{\"error\": \"Code: 60. DB::Exception: Table ior.\\\"x\\\\\\\\y\\\"\\\\n"
                     "\\\\x1b[2J doesn't exist\\\\xff\", \"sink\": \"clickhouse\"}\t1.0"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ior_sink_rows_written_total\t{\"sink\": \"parquet\"}\t290.0"), std::string::npos) << out;
}

}  // namespace
}  // namespace ior::cli
