#include "sink/sink_runner.hpp"

#include <pthread.h>
#include <signal.h>

#include <exception>

#include "base/alt_signal_stack.hpp"
#include "base/thread_priority.hpp"

namespace ior::sink {

using Clock = std::chrono::steady_clock;

namespace {

// SIGURG is sent only to processes that asked for it (F_SETOWN on a
// socket); ior does not, so it is free to mean "stop waiting" here.
constexpr int kInterruptSignal = SIGURG;

void on_interrupt(int) {}

void install_interrupt_handler() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the blocked call returns EINTR
    sigaction(kInterruptSignal, &sa, nullptr);
    return true;
  }();
  (void)installed;
}

}  // namespace

SinkRunner::SinkRunner(std::unique_ptr<Sink> sink, std::size_t max_queue_bytes)
    : sink_(std::move(sink)), name_(sink_->report().name), max_queue_bytes_(max_queue_bytes) {
  install_interrupt_handler();
  sink_->watch_backlog(Backlog{&queued_bytes_, max_queue_bytes_});
  keep_report();
  thread_ = std::thread([this] { loop(); });
}

SinkRunner::~SinkRunner() {
  begin_close();
  wait_closed();
}

void SinkRunner::offer(const SharedChunk& chunk) noexcept {
  const std::uint32_t rows = chunk->rows();
  rows_received_.fetch_add(rows, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  if (dead_) {
    rows_unconsumed_ += rows;
    return;
  }
  // An empty queue takes any chunk, so a chunk larger than the bound is
  // not dropped for ever.
  const std::size_t queued = queued_bytes_.load(std::memory_order_relaxed);
  if (queued != 0 && queued + chunk->bytes() > max_queue_bytes_) {
    rows_dropped_queue_.fetch_add(rows, std::memory_order_relaxed);
    return;
  }
  try {
    queue_.push_back(chunk);
  } catch (...) {
    rows_dropped_queue_.fetch_add(rows, std::memory_order_relaxed);
    return;
  }
  const bool was_idle = queued_bytes_.load(std::memory_order_relaxed) == 0;
  queued_bytes_.fetch_add(chunk->bytes(), std::memory_order_relaxed);
  if (was_idle) wake_.notify_one();
}

void SinkRunner::request_flush() noexcept {
  std::lock_guard lock(mu_);
  flush_requested_ = true;
  wake_.notify_one();
}

void SinkRunner::stop_requested() noexcept { sink_->stop_requested(); }

void SinkRunner::begin_close() noexcept {
  std::lock_guard lock(mu_);
  closing_ = true;
  wake_.notify_one();
}

void SinkRunner::begin_abandon() noexcept {
  std::lock_guard lock(mu_);
  abandoning_ = true;
  closing_ = true;
  wake_.notify_one();
}

void SinkRunner::wait_closed() noexcept {
  if (thread_.joinable()) thread_.join();
}

bool SinkRunner::wait_closed_until(Clock::time_point deadline) noexcept {
  {
    std::unique_lock lock(mu_);
    if (!wake_.wait_until(lock, deadline, [this] { return finished_; })) return false;
  }
  wait_closed();
  return true;
}

void SinkRunner::interrupt() noexcept {
  std::lock_guard lock(mu_);
  if (!finished_ && thread_.joinable()) pthread_kill(thread_.native_handle(), kInterruptSignal);
}

void SinkRunner::run() {
  auto last_flush = Clock::now();
  std::deque<SharedChunk>& work = in_hand_;
  for (;;) {
    bool flush = false, closing = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::seconds(1),
                     [this] { return !queue_.empty() || flush_requested_ || closing_; });
      work.swap(queue_);
      flush = flush_requested_;
      flush_requested_ = false;
      closing = closing_;
    }
    while (!work.empty()) {
      const SharedChunk& chunk = work.front();
      chunk->for_each_row([this](const schema::EventRow& row, const schema::RowRepeats& repeats) {
        sink_->consume_in_batch(row, repeats);
      });
      const std::size_t bytes = chunk->bytes();
      work.pop_front();  // back to the pool once every sink is done with it
      std::lock_guard lock(mu_);
      queued_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    }
    const auto now = Clock::now();
    if (flush || now - last_flush >= std::chrono::seconds(1)) {
      sink_->flush();
      keep_report();
      last_flush = now;
    }
    if (closing) {
      std::lock_guard lock(mu_);
      if (queue_.empty()) break;
    }
  }
}

void SinkRunner::loop() noexcept {
  const AltSignalStack alt_stack;  // crash handlers run even when the sink overflows its stack
  yield_to_the_ring_reader();
  std::string error;
  try {
    run();
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown error";
  }
  if (!error.empty()) {
    std::lock_guard lock(mu_);  // report() reads it from other threads
    thread_error_ = std::move(error);
    dead_ = true;
    for (const auto& c : in_hand_) rows_unconsumed_ += c->rows();
    for (const auto& c : queue_) rows_unconsumed_ += c->rows();
    in_hand_.clear();
    queue_.clear();
    queued_bytes_.store(0, std::memory_order_relaxed);
  }
  bool abandon = false;
  {
    std::lock_guard lock(mu_);
    abandon = abandoning_;
  }
  if (abandon) {
    sink_->abandon();
  } else {
    sink_->close();
  }
  keep_report();
  std::lock_guard lock(mu_);
  finished_ = true;
  wake_.notify_all();
}

SinkQueueState SinkRunner::state() const {
  SinkQueueState s;
  s.name = name_;
  s.rows_received = rows_received_.load(std::memory_order_relaxed);
  s.rows_dropped_queue = rows_dropped_queue_.load(std::memory_order_relaxed);
  s.counts = sink_->counts();
  std::lock_guard lock(mu_);
  s.queued_bytes = queued_bytes_.load(std::memory_order_relaxed);
  s.max_queue_bytes = max_queue_bytes_;
  if (s.counts) s.counts->rows_lost += rows_unconsumed_;  // as report() counts them
  return s;
}

void SinkRunner::keep_report() noexcept {
  try {
    SinkReport r = sink_->report();
    std::lock_guard lock(mu_);
    kept_report_ = std::move(r);
  } catch (...) {
    // Out of memory: the previous report stays until the next try.
  }
}

SinkReport SinkRunner::report() const {
  std::lock_guard lock(mu_);
  SinkReport r = kept_report_;
  if (auto c = sink_->counts()) {
    // Newer than the kept report while the sink's thread is held in a write.
    r.rows_written = c->rows_written;
    r.rows_spooled = c->rows_spooled;
    r.rows_dropped = c->rows_dropped;
    r.rows_lost = c->rows_lost;
  }
  r.rows_received = rows_received_.load(std::memory_order_relaxed);
  r.rows_dropped_queue = rows_dropped_queue_.load(std::memory_order_relaxed);
  r.rows_lost += rows_unconsumed_;
  if (!thread_error_.empty()) {
    r.failed = true;
    r.lines.push_back(r.name + ": its thread failed (" + thread_error_ + "); its later rows are counted as lost");
  }
  return r;
}

}  // namespace ior::sink
