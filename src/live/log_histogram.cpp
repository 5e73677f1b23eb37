#include "live/log_histogram.hpp"

#include <bit>

#include "base/nearest_rank.hpp"

namespace ior::live {

std::size_t LogHistogram::bucket_of(std::uint64_t ns) {
  if (ns == 0) return 0;
  const int e = 63 - std::countl_zero(ns);  // ns in [2^e, 2^(e+1))
  if (e >= 40) return kBuckets - 1;
  const std::uint64_t upper_half = e == 0 ? 0 : (ns >> (e - 1)) & 1;
  return 1 + 2 * static_cast<std::size_t>(e) + static_cast<std::size_t>(upper_half);
}

std::uint64_t LogHistogram::bucket_low(std::size_t b) {
  if (b == 0) return 0;
  const std::size_t e = (b - 1) / 2;
  const std::uint64_t base = std::uint64_t{1} << e;
  return (b - 1) % 2 == 0 ? base : base + base / 2;
}

void LogHistogram::merge(const LogHistogram& other) {
  for (std::size_t b = 0; b < kBuckets; ++b) counts_[b] = saturating(counts_[b], other.counts_[b]);
  total_ += other.total_;
}

std::uint64_t LogHistogram::quantile(double q) const {
  std::uint64_t n = 0;
  for (auto c : counts_) n += c;  // saturated buckets: the counts, not total_, agree with them
  if (n == 0) return 0;
  const std::uint64_t rank = nearest_rank(q, n);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen > rank) {
      if (b == 0) return 0;
      const std::uint64_t lo = bucket_low(b);
      // bucket 2 (1.5 ns) is empty by construction: the next edge after 1 is 2
      std::uint64_t hi = b + 1 < kBuckets ? bucket_low(b + 1) : lo;
      if (b == 1) hi = 2;
      return lo + (hi - lo) / 2;
    }
  }
  return bucket_low(kBuckets - 1);
}

}  // namespace ior::live
