#pragma once
// Rows formatted as text into one buffer and written out together (the
// console and JSON lines outputs): a row counts as written only once the
// write that carried it succeeded, and as lost when it failed. written and
// lost are read by the -live footer from another thread (Sink::counts()).

#include <cstdint>
#include <string>

#include "base/counter.hpp"
#include "sink/sink.hpp"

namespace ior::sink {

struct BufferedRows {
  std::string text;
  std::uint64_t pending = 0;  ///< rows in text, not written yet
  Counter written;
  Counter lost;

  /// The write of text is over (ok or failed): its rows are counted and
  /// the buffer is emptied for the next ones.
  void settle(bool ok) noexcept {
    (ok ? written : lost).add(pending);
    pending = 0;
    text.clear();
  }

  /// Rows written so far become lost (the output as a whole failed).
  void lose_written() noexcept {
    lost.add(written.get());
    written.set(0);
  }

  SinkCounts counts() const noexcept { return SinkCounts{.rows_written = written.get(), .rows_lost = lost.get()}; }
};

}  // namespace ior::sink
