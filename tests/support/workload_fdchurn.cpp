// `ior_workload fdchurn DIR THREADS N`: THREADS threads of one process each
// open one of their own files (DIR/tK_0..tK_6) N times, write and read it,
// copy the fd (dup, or fcntl F_DUPFD_CLOEXEC every other time), close the
// first, fstat and close the copy. The threads share one fd table, so the
// lowest free number one thread's open or dup gets is often the one
// another thread's close has just freed while that close still runs. A
// row names the right file only if each close is matched to the file its
// number held when the close entered. Prints "thread K TID" per thread.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kFilesPerThread = 7;

bool churn(const std::string& dir, int k, long n) {
  char buf[64];
  for (long i = 0; i < n; ++i) {
    const std::string path = dir + "/t" + std::to_string(k) + "_" + std::to_string(i % kFilesPerThread);
    const long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    if (syscall(SYS_write, fd, "churn", 5) != 5) return false;
    if (syscall(SYS_pread64, fd, buf, sizeof buf, 0) < 5) return false;
    const long copy = i % 2 == 0 ? syscall(SYS_dup, fd) : syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return false;
    if (syscall(SYS_close, fd) != 0) return false;
    struct stat st;
    if (syscall(SYS_fstat, copy, &st) != 0) return false;
    if (syscall(SYS_close, copy) != 0) return false;
  }
  return true;
}

}  // namespace

int run_fdchurn(const std::string& dir, long threads, long n) {
  std::vector<std::thread> workers;
  std::vector<long> tids(static_cast<std::size_t>(threads), 0);
  std::atomic<bool> failed{false};
  std::atomic<long> ready{0};
  for (long k = 0; k < threads; ++k) {
    workers.emplace_back([&, k] {
      tids[static_cast<std::size_t>(k)] = syscall(SYS_gettid);
      // Start together: the churn is in how their syscalls overlap.
      ready.fetch_add(1);
      while (ready.load() < threads) {
      }
      if (!churn(dir, static_cast<int>(k), n)) failed = true;
    });
  }
  for (auto& w : workers) w.join();
  if (failed) {
    std::perror("fdchurn");
    return 1;
  }
  for (long k = 0; k < threads; ++k) std::printf("thread %ld %ld\n", k, tids[static_cast<std::size_t>(k)]);
  return 0;
}
