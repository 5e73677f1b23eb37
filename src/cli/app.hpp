#pragma once
// Wires one trace run: tracer -> ring reader thread -> pipeline -> sinks,
// waits for -duration or a stop signal, then stops in order (detach, drain,
// flush, close sinks) and prints the summary.

#include "cli/options.hpp"

namespace ior::cli {

/// Runs a trace; returns the exit status (0 ok, 1 a sink failed). Throws ior::Error.
int run_trace(const Options& options);

}  // namespace ior::cli
