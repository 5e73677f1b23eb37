// Stopping ior with real BPF: a stop signal during setup (a ClickHouse
// server that accepts and never answers, one that trickles its Hello, one
// that trickles the reply to the schema query) ends ior within 2 s with one
// clear line and status 128+signal; its BPF programs were loaded but never
// attached during setup, and are gone after it exits; the outputs it had
// created are abandoned, not written over earlier ones. At shutdown, signals
// escalate until ior is out, whatever a server does. A failed BPF load
// leaves no output file.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "bpf_objects.hpp"
#include "clickhouse_server.hpp"
#include "stalling_server.hpp"
#include "subprocess.hpp"
#include "workload_manifest.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The limit the docs state for a stop during setup (README, "Stopping").
constexpr auto kStopDeadline = 2s;

struct StopCase {
  StallingServer::Mode mode;
  int signal;
  const char* until;  ///< what the server must have received before the signal ("" : a connection)
};

void write_file(const std::string& path, const std::string& bytes) { std::ofstream(path) << bytes; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// An earlier recording at the names a run writes (with -force): a run that
// ends before tracing began must leave them as they were and add nothing.
struct EarlierOutputs {
  TempDir dir;
  EarlierOutputs() {
    write_file(path("keep.parquet"), "an earlier recording");
    write_file(path("fg.svg"), "an earlier graph");
  }
  std::string path(const std::string& name) const { return dir.path() + "/" + name; }
  std::vector<std::string> flags() const {
    return {"-force", "-parquet", "-parquet-file", path("keep.parquet"), "-flamegraph", "-name", path("fg"),
            "-json-file", path("new.json")};
  }
  void expect_untouched() const {
    EXPECT_EQ(read_file(path("keep.parquet")), "an earlier recording");
    EXPECT_EQ(read_file(path("fg.svg")), "an earlier graph");
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"fg.svg", "keep.parquet"}));
  }
};

void stop_during_setup(const StopCase& c) {
  StallingServer server(c.mode, 100ms);
  const EarlierOutputs earlier;
  std::vector<std::string> argv{IOR_BINARY, "-clickhouse", "-ch-port", std::to_string(server.port()), "-duration", "120"};
  for (const auto& f : earlier.flags()) argv.push_back(f);
  Subprocess ior(argv);
  ASSERT_TRUE(StallingServer::wait_until(
      [&] { return server.accepted() > 0 && server.received().find(c.until) != std::string::npos; }, 30s))
      << "ior never reached the server: " << ior.err();
  // Loaded first (a refused load leaves no outputs), attached only after the
  // schema: right now nothing is attached.
  BpfObjects held = bpf_objects_of(ior.pid());
  EXPECT_GE(held.prog_ids.size(), 2u) << "the BPF programs are loaded before ClickHouse is set up";
  EXPECT_TRUE(held.link_ids.empty()) << "attached while the schema is not ready";

  auto signalled = Clock::now();
  ior.signal(c.signal);
  int status = ior.wait(30s);
  auto took = Clock::now() - signalled;
  EXPECT_LT(took, kStopDeadline) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_EQ(status, 128 + c.signal) << ior.err();
  std::string line = "ior: stopped by signal " + std::to_string(c.signal) + " (" + strsignal(c.signal) +
                     ") during setup, before tracing began\n";
  EXPECT_EQ(ior.err(), line);
  EXPECT_TRUE(bpf_progs_gone(held.prog_ids, 5s)) << "BPF programs of ior outlived it";
  earlier.expect_untouched();
}

TEST(StopE2E, SigintWhileASilentServerHoldsTheHandshake) {
  IOR_REQUIRE_ROOT();
  stop_during_setup({StallingServer::Mode::kSilent, SIGINT, ""});
}

TEST(StopE2E, SigtermWhileAServerTricklesItsHello) {
  IOR_REQUIRE_ROOT();
  stop_during_setup({StallingServer::Mode::kTrickleHello, SIGTERM, ""});
}

TEST(StopE2E, SigintWhileAServerTricklesTheReplyToTheSchemaQuery) {
  IOR_REQUIRE_ROOT();
  stop_during_setup({StallingServer::Mode::kHelloThenProgress, SIGINT, "FROM system."});
}

TEST(StopE2E, WithoutASignalATricklingServerFailsSetupAtTheHandshakeDeadline) {
  IOR_REQUIRE_ROOT();
  StallingServer server(StallingServer::Mode::kTrickleHello, 100ms);
  // Without a spool (with one, an unreachable server is not fatal: rows wait there).
  Subprocess ior({IOR_BINARY, "-clickhouse", "-ch-port", std::to_string(server.port()), "-ch-spool", "none",
                  "-duration", "120"});
  auto start = Clock::now();
  int status = ior.wait(60s);
  EXPECT_LT(Clock::now() - start, 30s);
  EXPECT_EQ(status, 1) << ior.err();
  EXPECT_NE(ior.err().find("exceeded its overall deadline of 10000 ms"), std::string::npos) << ior.err();
}

TEST(StopE2E, AtShutdownSignalsEscalateUntilIorIsOutWhateverTheServerDoes) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  OwnClickHouseServer server;
  const auto& ep = server.start(own_clickhouse_dir("stop_at_shutdown"));
  Subprocess ior({IOR_BINARY, "-clickhouse", "-ch-port", std::to_string(ep.port), "-ch-db", "stop_e2e",
                  "-ch-flush", "100ms", "-duration", "120"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  BpfObjects held = bpf_objects_of(ior.pid());
  EXPECT_FALSE(held.link_ids.empty());
  std::this_thread::sleep_for(500ms);  // the host's own I/O gives the writer INSERTs in flight
  ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
  // The first signal stops in order; the writer then waits on a server that
  // does not answer; the second cancels every network wait; a third, if
  // still needed, ends the process at once.
  ior.signal(SIGINT);
  std::this_thread::sleep_for(300ms);
  auto insisted = Clock::now();
  ior.signal(SIGINT);
  std::this_thread::sleep_for(200ms);
  ior.signal(SIGINT);
  int status = ior.wait(30s);
  ::kill(server.pid(), SIGCONT);
  EXPECT_LT(Clock::now() - insisted, kStopDeadline);
  EXPECT_TRUE(status == 0 || status == 1 || status == 128 + SIGINT) << status << ": " << ior.err();
  if (status == 128 + SIGINT) {
    EXPECT_NE(ior.err().find("another stop signal"), std::string::npos) << ior.err();
  }
  EXPECT_TRUE(bpf_progs_gone(held.prog_ids, 5s)) << "BPF programs of ior outlived it";
}

// One stop signal, a server that stopped answering with INSERTs in flight:
// ior waits -ch-drain-timeout for it, no longer (a sender blocked in a read
// had held the stop until the read timeout, 30 s), then spools what it had.
TEST(StopE2E, AServerThatStopsAnsweringHoldsTheStopForTheDrainTimeoutOnly) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  OwnClickHouseServer server;
  const auto& ep = server.start(own_clickhouse_dir("stop_silent"));
  TempDir spool;
  Subprocess ior({IOR_BINARY, "-clickhouse", "-ch-port", std::to_string(ep.port), "-ch-db", "stop_silent",
                  "-ch-flush", "100ms", "-ch-drain-timeout", "1s", "-ch-spool", spool.path(), "-duration", "120"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  std::this_thread::sleep_for(500ms);  // the host's own I/O gives the writer INSERTs in flight
  ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
  // Rows of this test's own syscalls, for an INSERT after the stop (a
  // quiet host may give none), then over 2 s without a reply.
  TempDir work;
  for (int i = 0; i < 200; ++i) std::ofstream(work.path() + "/io") << i;
  std::this_thread::sleep_for(2500ms);
  const auto asked = Clock::now();
  ior.signal(SIGINT);
  const int status = ior.wait(60s);
  const auto took = Clock::now() - asked;
  ::kill(server.pid(), SIGCONT);
  EXPECT_LT(took, 6s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n"
                      << ior.err();
  EXPECT_EQ(status, 0) << ior.err();
  EXPECT_EQ(ior.err().find("not every syscall was stored"), std::string::npos) << ior.err();
  // It fails nothing, yet the wait is explained before it starts.
  EXPECT_NE(ior.err().find("ior: ClickHouse is not answering (no reply to INSERTs for "), std::string::npos)
      << ior.err();
}

// The same without a spool: what the server has not taken is dropped at
// the stop, and rows of the INSERTs it never answered are said to be
// perhaps stored (18.16 stores the blocks it has read whether or not the
// INSERT ends), not "dropped (memory full)".
// The "written" count of a sink's account line ("sink NAME  N = ... +
// written W + ..."), or UINT64_MAX.
std::uint64_t written_of(const std::string& err, const std::string& account) {
  const auto line = err.find(account);
  if (line == std::string::npos) return UINT64_MAX;
  const auto at = err.find("+ written ", line);
  if (at == std::string::npos || at > err.find('\n', line)) return UINT64_MAX;
  return std::stoull(err.substr(at + 10));
}

// The number just before `words`, or UINT64_MAX.
std::uint64_t number_before(const std::string& err, const std::string& words) {
  auto end = err.find(words);
  if (end == std::string::npos) return UINT64_MAX;
  auto begin = end;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(err[begin - 1]))) --begin;
  return begin == end ? UINT64_MAX : std::stoull(err.substr(begin, end - begin));
}

TEST(StopE2E, WithoutASpoolRowsOfUnansweredInsertsAreSaidToBePerhapsStored) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  OwnClickHouseServer server;
  const auto& ep = server.start(own_clickhouse_dir("stop_nospool"));
  // Only the load's rows (-path): the table's count is then this run's
  // account, whatever else the machine does.
  TempDir work;
  Subprocess ior({IOR_BINARY, "-clickhouse", "-ch-port", std::to_string(ep.port), "-ch-db", "stop_nospool",
                  "-ch-batch", "100", "-ch-flush", "100ms", "-ch-drain-timeout", "1s", "-ch-spool", "none",
                  "-path", work.path(), "-duration", "120"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  // Rows all along, so that an INSERT is open, its first blocks sent, when
  // the server stops.
  std::atomic<bool> busy{true};
  std::thread load([&] {
    for (int i = 0; busy.load(); ++i) std::ofstream(work.path() + "/io") << i;
  });
  std::this_thread::sleep_for(1500ms);
  ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(2500ms);
  busy = false;
  load.join();
  ior.signal(SIGINT);
  const int status = ior.wait(60s);
  ::kill(server.pid(), SIGCONT);
  const std::string& err = ior.err();
  EXPECT_EQ(status, 1) << err;
  EXPECT_NE(err.find(" rows dropped at the stop: not taken within -ch-drain-timeout, and no spool to keep "
                     "them (-ch-spool none); "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(" of them were sent in INSERTs ClickHouse never answered and may be stored"), std::string::npos)
      << err;
  EXPECT_NE(err.find(" of them perhaps stored: never answered)"), std::string::npos) << err;
  EXPECT_EQ(err.find("memory full"), std::string::npos) << err;

  // What the server holds once it runs again lies between the rows said
  // written and those plus the ones said perhaps stored.
  const std::uint64_t written = written_of(err, "sink clickhouse"), perhaps = number_before(err, " of them were sent");
  ASSERT_NE(written, UINT64_MAX) << err;
  ASSERT_NE(perhaps, UINT64_MAX) << err;
  std::uint64_t stored = 0;
  for (int i = 0; i < 40; ++i) {  // until the count stays put for 1 s
    std::this_thread::sleep_for(500ms);
    const std::uint64_t now =
        std::stoull(clickhouse_client_query(ep, "SELECT count() FROM stop_nospool.ior_events"));
    if (now == stored && i >= 2) break;
    stored = now;
  }
  EXPECT_GE(stored, written) << err;
  EXPECT_LE(stored, written + perhaps) << err;
  EXPECT_EQ(clickhouse_client_query(ep, "SELECT count() - uniqExact(tid, timestamp_ns) FROM stop_nospool.ior_events"),
            "0\n");
}

// Setup order: the sinks (output files, ClickHouse) come after the BPF
// load, so a run whose BPF side fails creates no file. Not being root fails
// the load's preflight, the way a refused load fails the load itself.
TEST(SetupE2E, ABpfLoadThatFailsLeavesNoOutputFile) {
  IOR_REQUIRE_ROOT();  // needs root to drop to nobody
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);  // nobody could create the outputs
  Subprocess ior({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                  IOR_BINARY, "-duration", "1", "-parquet", "-parquet-file", dir.path() + "/run.parquet",
                  "-flamegraph", "-name", dir.path() + "/fg"});
  EXPECT_EQ(ior.wait(30s), 1);
  EXPECT_NE(ior.err().find("ior: needs root"), std::string::npos) << ior.err();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "an output exists although nothing was traced";
}

// An output that cannot be created after others were (here the JSON file,
// in a directory that does not exist) fails the run before tracing: the
// outputs created before it are abandoned, not written empty over the
// earlier recording.
TEST(SetupE2E, AnOutputThatCannotBeCreatedLeavesTheEarlierOnesAsTheyWere) {
  IOR_REQUIRE_ROOT();
  const EarlierOutputs earlier;
  std::vector<std::string> argv{IOR_BINARY, "-duration", "5"};
  for (const auto& f : earlier.flags()) argv.push_back(f);
  argv.back() = earlier.path("missing/new.json");
  Subprocess ior(argv);
  EXPECT_EQ(ior.wait(30s), 1);
  EXPECT_EQ(ior.err(), "ior: json: cannot create " + earlier.path("missing/new.json") +
                           ": No such file or directory\n");
  earlier.expect_untouched();
}

// Signals ignored when ior started stay ignored: `nohup ior ... &` must
// outlive the terminal (SIGHUP), a shell's background job ignores SIGINT
// and SIGQUIT. (ior took them back: a trace under nohup stopped, exit 0,
// when its terminal went away.) SIGTERM still stops it in order.
TEST(StopE2E, SignalsIgnoredAtStartStayIgnoredAndSigtermStillStops) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string parquet = dir.path() + "/nohup.parquet";
  Subprocess ior({"/bin/sh", "-c", "trap '' HUP INT QUIT; exec \"$0\" \"$@\"", IOR_BINARY, "-duration", "60",
                  "-comm", "no-such-comm", "-parquet", "-parquet-file", parquet});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  for (int sig : {SIGHUP, SIGINT, SIGQUIT}) ior.signal(sig);
  EXPECT_FALSE(ior.wait_for_stderr("stopped by signal", 1500ms)) << ior.err();
  ior.signal(SIGTERM);
  EXPECT_EQ(ior.wait(30s), 0) << ior.err();
  EXPECT_NE(ior.err().find("stopped by signal 15"), std::string::npos) << ior.err();
  EXPECT_TRUE(std::filesystem::exists(parquet));
}

// SIGQUIT (Ctrl-\ on a terminal) stops in order as SIGINT does: the outputs
// complete, the summary printed. (It killed ior at once: no summary, every
// row in memory lost, hidden temporary files left.)
TEST(StopE2E, SigquitStopsInOrder) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string parquet = dir.path() + "/quit.parquet";
  Subprocess ior({IOR_BINARY, "-duration", "60", "-comm", "no-such-comm", "-parquet", "-parquet-file", parquet});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  ior.signal(SIGQUIT);
  EXPECT_EQ(ior.wait(30s), 0) << ior.err();
  EXPECT_NE(ior.err().find("stopped by signal 3"), std::string::npos) << ior.err();
  EXPECT_TRUE(std::filesystem::exists(parquet));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

// The last-resort stop (three stop signals: stopping in order, cancelling,
// exiting at once) leaves no hidden temporary file behind, and says it
// removed them. (A 700 MB `.x.json.<hex>.tmp` and a Parquet file without a
// footer were left, unnamed.)
TEST(StopE2E, ExitingAtOnceRemovesTheUnfinishedOutputFiles) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  Subprocess ior({IOR_BINARY, "-duration", "60", "-comm", "no-such-comm", "-parquet", "-parquet-file",
                  dir.path() + "/x.parquet", "-json-file", dir.path() + "/x.json"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
  // Three different signals, so none merges with another while pending.
  for (int sig : {SIGINT, SIGHUP, SIGTERM}) ior.signal(sig);
  const int status = ior.wait(30s);
  ASSERT_NE(ior.err().find("exiting at once"), std::string::npos)
      << "ior finished stopping in order before the third signal was read: " << ior.err();
  EXPECT_EQ(status, 128 + SIGTERM) << ior.err();
  EXPECT_NE(ior.err().find("(2 unfinished output files removed)"), std::string::npos) << ior.err();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "files left in " << dir.path();
}

}  // namespace
}  // namespace ior::testing
