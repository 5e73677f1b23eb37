#pragma once
// `ior flamegraph [-o out.svg] [--title T] < folded.txt`: renders any folded
// input (e.g. a ClickHouse query over ior_events) as an SVG flame graph.

namespace ior::cli {

/// argv[1] is "flamegraph". Returns the exit status; throws ior::Error.
int run_flamegraph_command(int argc, const char* const* argv);

}  // namespace ior::cli
