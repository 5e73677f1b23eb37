#include "cli/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/error.hpp"

namespace ior::cli {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// As execvp would find it, but before the fork, so that a missing command is
// an error before anything is traced.
std::string find_in_path(const std::string& name) {
  if (name.empty()) throw UsageError("the command after -- is empty");
  if (name.find('/') != std::string::npos) {
    if (!is_executable_file(name)) throw SystemError("cannot run \"" + name + "\"", errno ? errno : EACCES);
    return name;
  }
  const char* env = std::getenv("PATH");
  std::string path = env != nullptr && *env != '\0' ? env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  for (;;) {
    std::size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  throw Error("cannot run \"" + name + "\": not found in $PATH");
}

// The child, between fork and exec: async-signal-safe calls only (ior has
// threads). It gets the signal state a shell would give it, waits in poll
// (untraced) for the gate, and execs only when a byte arrived. It closes its
// copies of the ends it does not use first: holding the gate's write end, it
// would never see ior close it (ior's setup failing, or ior killed).
[[noreturn]] void run_child(int gate, int gate_write, int exec_error, int exec_error_read, int null_fd,
                            const char* path, char* const* argv) {
  (void)close(gate_write);
  (void)close(exec_error_read);
  if (null_fd >= 0) {
    for (int fd = 0; fd <= 2; ++fd) (void)dup2(null_fd, fd);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // ior blocks its stop signals in every thread
  signal(SIGPIPE, SIG_DFL);                  // ior ignores SIGPIPE
  struct pollfd p {gate, POLLIN, 0};
  while (poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
  if ((p.revents & POLLIN) == 0) _exit(127);  // ior ended its setup without tracing
  execv(path, argv);
  int err = errno;
  (void)!write(exec_error, &err, sizeof err);
  _exit(127);
}

}  // namespace

Command::Command(std::vector<std::string> argv, bool away_from_terminal) : argv_(std::move(argv)) {
  if (argv_.empty()) throw UsageError("no command after --");
  path_ = find_in_path(argv_.front());
  std::vector<char*> cargv;
  for (auto& a : argv_) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  int gate[2];
  int err_pipe[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) throw SystemError("cannot start the command", errno);
  UniqueFd gate_read(gate[0]);
  gate_.reset(gate[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw SystemError("cannot start the command", errno);
  exec_error_.reset(err_pipe[0]);
  UniqueFd error_write(err_pipe[1]);
  UniqueFd null_fd;
  if (away_from_terminal) {
    null_fd.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd) throw SystemError("cannot open /dev/null for the command", errno);
  }
  pid_ = ::fork();
  if (pid_ < 0) throw SystemError("cannot start the command", errno);
  if (pid_ == 0) {
    run_child(gate_read.get(), gate_.get(), error_write.get(), exec_error_.get(), null_fd.get(), path_.c_str(),
              cargv.data());
  }
}

Command::~Command() {
  if (released_ || pid_ <= 0) return;  // a released command runs on, untraced, when ior stops first
  gate_.reset();                       // the held child exits without exec
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void Command::release() {
  char go = 1;
  released_ = true;
  if (::write(gate_.get(), &go, 1) != 1) throw SystemError("cannot start the command", errno);
  gate_.reset();
  int err = 0;
  ssize_t n;
  while ((n = ::read(exec_error_.get(), &err, sizeof err)) < 0 && errno == EINTR) {
  }
  exec_error_.reset();
  if (n == static_cast<ssize_t>(sizeof err)) {
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    status_ = 127;
    throw SystemError("cannot run \"" + name() + "\"", err);
  }
}

std::optional<int> Command::reap() {
  if (status_ || !released_) return status_;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) != pid_) return std::nullopt;
  status_ = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
  return status_;
}

}  // namespace ior::cli
