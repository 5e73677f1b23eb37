// Where ior's threads run: the choice of CPUs from each CPU's rate of
// records, the hold after a filling ring, and the masks set on real threads.

#include "trace/cpu_placement.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ior::trace {
namespace {

constexpr std::uint64_t kHot = 8u << 20;  // the default threshold, bytes/s
constexpr std::uint64_t kMs = 1'000'000;

CpuMask mask(std::initializer_list<int> bits) {
  CpuMask m;
  for (int b : bits) m.push_back(b != 0);
  return m;
}

TEST(ChooseCpusTest, OneBusyCpuOfTwoLeavesTheOther) {
  std::vector<bool> hot;
  std::vector<double> rates = {170e6, 0};
  EXPECT_EQ(choose_cpus(mask({1, 1}), rates, hot, kHot), mask({0, 1}));
}

TEST(ChooseCpusTest, NoBusyCpuOrEveryCpuBusyLeavesAllAllowed) {
  std::vector<bool> hot;
  std::vector<double> quiet = {1e6, 2e6, 0};
  EXPECT_EQ(choose_cpus(mask({1, 1, 1}), quiet, hot, kHot), mask({1, 1, 1}));
  std::vector<bool> hot2;
  std::vector<double> busy = {90e6, 100e6, 80e6};
  EXPECT_EQ(choose_cpus(mask({1, 1, 1}), busy, hot2, kHot), mask({1, 1, 1}));
}

TEST(ChooseCpusTest, OnlyAllowedCpusAreChosenOrCounted) {
  // ior was started with taskset -c 1-3: CPU 0's load is not its concern,
  // and it never moves onto CPU 0.
  std::vector<bool> hot;
  std::vector<double> rates = {200e6, 50e6, 0, 0};
  EXPECT_EQ(choose_cpus(mask({0, 1, 1, 1}), rates, hot, kHot), mask({0, 0, 1, 1}));
  std::vector<bool> hot2;
  std::vector<double> only_outside = {200e6, 0, 0, 0};
  EXPECT_EQ(choose_cpus(mask({0, 1, 1, 1}), only_outside, hot2, kHot), mask({0, 1, 1, 1}));
}

TEST(ChooseCpusTest, AQuarterOfTheBusiestIsHotToo) {
  std::vector<bool> hot;
  // 100 MB/s makes 25 MB/s the bar: 30 MB/s is hot, 20 MB/s is not.
  std::vector<double> rates = {100e6, 30e6, 20e6, 0};
  EXPECT_EQ(choose_cpus(mask({1, 1, 1, 1}), rates, hot, kHot), mask({0, 0, 1, 1}));
}

TEST(ChooseCpusTest, AHotCpuCoolsOnlyBelowHalfTheBar) {
  std::vector<bool> hot;
  std::vector<double> rates = {10e6, 0};
  EXPECT_EQ(choose_cpus(mask({1, 1}), rates, hot, kHot), mask({0, 1}));
  rates[0] = 5e6;  // under the bar, above half of it: still hot
  EXPECT_EQ(choose_cpus(mask({1, 1}), rates, hot, kHot), mask({0, 1}));
  rates[0] = 3e6;
  EXPECT_EQ(choose_cpus(mask({1, 1}), rates, hot, kHot), mask({1, 1}));
  rates[0] = 5e6;  // cold now: 5 MB/s does not heat it again
  EXPECT_EQ(choose_cpus(mask({1, 1}), rates, hot, kHot), mask({1, 1}));
}

struct Recorder {
  std::vector<CpuMask> applied;
  int refuse = 0;  // the next this many moves take no thread
  CpuPlacement make(CpuMask allowed) {
    return CpuPlacement(std::move(allowed), [this](const CpuMask& m) {
      applied.push_back(m);
      return refuse == 0 || (--refuse, false);
    });
  }
};

RingLevels levels(std::vector<std::uint64_t> written, double fullest = 0) {
  return RingLevels{std::move(written), fullest};
}

TEST(CpuPlacementTest, MovesOffTheBusyCpuAndBackWhenItQuietens) {
  Recorder r;
  CpuPlacement p = r.make(mask({1, 1}));
  std::uint64_t t = 1000 * kMs;
  p.observe(t, levels({0, 0}));  // the first look only takes the positions
  EXPECT_TRUE(r.applied.empty());
  p.observe(t + 199 * kMs, levels({30u << 20, 1000}));  // rates are looked at once per 200 ms
  EXPECT_TRUE(r.applied.empty());
  t += 200 * kMs;
  p.observe(t, levels({30u << 20, 1000}));  // 150 MiB/s on CPU 0
  ASSERT_EQ(r.applied.size(), 1u);
  EXPECT_EQ(r.applied.back(), mask({0, 1}));
  EXPECT_TRUE(p.restricted());
  t += 200 * kMs;
  p.observe(t, levels({60u << 20, 2000}));
  EXPECT_EQ(r.applied.size(), 1u);  // no change, nothing applied
  EXPECT_EQ(p.restricted_ns(), 200 * kMs);
  t += 200 * kMs;
  p.observe(t, levels({60u << 20, 3000}));  // CPU 0 went quiet
  ASSERT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(r.applied.back(), mask({1, 1}));
  EXPECT_FALSE(p.restricted());
  EXPECT_EQ(p.restricted_ns(), 400 * kMs);
}

TEST(CpuPlacementTest, AFillingRingPutsTheThreadsBackOnAllCpusForTheHold) {
  Recorder r;
  CpuPlacement p = r.make(mask({1, 1}));
  std::uint64_t t = 1000 * kMs;
  std::uint64_t w = 0;
  p.observe(t, levels({w, 0}));
  t += 200 * kMs;
  w += 30u << 20;
  p.observe(t, levels({w, 0}));
  ASSERT_EQ(r.applied.back(), mask({0, 1}));
  t += 200 * kMs;
  w += 30u << 20;
  p.observe(t, levels({w, 0}, 0.6));  // a ring is 60 % unread after a poll: ior is behind
  EXPECT_EQ(r.applied.back(), mask({1, 1}));
  EXPECT_EQ(p.backlog_releases(), 1u);
  // CPU 0 stays busy, but for 10 s the threads stay on every CPU.
  for (int i = 0; i < 49; ++i) {
    t += 200 * kMs;
    w += 30u << 20;
    p.observe(t, levels({w, 0}));
    ASSERT_FALSE(p.restricted()) << "at step " << i;
  }
  t += 200 * kMs;
  w += 30u << 20;
  p.observe(t, levels({w, 0}));
  EXPECT_EQ(r.applied.back(), mask({0, 1}));
  EXPECT_EQ(p.backlog_releases(), 1u);
}

TEST(CpuPlacementTest, ABacklogActsAtOnceNotAtTheNextLookAtTheRates) {
  Recorder r;
  CpuPlacement p = r.make(mask({1, 1}));
  p.observe(1000 * kMs, levels({0, 0}));
  p.observe(1200 * kMs, levels({30u << 20, 0}));
  ASSERT_TRUE(p.restricted());
  p.observe(1210 * kMs, levels({31u << 20, 0}, 0.5));  // the next poll, 10 ms later
  EXPECT_FALSE(p.restricted());
  EXPECT_EQ(r.applied.back(), mask({1, 1}));
  EXPECT_EQ(p.restricted_ns(), 10 * kMs);
}

TEST(CpuPlacementTest, ASinkQueueHalfFullPutsTheThreadsBackToo) {
  Recorder r;
  CpuPlacement p = r.make(mask({1, 1}));
  p.observe(1000 * kMs, levels({0, 0}));
  p.observe(1200 * kMs, levels({30u << 20, 0}), 0.1);
  ASSERT_TRUE(p.restricted());
  p.observe(1210 * kMs, levels({31u << 20, 0}), 0.49);
  EXPECT_TRUE(p.restricted());
  p.observe(1220 * kMs, levels({32u << 20, 0}), 0.5);  // a sink that falls further behind would drop rows
  EXPECT_FALSE(p.restricted());
  EXPECT_EQ(p.backlog_releases(), 1u);
}

TEST(CpuPlacementTest, AMoveNoThreadTookIsNotCountedAndIsTriedAgain) {
  Recorder r;
  r.refuse = 1;
  CpuPlacement p = r.make(mask({1, 1}));
  p.observe(1000 * kMs, levels({0, 0}));
  p.observe(1200 * kMs, levels({30u << 20, 0}));
  EXPECT_EQ(r.applied.size(), 1u);
  EXPECT_FALSE(p.restricted());
  p.observe(1400 * kMs, levels({60u << 20, 0}));
  EXPECT_EQ(r.applied.size(), 2u);
  EXPECT_TRUE(p.restricted());
  EXPECT_EQ(p.restricted_ns(), 0u);  // only time after a move that took
}

TEST(CpuPlacementTest, ABacklogWhileOnAllCpusChangesNothing) {
  Recorder r;
  CpuPlacement p = r.make(mask({1, 1}));
  p.observe(1000 * kMs, levels({0, 0}));
  p.observe(1200 * kMs, levels({30u << 20, 30u << 20}, 0.9));  // both busy: all CPUs anyway
  EXPECT_TRUE(r.applied.empty());
  EXPECT_EQ(p.backlog_releases(), 0u);
}

CpuMask affinity_of(pid_t tid, std::size_t cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(tid, sizeof set, &set), 0);
  CpuMask m(cpus);
  for (std::size_t c = 0; c < cpus; ++c) m[c] = CPU_ISSET(c, &set);
  return m;
}

TEST(ThreadAffinityTest, EveryThreadButTheSparedOneTakesTheMask) {
  const auto cpus = static_cast<std::size_t>(sysconf(_SC_NPROCESSORS_CONF));
  const CpuMask before = own_cpu_affinity(cpus);
  ASSERT_EQ(before.size(), cpus);
  std::size_t first = 0;
  while (first < cpus && !before[first]) ++first;
  ASSERT_LT(first, cpus);
  CpuMask only_first(cpus, false);
  only_first[first] = true;

  std::atomic<pid_t> worker_tid{0};
  std::atomic<bool> done{false};
  std::thread worker([&] {
    worker_tid = gettid();
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (worker_tid == 0) std::this_thread::yield();
  EXPECT_GE(set_threads_affinity(only_first, gettid()), 1u);
  EXPECT_EQ(affinity_of(worker_tid, cpus), only_first);
  EXPECT_EQ(affinity_of(gettid(), cpus), before);  // spared
  EXPECT_GE(set_threads_affinity(before, gettid()), 1u);
  EXPECT_EQ(affinity_of(worker_tid, cpus), before);
  done = true;
  worker.join();
}

}  // namespace
}  // namespace ior::trace
