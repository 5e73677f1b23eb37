// ior -clickhouse end to end: real BPF around the test workload, rows
// streamed into Debian's 18.16 server; the rows in ClickHouse equal the rows
// the console sink printed in the same run. Bad ClickHouse flags and servers
// give one clear error before tracing.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <sstream>
#include <tuple>

#include "clickhouse_server.hpp"
#include "summary_account.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using Key = std::tuple<std::uint32_t, std::uint32_t, std::string, std::int64_t, std::uint64_t, std::uint64_t>;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> tabs(const std::string& line) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (;;) {
    auto t = line.find('\t', start);
    f.push_back(line.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) return f;
    start = t + 1;
  }
}

struct Exit {
  int exit_code;
  std::string err;
};

Exit run_ior(const std::vector<std::string>& argv) {
  Subprocess p(argv);
  int code = p.wait(std::chrono::seconds(60));
  return {code, p.err()};
}

// A first host that refuses connections while the next takes every row
// is no outage: nothing is waited for at the stop, so nothing is said
// (each run had said "ClickHouse is not answering (... Connection refused)").
TEST(ClickHouseE2E, AHostDownBeforeOneThatTakesTheRowsIsNotCalledAnOutage) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  clickhouse_client_query(ch, "DROP DATABASE IF EXISTS ior_e2e_hosts");
  TempDir dir;
  for (int i = 0; i < 3; ++i) {
    auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-console", "-clickhouse", "-ch-host",
                             "127.0.0.1:1,127.0.0.1:" + std::to_string(ch.port), "-ch-db", "ior_e2e_hosts"},
                            {WORKLOAD_BINARY, "scenario", dir.path()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err.find("is not answering"), std::string::npos) << run.err;
  }
}

TEST(ClickHouseE2E, RowsInClickHouseEqualTheConsoleRowsOfTheSameRun) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  clickhouse_client_query(ch, "DROP DATABASE IF EXISTS ior_e2e");
  TempDir dir;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-console", "-clickhouse", "-ch-port",
                           std::to_string(ch.port), "-ch-db", "ior_e2e", "-ch-batch", "50", "-ch-conns", "2"},
                          {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_FALSE(run.rows.empty());
  EXPECT_NE(run.err.find("legacy"), std::string::npos) << run.err;  // the schema variant for 18.16
  EXPECT_EQ(run.err.find("is not answering"), std::string::npos) << "a server that answers is not waited for\n"
                                                                   << run.err;
  std::multiset<Key> console;
  for (const auto& r : run.rows) console.emplace(r.pid, r.tid, r.name, r.ret, r.duration_ns, r.duration_to_prev_ns);
  std::string out = clickhouse_client_query(
      ch, "SELECT pid, tid, syscall_name, ret_value, duration_ns, duration_to_prev_ns FROM ior_e2e.ior_events");
  std::multiset<Key> stored;
  for (const auto& line : lines_of(out)) {
    auto f = tabs(line);
    ASSERT_EQ(f.size(), 6u) << line;
    stored.emplace(static_cast<std::uint32_t>(std::stoul(f[0])), static_cast<std::uint32_t>(std::stoul(f[1])), f[2],
                   std::stoll(f[3]), std::stoull(f[4]), std::stoull(f[5]));
  }
  EXPECT_EQ(stored.size(), console.size());
  EXPECT_TRUE(stored == console) << "rows differ between ClickHouse and the console";
  auto account = parse_account(run.err);
  EXPECT_EQ(account_imbalance(account), "") << run.err;
  EXPECT_EQ(account_term(account, "sink clickhouse", "written"), stored.size()) << run.err;
  // One collection id and the host name on every row.
  EXPECT_EQ(clickhouse_client_query(ch, "SELECT uniqExact(collection_id), uniqExact(hostname) FROM ior_e2e.ior_events"),
            "1\t1\n");
  clickhouse_client_query(ch, "DROP DATABASE ior_e2e");
}

// Two runs of the real tool that overlap, into one table (two people
// tracing one host): each run's rows are apart in both views, and every
// view row adds up to its run's rows in the table. (The views had no run
// or host: the syscalls both runs saw were summed into one row per pid.)
TEST(ClickHouseE2E, TheViewsKeepOverlappingRunsApart) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  clickhouse_client_query(ch, "DROP DATABASE IF EXISTS ior_e2e_runs");
  TempDir dir;
  const std::vector<std::string> flags = {"-duration", "120", "-comm", "ior_workload", "-clickhouse",
                                          "-ch-port", std::to_string(ch.port), "-ch-db", "ior_e2e_runs"};
  std::vector<std::string> first_argv = {IOR_BINARY};
  first_argv.insert(first_argv.end(), flags.begin(), flags.end());
  Subprocess first(first_argv);
  ASSERT_TRUE(first.wait_for_stderr("ior: tracing", std::chrono::seconds(60))) << first.err();
  auto second = trace_around(flags, {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  first.signal(SIGINT);
  ASSERT_EQ(first.wait(std::chrono::seconds(60)), 0) << first.err();
  const std::string per_run =
      clickhouse_client_query(ch, "SELECT collection_id, count() FROM ior_e2e_runs.ior_events "
                                  "GROUP BY collection_id ORDER BY collection_id");
  ASSERT_EQ(lines_of(per_run).size(), 2u) << per_run;
  EXPECT_EQ(clickhouse_client_query(ch, "SELECT collection_id, sum(event_count) FROM ior_e2e_runs.ior_events_thread_stats "
                                        "GROUP BY collection_id ORDER BY collection_id"),
            per_run);
  EXPECT_EQ(clickhouse_client_query(ch, "SELECT collection_id, countMerge(event_count) FROM "
                                        "ior_e2e_runs.ior_events_latency_minute GROUP BY collection_id "
                                        "ORDER BY collection_id"),
            per_run);
  // Per thread and run, as the views are read: the same sums as the table.
  EXPECT_EQ(clickhouse_client_query(ch, "SELECT collection_id, pid, tid, sum(event_count) FROM "
                                        "ior_e2e_runs.ior_events_thread_stats GROUP BY collection_id, pid, tid "
                                        "ORDER BY collection_id, pid, tid"),
            clickhouse_client_query(ch, "SELECT collection_id, pid, tid, count() FROM ior_e2e_runs.ior_events "
                                        "GROUP BY collection_id, pid, tid ORDER BY collection_id, pid, tid"));
  clickhouse_client_query(ch, "DROP DATABASE ior_e2e_runs");
}

TEST(ClickHouseE2E, AWrongPasswordIsOneClearErrorWithoutThePassword) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  auto r = run_ior({IOR_BINARY, "-duration", "5", "-clickhouse", "-ch-port", std::to_string(ch.port), "-ch-user",
                            ch.password_user, "-ch-password", "N0t-The-Password"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("password"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("N0t-The-Password"), std::string::npos) << r.err;
  EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
}

// 18.16 quotes the unknown user name in its exception text, raw: ior prints
// that server text escaped, on one line.
TEST(ClickHouseE2E, ServerExceptionTextIsPrintedEscaped) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  auto r = run_ior({IOR_BINARY, "-duration", "5", "-clickhouse", "-ch-port", std::to_string(ch.port), "-ch-user",
                    "x\x1b[2Jy\xc2\x9bz\x1b]0;t\x07"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Unknown user x\\x1b[2Jy\\xc2\\x9bz\\x1b]0;t\\x07\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x07'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\xc2\x9b"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(ClickHouseE2E, UnreachableWithoutSpoolFailsBeforeTracingAndBadFlagsAreUsageErrors) {
  IOR_REQUIRE_ROOT();
  auto r = run_ior({IOR_BINARY, "-duration", "5", "-clickhouse", "-ch-port", "1", "-ch-spool", "none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
  for (std::vector<std::string> bad : {std::vector<std::string>{"-ch-compression", "gzip"},
                                       std::vector<std::string>{"-ch-on-full", "maybe"},
                                       std::vector<std::string>{"-ch-insecure"},
                                       std::vector<std::string>{"-ch-host", "a,,b"}}) {
    std::vector<std::string> argv{IOR_BINARY, "-clickhouse"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    auto u = run_ior(argv);
    EXPECT_EQ(u.exit_code, 2) << bad[0] << ": " << u.err;
  }
}

}  // namespace
}  // namespace ior::testing
