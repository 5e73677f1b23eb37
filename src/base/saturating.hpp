#pragma once
// Sums of values read from files and pipes ior does not control (a folded
// count, a recorded duration or byte count): they can reach 2^64 - 1, and a
// sum that wrapped would show a small total as if it were exact.

#include <cstdint>
#include <limits>

namespace ior {

/// a + b, or the largest uint64 when the sum does not fit.
constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return b > std::numeric_limits<std::uint64_t>::max() - a ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

}  // namespace ior
