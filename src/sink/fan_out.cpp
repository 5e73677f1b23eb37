#include "sink/fan_out.hpp"

#include <algorithm>

namespace ior::sink {

FanOut::FanOut(FanOutOptions options)
    : options_(options),
      // Enough free chunks to refill every queue without allocating.
      pool_(ChunkPool::create(options.chunk_bytes,
                              options.queue_bytes_per_sink / std::max<std::size_t>(options.chunk_bytes, 1) + 4)) {}

FanOut::~FanOut() { close(); }

Sink& FanOut::add(std::unique_ptr<Sink> sink, std::size_t queue_bytes) {
  runners_.push_back(
      std::make_unique<SinkRunner>(std::move(sink), queue_bytes != 0 ? queue_bytes : options_.queue_bytes_per_sink));
  return runners_.back()->sink();
}

void FanOut::consume(const schema::EventRow& row) noexcept {
  try {
    if (!current_) current_ = pool_->take();
    current_->append(row);
  } catch (...) {
    rows_unpacked_.add();  // out of memory: counted, the pipeline goes on
    return;
  }
  if (current_->bytes() >= options_.chunk_bytes) publish();
}

void FanOut::publish() noexcept {
  if (!current_ || current_->empty()) return;
  SharedChunk chunk = pool_->share(std::move(current_));
  for (auto& r : runners_) r->offer(chunk);
}

void FanOut::flush() noexcept {
  publish();
  for (auto& r : runners_) r->request_flush();
}

void FanOut::stop_requested() noexcept {
  for (auto& r : runners_) r->stop_requested();
}

void FanOut::close() noexcept {
  if (closed_) return;
  closed_ = true;
  publish();
  for (auto& r : runners_) r->begin_close();
  const auto grace_end = std::chrono::steady_clock::now() + options_.close_grace;
  for (auto& r : runners_) {
    if (r->wait_closed_until(grace_end)) continue;
    // A sink waiting for room (the ClickHouse writer with -ch-on-full block)
    // stops waiting and counts what it cannot take; one stuck in a system
    // call gives up on EINTR; one waiting for its own deadline (the
    // ClickHouse writer's drain) is not disturbed.
    r->stop_requested();
    do {
      r->interrupt();
    } while (!r->wait_closed_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
  }
}

void FanOut::abandon() noexcept {
  if (closed_) return;
  for (auto& r : runners_) r->begin_abandon();
  close();
}

std::vector<SinkReport> FanOut::reports() const {
  std::vector<SinkReport> out;
  out.reserve(runners_.size());
  for (const auto& r : runners_) out.push_back(r->report());
  return out;
}

double FanOut::fullest_queue() const {
  double fullest = 0;
  for (const auto& r : runners_) fullest = std::max(fullest, r->queue_share());
  return fullest;
}

std::vector<SinkQueueState> FanOut::queue_states() const {
  std::vector<SinkQueueState> out;
  out.reserve(runners_.size());
  for (const auto& r : runners_) out.push_back(r->state());
  return out;
}

}  // namespace ior::sink
