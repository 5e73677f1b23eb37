#pragma once
// SIGINT, SIGTERM and SIGHUP end a trace cleanly. They are blocked in every
// thread (construct this before starting any thread, so threads inherit the
// mask) and collected synchronously by the main loop with sigtimedwait():
// no async handler, so stopping can detach, drain and flush normally.
// SIGPIPE is ignored: a closed stdout is an error the console sink reports.

#include <signal.h>

#include <chrono>

namespace ior::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// Waits up to timeout; returns the signal received, or 0 on timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  sigset_t set_{};
  sigset_t old_mask_{};
  struct sigaction old_pipe_ {};
};

}  // namespace ior::cli
