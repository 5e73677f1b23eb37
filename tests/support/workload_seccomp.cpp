// `ior_workload seccomp DIR N`: a process whose seccomp filter refuses
// pread64 with EPERM (the kernel then never runs the syscall's enter
// tracepoint) calls it N times on a file it opened, then reads the file
// once with read (allowed). Each call is written to the manifest with the
// file its row must name.

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload seccomp: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void record(const char* name, long ret, const std::string& file) {
  if (ret < 0) ret = -errno;
  std::printf("%d\t%ld\t%s\t%ld\t%s\n", getpid(), syscall(SYS_gettid), name, ret, file.c_str());
}

}  // namespace

int run_seccomp(const std::string& dir, long n) {
  const std::string path = dir + "/refused";
  const long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), O_CREAT | O_RDWR, 0600);
  if (fd < 0 || syscall(SYS_write, fd, "data", 4) != 4) die("open and write");
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pread64, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    die("seccomp");
  }
  char buf[8];
  for (long i = 0; i < n; ++i) record("pread64", syscall(SYS_pread64, fd, buf, sizeof buf, 0), path);
  record("read", syscall(SYS_read, fd, buf, sizeof buf), path);  // at the end: 0
  std::fflush(stdout);
  close(static_cast<int>(fd));
  return 0;
}
