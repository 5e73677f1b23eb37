#pragma once
// The end-of-run statistics block: what every stage received, dropped and
// emitted, so that nothing is lost silently.

#include <optional>
#include <string>
#include <vector>

#include "cli/run_counters.hpp"
#include "cli/run_identity.hpp"
#include "event/pipeline_stats.hpp"
#include "sink/sink.hpp"
#include "sink/top_stats.hpp"

namespace ior::cli {

struct SummaryInput {
  const RunIdentity* identity = nullptr;
  RunCounters counters;
  const event::PipelineStats* stats = nullptr;
  std::size_t attached_syscalls = 0;
  std::vector<std::string> skipped_syscalls;
  std::vector<sink::SinkReport> sinks;
  std::uint64_t rows_not_packed = 0;  ///< rows the fan-out could not copy (out of memory)
  std::uint64_t peak_rss_bytes = 0;   ///< ior's own peak resident memory
  /// Seconds the outputs took to finish after tracing ended (a server that
  /// does not answer is waited for up to -ch-drain-timeout); counters.elapsed_s
  /// is the tracing time alone, so rates are per second traced.
  double finish_s = 0;
  /// -avoid-traced-cpus: seconds ior's threads ran off the CPUs it traced
  /// most, and how often ior falling behind put them back on all; off: < 0.
  double off_traced_cpus_s = -1;
  bool off_traced_cpus_now = false;
  std::uint64_t placement_releases = 0;
};

std::string format_summary(const SummaryInput& in);

/// The account of every row: one line per stage, each of the form
/// "label  N = term a + term b ...", where N equals the sum of the terms
/// (parenthesised details are breakdowns, not terms).
std::string format_account(const SummaryInput& in);

/// The one line that says rows were lost, or nothing when every syscall
/// that reached ior was stored by every output (spooled counts as stored):
/// records lost in the ring buffer, undecodable or not built, enters not
/// kept, rows not copied, and per output rows its queue, the output itself
/// or a failure dropped. Any of them makes the run exit 1.
std::optional<std::string> rows_lost_line(const SummaryInput& in);

/// The "top" tables: syscalls by count and by total time (with p50/p90/p99),
/// files and processes by total time; top_n rows each, aligned.
std::string format_top_tables(const sink::TopStats& stats, std::size_t top_n = 10);
/// A note under the tables when the rows they count fell short of the run's
/// (the "summary" sink's queue dropped under a load ior could not keep up
/// with); "" otherwise.
std::string top_tables_shortfall(const std::vector<sink::SinkReport>& sinks);

}  // namespace ior::cli
