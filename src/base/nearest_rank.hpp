#pragma once
// The 0-based rank of the q-quantile of n sorted values by the nearest-rank
// method: the smallest value with at least q of all values at or below it.
// Over a handful of values the p99 is then the largest one, which a rank of
// q * (n - 1) rounded down never reaches below 101 values.

#include <cmath>
#include <cstdint>

namespace ior {

inline std::uint64_t nearest_rank(double q, std::uint64_t n) {
  if (n == 0) return 0;
  // The tolerance keeps a product such as 0.9 * 10 from rounding up past 9.
  const double r = std::ceil(q * static_cast<double>(n) - 1e-9);
  if (r <= 1) return 0;
  const auto rank = static_cast<std::uint64_t>(r) - 1;
  return rank < n ? rank : n - 1;
}

}  // namespace ior
