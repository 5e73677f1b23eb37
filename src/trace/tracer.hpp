#pragma once
// Loads the BPF programs and reads their ring buffers (one per CPU, merged
// into one stream: trace/cpu_rings, trace/ring_merge).
//
// Call order (libbpf's split lifecycle): the constructor opens the skeleton,
// writes the const-volatile configuration (cfg_*), loads, fills the
// syscall_specs map with the selected syscalls that exist on this
// architecture and maps the ring buffers; nothing is traced yet. attach()
// then attaches the programs (separate, so that whatever may fail or take
// long after a successful load, like creating outputs and preparing a
// ClickHouse schema, happens before the kernel side costs anything).
// poll()/drain() hand raw records to a RecordHandler; detach() stops the
// kernel side, after which drain() empties what is left. The destructor
// detaches and frees.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/ring_levels.hpp"

namespace ior::trace {

struct TracerOptions {
  std::uint32_t self_pid = 0;                 ///< always excluded in-kernel (the tool itself)
  std::uint32_t pid = 0;                      ///< -pid: only this process (0: all)
  std::uint32_t tid = 0;                      ///< -tid: only this thread (0: all)
  /// -follow: pid and, from their fork on, its children (a map of followed
  /// processes in the kernel; follow()/followed_count()).
  bool follow = false;
  /// -follow: processes followed at once at most (0: IOR_MAX_FOLLOWED); past
  /// it a new child is not traced, counted (TracerCounters::follow_full).
  std::uint32_t max_followed = 0;
  std::vector<std::uint32_t> uids;            ///< -uid: only these real user ids (empty: all)
  int cgroup_fd = -1;                         ///< -cgroup: only tasks under this cgroup v2 directory (-1: all)
  std::uint64_t ring_bytes = 16u << 20;       ///< -mapSize: shared by the CPUs' rings (Tracer's ring_share)
  std::uint32_t str_max = 4095;               ///< -strMax: bytes copied per string (1..4095)
  /// Measurements only: wake the reader per record instead of polling.
  bool wakeup_each_record = false;
  /// Measurements only: where the syscall programs stop (enum ior_cost_stage;
  /// 0 = a normal run).
  std::uint32_t cost_stage = 0;
  /// Which syscalls to trace, by name ("openat"); unset = all of bpf/syscalls.def.
  std::function<bool(std::string_view syscall)> select;
  /// Receives one message per skipped syscall (missing on this architecture).
  std::function<void(const std::string&)> warn;
};

/// Kernel-side counters summed over CPUs.
struct TracerCounters {
  std::uint64_t drop_enter = 0;  ///< ring buffer full: enter records lost
  std::uint64_t drop_exit = 0;   ///< ring buffer full: exit records lost
  std::uint64_t drop_task = 0;   ///< ring buffer full: task records lost
  std::uint64_t wakeups = 0;     ///< forced wake-ups (ring over half full)
  std::uint64_t follow_full = 0; ///< -follow: children not followed (the map was full)
  std::uint64_t drops() const { return drop_enter + drop_exit + drop_task; }
};

/// Receives raw ring-buffer records; the bytes are valid only during the call.
class RecordHandler {
 public:
  virtual ~RecordHandler() = default;
  virtual void on_record(std::span<const std::byte> record) noexcept = 0;
  /// The RingReader read what the ring held (after every poll and drain):
  /// a place to hand the records' results on in one batch. Every record
  /// keyed up to handled_to (CLOCK_MONOTONIC ns) has been handed on.
  virtual void on_batch_end(std::uint64_t handled_to) noexcept { (void)handled_to; }
};

class Tracer {
 public:
  /// Loads (does not attach). Throws ior::Error (one line naming what is
  /// missing and how to fix it).
  explicit Tracer(TracerOptions options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  const std::vector<std::string>& attached_syscalls() const;
  const std::vector<std::string>& skipped_syscalls() const;
  /// Stops or resumes recording one attached syscall, at once, in the
  /// kernel (its syscall_specs entry set to "not traced" or back): -live's
  /// switches. False when name is not attached. A call in flight when it is
  /// switched off leaves an enter without its exit (a mismatch). Never for
  /// syscalls that change the fd table or the cwd: ior would lose track.
  bool set_recording(std::string_view name, bool on);

  /// Waits up to timeout_ms for records, consumes all available; returns how many.
  std::size_t poll(RecordHandler& handler, int timeout_ms);
  /// Consumes every record currently in the rings without waiting.
  std::size_t drain(RecordHandler& handler);
  /// Every record keyed (trace/ring_merge.hpp) up to this time has been
  /// handed on by poll() or drain(); UINT64_MAX after a drain.
  std::uint64_t handled_to() const;
  /// Attaches the loaded programs: records flow from now on. Runs once.
  void attach();
  /// Detaches all programs, then sends the enters of the syscalls still
  /// running (a read blocked until now) as enter records: no new records
  /// after this returns.
  void detach();
  TracerCounters counters() const;
  /// What each CPU's programs wrote to its ring and how full the fullest
  /// ring is (trace/cpu_placement.hpp); from the reader's thread.
  void ring_levels(RingLevels& out) const;
  /// The CPUs the kernel may run programs on (one ring each).
  std::size_t ring_count() const;

  /// -follow: adds a process to the followed ones; false when it was
  /// already there (or the map is full). Throws ior::Error without -follow.
  bool follow(std::uint32_t pid);
  /// -follow: removes a process (one that exited unseen by the kernel).
  void unfollow(std::uint32_t pid);
  bool is_followed(std::uint32_t pid) const;
  /// -follow: processes followed now; read from memory shared with the
  /// kernel side, no syscall.
  std::uint64_t followed_count() const;

 private:
  void fill_syscall_specs(const TracerOptions& o);
  void fill_filters(const TracerOptions& o);
  void flush_pending();

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ior::trace
