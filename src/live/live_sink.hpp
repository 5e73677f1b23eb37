#pragma once
// The -live sink. consume() runs on the sink's own thread (SinkRunner) and
// only adds the row to the current Interval under a mutex that the UI holds
// just long enough to swap two Interval objects: a slow terminal never makes
// the sink, let alone the ring-buffer reader, wait. Every structure is
// bounded (IntervalLimits), whatever the traced activity.

#include <array>
#include <atomic>
#include <mutex>
#include <string>
#include <utility>

#include "live/crash_hook.hpp"
#include "live/interval.hpp"
#include "sink/sink.hpp"

namespace ior::live {

class LiveSink final : public sink::Sink {
 public:
  explicit LiveSink(IntervalLimits limits = {}, CrashHook crash = crash_hook_from_environment())
      : current_(limits), crash_(std::move(crash)) {}

  void consume(const schema::EventRow& row) noexcept override;
  void close() noexcept override { closed_.store(true, std::memory_order_relaxed); }
  sink::SinkReport report() const override;
  std::optional<sink::SinkCounts> counts() const noexcept override;

  /// Hands the rows gathered since the previous call to the caller: `spare`
  /// must be cleared (Interval::clear) and is filled from then on. O(1)
  /// under the lock.
  void swap_interval(Interval& spare) noexcept;
  bool closed() const { return closed_.load(std::memory_order_relaxed); }

 private:
  // The last key of a few threads (by tid) and its tally in current_: a
  // thread's consecutive rows mostly share their key (one file, one
  // syscall, one decade of latency), and a hit skips the keyed hash and
  // the lookup in a table that the rest of the machine has evicted from
  // the cache by the next batch of rows. Emptied at every swap.
  struct Recent {
    std::string key;
    TallyEntry* entry = nullptr;
  };

  mutable std::mutex mu_;
  Interval current_;
  std::array<Recent, 8> recent_;  // under mu_
  std::string key_;  // the row's encoded key, built outside the lock
  std::uint64_t rows_ = 0;        // under mu_
  std::uint64_t rows_lost_ = 0;   // under mu_
  std::atomic<bool> closed_{false};
  CrashHook crash_;  // a test hook, off in normal runs
};

}  // namespace ior::live
