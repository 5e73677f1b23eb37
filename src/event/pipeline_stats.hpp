#pragma once
// What the pipeline received, dropped and emitted. Written by the feeding
// thread only; read by the status line and the summary.

#include <array>

#include "base/counter.hpp"
#include "ior_event.h"

namespace ior::event {

struct PipelineStats {
  Counter records;              ///< ring-buffer records fed
  Counter decode_short;         ///< record shorter than its kind's struct (or its strings)
  Counter decode_unknown_kind;  ///< record of unknown kind
  Counter decode_bad_syscall;   ///< syscall id out of range
  Counter enters;               ///< enter records decoded
  Counter exits;                ///< exit records decoded
  Counter task_events;          ///< fork / exit / exec records
  Counter exit_without_enter;   ///< exit with no pending enter on its thread (mismatch)
  Counter exit_enter_unseen;    ///< exit whose enter tracepoint never ran, its arguments from the registers (a row)
  Counter exit_mismatch;        ///< exit whose syscall differs from the pending enter (mismatch)
  Counter enter_replaced;       ///< an enter whose exit never came before the next enter (mismatch)
  Counter enter_thread_gone;    ///< pending enter discarded: its thread exited
  Counter enter_unfinished;     ///< pending enter still open at the end of the run
  Counter enter_forgotten;      ///< pending enter discarded to stay within the per-thread bounds
  Counter enter_failed;         ///< an enter that could not be kept (out of memory)
  Counter rows_failed;          ///< a paired syscall whose row could not be built (out of memory)
  Counter rows;                 ///< paired syscalls (before filters)
  Counter rows_names_only;      ///< filtered out: traced for the fd table or cwd, not selected by -tps
  Counter rows_not_failed;      ///< filtered out: succeeded, with -errors
  Counter rows_too_fast;        ///< filtered out: faster than -min-duration
  Counter rows_no_match;        ///< filtered out: no -comm / -path match
  Counter rows_emitted;         ///< rows passed to the consumer
  Counter fd_from_proc;         ///< fd names resolved through /proc
  Counter fd_unknown;           ///< fd names that could not be resolved
  Counter fd_proc_stale;        ///< names /proc gave after the fd was closed or reused: dropped (fd-unknown)
  Counter path_unresolved;      ///< rows with a relative name whose directory was unknown
  Counter cwd_from_proc;        ///< rows whose current directory was read from /proc
  Counter strings_at_exit;      ///< string arguments unreadable at the enter, read at the exit
  Counter fd_evicted;           ///< fd entries forgotten to stay within the fd table's bounds
  Counter threads_evicted;      ///< per-thread states forgotten to stay within their bounds
  Counter internal_errors;      ///< a record whose processing threw (e.g. out of memory)
  /// Records per syscall id and kind (enter = [0], exit = [1]): "tracepoints seen".
  std::array<std::array<Counter, 2>, IOR_SC_COUNT> per_syscall;

  /// Rows removed by a filter, each counted once under its first reason.
  std::uint64_t rows_filtered_out() const {
    return rows_names_only.get() + rows_not_failed.get() + rows_too_fast.get() + rows_no_match.get();
  }
  std::uint64_t mismatches() const {
    return exit_without_enter.get() + exit_mismatch.get() + enter_replaced.get();
  }
  /// Enter records that did not become a row (their exit was lost, never
  /// came, or did not match).
  std::uint64_t enters_unpaired() const {
    return enter_replaced.get() + enter_thread_gone.get() + enter_unfinished.get() + enter_forgotten.get();
  }
};

}  // namespace ior::event
