#pragma once
// Builds the sinks the command line asks for.

#include <cstdint>
#include <string>

#include "cli/options.hpp"
#include "cli/run_identity.hpp"
#include "sink/fan_out.hpp"

namespace ior::cli {

/// -parquet-rotate: rows ("1000000") or a duration ("60s", "5m", "1h").
struct ParquetRotation {
  std::uint64_t rows = 0;
  std::uint64_t ms = 0;
};
ParquetRotation parse_parquet_rotate(const std::string& text);

/// Checks the sinks' flags without creating anything (usage errors, exit 2,
/// before the BPF programs load). Throws UsageError.
void validate_sink_flags(const Options& o);

/// Adds every requested sink; the console sink when no other sink is on or
/// with -console.
void add_sinks(const Options& o, const RunIdentity& identity, sink::FanOut& sinks);

}  // namespace ior::cli
