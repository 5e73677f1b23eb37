// `ior_workload metcwds DIR`: a process ior meets running, whose second
// thread has a cwd of its own (unshare(CLONE_FS), then chdir to DIR/c)
// while the main thread's is DIR/b. Both are set before "ready" (on
// stderr); after SIGUSR1 the thread opens a relative name and ends at
// once, then the main thread opens one. The manifest says the file each
// open must name.

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <thread>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload metcwds: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void open_relative(const char* name, const std::string& file) {
  long fd = syscall(SYS_openat, AT_FDCWD, name, O_CREAT | O_WRONLY, 0600);
  if (fd < 0) die(name);
  std::printf("%d\t%ld\topenat\t%ld\t%s\n", getpid(), syscall(SYS_gettid), fd, file.c_str());
  std::fflush(stdout);
  close(static_cast<int>(fd));
}

}  // namespace

int run_metcwds(const std::string& dir) {
  const std::string b = dir + "/b", c = dir + "/c";
  if (mkdir(b.c_str(), 0755) != 0 || mkdir(c.c_str(), 0755) != 0 || chdir(b.c_str()) != 0) die("dirs");
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  if (sigprocmask(SIG_BLOCK, &usr1, nullptr) != 0) die("sigprocmask");  // the thread inherits it
  std::promise<void> placed, go;
  std::thread own([&] {
    if (syscall(SYS_unshare, CLONE_FS) != 0 || chdir(c.c_str()) != 0) die("own cwd");
    placed.set_value();
    go.get_future().wait();
    open_relative("x3", c + "/x3");
  });
  placed.get_future().wait();
  std::fputs("ready\n", stderr);
  std::fflush(stderr);
  int sig = 0;
  if (sigwait(&usr1, &sig) != 0) die("sigwait");
  go.set_value();
  own.join();
  open_relative("x1", b + "/x1");
  return 0;
}
