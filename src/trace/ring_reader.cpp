#include "trace/ring_reader.hpp"

#include <chrono>

#include "base/alt_signal_stack.hpp"
#include "base/error.hpp"

namespace ior::trace {

RingReader::RingReader(Tracer& tracer, RecordHandler& handler, std::function<void()> on_tick,
                       int poll_ms)
    : tracer_(tracer), handler_(handler), on_tick_(std::move(on_tick)), poll_ms_(poll_ms) {}

RingReader::~RingReader() {
  try {
    stop();
  } catch (...) {  // destructors never throw; stop() was the place to see it
  }
}

void RingReader::start() { thread_ = std::thread([this] {
    const AltSignalStack alt_stack;  // a crash handler runs even on a stack overflow
    loop();
  }); }

void RingReader::loop() noexcept {
  try {
    auto next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!stop_.load(std::memory_order_relaxed)) {
      tracer_.poll(handler_, poll_ms_);
      handler_.on_batch_end(tracer_.handled_to());
      if (after_poll_) after_poll_();
      auto now = std::chrono::steady_clock::now();
      if (now >= next_tick) {
        if (on_tick_) on_tick_();
        next_tick = now + std::chrono::seconds(1);
      }
    }
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

void RingReader::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  tracer_.detach();
  tracer_.drain(handler_);
  handler_.on_batch_end(tracer_.handled_to());
  if (on_tick_) on_tick_();
  if (!error_.empty()) throw Error(error_);
}

}  // namespace ior::trace
