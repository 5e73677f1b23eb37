#pragma once
// One sink on a thread of its own, fed with row chunks through a queue
// bounded in bytes. offer() never waits: when the sink falls behind by more
// than max_queue_bytes, the chunk is not queued for this sink and its rows
// are counted as dropped (by this sink, never by the kernel). The other
// sinks, and the pipeline that drains the kernel's ring buffer, go on.
//
// Everything the sink does happens on the runner's thread: consume(),
// flush() (when asked, and at least once a second), close(). The thread
// catches everything at its root; a sink that throws where it must not is
// reported failed and its remaining rows counted, it never takes ior down.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "sink/row_chunk.hpp"
#include "sink/sink.hpp"

namespace ior::sink {

/// Live view of a runner for the status line and the -live footer (any thread).
struct SinkQueueState {
  std::string name;  ///< the report's name
  std::uint64_t rows_received = 0;
  std::uint64_t rows_dropped_queue = 0;
  std::uint64_t queued_bytes = 0;
  std::uint64_t max_queue_bytes = 0;  ///< the bound of queued_bytes (-sink-queue)
  /// Sink::counts(), with the rows a failed thread never consumed as lost;
  /// nullopt when the sink does not tell before its report.
  std::optional<SinkCounts> counts;
};

class SinkRunner {
 public:
  SinkRunner(std::unique_ptr<Sink> sink, std::size_t max_queue_bytes);
  ~SinkRunner();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  Sink& sink() { return *sink_; }

  /// Pipeline thread. Never waits, never throws.
  void offer(const SharedChunk& chunk) noexcept;
  /// The sink flushes soon (after what is queued now).
  void request_flush() noexcept;
  /// Forwards Sink::stop_requested() (any thread).
  void stop_requested() noexcept;
  /// The sink consumes what is queued, then closes; the thread ends.
  void begin_close() noexcept;
  /// As begin_close(), but the sink is abandoned (Sink::abandon) instead of
  /// closed: tracing never began.
  void begin_abandon() noexcept;
  /// Waits for the thread started by the constructor to end (after begin_close).
  void wait_closed() noexcept;
  /// Waits until the thread ended or the deadline passed; true when it ended.
  bool wait_closed_until(std::chrono::steady_clock::time_point deadline) noexcept;
  /// Interrupts a blocking system call of the sink's thread (it returns
  /// EINTR): a sink told to stop gives up a write that cannot complete, such
  /// as to a terminal paused with Ctrl-S or a pipe nobody reads.
  void interrupt() noexcept;

  SinkQueueState state() const;
  /// How much of its queue bound is taken (0..1); any thread, no lock.
  double queue_share() const {
    return max_queue_bytes_ == 0 ? 0.0
                                 : static_cast<double>(queued_bytes_.load(std::memory_order_relaxed)) /
                                       static_cast<double>(max_queue_bytes_);
  }
  /// The sink's report with the runner's counts; any thread. The sink's own
  /// part is what its report() said when its thread last asked: at the
  /// start, after every flush (at least once a second while the thread is
  /// not held in a write) and after close(), so it is complete after
  /// wait_closed(). Sinks need not make report() safe against consume().
  /// The row counts are Sink::counts() of now where the sink tells them, so
  /// the metrics endpoint and the -live footer show the same numbers.
  SinkReport report() const;

 private:
  void loop() noexcept;
  void run();
  /// The sink's thread (or the constructor): takes report() for report().
  void keep_report() noexcept;

  std::unique_ptr<Sink> sink_;
  const std::string name_;  // taken before the thread starts: report() is not thread-safe
  const std::size_t max_queue_bytes_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<SharedChunk> queue_;
  std::deque<SharedChunk> in_hand_;  // taken from queue_, being consumed (the thread's only)
  std::atomic<std::size_t> queued_bytes_{0};  // queued and being consumed; changed under mu_, read anywhere
  bool flush_requested_ = false;
  bool closing_ = false;
  bool abandoning_ = false;        // with closing_: Sink::abandon() instead of close()

  bool dead_ = false;              // the thread failed: rows are counted, not queued
  bool finished_ = false;          // the thread closed the sink and is about to end
  std::uint64_t rows_unconsumed_ = 0;  // rows the failed thread never consumed (lost)
  std::string thread_error_;       // set by the thread, under mu_
  SinkReport kept_report_;         // keep_report()'s, under mu_

  std::atomic<std::uint64_t> rows_received_{0};
  std::atomic<std::uint64_t> rows_dropped_queue_{0};

  std::thread thread_;
};

}  // namespace ior::sink
