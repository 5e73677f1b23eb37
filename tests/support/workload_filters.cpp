// Workloads for the filter tests (tests/e2e/filters_e2e_test.cpp).
//
//   ior_workload slowfail DIR   prints "ready" on stderr, waits for SIGUSR1 (so
//                               that ior, started meanwhile with -pid, sees none
//                               of its start-up), then makes fast and slow,
//                               succeeding and failing syscalls, each once
//   ior_workload forktree DIR wait|nowait orphan|join
//                               (after "ready" and SIGUSR1 with wait) writes
//                               DIR/parent.txt, forks a child that writes
//                               DIR/child.txt and forks a grandchild that execs
//                               `forktree-leaf DIR` (writes DIR/grandchild.txt);
//                               with orphan the parent exits at once and the
//                               child starts 500 ms later
//
// Manifest lines as the scenario's: pid \t tid \t syscall \t ret \t file.
// Slow means 300 ms: a syscall that blocks on an empty pipe until a timer
// interrupts it or a thread writes, so no sleeping syscall is traced.

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <sys/wait.h>

namespace {

constexpr auto kSlow = std::chrono::milliseconds(300);

void record(const char* name, long ret, const std::string& file) {
  std::printf("%d\t%ld\t%s\t%ld\t%s\n", getpid(), syscall(SYS_gettid), name, ret, file.c_str());
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

// A failing syscall(2) returns -1 with errno; rows carry -errno.
long raw(long ret) { return ret < 0 ? -errno : ret; }

// How ior names an fd it never saw opened: the /proc link's text.
std::string fd_name(int fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  if (n < 0) die("readlink");
  return std::string(buf, static_cast<std::size_t>(n));
}

void wait_for_sigusr1() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) die("sigprocmask");
  std::fputs("ready\n", stderr);
  std::fflush(stderr);
  int sig = 0;
  if (sigwait(&set, &sig) != 0) die("sigwait");
}

void on_alarm(int) {}

// One file of each process: openat, write, close, in the manifest.
void touch(const std::string& path) {
  long fd = raw(syscall(SYS_openat, AT_FDCWD, path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600));
  if (fd < 0) die("openat");
  record("openat", fd, path);
  record("write", raw(syscall(SYS_write, fd, "x", 1)), path);
  record("close", raw(syscall(SYS_close, fd)), path);
  std::fflush(stdout);
}

}  // namespace

int run_slowfail(const std::string& dir) {
  wait_for_sigusr1();
  const std::string missing = dir + "/missing";
  record("openat", raw(syscall(SYS_openat, AT_FDCWD, missing.c_str(), O_RDONLY)), missing);  // fast, fails
  record("close", raw(syscall(SYS_close, 987)), "");                                       // fast, fails

  int p[2];
  if (pipe(p) != 0) die("pipe");
  const std::string pipe_name = fd_name(p[0]);
  char buf[16];
  {  // slow, fails: a timer interrupts the read of an empty pipe (no SA_RESTART)
    struct sigaction sa {};
    sa.sa_handler = on_alarm;
    if (sigaction(SIGALRM, &sa, nullptr) != 0) die("sigaction");
    struct itimerval t {};
    t.it_value.tv_usec = std::chrono::duration_cast<std::chrono::microseconds>(kSlow).count();
    if (setitimer(ITIMER_REAL, &t, nullptr) != 0) die("setitimer");
    record("read", raw(syscall(SYS_read, p[0], buf, sizeof buf)), pipe_name);
  }
  {  // slow, succeeds: a thread writes after the pause
    std::thread writer([&] {
      std::this_thread::sleep_for(kSlow);
      record("write", raw(syscall(SYS_write, p[1], "hello", 5)), fd_name(p[1]));
    });
    record("read", raw(syscall(SYS_read, p[0], buf, sizeof buf)), pipe_name);
    writer.join();
  }
  const std::string file = dir + "/fast.txt";  // fast, succeed
  long fd = raw(syscall(SYS_openat, AT_FDCWD, file.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600));
  if (fd < 0) die("openat");
  record("openat", fd, file);
  record("write", raw(syscall(SYS_write, fd, "abc", 3)), file);
  record("close", raw(syscall(SYS_close, fd)), file);
  std::fflush(stdout);
  return 0;
}

int run_forktree_leaf(const std::string& dir) {
  touch(dir + "/grandchild.txt");
  return 0;
}

int run_forktree(const char* self, const std::string& dir, bool wait_for_go, bool orphan) {
  if (wait_for_go) wait_for_sigusr1();
  touch(dir + "/parent.txt");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    // Orphaned, the child works after its parent exited: -follow must not
    // stop with the parent.
    if (orphan) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    touch(dir + "/child.txt");
    pid_t grandchild = fork();
    if (grandchild < 0) die("fork");
    if (grandchild == 0) {
      execl(self, self, "forktree-leaf", dir.c_str(), static_cast<char*>(nullptr));
      die("execl");
    }
    int status = 0;
    waitpid(grandchild, &status, 0);
    _exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1);
  }
  if (orphan) return 0;
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
