// Nothing lost between the kernel and the store: ior traces bursts of
// pread64 (hundreds of thousands of syscalls a second) with its default
// ClickHouse settings while the server is killed, stopped, or away for the
// whole run, and the table ends up with exactly the workload's syscalls,
// each once; the ring buffer loses nothing and the summary's account of
// every row adds up. The spool lives in a test directory through
// STATE_DIRECTORY, which is how ior's default spool location is chosen.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <sstream>
#include <thread>

#include "clickhouse_server.hpp"
#include "stalling_server.hpp"
#include "hostile_user.hpp"
#include "subprocess.hpp"
#include "summary_account.hpp"
#include "workload_manifest.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;

constexpr long kBurstRows = 100'000;

struct Workload {
  std::uint32_t pid = 0;
  std::uint64_t preads = 0;
  std::string path;  ///< the file it reads (the dynamic loader's own pread64 calls name others)
  double burst_rate = 0;
};

Workload parse_workload(const std::string& out) {
  Workload w;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string a, b, name, count, path;
    if (line.rfind("burst_rate\t", 0) == 0) {
      w.burst_rate = std::stod(line.substr(11));
      continue;
    }
    std::getline(f, a, '\t');
    std::getline(f, b, '\t');
    std::getline(f, name, '\t');
    std::getline(f, count, '\t');
    std::getline(f, path, '\t');
    if (name == "pread64") {
      w.pid = static_cast<std::uint32_t>(std::stoul(a));
      w.preads = std::stoull(count);
      w.path = path;
    }
  }
  return w;
}

// The summary's "peak memory (RSS)  N MiB"; 0 when missing.
std::uint64_t peak_rss_mib(const std::string& err) {
  auto at = err.find("peak memory (RSS)");
  if (at == std::string::npos) return 0;
  return std::strtoull(err.c_str() + at + std::strlen("peak memory (RSS)"), nullptr, 10);
}

// The bound for the defaults while a server is away: rows beyond
// the memory budgets go to the spool, not to the heap.
constexpr std::uint64_t kMaxRssMib = 128;

std::uint64_t query_number(const ClickHouseEndpoint& ep, const std::string& sql) {
  return std::stoull(clickhouse_client_query(ep, sql));
}

class ClickHouseOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IOR_REQUIRE_ROOT();
    IOR_REQUIRE_CLICKHOUSE_INSTALLED();
    ep_ = server_.start(own_clickhouse_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  }

  // ior at its defaults (but for where the spool lives and the -comm filter
  // that keeps the table to the workload's rows).
  std::vector<std::string> ior_argv(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv{"/usr/bin/env", "STATE_DIRECTORY=" + state_.path(), IOR_BINARY,
                                  "-duration", "600", "-comm", "ior_workload", "-clickhouse",
                                  "-ch-port", std::to_string(ep_.port), "-ch-db", "ior_outage"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  std::vector<std::string> preads(long bursts, long pause_ms) const {
    return {WORKLOAD_BINARY, "preads", work_.path(), std::to_string(bursts), std::to_string(kBurstRows),
            std::to_string(pause_ms)};
  }

  static std::string where(const Workload& w) {
    return " FROM ior_outage.ior_events WHERE pid = " + std::to_string(w.pid) +
           " AND syscall_name = 'pread64' AND filename = '" + w.path + "'";
  }

  // Waits until the table holds every pread64 of the workload (or timeout).
  bool wait_for_rows(const Workload& w, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (query_number(ep_, "SELECT count()" + where(w)) >= w.preads) return true;
      } catch (const std::exception&) {  // the server is restarting
      }
      std::this_thread::sleep_for(500ms);
    }
    return false;
  }

  // Every pread64 of the workload is in the table exactly once.
  void expect_exactly_the_workload(const Workload& w) {
    EXPECT_EQ(query_number(ep_, "SELECT count()" + where(w)), w.preads);
    EXPECT_EQ(query_number(ep_, "SELECT uniqExact(tid, timestamp_ns)" + where(w)), w.preads) << "duplicates";
    EXPECT_EQ(query_number(ep_, "SELECT countIf(ret_value != 4096)" + where(w)), 0u);
  }

  static void expect_account(const std::string& err) {
    auto account = parse_account(err);
    EXPECT_EQ(account_imbalance(account), "") << err;
    EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << err;
    EXPECT_EQ(account_term(account, "sink clickhouse", "queue full"), 0u) << err;
  }

  // The workload made its bursts at the scenario's rate, and once ior
  // stopped every pread64 of them is in the table once, with an account
  // that adds up and loses nothing.
  void expect_bursts_stored_whole(Subprocess& ior, const Workload& w, long bursts) {
    ASSERT_EQ(w.preads, static_cast<std::uint64_t>(bursts) * kBurstRows);
    if (in_ci()) {
      EXPECT_GE(w.burst_rate, 300'000) << "the bursts were slower than the scenario needs";
    }
    if (!wait_for_rows(w, 120s)) {
      ior.signal(SIGINT);
      ior.wait(120s);
      FAIL() << "rows never arrived; ior's account:\n" << ior.err();
    }
    ior.signal(SIGINT);
    ASSERT_EQ(ior.wait(120s), 0) << ior.err();
    expect_exactly_the_workload(w);
    expect_account(ior.err());
  }

  // The table made by a first run, then the server taken away for a
  // second run whose workload (spooled_) goes to the spool; *err: that
  // run's stderr.
  void spool_with_the_server_away(std::string* err) {
    {
      Subprocess first(ior_argv({"-duration", "1"}));
      ASSERT_EQ(first.wait(60s), 0) << first.err();
    }
    server_.kill();
    Subprocess ior(ior_argv());
    ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
    spooled_ = parse_workload(run_and_capture(preads(10, 100), 300s));
    ior.signal(SIGINT);
    ASSERT_EQ(ior.wait(120s), 0) << ior.err();
    *err = ior.err();
  }

  OwnClickHouseServer server_;
  ClickHouseEndpoint ep_;
  Workload spooled_;
  TempDir state_;
  TempDir work_;
};

TEST_F(ClickHouseOutageTest, KilledTwiceDuringBurstsLosesAndDuplicatesNothing) {
  Subprocess ior(ior_argv());
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  auto workload = std::async(std::launch::async, [&] { return run_and_capture(preads(30, 200), 300s); });
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(2s);
    server_.kill();
    std::this_thread::sleep_for(3s);
    server_.restart();
  }
  expect_bursts_stored_whole(ior, parse_workload(workload.get()), 30);
  // The kills hit the stream: batches of open INSERTs (kept as the bytes
  // sent) went back and were checked or sent again.
  const std::string err = ior.err();
  const auto at = err.find("clickhouse: ");
  const auto retries = err.find(" retries, ", at);
  ASSERT_NE(retries, std::string::npos) << err;
  const auto start = err.rfind(' ', retries - 1) + 1;
  EXPECT_GT(std::stoull(err.substr(start, retries - start)), 0u) << err;
}

// A server that stores, only slower than the bursts come, at the defaults:
// the sink's thread may wait for memory only while the queue in front of it
// has room, and otherwise spools. (Waiting up to 500 ms whenever memory was
// full had dropped 232 012 of 903 754 rows "queue full" here.)
TEST_F(ClickHouseOutageTest, AServerSlowerThanTheBurstsMakesTheSinkSpoolNotDrop) {
  Subprocess ior(ior_argv());
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  expect_bursts_stored_whole(ior, parse_workload(run_and_capture(preads(10, 100), 300s)), 10);
}

TEST_F(ClickHouseOutageTest, AServerStoppedForThirtySecondsLosesNothing) {
  Subprocess ior(ior_argv());
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  auto workload = std::async(std::launch::async, [&] { return run_and_capture(preads(20, 1000), 300s); });
  std::this_thread::sleep_for(2s);
  ASSERT_EQ(::kill(server_.pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(30s);
  ASSERT_EQ(::kill(server_.pid(), SIGCONT), 0);
  Workload w = parse_workload(workload.get());
  ASSERT_EQ(w.preads, 20u * kBurstRows);
  if (!wait_for_rows(w, 180s)) {
    ior.signal(SIGINT);
    ior.wait(120s);
    FAIL() << "rows never arrived: " << ior.err();
  }
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(120s), 0) << ior.err();
  expect_exactly_the_workload(w);
  expect_account(ior.err());
  EXPECT_GT(peak_rss_mib(ior.err()), 0u) << ior.err();
  EXPECT_LE(peak_rss_mib(ior.err()), kMaxRssMib) << ior.err();
}

TEST_F(ClickHouseOutageTest, AServerAwayForTheWholeRunGetsEveryRowFromTheNextRun) {
  std::string err;
  ASSERT_NO_FATAL_FAILURE(spool_with_the_server_away(&err));
  const Workload w = spooled_;
  EXPECT_GT(peak_rss_mib(err), 0u) << err;
  EXPECT_LE(peak_rss_mib(err), kMaxRssMib) << err;
  expect_account(err);
  // The wait for the server at the stop is said before it begins, and its
  // time apart from the time traced.
  const auto waiting = err.find("ior: ClickHouse is not answering (");
  const auto summary = err.find("; the outputs finished ");
  EXPECT_NE(waiting, std::string::npos) << err;
  EXPECT_NE(err.find("waiting up to 10 s for it before what it has not taken goes to the spool"), std::string::npos)
      << err;
  EXPECT_LT(waiting, summary) << err;
  auto account = parse_account(err);
  EXPECT_EQ(account_term(account, "sink clickhouse", "written"), 0u);
  EXPECT_GE(account_term(account, "sink clickhouse", "spooled"), w.preads) << err;
  server_.restart();
  {
    Subprocess next(ior_argv({"-duration", "10"}));
    ASSERT_TRUE(next.wait_for_stderr("ior: tracing", 60s)) << next.err();
    EXPECT_TRUE(wait_for_rows(w, 120s));
    next.signal(SIGINT);
    ASSERT_EQ(next.wait(120s), 0) << next.err();
    EXPECT_NE(next.err().find("replayed from earlier runs"), std::string::npos) << next.err();
    expect_account(next.err());
  }
  expect_exactly_the_workload(w);
}

// A run killed (SIGKILL: the OOM killer, a reboot) while it replays the
// spool: the INSERTs it had sent are stored, or some, while their files are
// still in the spool. The next run looks for those batches in the table
// before it sends them: every row once. (The files had kept their plain
// names, were sent again blind, and the tester saw 100 022 rows twice with
// a summary that said "possibly stored twice 0".)
TEST_F(ClickHouseOutageTest, ARunKilledDuringItsReplayLeavesTheNextNothingToStoreTwice) {
  std::string err;
  ASSERT_NO_FATAL_FAILURE(spool_with_the_server_away(&err));
  const Workload w = spooled_;
  server_.restart();
  {
    // The replay under way, then the server stopped so that the INSERTs
    // sent meanwhile wait unanswered in its socket, then ior killed.
    Subprocess replay(ior_argv());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && query_number(ep_, "SELECT count()" + where(w)) == 0) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_EQ(::kill(server_.pid(), SIGSTOP), 0);
    std::this_thread::sleep_for(1s);
    replay.signal(SIGKILL);
    replay.wait(60s);
    ASSERT_EQ(::kill(server_.pid(), SIGCONT), 0);
  }
  std::this_thread::sleep_for(2s);  // the server stores what it had read
  const std::uint64_t before = query_number(ep_, "SELECT count()" + where(w));
  ASSERT_LT(before, w.preads) << "the replay ended before it was killed";
  Subprocess next(ior_argv({"-duration", "10"}));
  ASSERT_TRUE(next.wait_for_stderr("ior: tracing", 60s)) << next.err();
  EXPECT_TRUE(wait_for_rows(w, 120s));
  next.signal(SIGINT);
  ASSERT_EQ(next.wait(120s), 0) << next.err();
  expect_exactly_the_workload(w);
  expect_account(next.err());
  EXPECT_NE(next.err().find("found already stored from earlier runs"), std::string::npos) << next.err();
}

TEST_F(ClickHouseOutageTest, AFullSpoolDropsRowsInTheSinkCountedAndTheRingLosesNothing) {
  server_.kill();
  Subprocess ior(ior_argv({"-ch-spool-max", "1M"}));
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  Workload w = parse_workload(run_and_capture(preads(10, 100), 300s));
  ior.signal(SIGINT);
  EXPECT_EQ(ior.wait(120s), 1) << ior.err();  // rows were dropped: the run failed
  auto account = parse_account(ior.err());
  EXPECT_EQ(account_imbalance(account), "") << ior.err();
  EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << ior.err();
  // -ch-on-full block (the default) holds the sink's own thread: its rows
  // then wait in its queue, which drops when full; at the stop the writer
  // drops what neither memory nor spool can take. Both are the sink's count.
  EXPECT_GT(account_term(account, "sink clickhouse", "dropped") + account_term(account, "sink clickhouse", "queue full"),
            0u)
      << ior.err();
  EXPECT_GE(account_line(account, "sink clickhouse").total, w.preads);
  EXPECT_NE(ior.err().find("the spool did not take them (clickhouse: spool "), std::string::npos) << ior.err();
  EXPECT_NE(ior.err().find(" is full (-ch-spool-max))"), std::string::npos) << ior.err();
}

// A spool on a disk that fills (ENOSPC) is ior's host failing, not the
// server: the summary says the spool did not take the rows and why, and the
// wait at the stop names the server's own error. (Both had said "ClickHouse
// is not answering (clickhouse spool ...: No space left on device)".)
TEST_F(ClickHouseOutageTest, ASpoolOnAFullDiskIsSaidApartFromTheServer) {
  const std::string mnt = work_.path() + "/tiny";
  std::filesystem::create_directories(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=512k,mode=0700"), 0);
  server_.kill();
  Subprocess ior(ior_argv({"-ch-spool", mnt + "/spool"}));
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  run_and_capture(preads(3, 100), 300s);
  ior.signal(SIGINT);
  const int status = ior.wait(120s);
  umount2(mnt.c_str(), MNT_DETACH);
  EXPECT_EQ(status, 1) << ior.err();
  const std::string& err = ior.err();
  EXPECT_NE(err.find("the spool did not take them (clickhouse spool " + mnt + "/spool"), std::string::npos) << err;
  EXPECT_NE(err.find("No space left on device)"), std::string::npos) << err;
  const auto waiting = err.find("ior: ClickHouse is not answering (");
  ASSERT_NE(waiting, std::string::npos) << err;
  const std::string wait_line = err.substr(waiting, err.find('\n', waiting) - waiting);
  EXPECT_EQ(wait_line.find("spool"), wait_line.rfind("spool")) << "only its \"goes to the spool\": " << wait_line;
  EXPECT_NE(wait_line.find("Connection refused"), std::string::npos) << wait_line;
  auto account = parse_account(err);
  EXPECT_EQ(account_imbalance(account), "") << err;
  EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << err;
}

TEST_F(ClickHouseOutageTest, AParquetSinkOnAFullDiskFailsAloneAndClickHouseGetsEveryRow) {
  std::string mnt = work_.path() + "/small";
  std::filesystem::create_directories(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k"), 0);
  Subprocess ior(ior_argv({"-parquet", "-parquet-file", mnt + "/full.parquet", "-parquet-compression", "none",
                           "-parquet-rowgroup", "2000"}));
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  Workload w = parse_workload(run_and_capture(preads(5, 100), 300s));
  ASSERT_TRUE(wait_for_rows(w, 120s)) << "rows never arrived";
  ior.signal(SIGINT);
  EXPECT_EQ(ior.wait(120s), 1) << ior.err();  // the Parquet sink failed
  umount2(mnt.c_str(), MNT_DETACH);
  EXPECT_NE(ior.err().find("No space left on device"), std::string::npos) << ior.err();
  auto account = parse_account(ior.err());
  EXPECT_EQ(account_imbalance(account), "") << ior.err();
  EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << ior.err();
  EXPECT_GT(account_term(account, "sink parquet", "lost"), 0u) << ior.err();
  expect_exactly_the_workload(w);
}

// Two -ch-host servers that are no replicas of each other: every
// connection writes to the first, the host the setup prepared, and only
// when it fails to the second, which the first connection there prepares
// (creates the database and table) before it sends a row. Connections had
// started spread over both; the second, which lacked the database, refused
// every INSERT, was never left, and its rows never reached the first host.
TEST_F(ClickHouseOutageTest, RowsGoToTheFirstHostThenToTheNextPreparedFirstWhenTheFirstFails) {
  OwnClickHouseServer second;
  const ClickHouseEndpoint b = second.start(own_clickhouse_dir("TwoHostsSecond"));
  Subprocess ior(ior_argv({"-ch-host", "127.0.0.1:" + std::to_string(ep_.port) + ",127.0.0.1:" + std::to_string(b.port),
                           "-ch-batch", "1000", "-ch-flush", "100ms"}));
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  const Workload first = parse_workload(run_and_capture(preads(2, 100), 300s));
  ASSERT_TRUE(wait_for_rows(first, 60s)) << ior.err();
  expect_exactly_the_workload(first);
  EXPECT_EQ(clickhouse_client_query(b, "SELECT count() FROM system.databases WHERE name = 'ior_outage'"), "0\n");

  server_.kill();
  const Workload next = parse_workload(run_and_capture(preads(2, 100), 300s));
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (query_number(b, "SELECT count()" + where(next)) >= next.preads) break;
    } catch (const std::exception&) {  // no table yet
    }
    std::this_thread::sleep_for(500ms);
  }
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(120s), 0) << ior.err();
  EXPECT_EQ(query_number(b, "SELECT count()" + where(next)), next.preads) << ior.err();
  EXPECT_EQ(query_number(b, "SELECT uniqExact(tid, timestamp_ns)" + where(next)), next.preads) << "duplicates";
  EXPECT_EQ(query_number(b, "SELECT count() FROM ior_outage.ior_events WHERE pid = " + std::to_string(first.pid)), 0u);
  expect_account(ior.err());
  auto account = parse_account(ior.err());
  EXPECT_EQ(account_term(account, "sink clickhouse", "spooled"), 0u) << ior.err();
  // The summary says where the rows are, each host's own part: the second
  // host's count is its table's.
  const std::string stored_on = "clickhouse: rows stored on more than one -ch-host: 127.0.0.1:" +
                                std::to_string(ep_.port) + " ";
  const auto at = ior.err().find(stored_on);
  ASSERT_NE(at, std::string::npos) << ior.err();
  const std::string on_b = ", 127.0.0.1:" + std::to_string(b.port) + " " +
                           std::to_string(query_number(b, "SELECT count() FROM ior_outage.ior_events")) + " (a failover";
  EXPECT_NE(ior.err().find(on_b, at), std::string::npos) << on_b << "\n" << ior.err();
}

// A spool directory another user controls is refused before anything is
// traced, with one line; ior writes nothing into it.
TEST_F(ClickHouseOutageTest, ASpoolDirectoryAnotherUserOwnsIsRefusedBeforeTracing) {
  HostileDir hostile;
  const std::string spool = hostile.path() + "/spool";
  run_as_nobody({"/bin/mkdir", "-m", "0700", spool});
  Subprocess ior(ior_argv({"-ch-spool", spool}));
  EXPECT_EQ(ior.wait(60s), 1) << ior.err();
  EXPECT_NE(ior.err().find("belongs to uid 65534"), std::string::npos) << ior.err();
  EXPECT_EQ(ior.err().find("ior: tracing"), std::string::npos) << ior.err();
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::recursive_directory_iterator(spool)) ++entries;
  EXPECT_EQ(entries, 0u);
}

// ClickHouse's HTTP port given as the native one (a common mistake) is a
// clear error at start, spool or not: retries would fail the same way and
// every row would wait in the spool for good.
TEST_F(ClickHouseOutageTest, AnHttpPortGivenAsTheNativeOneStopsIorAtStart) {
  StallingServer http(StallingServer::Mode::kHttp);
  Subprocess ior(ior_argv({"-ch-port", std::to_string(http.port()), "-quiet"}));
  EXPECT_EQ(ior.wait(60s), 1) << ior.err();
  EXPECT_NE(ior.err().find("is this a ClickHouse native port?"), std::string::npos) << ior.err();
  EXPECT_EQ(ior.err().find("ior: tracing"), std::string::npos) << ior.err();
  EXPECT_FALSE(std::filesystem::exists(state_.path() + "/spool")) << "no spool was made";
}

// Without a spool, a server that is not there is a clear error at start.
TEST_F(ClickHouseOutageTest, WithoutASpoolAnUnreachableServerStopsIorAtStart) {
  server_.kill();
  Subprocess ior(ior_argv({"-ch-spool", "none"}));
  EXPECT_EQ(ior.wait(60s), 1) << ior.err();
  EXPECT_NE(ior.err().find("Connection refused"), std::string::npos) << ior.err();
  EXPECT_FALSE(std::filesystem::exists(state_.path() + "/spool")) << "no spool was made";
}

}  // namespace
}  // namespace ior::testing
