// `ior_workload nsrename DIR`: renames made in mount namespaces of their
// own. A child in a namespace of its own mounts a tmpfs over DIR and
// renames a directory there named as the one the parent's cwd and log are
// in: nothing of the parent's moves. Another child in a namespace of its
// own renames a file the parent holds, on the file system both see: the
// parent's fd takes the new name. Each of the parent's rows after the
// renames is written to the manifest with the file it must name.
//
// Needs root (mount). Manifest file field: the path the row must name.

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload nsrename: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

long check(long ret, const char* what) {
  if (ret < 0) die(what);
  return ret;
}

void record(const char* name, long ret, const std::string& file) {
  if (ret < 0) ret = -errno;
  std::printf("%d\t%ld\t%s\t%ld\t%s\n", getpid(), syscall(SYS_gettid), name, ret, file.c_str());
  std::fflush(stdout);
}

// Runs what in a child of a mount namespace of its own, and waits for it.
void in_own_namespace(const std::function<bool()>& what, const char* name) {
  const pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    // Private first: a mount here must not reach the host's namespace.
    const bool ok = unshare(CLONE_NEWNS) == 0 && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
                    what();
    if (!ok) std::fprintf(stderr, "ior_workload nsrename: %s: %s\n", name, std::strerror(errno));
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    errno = 0;
    die(name);
  }
}

}  // namespace

int run_nsrename(const std::string& dir) {
  const std::string b = dir + "/b", c = dir + "/c";
  check(mkdir(b.c_str(), 0755), "mkdir b");
  check(mkdir(c.c_str(), 0755), "mkdir c");
  check(chdir(b.c_str()), "chdir b");
  const long log = check(syscall(SYS_openat, AT_FDCWD, "app.log", O_CREAT | O_WRONLY | O_APPEND, 0600), "open log");
  const std::string real = c + "/real.log";
  const long held = check(syscall(SYS_openat, AT_FDCWD, real.c_str(), O_CREAT | O_WRONLY, 0600), "open real");

  in_own_namespace(
      [&] {
        return mount("none", dir.c_str(), "tmpfs", 0, nullptr) == 0 && mkdir(b.c_str(), 0755) == 0 &&
               rename(b.c_str(), (dir + "/HIJACKED").c_str()) == 0;
      },
      "rename over a tmpfs of its own");
  in_own_namespace([&] { return rename(real.c_str(), (real + ".1").c_str()) == 0; }, "rename on the shared file system");
  // ior checks a rename made in another namespace against /proc: the fds
  // must still be open when it handles the rename.
  const timespec hold{0, 500'000'000};
  nanosleep(&hold, nullptr);

  record("write", syscall(SYS_write, log, "x", 1), b + "/app.log");
  const long rel = syscall(SYS_openat, AT_FDCWD, "rel", O_CREAT | O_WRONLY, 0600);
  record("openat", rel, b + "/rel");
  record("write", syscall(SYS_write, held, "y", 1), real + ".1");
  for (long fd : {log, held, rel}) close(static_cast<int>(fd));
  return 0;
}
