#include "cli/stop_signals.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "base/alt_signal_stack.hpp"
#include "base/error.hpp"
#include "base/unfinished_files.hpp"

namespace ior::cli {
namespace {

void notify(int event_fd) {
  const std::uint64_t one = 1;
  ssize_t n;
  do {
    n = ::write(event_fd, &one, sizeof one);
  } while (n < 0 && errno == EINTR);
}

// Polls fd for POLLIN up to timeout_ms (-1: forever); true when readable.
bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

}  // namespace

StopSignals::StopSignals(std::function<void()> on_cancel) : on_cancel_(std::move(on_cancel)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  // One ignored when ior started stays ignored: nohup's SIGHUP, a shell's
  // SIGINT and SIGQUIT for a background job (a trace under nohup had
  // stopped when the terminal went away).
  for (const int sig : {SIGINT, SIGHUP, SIGQUIT}) {
    struct sigaction now {};
    if (sigaction(sig, nullptr, &now) == 0 && now.sa_handler == SIG_IGN) continue;
    sigaddset(&set_, sig);
  }
  if (int err = pthread_sigmask(SIG_BLOCK, &set_, &old_mask_); err != 0) {
    throw SystemError("pthread_sigmask", err);
  }
  signal_fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
  stopped_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  quit_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (signal_fd_ < 0 || stopped_fd_ < 0 || quit_fd_ < 0) {
    int err = errno;
    for (int fd : {signal_fd_, stopped_fd_, quit_fd_}) {
      if (fd >= 0) ::close(fd);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    throw SystemError("signalfd/eventfd", err);
  }
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old_pipe_);
  thread_ = std::thread([this] {
    const AltSignalStack alt_stack;  // a crash handler runs even on a stack overflow
    receive_loop();
  });
}

StopSignals::~StopSignals() {
  notify(quit_fd_);
  thread_.join();
  // A signal that came after the thread ended must not kill the process
  // when the mask is restored: consume what is pending.
  signalfd_siginfo info;
  while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
  }
  for (int fd : {signal_fd_, stopped_fd_, quit_fd_}) ::close(fd);
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  sigaction(SIGPIPE, &old_pipe_, nullptr);
}

void StopSignals::receive_loop() {
  pollfd p[2] = {{signal_fd_, POLLIN, 0}, {quit_fd_, POLLIN, 0}};
  for (;;) {
    int r = ::poll(p, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || p[1].revents != 0) return;
    signalfd_siginfo info;
    while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      on_signal(static_cast<int>(info.ssi_signo));
    }
  }
}

void StopSignals::on_signal(int sig) {
  int none = 0;
  first_.compare_exchange_strong(none, sig);
  // Decided before the main thread is woken: woken, it ends tracing
  // (tracing_ended()), and this first signal would then read as a second
  // one and cancel the ClickHouse writer's last deliveries.
  const bool graceful = graceful_.exchange(false);
  notify(stopped_fd_);
  if (graceful) return;
  if (!cancelled_) {
    cancelled_ = true;
    if (on_cancel_) on_cancel_();
    return;
  }
  // Stopping in order did not end the process and the user insists. The
  // outputs' hidden temporary files would outlive it, unnamed: removed.
  const std::size_t removed = unfinished_files::remove_all();
  std::string msg = "ior: another stop signal (" + std::string(strsignal(sig)) +
                    "): exiting at once; rows not yet written are lost" +
                    (removed != 0 ? " (" + std::to_string(removed) + " unfinished output files removed)" : "") + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, msg.data(), msg.size());
  (void)ignored;
  _exit(128 + sig);
}

int StopSignals::wait(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) timeout = std::chrono::milliseconds(0);
  auto ms = timeout.count() > 0x7fffffff ? 0x7fffffff : static_cast<int>(timeout.count());
  readable(stopped_fd_, ms);
  return first_.load();
}

void StopSignals::tracing_started() {
  if (first_.load() == 0) graceful_.store(true);
  // A signal between the check and the store still cancels: tracing then
  // ends at the first wait() anyway.
  if (first_.load() != 0) graceful_.store(false);
}

void StopSignals::tracing_ended() { graceful_.store(false); }

}  // namespace ior::cli
