// ior's threads keep off the CPU whose syscalls it traces most
// (-avoid-traced-cpus, on by default), and go back to every CPU when that
// CPU quietens; with -avoid-traced-cpus=false the scheduler places them.
// The workload is pinned to CPU 0 and makes 300 000 preads a second.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;
using CpuList = std::set<int>;

// "0-1,3" -> {0, 1, 3}
CpuList parse_cpu_list(const std::string& text) {
  CpuList cpus;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (part.empty()) continue;
    const auto dash = part.find('-');
    const int lo = std::stoi(part.substr(0, dash));
    const int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) cpus.insert(c);
  }
  return cpus;
}

// Cpus_allowed_list of one thread; empty when it is gone.
CpuList allowed_cpus(pid_t pid, const std::string& tid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/task/" + tid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Cpus_allowed_list:", 0) == 0) return parse_cpu_list(line.substr(line.find(':') + 1));
  }
  return {};
}

// The masks of ior's threads other than its main thread.
std::vector<CpuList> worker_masks(pid_t pid) {
  std::vector<CpuList> masks;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    const std::string tid = e.path().filename();
    if (tid == std::to_string(pid)) continue;
    CpuList m = allowed_cpus(pid, tid);
    if (!m.empty()) masks.push_back(std::move(m));
  }
  return masks;
}

bool all_exclude(const std::vector<CpuList>& masks, int cpu) {
  if (masks.empty()) return false;
  for (const auto& m : masks) {
    if (m.contains(cpu)) return false;
  }
  return true;
}

bool all_equal(const std::vector<CpuList>& masks, const CpuList& want) {
  if (masks.empty()) return false;
  for (const auto& m : masks) {
    if (m != want) return false;
  }
  return true;
}

#define IOR_REQUIRE_TWO_CPUS()                                                       \
  do {                                                                               \
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {                                         \
      if (::ior::testing::in_ci()) FAIL() << "this test needs two online CPUs in CI"; \
      GTEST_SKIP() << "needs two online CPUs";                                       \
    }                                                                                \
  } while (0)

struct PlacementRun {
  bool off_cpu0_while_busy = false;   // every worker thread excluded CPU 0 at some sample
  bool ever_off_a_cpu = false;        // some worker thread excluded some allowed CPU at some sample
  bool back_while_busy = false;       // after being off, every worker thread had the full mask during the workload
  bool back_on_all_after = false;     // after the workload, every worker thread had ior's full mask again
  std::string err;
};

// ior's console rows go to `rows`; before_stop runs once the workload and
// the wait after it are over, before ior is stopped. exit_status: 1 when the
// run is made to lose rows.
PlacementRun run_with(const std::vector<std::string>& flags, const std::string& rows = "/dev/null",
                      const std::function<void()>& before_stop = {}, int exit_status = 0) {
  PlacementRun r;
  std::string cmd = "exec " + std::string(IOR_BINARY) + " -duration 60";
  for (const auto& f : flags) cmd += " " + f;
  cmd += " > " + rows;
  Subprocess ior({"/bin/sh", "-c", cmd});
  if (!ior.wait_for_stderr("ior: tracing", 30s)) {
    ADD_FAILURE() << "ior did not start: " << ior.err();
    return r;
  }
  const pid_t pid = ior.pid();
  const CpuList full = allowed_cpus(pid, std::to_string(pid));
  // 300 000 preads/s (about 35 MB/s of records): far over the bar, and
  // little enough for one CPU of ior's, so no backlog puts it back early.
  Subprocess load({"/usr/bin/taskset", "-c", "0", WORKLOAD_BINARY, "paced", "300000", "4", "1", "1"});
  const auto busy_until = std::chrono::steady_clock::now() + 3500ms;
  while (std::chrono::steady_clock::now() < busy_until) {
    const auto masks = worker_masks(pid);
    if (all_exclude(masks, 0)) r.off_cpu0_while_busy = true;
    if (!all_equal(masks, full)) {
      r.ever_off_a_cpu = true;
    } else if (r.ever_off_a_cpu) {
      r.back_while_busy = true;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(load.wait(30s), 0) << load.err();
  const auto quiet_until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < quiet_until) {
    if (all_equal(worker_masks(pid), full)) {
      r.back_on_all_after = true;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  if (before_stop) before_stop();
  ior.signal(SIGINT);
  EXPECT_EQ(ior.wait(60s), exit_status) << ior.err();
  r.err = ior.err();
  return r;
}

// "back on all CPUs N times" of the summary, or -1.
long long releases(const std::string& err) {
  const std::string label = "back on all CPUs ";
  const auto at = err.find(label);
  return at == std::string::npos ? -1 : std::stoll(err.substr(at + label.size()));
}

TEST(CpuPlacementE2E, ThreadsLeaveTheBusyTracedCpuAndComeBackWhenItQuietens) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TWO_CPUS();
  PlacementRun r = run_with({});
  EXPECT_TRUE(r.off_cpu0_while_busy) << r.err;
  EXPECT_TRUE(r.back_on_all_after) << r.err;
  EXPECT_NE(r.err.find("ior's threads"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("off the busiest traced CPUs"), std::string::npos) << r.err;
  EXPECT_EQ(summary_value(r.err, "ring-buffer drops"), 0u) << r.err;
}

// The console writes into a FIFO nobody reads: its queue fills while ior's
// threads are kept off CPU 0, and at half its bound they are put back on
// every CPU (where a sink short of CPU, not stalled like this one, catches
// up), and stay there while the workload runs (the 10 s hold).
TEST(CpuPlacementE2E, AStalledSinkPutsTheThreadsBackOnEveryCpu) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TWO_CPUS();
  TempDir dir;
  const std::string fifo = dir.path() + "/rows";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Open for reading first (not blocking), so that ior's open for writing
  // does not wait; nothing is read until the checks are done.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  std::thread drain;
  // The console's full queue drops rows: said, and exit status 1.
  PlacementRun r = run_with(
      {}, fifo,
      [&] {
        drain = std::thread([reader] {
          const int flags = ::fcntl(reader, F_GETFL);
          ::fcntl(reader, F_SETFL, flags & ~O_NONBLOCK);
          char buf[1 << 16];
          while (::read(reader, buf, sizeof buf) > 0) {
          }
        });
      },
      1);
  if (drain.joinable()) drain.join();
  ::close(reader);
  EXPECT_TRUE(r.ever_off_a_cpu) << r.err;
  EXPECT_TRUE(r.back_while_busy) << r.err;
  EXPECT_GE(releases(r.err), 1) << r.err;
  EXPECT_EQ(summary_value(r.err, "ring-buffer drops"), 0u) << r.err;
  EXPECT_NE(r.err.find("\nior: not every syscall was stored: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" rows not stored by console (queue full "), std::string::npos) << r.err;
}

TEST(CpuPlacementE2E, OffTheSchedulerPlacesTheThreads) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TWO_CPUS();
  PlacementRun r = run_with({"-avoid-traced-cpus=false"});
  EXPECT_FALSE(r.ever_off_a_cpu) << r.err;
  EXPECT_EQ(r.err.find("ior's threads"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ior::testing
