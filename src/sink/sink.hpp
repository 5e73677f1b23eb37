#pragma once
// Where rows go. Every output (console, Parquet, ClickHouse, flame graph)
// implements Sink; FanOut hands each row to all of them.
//
// Call order: consume()* -> flush()? -> close(). consume() and flush() are
// called on the pipeline thread; close() once, at the end of the run (normal
// end, -duration, SIGINT/SIGTERM), and must leave the output complete (a
// valid Parquet footer, every row sent or spooled). Destructors never throw.

#include <cstdint>
#include <string>
#include <vector>

#include "schema/event_row.hpp"

namespace ior::sink {

/// What a sink did with the rows it was given, for the end-of-run summary.
struct SinkReport {
  std::string name;              ///< "console", "parquet", ...
  std::uint64_t rows_written = 0;
  std::uint64_t rows_lost = 0;   ///< accepted but not written (I/O errors, full disk, ...)
  std::vector<std::string> lines;///< extra lines for the summary (file names, errors)
  bool failed = false;           ///< a fatal error occurred: the run exits non-zero
};

class Sink {
 public:
  virtual ~Sink() = default;
  /// One row; string views are valid only during the call. Does not throw:
  /// a sink that cannot write counts the row as lost and reports failed.
  virtual void consume(const schema::EventRow& row) = 0;
  /// Called about once a second with no rows pending upstream.
  virtual void flush() {}
  /// The run is ending (signal, -duration): called from another thread than
  /// consume(), before the pipeline stops, so a sink whose consume() may wait
  /// (the ClickHouse sink with -ch-on-full block) stops waiting. Thread-safe.
  virtual void stop_requested() noexcept {}
  /// Finishes the output. Must not throw: records failures in the report.
  virtual void close() noexcept = 0;
  virtual SinkReport report() const = 0;
};

}  // namespace ior::sink
