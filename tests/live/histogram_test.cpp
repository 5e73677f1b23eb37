#include <gtest/gtest.h>

#include "live/activity.hpp"
#include "live/log_histogram.hpp"
#include "rows.hpp"

namespace ior::live {
namespace {

TEST(LogHistogram, BucketEdgesAreHalfPowersOfTwo) {
  EXPECT_EQ(LogHistogram::bucket_of(0), 0u);
  EXPECT_EQ(LogHistogram::bucket_of(1), 1u);
  EXPECT_EQ(LogHistogram::bucket_of(2), 3u);
  EXPECT_EQ(LogHistogram::bucket_of(3), 4u);
  EXPECT_EQ(LogHistogram::bucket_of(4), 5u);
  EXPECT_EQ(LogHistogram::bucket_of(5), 5u);
  EXPECT_EQ(LogHistogram::bucket_of(6), 6u);
  EXPECT_EQ(LogHistogram::bucket_of(7), 6u);
  EXPECT_EQ(LogHistogram::bucket_of(8), 7u);
  EXPECT_EQ(LogHistogram::bucket_low(7), 8u);
  EXPECT_EQ(LogHistogram::bucket_low(8), 12u);
  // every value lies in [low(b), low(b+1))
  for (std::uint64_t v : {9ull, 1000ull, 1023ull, 1024ull, 1535ull, 1536ull, 999'999ull, (1ull << 39) + 5}) {
    auto b = LogHistogram::bucket_of(v);
    EXPECT_LE(LogHistogram::bucket_low(b), v) << v;
    EXPECT_GT(LogHistogram::bucket_low(b + 1), v) << v;
  }
  EXPECT_EQ(LogHistogram::bucket_of(1ull << 40), LogHistogram::kBuckets - 1);
  EXPECT_EQ(LogHistogram::bucket_of(~0ull), LogHistogram::kBuckets - 1);
}

TEST(LogHistogram, QuantilesWithinTheBucketError) {
  LogHistogram h;
  EXPECT_EQ(h.quantile(0.99), 0u);
  for (int i = 0; i < 98; ++i) h.add(1000);
  h.add(1'000'000);
  h.add(1'000'000);
  EXPECT_EQ(h.count(), 100u);
  auto p50 = h.quantile(0.5), p99 = h.quantile(0.99);
  EXPECT_GE(p50, 800u);
  EXPECT_LE(p50, 1200u);
  EXPECT_GE(p99, 800'000u);
  EXPECT_LE(p99, 1'200'000u);
  EXPECT_EQ(h.quantile(0), p50);  // the smallest is in the same bucket as the median
}

TEST(LogHistogram, OverAFewCallsTheP99IsTheSlowest) {
  LogHistogram h;
  for (int i = 0; i < 14; ++i) h.add(2'000);
  h.add(1'000'000);
  EXPECT_GE(h.quantile(0.99), 700'000u);
  EXPECT_LE(h.quantile(0.5), 3'000u);
}

TEST(LogHistogram, MergeAddsAndCountsSaturate) {
  LogHistogram a, b;
  a.add(10, 3);
  b.add(10, 4);
  b.add(100000);
  a.merge(b);
  EXPECT_EQ(a.count(), 8u);
  EXPECT_EQ(a.bucket(LogHistogram::bucket_of(10)), 7u);
  LogHistogram s;
  s.add(5, UINT32_MAX);
  s.add(5, 10);
  EXPECT_EQ(s.bucket(LogHistogram::bucket_of(5)), UINT32_MAX);
}

TEST(Activity, LatencyDecades) {
  EXPECT_EQ(latency_decade(0), 0);
  EXPECT_EQ(latency_decade(999), 0);
  EXPECT_EQ(latency_decade(1000), 1);
  EXPECT_EQ(latency_decade(9999), 1);
  EXPECT_EQ(latency_decade(10'000), 2);
  EXPECT_EQ(latency_decade(999'999), 3);
  EXPECT_EQ(latency_decade(1'000'000), 4);
  EXPECT_EQ(latency_decade(999'999'999), 6);
  EXPECT_EQ(latency_decade(1'000'000'000), 7);
  EXPECT_EQ(latency_decade(~0ull), 7);
  EXPECT_EQ(decade_low(0), 0u);
  EXPECT_EQ(decade_low(4), 1'000'000u);
  EXPECT_EQ(decade_low(7), 1'000'000'000u);
}

TEST(Activity, KeyRoundTripsEveryField) {
  ActivityKey k{4242, 2, 5, "my comm", "abcdef", "openat", "/a/b;c\n"};
  std::string bytes;
  encode_key(bytes, k);
  ActivityKey d = decode_key(bytes);
  EXPECT_EQ(d.pid, 4242u);
  EXPECT_EQ(d.err, 2);
  EXPECT_EQ(d.decade, 5);
  EXPECT_EQ(d.comm, "my comm");
  EXPECT_EQ(d.container, "abcdef");
  EXPECT_EQ(d.syscall, "openat");
  EXPECT_EQ(d.file, "/a/b;c\n");
  ActivityKey e{};
  encode_key(bytes, e);
  d = decode_key(bytes);
  EXPECT_EQ(d.comm, "");
  EXPECT_EQ(d.file, "");
}

TEST(Activity, RowKeyTakesTheFileErrnoAndDecade) {
  test::RowSpec s;
  s.error = true;
  s.ret = -2;
  s.duration_ns = 2'000'000;
  auto row = test::make_row(s);
  ActivityKey k = row_key(row);
  EXPECT_EQ(k.err, 2);
  EXPECT_EQ(k.decade, 4);
  EXPECT_EQ(k.file, "/data/a.txt");
  row.filename = "";
  row.pathname = "/p";
  EXPECT_EQ(row_file(row), "/p");
  row.pathname = "";
  row.oldname = "/old";
  EXPECT_EQ(row_file(row), "/old");
  // an mmap address is no error even when it looks negative
  row.ret_type = static_cast<std::uint8_t>(schema::RetType::kAddress);
  row.ret_value = -4096;
  EXPECT_EQ(row_errno(row), 0);
  row.ret_type = static_cast<std::uint8_t>(schema::RetType::kBytes);
  row.ret_value = -5;
  EXPECT_EQ(row_errno(row), 0);  // only RetType::kError carries an errno
}

TEST(Activity, TallySplitsReadAndWrittenBytes) {
  Tally t;
  test::RowSpec r;
  r.bytes = 100;
  r.byte_class = "read";
  t.add_row(test::make_row(r));
  r.bytes = 7;
  r.byte_class = "write";
  t.add_row(test::make_row(r));
  r.bytes = 3;
  r.byte_class = "transfer";
  t.add_row(test::make_row(r));
  EXPECT_EQ(t.calls, 3u);
  EXPECT_EQ(t.read_bytes, 100u);
  EXPECT_EQ(t.write_bytes, 10u);
  EXPECT_EQ(t.total_ns, 1500u);
  EXPECT_EQ(t.latency.count(), 3u);
}

}  // namespace
}  // namespace ior::live
