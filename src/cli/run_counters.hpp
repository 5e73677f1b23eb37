#pragma once
// One snapshot of every stage's counters, taken by the main thread for the
// status line (once a second) and the end-of-run summary.

#include <cstdint>
#include <vector>

#include "event/pipeline_stats.hpp"
#include "sink/sink_runner.hpp"
#include "trace/tracer.hpp"

namespace ior::cli {

struct RunCounters {
  double elapsed_s = 0;
  trace::TracerCounters kernel;
  std::uint64_t records = 0;
  std::uint64_t decode_errors = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t rows = 0;
  std::uint64_t rows_emitted = 0;
  std::uint64_t sink_queue_drops = 0;   ///< rows sinks dropped because they fell behind
  std::uint64_t sink_queued_bytes = 0;  ///< rows waiting for sinks now
};

RunCounters snapshot(double elapsed_s, const trace::TracerCounters& kernel,
                     const event::PipelineStats& stats,
                     const std::vector<sink::SinkQueueState>& sinks);

}  // namespace ior::cli
