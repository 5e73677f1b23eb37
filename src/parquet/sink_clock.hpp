#pragma once
// The clocks the -parquet sink reads: a steady one for the age of a file
// (time-based rotation) and the wall clock for the files' ior.start_time and
// ior.end_time. An interface so that tests drive rotation by setting the
// time, not by waiting for it to pass.

#include <chrono>
#include <cstdint>

namespace ior::parquet {

class SinkClock {
 public:
  virtual ~SinkClock() = default;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
  /// CLOCK_REALTIME in nanoseconds since the Unix epoch.
  virtual std::uint64_t unix_ns() const = 0;
};

/// The system's steady and real-time clocks (shared, stateless).
const SinkClock& system_sink_clock();

}  // namespace ior::parquet
