// End to end: -min-duration and -errors with the real ior binary and real
// BPF, on a workload whose slow and failing syscalls are known
// (tests/support/workload_filters.cpp): exactly those rows pass, and the
// summary's account says why every other row did not.

#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>

#include "summary_account.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using RowKey = std::tuple<std::uint32_t, std::uint32_t, std::string, std::int64_t, std::string>;

struct SlowFailRun {
  std::vector<ConsoleRow> rows;
  std::vector<ManifestLine> manifest;
  std::string err;
};

// The workload waits for SIGUSR1 once ior traces its pid: no start-up rows.
SlowFailRun trace_slowfail(const std::vector<std::string>& flags, const std::string& dir) {
  SlowFailRun run;
  Subprocess target({WORKLOAD_BINARY, "slowfail", dir});
  EXPECT_TRUE(target.wait_for_stderr("ready", std::chrono::seconds(30))) << target.err();
  std::vector<std::string> argv = {IOR_BINARY, "-duration", "120", "-pid", std::to_string(target.pid())};
  argv.insert(argv.end(), flags.begin(), flags.end());
  Subprocess ior(argv);
  EXPECT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  ::kill(target.pid(), SIGUSR1);
  EXPECT_EQ(target.wait(std::chrono::seconds(30)), 0) << target.err();
  ior.signal(SIGINT);
  EXPECT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  run.err = ior.err();
  run.rows = parse_console(ior.out());
  run.manifest = parse_manifest(target.out());
  EXPECT_EQ(run.manifest.size(), 8u) << target.out();
  return run;
}

std::multiset<RowKey> keys(const std::vector<ConsoleRow>& rows) {
  std::multiset<RowKey> out;
  for (const auto& r : rows) out.emplace(r.pid, r.tid, r.name, r.ret, r.file);
  return out;
}

// A read a signal interrupts returns -ERESTARTSYS (512) at the syscall's
// exit, where ior sees it; the signal's delivery then turns it into the
// -EINTR the workload gets (no SA_RESTART), as strace shows too.
constexpr std::int64_t kERestartSys = 512;

template <typename Pred>
std::multiset<RowKey> manifest_keys(const std::vector<ManifestLine>& manifest, Pred keep) {
  std::multiset<RowKey> out;
  for (const auto& m : manifest) {
    if (keep(m)) out.emplace(m.pid, m.tid, m.name, m.ret == -EINTR ? -kERestartSys : m.ret, m.file);
  }
  return out;
}

bool is_slow(const ManifestLine& m) { return m.name == "read"; }  // the two reads of the pipe

// "filtered out N (-errors a, -min-duration b, -comm/-path c, -tps names only d)"
std::map<std::string, std::uint64_t> filter_reasons(const std::string& err) {
  std::smatch m;
  static const std::regex re(R"(filtered out (\d+) \(-errors (\d+), -min-duration (\d+), -comm/-path (\d+), )"
                             R"(-tps names only (\d+)\))");
  if (!std::regex_search(err, m, re)) return {};
  return {{"all", std::stoull(m[1])},        {"errors", std::stoull(m[2])}, {"min-duration", std::stoull(m[3])},
          {"comm/path", std::stoull(m[4])}, {"cwd", std::stoull(m[5])}};
}

void expect_account_adds_up(const std::string& err, const std::vector<ConsoleRow>& rows) {
  auto account = parse_account(err);
  EXPECT_EQ(account_imbalance(account), "") << err;
  EXPECT_EQ(account_term(account, "syscalls paired", "to the sinks"), rows.size()) << err;
}

TEST(FiltersE2E, MinDurationKeepsExactlyTheSlowSyscalls) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_slowfail({"-min-duration", "150ms"}, dir.path());
  // The read a timer interrupted after 300 ms and the read a thread's write
  // ended after 300 ms; every other syscall took microseconds.
  EXPECT_EQ(keys(run.rows), manifest_keys(run.manifest, is_slow)) << run.err;
  for (const auto& r : run.rows) EXPECT_GE(r.duration_ns, 150'000'000u) << r.name;
  expect_account_adds_up(run.err, run.rows);
  auto reasons = filter_reasons(run.err);
  ASSERT_FALSE(reasons.empty()) << run.err;
  EXPECT_EQ(reasons["errors"], 0u);
  EXPECT_EQ(reasons["comm/path"], 0u);
  // Fast rows of the workload (6 in the manifest, plus readlink and the
  // thread's stack) all counted under -min-duration.
  EXPECT_GE(reasons["min-duration"], 6u);
  EXPECT_EQ(reasons["min-duration"], reasons["all"]);
}

TEST(FiltersE2E, ErrorsKeepsExactlyTheFailingSyscalls) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_slowfail({"-errors"}, dir.path());
  // openat of a missing file (-ENOENT), close of an fd never open (-EBADF),
  // the interrupted read (-ERESTARTSYS).
  auto want = manifest_keys(run.manifest, [](const ManifestLine& m) { return m.ret < 0; });
  ASSERT_EQ(want.size(), 3u);
  EXPECT_EQ(keys(run.rows), want) << run.err;
  std::set<std::int64_t> errnos;
  for (const auto& r : run.rows) errnos.insert(r.ret);
  EXPECT_EQ(errnos, (std::set<std::int64_t>{-ENOENT, -EBADF, -kERestartSys}));
  expect_account_adds_up(run.err, run.rows);
  auto reasons = filter_reasons(run.err);
  ASSERT_FALSE(reasons.empty()) << run.err;
  EXPECT_GE(reasons["errors"], 5u);  // the manifest's successes, at least
  EXPECT_EQ(reasons["errors"], reasons["all"]);
}

TEST(FiltersE2E, ErrorsAndMinDurationTogetherKeepTheSlowFailure) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_slowfail({"-errors", "-min-duration", "150ms"}, dir.path());
  auto want = manifest_keys(run.manifest, [](const ManifestLine& m) { return is_slow(m) && m.ret < 0; });
  ASSERT_EQ(want.size(), 1u);
  EXPECT_EQ(keys(run.rows), want) << run.err;
  expect_account_adds_up(run.err, run.rows);
  auto reasons = filter_reasons(run.err);
  ASSERT_FALSE(reasons.empty()) << run.err;
  EXPECT_EQ(reasons["min-duration"], 2u);  // openat of the missing file, close of fd 987
  EXPECT_EQ(reasons["errors"] + reasons["min-duration"], reasons["all"]);
}

}  // namespace
}  // namespace ior::testing
