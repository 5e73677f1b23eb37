#pragma once
// Keeps ior's own threads off the CPUs whose syscalls it records most.
//
// ior's reader and sinks spend a few hundred nanoseconds of CPU per row. On
// the CPU of a thread that makes a million syscalls a second, the scheduler
// takes that time from the traced thread now and then, while another CPU may
// sit idle (docs/PERFORMANCE.md, "ior's own threads on the workload's CPU").
// Each CPU has its own ring, so the bytes its programs wrote in the last
// interval say where the traced work runs. CPUs past a rate are "hot", and
// ior's threads run on the other CPUs they were allowed, while there are any;
// with every allowed CPU hot (the whole host busy), or none, they run on all.
// A ring that fills while ior is restricted (ior falling behind on fewer
// CPUs) lifts the restriction for a while: a lost record costs more than a
// slower host.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "base/thread_affinity.hpp"
#include "trace/ring_levels.hpp"

namespace ior::trace {

struct CpuPlacementOptions {
  /// A CPU whose programs write this many bytes a second (about 70 000
  /// syscalls of 120-byte paired records, where ior's threads need a few
  /// percent of a CPU), and a quarter of the busiest CPU's, is hot; it
  /// cools below half of that.
  std::uint64_t hot_bytes_per_s = std::uint64_t{8} << 20;
  /// How often the rates are looked at.
  std::chrono::nanoseconds interval = std::chrono::milliseconds(200);
  /// A share of a ring still unread after a poll, or of a sink's queue
  /// bound (0..1), that means ior is behind (a ring over half makes the
  /// programs force wake-ups; a full queue drops rows) ...
  double backlog_share = 0.5;
  /// ... and how long ior then runs on all its CPUs.
  std::chrono::nanoseconds hold_after_backlog = std::chrono::seconds(10);
};

/// Which of `allowed` ior's threads should use, given each CPU's rate of
/// bytes written (bytes/s, indexed by CPU). `hot` keeps each CPU's state
/// between calls (the hysteresis); it is resized to allowed's size.
CpuMask choose_cpus(const CpuMask& allowed, std::span<const double> rates, std::vector<bool>& hot,
                    std::uint64_t hot_bytes_per_s);

class CpuPlacement {
 public:
  /// apply: moves ior's threads to a mask (set_threads_affinity); false
  /// when no thread took it (the placement then stays as it was, and the
  /// next look at the rates tries again).
  CpuPlacement(CpuMask allowed, std::function<bool(const CpuMask&)> apply, CpuPlacementOptions options = {});

  /// After every poll: a ring, or a sink's queue (queue_share: the fullest
  /// one's share of its bound), over the backlog share puts the threads back
  /// on every allowed CPU at once (between two looks at the rates, a ring
  /// read too slowly could fill); the rates are looked at once an interval.
  void observe(std::uint64_t now_ns, const RingLevels& levels, double queue_share = 0);

  /// From any thread (-metrics reads these while ior traces).
  bool restricted() const { return restricted_.load(std::memory_order_relaxed); }
  /// Nanoseconds spent with ior's threads kept off some allowed CPUs.
  std::uint64_t restricted_ns() const { return restricted_ns_.load(std::memory_order_relaxed); }
  /// Times the restriction was lifted because ior fell behind.
  std::uint64_t backlog_releases() const { return backlog_releases_.load(std::memory_order_relaxed); }

 private:
  void move_to(const CpuMask& mask);
  void add_restricted(std::uint64_t ns);

  CpuMask allowed_;
  std::function<bool(const CpuMask&)> apply_;
  CpuPlacementOptions options_;
  CpuMask current_;
  std::vector<bool> hot_;
  std::vector<std::uint64_t> last_written_;
  std::vector<double> rates_;
  std::uint64_t last_ns_ = 0;
  std::uint64_t hold_until_ns_ = 0;
  // Written by the caller of observe() only; atomic for readers elsewhere.
  std::atomic<bool> restricted_{false};
  std::atomic<std::uint64_t> restricted_ns_{0};
  std::atomic<std::uint64_t> backlog_releases_{0};
};

}  // namespace ior::trace
