#pragma once
// ior's counters as Prometheus metric families (-metrics). They are read
// from what the end-of-run summary's account is made of (SummaryInput:
// the kernel's counters, PipelineStats, each sink's report and queue), so
// the endpoint and the summary cannot disagree; the ClickHouse writer's
// state (connections, memory, spool, last error) is read live beside them.

#include <optional>
#include <string>
#include <vector>

#include "cli/summary.hpp"
#include "clickhouse/writer/stream_writer.hpp"
#include "metrics/exposition.hpp"
#include "sink/sink_runner.hpp"

namespace ior::cli {

/// The ClickHouse sink's writer now, and its limits.
struct ClickHouseState {
  clickhouse::writer::WriterStats stats;
  std::uint64_t memory_limit_bytes = 0;
  std::uint64_t spool_limit_bytes = 0;  ///< 0: no spool
  std::uint64_t senders = 0;
};

struct MetricsInput {
  const SummaryInput* summary = nullptr;  ///< identity, counters, stats, sinks (reports)
  std::vector<sink::SinkQueueState> queues;  ///< per sink, in the order of summary->sinks
  std::optional<ClickHouseState> clickhouse;
  double uptime_s = 0;
  std::string version;
};

std::vector<metrics::Family> metric_families(const MetricsInput& in);

}  // namespace ior::cli
