#pragma once
// Rows formatted as text into one buffer and written out together (the
// console and JSON lines outputs), one line each: a row counts as written
// once the bytes of its whole line are out, and as lost when the write that
// carried it failed before its line's end. written and lost are read by
// the -live footer from another thread (Sink::counts()).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/counter.hpp"
#include "sink/sink.hpp"

namespace ior::sink {

struct BufferedRows {
  std::string text;
  std::uint64_t pending = 0;   ///< rows in text, not written yet
  std::size_t rows_from = 0;   ///< bytes of text before its first row (a header line)
  Counter written;
  Counter lost;

  /// The rows whose lines end within the first `out` bytes of text.
  std::uint64_t rows_within(std::size_t out) const noexcept {
    const std::size_t end = std::min(out, text.size());
    if (end <= rows_from) return 0;
    const auto n = static_cast<std::uint64_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(rows_from),
                                                         text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    return std::min(n, pending);
  }

  /// The write of text is over: all of it went out (ok), or the first
  /// `out` bytes did. Its rows are counted and the buffer is emptied for
  /// the next ones.
  void settle(bool ok, std::size_t out = 0) noexcept {
    const std::uint64_t done = ok ? pending : rows_within(out);
    written.add(done);
    lost.add(pending - done);
    pending = 0;
    rows_from = 0;
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
