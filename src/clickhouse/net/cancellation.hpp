#pragma once
// A one-way switch that makes network waits end at once: an eventfd that
// every socket wait polls next to its socket. cancel() is safe from any
// thread and from a signal handler (one write); once cancelled it stays so,
// and every wait of every connection sharing it throws Cancelled.

#include <atomic>

#include "base/error.hpp"

namespace ior::clickhouse::net {

/// What a wait, read or write throws once its Cancellation is set.
class Cancelled : public Error {
 public:
  using Error::Error;
};

class Cancellation {
 public:
  Cancellation();
  ~Cancellation();
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  /// Ends every current and future wait; idempotent, async-signal-safe.
  void cancel() noexcept;
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
  /// Readable (POLLIN) once cancelled, for poll() next to a socket.
  int fd() const noexcept { return fd_; }

 private:
  int fd_ = -1;
  std::atomic<bool> cancelled_{false};
};

}  // namespace ior::clickhouse::net
