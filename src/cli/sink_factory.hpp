#pragma once
// Builds the sinks the command line asks for.

#include "cli/options.hpp"
#include "cli/run_identity.hpp"
#include "sink/fan_out.hpp"

namespace ior::cli {

/// Adds every requested sink; the console sink when no other sink is on or
/// with -console.
void add_sinks(const Options& o, const RunIdentity& identity, sink::FanOut& sinks);

}  // namespace ior::cli
