#pragma once
// The wall clock the -parquet sink reads: for the files' ior.start_time and
// ior.end_time, and to close a file of a quiet host once its period is over.
// An interface so that tests drive rotation by setting the time, not by
// waiting for it to pass.

#include <cstdint>

namespace ior::parquet {

class SinkClock {
 public:
  virtual ~SinkClock() = default;
  /// CLOCK_REALTIME in nanoseconds since the Unix epoch.
  virtual std::uint64_t unix_ns() const = 0;
};

/// The system's real-time clock (shared, stateless).
const SinkClock& system_sink_clock();

}  // namespace ior::parquet
