#pragma once
// Runs a program for a test: stdout and stderr captured through pipes,
// waiting for a line on stderr (readiness), signalling and reaping it.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace ior::testing {

class Subprocess {
 public:
  explicit Subprocess(std::vector<std::string> argv);
  ~Subprocess();  // kills (SIGKILL) and reaps if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  /// Reads until stderr holds `needle` or timeout; false on timeout or exit.
  bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout);
  void signal(int sig);
  /// Reads everything until the process exits (or timeout, then SIGKILL);
  /// returns the exit status as a shell would ($?: 128+signal when killed).
  int wait(std::chrono::milliseconds timeout);

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  /// Peak resident set of the process in KiB (getrusage of the reaped
  /// child, ru_maxrss); 0 before wait() returned.
  long max_rss_kib() const { return max_rss_kib_; }

 private:
  bool pump(int timeout_ms);  // one poll round; false when both pipes closed

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int status_ = -1;
  long max_rss_kib_ = 0;
  std::string out_;
  std::string err_;
};

/// Runs to completion and returns stdout; throws on non-zero exit.
std::string run_and_capture(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// A "Key:   N kB" line of /proc/PID/status (VmRSS, VmHWM) in KiB; -1 when
/// absent. pid 0: this process.
long proc_status_kib(pid_t pid, const std::string& key);

/// True when tests that need this capability must fail instead of skip.
bool in_ci();

}  // namespace ior::testing
