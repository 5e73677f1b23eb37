#pragma once
// A small latency histogram for the live view: two buckets per power of two
// (bucket edges 1, 1.5, 2, 3, 4, 6, 8, ... ns), counts of 32 bits that
// saturate. The live view keeps one per aggregated key (thousands), so it is
// 328 bytes where the summary's LatencyHistogram (sink/top_stats) is 7.8 KiB;
// the price is precision: a quantile is the middle of its bucket, at most
// 20 % off. Durations from 2^40 ns (18 minutes) on share the last bucket.

#include <array>
#include <cstddef>
#include <cstdint>

namespace ior::live {

class LogHistogram {
 public:
  static constexpr std::size_t kBuckets = 82;  // 0, then 2 per power of two up to 2^40

  static std::size_t bucket_of(std::uint64_t ns);
  /// The smallest duration of bucket b.
  static std::uint64_t bucket_low(std::size_t b);

  void add(std::uint64_t ns, std::uint32_t n = 1) {
    auto& c = counts_[bucket_of(ns)];
    c = saturating(c, n);
    total_ += n;
  }
  void merge(const LogHistogram& other);
  /// The q-quantile (0..1) as the middle of its bucket; 0 when empty.
  std::uint64_t quantile(double q) const;
  std::uint64_t count() const { return total_; }
  std::uint32_t bucket(std::size_t b) const { return counts_[b]; }

 private:
  static std::uint32_t saturating(std::uint32_t a, std::uint32_t b) {
    std::uint32_t s = a + b;
    return s < a ? UINT32_MAX : s;
  }
  std::array<std::uint32_t, kBuckets> counts_{};
  std::uint64_t total_ = 0;
};

}  // namespace ior::live
