#pragma once
// Where rows go. Every output (console, Parquet, ClickHouse, flame graph,
// summary tables) implements Sink; FanOut hands each row to all of them.
//
// Each sink runs on a thread of its own (SinkRunner), fed through a bounded
// queue: the pipeline thread that drains the kernel's ring buffer never
// waits for a sink, and a slow or failed sink costs only its own rows.
//
// Call order: consume()* -> flush()? -> close(), all on the sink's thread;
// close() once, at the end of the run (normal end, -duration, SIGINT or
// SIGTERM), and must leave the output complete (a valid Parquet footer,
// every row sent or spooled). Destructors never throw.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schema/event_row.hpp"
#include "schema/row_repeats.hpp"

namespace ior::sink {

/// What a sink did with the rows it was given, for the end-of-run summary.
/// Every row the pipeline emitted is accounted for exactly once:
///   rows_received = rows_dropped_queue + rows_written + rows_spooled
///                   + rows_dropped + rows_lost
/// (balanced() checks it). Rows replayed from an earlier run's spool are
/// not this run's rows and are reported beside the identity.
struct SinkReport {
  std::string name;                      ///< "console", "parquet", ...
  // Filled by the SinkRunner:
  std::uint64_t rows_received = 0;       ///< rows the pipeline handed to this sink
  std::uint64_t rows_dropped_queue = 0;  ///< not queued: the sink's queue was full
  // Filled by the sink, for rows of this run:
  std::uint64_t rows_written = 0;        ///< stored (written, acknowledged by a server)
  std::uint64_t rows_spooled = 0;        ///< on disk in a spool at the end, sent later
  std::uint64_t rows_dropped = 0;        ///< dropped by the sink (e.g. spool full)
  std::uint64_t rows_lost = 0;           ///< accepted but not written (I/O errors, full disk, ...)
  std::uint64_t rows_replayed_earlier = 0;  ///< stored from earlier runs' spool files
  std::uint64_t rows_found_stored_earlier = 0;  ///< earlier runs' spooled rows found already stored
  std::uint64_t rows_maybe_duplicated = 0;  ///< may be stored twice (0 unless an INSERT failed midway)
  std::uint64_t rows_maybe_stored = 0;  ///< of rows_dropped: sent, never answered, so perhaps stored
  std::vector<std::string> lines;        ///< extra lines for the summary (file names, errors)
  bool failed = false;                   ///< a fatal error occurred: the run exits non-zero

  std::uint64_t rows_consumed() const { return rows_written + rows_spooled + rows_dropped + rows_lost; }
  bool balanced() const { return rows_received == rows_dropped_queue + rows_consumed(); }
};

/// How far a sink's thread is behind the pipeline: the bytes queued for it
/// and the bound beyond which its runner drops rows. Read from the sink's
/// own thread; the runner updates it.
struct Backlog {
  const std::atomic<std::size_t>* queued_bytes = nullptr;
  std::size_t limit = 0;

  /// Whether the queue can absorb a pause of the sink's thread: under a
  /// quarter of its bound, a pause of a few tens of milliseconds at the
  /// highest rates cannot make the runner drop.
  bool has_room() const noexcept {
    return queued_bytes == nullptr || queued_bytes->load(std::memory_order_relaxed) < limit / 4;
  }
};

/// The counts of a SinkReport that grow while the run goes on, readable from
/// any thread: the -live footer shows them once a second. report() takes its
/// counts from the same counters, so the footer and the end-of-run account
/// agree.
struct SinkCounts {
  /// Accepted, held in the sink's memory for now (ClickHouse: batches
  /// waiting for a server); none at the end of the run.
  std::uint64_t rows_waiting = 0;
  std::uint64_t rows_written = 0;
  std::uint64_t rows_spooled = 0;
  std::uint64_t rows_dropped = 0;
  std::uint64_t rows_lost = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  /// One row; string views are valid only during the call. Never throws:
  /// a sink that cannot write counts the row (lost, dropped) and reports failed.
  virtual void consume(const schema::EventRow& row) noexcept = 0;
  /// The same row as it came in its queue's chunk, with the string columns
  /// that repeat the chunk's previous row (schema/row_repeats.hpp): a sink
  /// with dictionaries overrides this to skip their lookups.
  virtual void consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept {
    (void)repeats;
    consume(row);
  }
  /// Called about once a second: write out what is buffered.
  virtual void flush() noexcept {}
  /// The run is ending (signal, -duration): called from another thread than
  /// consume(), so a sink whose consume() may wait (the ClickHouse sink with
  /// -ch-on-full block) stops waiting. Thread-safe.
  virtual void stop_requested() noexcept {}
  /// Before the first row, from the runner: a sink that may choose to wait
  /// (for a server to free memory) waits only while backlog.has_room(), and
  /// otherwise takes its other way (the spool), so that its pauses never
  /// cost rows in the queue in front of it.
  virtual void watch_backlog(const Backlog& backlog) noexcept { (void)backlog; }
  /// Finishes the output. Must not throw: records failures in the report.
  virtual void close() noexcept = 0;
  /// Instead of close(), when the run ended before tracing began (a signal
  /// or a failure during setup): a sink writing a file removes its
  /// temporary file and leaves the final name as it was, so a run that
  /// recorded nothing never replaces (-force) or takes the name of an
  /// earlier recording. No row was consumed.
  virtual void abandon() noexcept { close(); }
  virtual SinkReport report() const = 0;
  /// Any thread, while consume() runs on the sink's. nullopt: this sink
  /// does not tell before report().
  virtual std::optional<SinkCounts> counts() const noexcept { return std::nullopt; }
};

}  // namespace ior::sink
