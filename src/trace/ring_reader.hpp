#pragma once
// The ring-buffer reader thread. It polls the tracer (records are submitted
// without wake-ups, so a 10 ms poll timeout is the drain interval), hands
// every record to the handler, tells it when a poll's records are done
// (on_batch_end), and calls on_tick about once a second on the same thread,
// so single-threaded consumers can sweep and flush there. Nothing on this
// thread may wait for an output: the kernel drops records while it does.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "trace/tracer.hpp"

namespace ior::trace {

class RingReader {
 public:
  RingReader(Tracer& tracer, RecordHandler& handler, std::function<void()> on_tick,
             int poll_ms = 10);
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  /// Called on the reader's thread after every poll, before start().
  void set_after_poll(std::function<void()> f) { after_poll_ = std::move(f); }
  void start();
  /// Stops polling, detaches the programs, drains what is left in the ring,
  /// calls on_tick a last time. Idempotent. Rethrows a reader-thread error.
  void stop();

 private:
  void loop() noexcept;

  Tracer& tracer_;
  RecordHandler& handler_;
  std::function<void()> on_tick_;
  std::function<void()> after_poll_;
  int poll_ms_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool stopped_ = false;
  std::string error_;  // set by the thread, read after join
};

}  // namespace ior::trace
