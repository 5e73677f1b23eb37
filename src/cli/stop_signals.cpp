#include "cli/stop_signals.hpp"

#include <pthread.h>

#include <cerrno>

#include "base/error.hpp"

namespace ior::cli {

StopSignals::StopSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGHUP);
  if (int err = pthread_sigmask(SIG_BLOCK, &set_, &old_mask_); err != 0) {
    throw SystemError("pthread_sigmask", err);
  }
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old_pipe_);
}

StopSignals::~StopSignals() {
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  sigaction(SIGPIPE, &old_pipe_, nullptr);
}

int StopSignals::wait(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) timeout = std::chrono::milliseconds(0);
  struct timespec ts {};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
  for (;;) {
    int sig = sigtimedwait(&set_, nullptr, &ts);
    if (sig > 0) return sig;
    if (errno == EAGAIN) return 0;
    if (errno != EINTR) throw SystemError("sigtimedwait", errno);
  }
}

}  // namespace ior::cli
