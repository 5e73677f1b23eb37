#pragma once
// -live: the main thread runs the full-screen view instead of the status
// line, until q, a stop signal, or -duration when it was given. The view's
// sink is one more sink (live/live_sink.hpp); the terminal is restored on
// every way out (live/ui/live_ui.hpp).

#include <chrono>

#include "cli/options.hpp"
#include "cli/stop_signals.hpp"
#include "cli/target_watch.hpp"
#include "event/pipeline.hpp"
#include "live/live_model.hpp"
#include "live/live_sink.hpp"
#include "sink/fan_out.hpp"
#include "trace/tracer.hpp"

namespace ior::cli {

/// Throws UsageError naming the reason when -live cannot run here (no
/// terminal on standard input/output, TERM unknown); nothing without -live.
void check_live_terminal(const Options& o);

/// The flame graph's frames and value from -fields and -count (the frames the
/// live tallies keep: pid, comm, tracepoint, path).
live::FlameSpec live_flame_spec(const Options& o);

struct LiveRunEnd {
  int sig = 0;                  ///< the stop signal, or 0
  bool targets_exited = false;  ///< the traced command or -pid ended (the view stayed until q)
};

LiveRunEnd run_live_view(const Options& o, StopSignals& signals, trace::Tracer& tracer, TargetWatch* watch,
                         const event::Pipeline& pipeline, const sink::FanOut& sinks, live::LiveSink& sink,
                         std::chrono::steady_clock::time_point start);

}  // namespace ior::cli
