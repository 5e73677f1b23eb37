#include "sink/top_stats.hpp"

#include <gtest/gtest.h>

#include <random>

namespace ior::sink {
namespace {

TEST(LatencyHistogramTest, BucketsAreContiguousAndLogLinear) {
  for (std::size_t b = 0; b + 1 < LatencyHistogram::kBuckets; ++b) {
    std::uint64_t lo = LatencyHistogram::bucket_low(b);
    EXPECT_EQ(LatencyHistogram::bucket_of(lo), b);
    EXPECT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_low(b + 1) - 1), b);
  }
  EXPECT_EQ(LatencyHistogram::bucket_of(UINT64_MAX), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogramTest, QuantilesWithinOneSixteenthOfExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(9, 1.2);
  LatencyHistogram h;
  std::vector<std::uint64_t> v;
  for (int i = 0; i < 100000; ++i) {
    auto x = static_cast<std::uint64_t>(d(rng)) + 1;
    v.push_back(x);
    h.add(x);
  }
  std::sort(v.begin(), v.end());
  for (double q : {0.5, 0.9, 0.99}) {
    double exact = static_cast<double>(v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]);
    EXPECT_NEAR(static_cast<double>(h.quantile(q)), exact, exact / 16) << q;
  }
  EXPECT_EQ(LatencyHistogram().quantile(0.5), 0u);
}

schema::EventRow row(std::uint16_t id, std::string_view name, std::uint32_t pid, std::string_view file,
                     std::uint64_t ns) {
  schema::EventRow r;
  r.trace_id = id;
  r.syscall_name = name;
  r.pid = pid;
  r.comm = pid == 1 ? "one" : "two";
  r.filename = file;
  r.duration_ns = ns;
  return r;
}

TEST(TopStatsTest, TalliesPerSyscallFileAndProcess) {
  TopStats s;
  for (int i = 0; i < 3; ++i) s.consume(row(1, "read", 1, "/a", 100));
  s.consume(row(2, "fsync", 2, "/b", 10000));
  auto sys = s.syscalls();
  ASSERT_EQ(sys.size(), 2u);
  EXPECT_EQ(sys[0].name, "read");  // by calls
  EXPECT_EQ(sys[0].calls, 3u);
  EXPECT_EQ(sys[0].total_ns, 300u);
  EXPECT_NEAR(static_cast<double>(sys[0].p99_ns), 100, 100.0 / 16);
  auto files = s.files();
  EXPECT_EQ(files[0].name, "/b");  // by time
  EXPECT_EQ(files[1].calls, 3u);
  auto procs = s.processes();
  EXPECT_EQ(procs[0].pid, 2u);
  EXPECT_EQ(procs[0].name, "two");
}

TEST(TopStatsTest, FilesBeyondTheLimitGoToOther) {
  TopStats s(2);
  s.consume(row(1, "read", 1, "/a", 1));
  s.consume(row(1, "read", 1, "/b", 1));
  s.consume(row(1, "read", 1, "/c", 5));
  s.consume(row(1, "read", 1, "/d", 5));
  auto files = s.files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].name, "[other]");
  EXPECT_EQ(files[0].calls, 2u);
}

}  // namespace
}  // namespace ior::sink
