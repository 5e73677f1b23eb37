#pragma once
// Turns raw ring-buffer records into canonical rows:
//   decode (size/kind checks) -> pair enter/exit per thread -> fd table per
//   process (+ /proc fallback) -> filters -> EventRow -> RowConsumer.
// Single-threaded: feed() is called by the ring-buffer reader thread; stats()
// may be read from any thread.

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "event/cgroup_names.hpp"
#include "event/fd_table.hpp"
#include "event/pipeline_stats.hpp"
#include "event/row_filter.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

/// Receives every row that passes the filters, on the feeding thread. Must
/// not throw: the pipeline applies the row's fd effects whatever happens.
class RowConsumer {
 public:
  virtual ~RowConsumer() = default;
  virtual void on_row(const schema::EventRow& row) noexcept = 0;
};

struct PipelineOptions {
  std::string hostname;                ///< hostname column
  schema::Uuid collection_id{};        ///< collection_id column
  std::int64_t wall_offset_ns = 0;     ///< CLOCK_REALTIME - CLOCK_MONOTONIC at start
  std::string proc_root = "/proc";     ///< for the fd fallback (tests point it elsewhere)
  RowFilterOptions filters;            ///< -comm, -path, -errors, -min-duration, -container
  CgroupNamesOptions cgroups;          ///< where cgroup paths are looked up, and the cache's bounds
  /// Syscalls traced only for their effect on the fd table and cwd (chdir and
  /// fchdir when -tps does not select them): their rows count as filtered out.
  std::bitset<IOR_SC_COUNT> no_rows_of;
  /// An enter older than this whose thread no longer exists is discarded
  /// (counted) by sweep(); covers lost thread-exit records.
  std::uint64_t stale_enter_ns = 30'000'000'000ull;
  FdTableLimits fd_limits;
  /// Per-thread states (pairing, duration_to_prev) kept at most; past it the
  /// states of threads without a pending enter go first, then the oldest.
  std::size_t max_threads = 1u << 16;
  /// Heap bytes of the pending enters' strings (paths up to -strMax each)
  /// kept at most; past it the oldest pending enters are forgotten.
  std::size_t max_pending_string_bytes = std::size_t{32} << 20;
};

/// What the pipeline's own tables hold (feeding thread only).
struct PipelineMemory {
  std::size_t fd_processes = 0;
  std::size_t fd_entries = 0;
  std::size_t fd_names = 0;         ///< distinct names (shared by dups and forks)
  std::size_t fd_thread_cwds = 0;   ///< threads with a cwd of their own
  std::size_t fd_bytes = 0;         ///< estimated; bounded by fd_limits.max_bytes
  std::size_t threads = 0;
  std::size_t thread_string_bytes = 0;  ///< bounded by max_pending_string_bytes
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, RowConsumer& consumer);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// One ring-buffer record. Never throws on bad input: counts and skips it.
  void feed(std::span<const std::byte> record) noexcept;
  /// Discards pending enters of threads that are gone (counted). now_mono_ns: CLOCK_MONOTONIC.
  void sweep(std::uint64_t now_mono_ns);
  /// A process ior started and holds before its exec (the command after
  /// --): its current directory and open fds are read from /proc now, while
  /// it cannot exit, rather than at its first relative name or inherited fd,
  /// when a short command is already gone. Before the first feed().
  void learn_process(std::uint32_t pid);
  /// Without a target, at the start: every running process with a thread
  /// whose cwd is its own (unshare(CLONE_FS) before tracing) has its cwds
  /// read now. Read lazily at the thread's first row, a thread already
  /// gone by then had its relative names joined to the process's cwd.
  /// One readlink per thread of each process with several. Before the
  /// first feed().
  void learn_own_thread_cwds_of_running();
  /// Every record keyed up to t (CLOCK_MONOTONIC ns) has been fed: rows
  /// waiting for the check of a /proc name may go on
  /// (event/proc_name_check.hpp).
  void handled_up_to(std::uint64_t t) noexcept;
  /// End of run: pending enters are counted as unfinished; rows still
  /// waiting go on.
  void finish();
  const PipelineStats& stats() const;
  /// Sizes of the fd table and the per-thread states; feeding thread only.
  PipelineMemory memory() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ior::event
