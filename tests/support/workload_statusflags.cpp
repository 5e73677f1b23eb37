// `ior_workload statusflags DIR`: the status flags of an open file
// description, as F_SETFL and ioctl FIONBIO and FIOASYNC change them: a
// change made through one fd shows through its dup and in the parent after
// a forked child made it through its copy, and FIONBIO and
// FIOASYNC set and clear O_NONBLOCK and O_ASYNC as F_SETFL does. Every read
// and write is written to the manifest with the flags its row must hold:
// the open flags as passed (ior's flags column), with the status flags
// F_SETFL may change as F_GETFL says they are now, and close-on-exec as
// F_GETFD says.
//
// Manifest file field: the flags in decimal.

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload statusflags: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

long check(long ret, const char* what) {
  if (ret < 0) die(what);
  return ret;
}

// F_SETFL may change only these (fs/fcntl.c, SETFL_MASK).
constexpr long kSetflMask = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;

// The row of a read or write on fd, opened with `opened`: its return value
// (-errno on failure) and the flags its row must hold.
void record(const char* name, long ret, long fd, long opened) {
  if (ret < 0) ret = -errno;
  const long status = check(syscall(SYS_fcntl, fd, F_GETFL), "F_GETFL") & kSetflMask;
  const long cloexec = (check(syscall(SYS_fcntl, fd, F_GETFD), "F_GETFD") & FD_CLOEXEC) != 0 ? O_CLOEXEC : 0;
  const long flags = (opened & ~kSetflMask & ~O_CLOEXEC) | status | cloexec;
  std::printf("%d\t%ld\t%s\t%ld\t%ld\n", getpid(), syscall(SYS_gettid), name, ret, flags);
  std::fflush(stdout);
}

void set_int(long fd, unsigned long request, int value, const char* what) {
  check(syscall(SYS_ioctl, fd, request, &value), what);
}

}  // namespace

int run_statusflags(const std::string& dir) {
  const std::string path = dir + "/flags";
  constexpr long kOpened = O_CREAT | O_RDWR;
  const long fd = check(syscall(SYS_openat, AT_FDCWD, path.c_str(), kOpened, 0600), "openat");
  const long copy = check(syscall(SYS_dup, fd), "dup");
  check(syscall(SYS_fcntl, fd, F_SETFL, O_APPEND | O_NONBLOCK), "F_SETFL");
  record("write", syscall(SYS_write, copy, "x", 1), copy, kOpened);
  check(syscall(SYS_fcntl, copy, F_SETFL, 0), "F_SETFL");
  record("write", syscall(SYS_write, fd, "y", 1), fd, kOpened);
  // A fork's copy shares the description: the child's F_SETFL shows in
  // the parent's rows.
  const pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) _exit(syscall(SYS_fcntl, fd, F_SETFL, O_NONBLOCK) == 0 ? 0 : 1);
  int status = 0;
  if (waitpid(child, &status, 0) != child || status != 0) die("child's F_SETFL");
  record("write", syscall(SYS_write, fd, "v", 1), fd, kOpened);

  int p[2];
  check(syscall(SYS_pipe2, p, O_CLOEXEC), "pipe2");
  set_int(p[0], FIONBIO, 1, "FIONBIO");
  char buf[4];
  record("read", syscall(SYS_read, p[0], buf, 1), p[0], O_RDONLY);  // EAGAIN: non-blocking, empty
  set_int(p[0], FIONBIO, 0, "FIONBIO");
  set_int(p[1], FIOASYNC, 1, "FIOASYNC");
  record("write", syscall(SYS_write, p[1], "z", 1), p[1], O_WRONLY);
  set_int(p[1], FIOASYNC, 0, "FIOASYNC");
  record("read", syscall(SYS_read, p[0], buf, 1), p[0], O_RDONLY);
  record("write", syscall(SYS_write, p[1], "w", 1), p[1], O_WRONLY);
  for (long f : {fd, copy, static_cast<long>(p[0]), static_cast<long>(p[1])}) close(static_cast<int>(f));
  return 0;
}
