#include "cli/sink_factory.hpp"

#include <unistd.h>

#include "sink/console_sink.hpp"

namespace ior::cli {

void add_sinks(const Options& o, const RunIdentity& identity, sink::FanOut& sinks) {
  (void)identity;
  if (sinks.empty() || o.console) {
    sinks.add(std::make_unique<sink::ConsoleSink>(STDOUT_FILENO));
  }
}

}  // namespace ior::cli
