#pragma once
// `ior [flags] -- CMD ARGS`: ior starts the command and traces it (and, by
// default, every process it starts). The command is forked before the BPF
// programs attach and held before its exec until they are (release()), so
// its first traced syscall is its program's first: the child waits in
// poll(2), which ior does not trace, and execs without any traced syscall.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace ior::cli {

class Command {
 public:
  /// Finds argv[0] in $PATH (unless it holds a '/') and forks the held
  /// child. Throws ior::Error naming the command when it cannot be run.
  /// away_from_terminal: its stdin, stdout and stderr are /dev/null (-live
  /// owns the terminal: the command's output would scroll the view, its
  /// reads would take the operator's keys).
  explicit Command(std::vector<std::string> argv, bool away_from_terminal = false);
  /// Before release(): the child ends without running the command and is
  /// reaped. After it: the command runs on (ior stopped before it ended).
  ~Command();
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  pid_t pid() const { return pid_; }
  /// The command as given, for messages.
  const std::string& name() const { return argv_.front(); }
  /// Lets the child exec. Throws ior::Error when the exec failed (the
  /// child has then exited, status 127).
  void release();
  /// The exit status as a shell gives it ($?: 128+signal), once the child
  /// exited; nullopt while it runs. Reaps it.
  std::optional<int> reap();

 private:
  std::vector<std::string> argv_;
  std::string path_;
  pid_t pid_ = -1;
  UniqueFd gate_;        ///< write end: a byte lets the child exec, closing it ends the child
  UniqueFd exec_error_;  ///< read end: the child's errno when exec failed; EOF when it succeeded
  bool released_ = false;
  std::optional<int> status_;
};

}  // namespace ior::cli
