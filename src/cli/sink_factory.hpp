#pragma once
// Builds the sinks the command line asks for, in two steps: plan_sinks()
// parses and checks every sink flag once into the sinks' option structs
// (usage errors before anything is loaded, created or connected), then
// add_sinks() creates the sinks from that plan.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "cli/run_identity.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "flamegraph/flamegraph_sink.hpp"
#include "parquet/parquet_sink.hpp"
#include "sink/fan_out.hpp"

namespace ior::cli {

/// -parquet-rotate: rows ("1000000") or a duration ("60s", "5m", "1h").
struct ParquetRotation {
  std::uint64_t rows = 0;
  std::uint64_t ms = 0;
};
ParquetRotation parse_parquet_rotate(const std::string& text);

/// Every requested sink's options, parsed once.
struct SinkPlan {
  std::optional<parquet::ParquetSinkOptions> parquet;
  std::optional<clickhouse::ClickHouseSinkOptions> clickhouse;
  std::optional<flamegraph::FlamegraphSinkOptions> flamegraph;
  bool console = false;  ///< no other sink, or -console
  bool json_stdout = false;                  ///< -json
  std::optional<std::string> json_file;      ///< -json-file
  ExistingOutput json_existing = ExistingOutput::kRefuse;
};

/// What the ClickHouse sink's connections get from the running process.
struct ClickHouseHooks {
  /// Cancels every wait of every connection (a stop signal).
  std::shared_ptr<const clickhouse::net::Cancellation> cancel;
  /// Prints one warning line.
  std::function<void(const std::string&)> warn;
};

/// Parses and checks the sink flags (throws UsageError); reads the
/// ClickHouse password (once) and, when there is one, makes the process
/// not dumpable (cli/secrets.hpp).
SinkPlan plan_sinks(const Options& o, const RunIdentity& identity, const ClickHouseHooks& hooks);

/// The -flamegraph sink's options (also `ior report -flamegraph`): NAME, frames,
/// value, titles; throws UsageError on a bad -fields or -count.
flamegraph::FlamegraphSinkOptions flamegraph_options(const Options& o, const RunIdentity& identity);

/// The sinks add_sinks() created that others look into while they run.
struct AddedSinks {
  const clickhouse::ClickHouseSink* clickhouse = nullptr;  ///< for -metrics
};

/// Creates every sink of the plan (the ClickHouse sink connects and prepares
/// its schema here).
AddedSinks add_sinks(SinkPlan plan, sink::FanOut& sinks);

}  // namespace ior::cli
