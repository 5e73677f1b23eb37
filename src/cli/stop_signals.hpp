#pragma once
// SIGINT, SIGTERM, SIGHUP and SIGQUIT stop ior at any time (but one that was
// ignored when ior started: nohup, a shell's background job): during setup (connecting,
// preparing a schema), while tracing and during shutdown. They are blocked
// in every thread (construct this before starting any thread, so threads
// inherit the mask) and received by one thread of this class through a
// signalfd; there is no async handler, so stopping stays ordinary code.
// What a signal does depends on when it comes:
//   - the first one while tracing (between tracing_started() and
//     tracing_ended()) only ends wait(): the main thread stops in order
//     (detach, drain, flush, close sinks);
//   - one during setup or shutdown, or a second one while tracing, also
//     runs on_cancel at once (ior cancels its network waits, so a silent or
//     trickling server cannot hold it);
//   - one more after that ends the process at once with status 128+signal
//     (the last resort: rows not yet written are lost).
// SIGPIPE is ignored (main() ignores it for every command): a closed stdout
// is an error the console sink reports.

#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace ior::cli {

class StopSignals {
 public:
  /// on_cancel runs on the signal thread and must not throw.
  explicit StopSignals(std::function<void()> on_cancel = {});
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// Waits up to timeout; returns the first stop signal received (also one
  /// received before the call), or 0 on timeout.
  int wait(std::chrono::milliseconds timeout);
  /// The first stop signal received so far, or 0.
  int received() const { return first_.load(); }
  /// From now on until tracing_ended(), the first signal is a graceful stop
  /// (no cancellation). Does nothing once a signal was received.
  void tracing_started();
  void tracing_ended();

 private:
  void receive_loop();
  void on_signal(int sig);

  std::function<void()> on_cancel_;
  sigset_t set_{};
  sigset_t old_mask_{};
  struct sigaction old_pipe_ {};
  int signal_fd_ = -1;
  int stopped_fd_ = -1;  ///< readable once a stop signal came (wait() polls it)
  int quit_fd_ = -1;     ///< readable when the receiving thread must end
  std::atomic<int> first_{0};
  std::atomic<bool> graceful_{false};
  bool cancelled_ = false;  ///< receiving thread only
  std::thread thread_;
};

}  // namespace ior::cli
