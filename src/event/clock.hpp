#pragma once
// The kernel stamps records with CLOCK_MONOTONIC; rows carry Unix-epoch time.

#include <cstdint>

namespace ior::event {

/// CLOCK_REALTIME - CLOCK_MONOTONIC in ns, from the tightest of a few
/// monotonic/realtime/monotonic brackets (error below a microsecond).
std::int64_t realtime_minus_monotonic_ns();

std::uint64_t monotonic_now_ns();

}  // namespace ior::event
