#include "subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ior::testing {

long proc_status_kib(pid_t pid, const std::string& key) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status") : "/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

Subprocess::Subprocess(std::vector<std::string> argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    dprintf(STDERR_FILENO, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

Subprocess::~Subprocess() {
  if (status_ < 0 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool Subprocess::pump(int timeout_ms) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  std::string* bufs[2] = {&out_, &err_};
  int* owners[2] = {&out_fd_, &err_fd_};
  int open = 0;
  for (auto& f : fds) open += f.fd >= 0;
  if (open == 0) return false;
  int n = ::poll(fds, 2, timeout_ms);
  if (n <= 0) return true;
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || fds[i].revents == 0) continue;
    char buf[65536];
    ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
    if (got > 0) {
      bufs[i]->append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      ::close(fds[i].fd);
      *owners[i] = -1;
    }
  }
  return true;
}

bool Subprocess::wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!pump(static_cast<int>(std::min<long>(left.count(), 100)))) return false;
  }
  return true;
}

void Subprocess::signal(int sig) {
  if (status_ < 0) ::kill(pid_, sig);
}

int Subprocess::wait(std::chrono::milliseconds timeout) {
  if (status_ >= 0) return status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pump(50)) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      break;
    }
  }
  int st = 0;
  struct rusage usage {};
  wait4(pid_, &st, 0, &usage);
  max_rss_kib_ = usage.ru_maxrss;
  while (pump(0)) {
  }
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return status_;
}

std::string run_and_capture(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) {
  Subprocess p(argv);
  int rc = p.wait(timeout);
  if (rc != 0) {
    throw std::runtime_error(argv[0] + " exited " + std::to_string(rc) + ": " + p.err());
  }
  return p.out();
}

}  // namespace ior::testing
