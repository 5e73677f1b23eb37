#pragma once
// How full the per-CPU rings are and how much each CPU's programs wrote:
// where the traced work runs, and whether the reader keeps up.

#include <cstdint>
#include <vector>

namespace ior::trace {

struct RingLevels {
  std::vector<std::uint64_t> written;  ///< bytes each CPU's programs wrote since the start (by CPU)
  double fullest = 0;                  ///< the largest share of a ring not read yet (0..1)
};

}  // namespace ior::trace
