#pragma once
// Hands every row to every configured sink without ever waiting for one.
//
// The pipeline thread packs rows into a chunk (consume()); publish() shares
// the chunk with every sink's SinkRunner (once per ring-buffer poll, and
// whenever the chunk is full). Each sink consumes on its own thread, so a
// sink that stalls (a server away, a slow disk or terminal) fills only its
// own bounded queue and then drops, counted, while the pipeline and the
// other sinks go on. Memory: chunks are shared, so the rows in transit take
// at most about the largest sink's queue bound plus one chunk.

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "base/counter.hpp"
#include "sink/row_chunk.hpp"
#include "sink/sink.hpp"
#include "sink/sink_runner.hpp"

namespace ior::sink {

struct FanOutOptions {
  std::size_t chunk_bytes = 1u << 20;         ///< a chunk is published when this full
  std::size_t queue_bytes_per_sink = 32u << 20;  ///< -sink-queue: rows waiting for one sink
  /// At close, a sink still busy after this is told to stop waiting
  /// (Sink::stop_requested) and interrupted (blocking writes return EINTR)
  /// until it ends: a stalled terminal or server cannot hold ior.
  std::chrono::milliseconds close_grace{3000};
};

class FanOut {
 public:
  explicit FanOut(FanOutOptions options = {});
  ~FanOut();
  FanOut(const FanOut&) = delete;
  FanOut& operator=(const FanOut&) = delete;

  /// Starts the sink's thread. Returns the sink (owned by the fan-out).
  /// queue_bytes: this sink's backlog bound (0: the options' default).
  Sink& add(std::unique_ptr<Sink> sink, std::size_t queue_bytes = 0);
  bool empty() const { return runners_.empty(); }

  /// Pipeline thread: one row (copied). Never waits, never throws.
  void consume(const schema::EventRow& row) noexcept;
  /// Pipeline thread: hands the rows consumed so far to the sinks.
  void publish() noexcept;
  /// Pipeline thread: publish(), and every sink flushes soon.
  void flush() noexcept;
  /// Any thread: the run is ending; sinks that may wait stop waiting.
  void stop_requested() noexcept;
  /// Publishes the last rows; every sink consumes its queue and closes (in
  /// parallel); returns when all are closed. A sink still busy after
  /// close_grace is told to stop and interrupted until it gives up (what it
  /// could not take is counted by it). Idempotent.
  void close() noexcept;

  /// Tracing never began (a signal or a failure during setup): every sink
  /// is abandoned (Sink::abandon) instead of closed, so no output file
  /// replaces or takes a name. Idempotent; nothing once closed.
  void abandon() noexcept;

  /// Per sink, in the order added; complete after close().
  std::vector<SinkReport> reports() const;
  std::vector<SinkQueueState> queue_states() const;
  /// The largest share of a sink's queue bound taken (0..1), no lock: how
  /// far the sink furthest behind is (trace/cpu_placement.hpp).
  double fullest_queue() const;
  /// Rows the pipeline offered that could not even be packed (out of memory).
  std::uint64_t rows_unpacked() const { return rows_unpacked_.get(); }

 private:
  FanOutOptions options_;
  std::shared_ptr<ChunkPool> pool_;
  std::unique_ptr<RowChunk> current_;
  std::vector<std::unique_ptr<SinkRunner>> runners_;
  Counter rows_unpacked_;  // pipeline thread; read by the metrics endpoint too
  bool closed_ = false;
};

}  // namespace ior::sink
