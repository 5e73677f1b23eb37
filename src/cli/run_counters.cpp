#include "cli/run_counters.hpp"

namespace ior::cli {

RunCounters snapshot(double elapsed_s, const trace::TracerCounters& kernel,
                     const event::PipelineStats& stats,
                     const std::vector<sink::SinkQueueState>& sinks) {
  RunCounters c;
  c.elapsed_s = elapsed_s;
  c.kernel = kernel;
  c.records = stats.records.get();
  c.decode_errors =
      stats.decode_short.get() + stats.decode_unknown_kind.get() + stats.decode_bad_syscall.get();
  c.mismatches = stats.mismatches();
  c.rows = stats.rows.get();
  c.rows_emitted = stats.rows_emitted.get();
  for (const auto& s : sinks) {
    c.sink_queue_drops += s.rows_dropped_queue;
    c.sink_queued_bytes += s.queued_bytes;
  }
  return c;
}

}  // namespace ior::cli
