#pragma once
// The text of the live view's footer: how the run goes (events/s, rows,
// drops, the view's keys) and every sink's state (bytes queued for it, rows
// waiting in it, spooled, lost, dropped). An operator watches the footer to
// see a sink fall behind, so no sink's state may fall off a narrow terminal:
// the parts are packed into as many lines as the width needs, a part never
// split unless it is wider than the screen (then after a comma).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sink/sink_runner.hpp"

namespace ior::live {

struct FooterRun {
  double elapsed_s = 0;
  double events_per_s = 0;
  std::uint64_t rows = 0;         ///< rows emitted to the sinks so far
  std::uint64_t drops = 0;        ///< events the kernel's ring buffer dropped
  std::uint64_t mismatches = 0;   ///< enter/exit events that did not pair
  std::size_t keys = 0;           ///< the view's tallies
  std::uint64_t keys_to_other = 0;
};

/// The footer's lines at `width` columns. The run's parts ("ior: 12s",
/// "N events/s", "N rows", "N drops", "N mismatches", "keys N") from the
/// first line on, two spaces apart; each sink's state ("NAME: 1.5KB
/// queued, N waiting, N spooled, N lost, N dropped"; waiting only when rows
/// wait, spooled and lost only from a sink that tells them) from a new
/// line on, after "sinks" when that fits. Counts are exact. A sink's state
/// wider than the line is broken after its commas, the rest indented.
std::vector<std::string> footer_lines(const FooterRun& run, const std::vector<sink::SinkQueueState>& sinks,
                                      std::size_t width);

}  // namespace ior::live
