// `ior_workload handoff DIR N`: one thread on CPU 0 opens files, another on
// CPU 1 reads and closes what it opened, N times, through a queue so short
// that fd numbers come back at once. Each CPU writes into its own ring, so
// a row names the right file only if the reader puts every open before the
// read of its fd and every close before the next open of that number,
// across the rings. File k of DIR/f0..f7 holds 100 + k bytes, so a read's
// return value says which file it must name. Prints "opener TID" and
// "reader TID".

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

namespace {

constexpr int kFiles = 8;
constexpr unsigned kDepth = 4;  // fds in flight: they are reused at once

bool pin_to(std::size_t cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

long gettid_now() { return syscall(SYS_gettid); }

}  // namespace

int run_handoff(const std::string& dir, long n) {
  for (int k = 0; k < kFiles; ++k) {
    const std::string path = dir + "/f" + std::to_string(k);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return 1;
    const std::string body(static_cast<std::size_t>(100 + k), static_cast<char>('a' + k));
    if (write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size())) return 1;
    close(fd);
  }
  std::atomic<int> slots[kDepth];
  for (auto& s : slots) s.store(-1);
  std::atomic<bool> failed{false};
  std::atomic<long> opener_tid{0}, reader_tid{0};
  std::thread opener([&] {
    opener_tid = gettid_now();
    if (!pin_to(0)) {
      failed = true;
      return;
    }
    for (long i = 0; i < n && !failed; ++i) {
      const std::string path = dir + "/f" + std::to_string(i % kFiles);
      auto& slot = slots[static_cast<unsigned long>(i) % kDepth];
      while (slot.load(std::memory_order_acquire) != -1 && !failed) {
      }
      const long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) failed = true;
      slot.store(static_cast<int>(fd), std::memory_order_release);
    }
  });
  std::thread reader([&] {
    reader_tid = gettid_now();
    if (!pin_to(1)) {
      failed = true;
      return;
    }
    char buf[4096];
    for (long i = 0; i < n && !failed; ++i) {
      auto& slot = slots[static_cast<unsigned long>(i) % kDepth];
      int fd;
      while ((fd = slot.load(std::memory_order_acquire)) == -1 && !failed) {
      }
      if (syscall(SYS_pread64, fd, buf, sizeof buf, 0) != 100 + (i % kFiles)) failed = true;
      syscall(SYS_close, fd);
      slot.store(-1, std::memory_order_release);
    }
  });
  opener.join();
  reader.join();
  if (failed) {
    std::fprintf(stderr, "handoff: a file, a read or pinning to CPUs 0 and 1 failed\n");
    return 1;
  }
  std::printf("opener %ld\nreader %ld\n", opener_tid.load(), reader_tid.load());
  return 0;
}
