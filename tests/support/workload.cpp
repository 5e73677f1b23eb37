// A test workload that makes known file-I/O syscalls, each exactly once and
// through syscall(2) so libc cannot substitute another, and prints a manifest
// of what it did. Tests compare what ior traced with this manifest, which is
// produced independently of ior.
//
//   ior_workload scenario DIR      the end-to-end scenario (see run_scenario)
//   ior_workload bench MODE SECS [THREADS]   openreadclose | pread | writenull on THREADS threads; prints ops_per_sec
//   ior_workload opens DIR N       N openat+close of DIR/f (for drop tests)
//   ior_workload preads DIR BURSTS N PAUSE_MS
//                                  BURSTS bursts of N pread64 of DIR/p, PAUSE_MS apart;
//                                  prints the count and the rate within bursts
//   ior_workload paced RATE SECS THREADS [BYTES]
//                                  pread64 of 4 KiB at RATE calls/s in all (0: as fast as
//                                  possible) for SECS, over THREADS threads; prints
//                                  calls and the achieved calls_per_sec
//   ior_workload pause             waits until stdin closes (a process to filter on)
//   ior_workload names DIR COMM OLD NEW NAME...
//                                  names itself COMM, then in DIR: creates each
//                                  NAME (openat, write, close) and renames it to
//                                  NAME~, then creates OLD and renames it to NEW
//                                  (hostile-name tests; run as an unprivileged user)
//   Hostile workloads for the memory-bound tests (run as an unprivileged user):
//   ior_workload badfds N          N lseek calls on fds that are not open (all fail)
//   ior_workload dupfork DUPS KIDS opens /etc/hostname through distinct 4 KiB paths,
//                                  dups it DUPS times, forks KIDS children that all
//                                  live at once, then everything exits
//   ior_workload paths N           N newfstatat calls on distinct 4 KiB paths (ENOENT)
//   ior_workload threads N         N short-lived threads, one 4 KiB-path openat each
//   ior_workload owncwds N         N short-lived threads (64 at once), each with a cwd of its
//                                  own (unshare(CLONE_FS)) in a distinct directory of a 4 KiB
//                                  path, one relative stat there each
//   ior_workload abspaths DIR      names relative to cwds and dirfds (workload_abspaths.cpp)
//   ior_workload lazypaths DIR     paths in pages not mapped yet at the enter (workload_lazypaths.cpp)
//   ior_workload moves DIR         two-fd, pipe, memfd, socket, mapping and mount syscalls (workload_moves.cpp; root)
//   ior_workload acceptwait        waits in accept on loopback ("listening PORT" on stderr), reads and
//                                  closes the one connection (workload_moves.cpp)
//   ior_workload fdchurn DIR THREADS N
//                                  threads reusing each other's fd numbers (workload_fdchurn.cpp)
//   ior_workload slowfail DIR      slow, fast, failing calls (workload_filters.cpp)
//   ior_workload forktree DIR wait|nowait orphan|join
//                                  a child and an exec'd grandchild (workload_filters.cpp)
//
// Manifest lines: pid \t tid \t syscall \t ret \t file   (file: the path, the
// fd's file, or "old -> new"; empty when none; in `names`, each name as hex
// since names may hold tabs and newlines)

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "workload_hex.hpp"

namespace {

std::mutex g_out;

long tid() { return syscall(SYS_gettid); }

void record(const char* name, long ret, const std::string& file) {
  std::lock_guard<std::mutex> lock(g_out);
  std::printf("%d\t%ld\t%s\t%ld\t%s\n", getpid(), tid(), name, ret, file.c_str());
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

long check(long ret, const char* what) {
  if (ret < 0) die(what);
  return ret;
}

long sys_openat(const std::string& path, int flags, int mode = 0) {
  long fd = check(syscall(SYS_openat, AT_FDCWD, path.c_str(), flags, mode), "openat");
  record("openat", fd, path);
  return fd;
}

void sys_close(long fd, const std::string& file) {
  record("close", check(syscall(SYS_close, fd), "close"), file);
}

void thread_part(const std::string& path) {
  long fd = sys_openat(path, O_RDONLY);
  char buf[16];
  record("read", check(syscall(SYS_read, fd, buf, 7), "read"), path);
  sys_close(fd, path);
}

void child_part(const std::string& path) {
  long fd = sys_openat(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  record("write", check(syscall(SYS_write, fd, "child", 5), "write"), path);
  sys_close(fd, path);
  std::fflush(stdout);
}

int run_scenario(const std::string& dir) {
  const std::string data = dir + "/data.bin";
  const std::string renamed = dir + "/renamed.bin";
  const std::string linked = dir + "/linked.bin";
  const std::string sub = dir + "/sub";
  const std::string thread_file = dir + "/thread.txt";
  {  // the file the second thread reads
    long fd = sys_openat(thread_file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    record("write", check(syscall(SYS_write, fd, "thread-data", 11), "write"), thread_file);
    sys_close(fd, thread_file);
  }

  long fd = sys_openat(data, O_CREAT | O_RDWR | O_TRUNC, 0644);
  static char block[4096];
  std::memset(block, 'x', sizeof block);
  record("write", check(syscall(SYS_write, fd, block, sizeof block), "write"), data);
  char buf[128];
  record("pread64", check(syscall(SYS_pread64, fd, buf, 100, 1000), "pread64"), data);
  record("lseek", check(syscall(SYS_lseek, fd, 0, SEEK_SET), "lseek"), data);
  record("read", check(syscall(SYS_read, fd, buf, 10), "read"), data);
  struct iovec iov[2] = {{const_cast<char*>("abc"), 3}, {const_cast<char*>("defg"), 4}};
  record("writev", check(syscall(SYS_writev, fd, iov, 2), "writev"), data);
  // An anonymous map given an open fd, which the kernel ignores: its flags
  // reach the row, which names no file.
  void* anon = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, static_cast<int>(fd), 0);
  if (anon == MAP_FAILED) die("mmap");
  munmap(anon, 4096);
  record("dup2", check(syscall(SYS_dup2, fd, 100), "dup2"), data);
  record("fcntl", check(syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 200), "fcntl"), data);
  struct statx stx {};
  record("statx", check(syscall(SYS_statx, AT_FDCWD, data.c_str(), 0, STATX_SIZE, &stx), "statx"),
         data);
  record("mkdir", check(syscall(SYS_mkdir, sub.c_str(), 0755), "mkdir"), sub);
  record("rmdir", check(syscall(SYS_rmdir, sub.c_str()), "rmdir"), sub);
  record("rename", check(syscall(SYS_rename, data.c_str(), renamed.c_str()), "rename"),
         data + " -> " + renamed);
  record("link", check(syscall(SYS_link, renamed.c_str(), linked.c_str()), "link"),
         renamed + " -> " + linked);
  record("unlink", check(syscall(SYS_unlink, linked.c_str()), "unlink"), linked);
  // fd and its copies 100 and 200 name the file as the kernel does now
  // (readlink of /proc/self/fd/N): by the name the rename gave it.
  record("close_range", check(syscall(SYS_close_range, 100, 300, 0), "close_range"), renamed);
  sys_close(fd, renamed);

  std::fflush(stdout);
  std::thread t(thread_part, thread_file);
  t.join();

  std::fflush(stdout);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    child_part(dir + "/child.txt");
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

using Clock = std::chrono::steady_clock;

// ops/s of one thread running MODE for SECONDS on its own temporary file.
double bench_thread(const std::string& mode, double seconds) {
  char path[] = "/tmp/ior_workload_XXXXXX";
  int tmp = mkstemp(path);
  if (tmp < 0) die("mkstemp");
  char block[4096] = {};
  if (::write(tmp, block, sizeof block) != static_cast<ssize_t>(sizeof block)) die("write");
  int null = ::open("/dev/null", O_WRONLY);
  long ops = 0;
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  auto start = Clock::now();
  while (Clock::now() < end) {
    for (int i = 0; i < 256; ++i) {
      if (mode == "openreadclose") {
        long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
        syscall(SYS_read, fd, block, sizeof block);
        syscall(SYS_close, fd);
      } else if (mode == "pread") {
        syscall(SYS_pread64, tmp, block, sizeof block, 0);
      } else {
        syscall(SYS_write, null, block, 64);
      }
    }
    ops += 256;
  }
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  ::unlink(path);
  ::close(tmp);
  ::close(null);
  return static_cast<double>(ops) / took;
}

// THREADS threads run MODE at once; prints their summed ops/s.
int run_bench(const std::string& mode, double seconds, int threads) {
  if (mode != "openreadclose" && mode != "pread" && mode != "writenull") {
    std::fprintf(stderr, "ior_workload: unknown bench mode %s\n", mode.c_str());
    return 2;
  }
  if (threads < 1) threads = 1;
  std::vector<double> rates(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] { rates[static_cast<std::size_t>(t)] = bench_thread(mode, seconds); });
  }
  for (auto& th : pool) th.join();
  double sum = 0;
  for (double r : rates) sum += r;
  std::printf("ops_per_sec %.0f\n", sum);
  return 0;
}

int run_opens(const std::string& dir, long n) {
  std::string path = dir + "/f";
  for (long i = 0; i < n; ++i) {
    long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), O_CREAT | O_RDONLY, 0644);
    syscall(SYS_close, fd);
  }
  std::printf("%d\t%ld\topens\t%ld\t%s\n", getpid(), tid(), n, path.c_str());
  return 0;
}

int run_preads(const std::string& dir, long bursts, long n, long pause_ms) {
  std::string path = dir + "/p";
  long fd = check(syscall(SYS_openat, AT_FDCWD, path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644), "openat");
  static char block[4096];
  if (::write(static_cast<int>(fd), block, sizeof block) != static_cast<ssize_t>(sizeof block)) die("write");
  double busy_s = 0;
  for (long b = 0; b < bursts; ++b) {
    auto start = Clock::now();
    for (long i = 0; i < n; ++i) {
      if (syscall(SYS_pread64, fd, block, sizeof block, 0) != static_cast<long>(sizeof block)) die("pread64");
    }
    busy_s += std::chrono::duration<double>(Clock::now() - start).count();
    if (pause_ms > 0 && b + 1 < bursts) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
  std::printf("%d\t%ld\tpread64\t%ld\t%s\n", getpid(), tid(), bursts * n, path.c_str());
  std::printf("burst_rate\t%.0f\n", static_cast<double>(bursts * n) / busy_s);
  return 0;
}

// Each thread keeps to its share of the rate in 1 ms steps, so the load is
// even rather than bursts at the start of every second.
int run_paced(double rate, double seconds, int threads, std::size_t bytes) {
  char path[] = "/tmp/ior_workload_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) die("mkstemp");
  static char block[4096];
  if (::write(fd, block, sizeof block) != static_cast<ssize_t>(sizeof block)) die("write");
  std::vector<long> done(static_cast<std::size_t>(threads), 0);
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      char buf[sizeof block];
      const double per_thread = rate / threads;
      long n = 0;
      for (auto now = Clock::now(); now < end; now = Clock::now()) {
        long due = rate > 0 ? static_cast<long>(per_thread * std::chrono::duration<double>(now - start).count()) + 1
                            : n + 256;
        if (n >= due) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        for (; n < due; ++n) syscall(SYS_pread64, fd, buf, bytes, 0);
      }
      done[static_cast<std::size_t>(t)] = n;
    });
  }
  for (auto& th : pool) th.join();
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  long total = 0;
  for (long n : done) total += n;
  ::unlink(path);
  std::printf("calls %ld\ncalls_per_sec %.0f\n", total, static_cast<double>(total) / took);
  return 0;
}

// Blocks in poll(2), which is not traced, so a filter test sees nothing of it
// until it exits.
int run_pause() {
  struct pollfd p = {STDIN_FILENO, POLLIN, 0};
  char buf[256];
  for (;;) {
    if (poll(&p, 1, -1) < 0 && errno != EINTR) die("poll");
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return 0;
    if ((p.revents & POLLIN) && ::read(STDIN_FILENO, buf, sizeof buf) <= 0) return 0;
  }
}

void create_and_rename(const std::string& name, const std::string& to) {
  long fd = check(syscall(SYS_openat, AT_FDCWD, name.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644), "openat");
  record("openat", fd, workload_hex(name));
  record("write", check(syscall(SYS_write, fd, "x", 1), "write"), workload_hex(name));
  record("close", check(syscall(SYS_close, fd), "close"), workload_hex(name));
  record("rename", check(syscall(SYS_rename, name.c_str(), to.c_str()), "rename"),
         workload_hex(name) + " -> " + workload_hex(to));
}

int run_names(char** argv, int argc) {
  const std::string dir = argv[2];
  if (prctl(PR_SET_NAME, argv[3], 0, 0, 0) != 0) die("prctl");
  if (chdir(dir.c_str()) != 0) die("chdir");
  for (int i = 6; i < argc; ++i) create_and_rename(argv[i], std::string(argv[i]) + "~");
  create_and_rename(argv[4], argv[5]);
  std::fflush(stdout);
  return 0;
}

// A 4 KiB path naming an existing file, distinct for every i: "/etc", then
// 2040 separators each "/." or "//" (bits of i), then "/hostname".
std::string long_alias(unsigned long i) {
  std::string p = "/etc";
  for (int j = 0; j < 2040; ++j) p += (j < 64 && ((i >> j) & 1)) ? "//" : "/.";
  return p + "/hostname";
}

// A 4 KiB path that does not exist, distinct for every i (components under
// NAME_MAX so the kernel looks it up and answers ENOENT).
std::string long_missing(unsigned long i) {
  std::string p = "/nonexistent-ior-" + std::to_string(i);
  while (p.size() + 201 < 4095) p += "/" + std::string(200, 'm');
  return p;
}

int run_badfds(long n) {
  long failed = 0;
  for (long i = 0; i < n; ++i) failed += syscall(SYS_lseek, 100000 + i, 0, SEEK_SET) < 0;
  std::printf("badfds %ld failed %ld\n", n, failed);
  return failed == n ? 0 : 1;
}

int run_dupfork(long dups, long kids) {
  long first = -1;
  for (unsigned long i = 0; i < 20; ++i) {  // a few names, all 4 KiB
    long fd = check(syscall(SYS_openat, AT_FDCWD, long_alias(i).c_str(), O_RDONLY), "openat");
    if (first < 0) first = fd;
  }
  for (long i = 0; i < dups; ++i) check(syscall(SYS_dup2, first, 40 + i), "dup2");
  int gate[2];
  if (pipe(gate) != 0) die("pipe");
  std::vector<pid_t> children;
  for (long k = 0; k < kids; ++k) {
    pid_t c = fork();
    if (c < 0) die("fork");
    if (c == 0) {
      ::close(gate[1]);
      char b;
      while (::read(gate[0], &b, 1) < 0 && errno == EINTR) {
      }
      syscall(SYS_lseek, 40 + k % dups, 0, SEEK_SET);  // one traced use of an inherited fd
      _exit(0);
    }
    children.push_back(c);
  }
  usleep(300'000);  // every child alive at once: the peak of the tables
  ::close(gate[1]);
  for (pid_t c : children) waitpid(c, nullptr, 0);
  std::printf("dupfork %ld dups %ld kids\n", dups, kids);
  return 0;
}

int run_paths(long n) {
  struct stat st;
  for (long i = 0; i < n; ++i) syscall(SYS_newfstatat, AT_FDCWD, long_missing(static_cast<unsigned long>(i)).c_str(), &st, 0);
  std::printf("paths %ld\n", n);
  return 0;
}

int run_threads(long n) {
  for (long i = 0; i < n; i += 64) {
    std::vector<std::thread> batch;
    for (long j = i; j < n && j < i + 64; ++j) {
      batch.emplace_back([j] {
        long fd = syscall(SYS_openat, AT_FDCWD, long_missing(static_cast<unsigned long>(j)).c_str(), O_RDONLY);
        if (fd >= 0) syscall(SYS_close, fd);
      });
    }
    for (auto& t : batch) t.join();
  }
  std::printf("threads %ld\n", n);
  return 0;
}

// A mkdtemp directory in /tmp, under nested 250-byte names to about 3.8 KiB.
std::string long_private_dir() {
  char base[] = "/tmp/ior-owncwds.XXXXXX";
  if (mkdtemp(base) == nullptr) die("mkdtemp");
  std::string dir = base;
  for (char c = 'a'; c < 'a' + 15; ++c) {
    dir += "/" + std::string(250, c);
    check(syscall(SYS_mkdir, dir.c_str(), 0700), "mkdir");
  }
  return dir;
}

int run_owncwds(long n) {
  const std::string dir = long_private_dir();
  for (long i = 0; i < n; i += 64) {
    std::vector<std::thread> batch;
    for (long j = i; j < n && j < i + 64; ++j) {
      batch.emplace_back([&dir, j] {
        const std::string mine = dir + "/t" + std::to_string(j);
        check(syscall(SYS_mkdir, mine.c_str(), 0700), "mkdir");
        check(syscall(SYS_unshare, CLONE_FS), "unshare");
        check(syscall(SYS_chdir, mine.c_str()), "chdir");
        struct stat st;
        syscall(SYS_newfstatat, AT_FDCWD, "missing", &st, 0);
        check(syscall(SYS_rmdir, mine.c_str()), "rmdir");
      });
    }
    for (auto& t : batch) t.join();
  }
  for (std::string d = dir; d.size() > 5; d.resize(d.rfind('/'))) syscall(SYS_rmdir, d.c_str());
  std::printf("owncwds %ld\n", n);
  return 0;
}

}  // namespace

int run_abspaths(const char* self, const std::string& dir);
int run_abspaths_exec(const std::string& cwd);
int run_abspaths_inherited(int kept, int closed, const std::string& name);
int run_passed_reuse(const std::string& d, long n);
int run_passed_dup(const std::string& d, long n);
int run_slowfail(const std::string& dir);
int run_forktree(const char* self, const std::string& dir, bool wait_for_go, bool orphan);
int run_forktree_leaf(const std::string& dir);
int run_moves(const std::string& dir);
int run_fdchurn(const std::string& dir, long threads, long n);
int run_acceptwait();
int run_handoff(const std::string& dir, long n);
int run_lazypaths(const std::string& dir);
int run_statusflags(const std::string& dir);
int run_nsrename(const std::string& dir);
int run_metcwds(const std::string& dir);
int run_seccomp(const std::string& dir, long n);

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "scenario" && argc == 3) return run_scenario(argv[2]);
  if (mode == "bench" && (argc == 4 || argc == 5)) {
    return run_bench(argv[2], std::atof(argv[3]), argc == 5 ? std::atoi(argv[4]) : 1);
  }
  if (mode == "opens" && argc == 4) return run_opens(argv[2], std::atol(argv[3]));
  if (mode == "pause" && argc == 2) return run_pause();
  if (mode == "paced" && (argc == 5 || argc == 6)) {
    // Smaller reads let the workload itself reach higher rates, so that a
    // capacity run finds ior's limit rather than the page-cache copy's.
    std::size_t bytes = argc == 6 ? std::strtoul(argv[5], nullptr, 10) : 4096;
    if (bytes == 0 || bytes > 4096) bytes = 4096;
    return run_paced(std::atof(argv[2]), std::atof(argv[3]), std::atoi(argv[4]), bytes);
  }
  if (mode == "preads" && argc == 6) {
    return run_preads(argv[2], std::atol(argv[3]), std::atol(argv[4]), std::atol(argv[5]));
  }
  if (mode == "names" && argc >= 6) return run_names(argv, argc);
  if (mode == "badfds" && argc == 3) return run_badfds(std::atol(argv[2]));
  if (mode == "dupfork" && argc == 4) return run_dupfork(std::atol(argv[2]), std::atol(argv[3]));
  if (mode == "paths" && argc == 3) return run_paths(std::atol(argv[2]));
  if (mode == "threads" && argc == 3) return run_threads(std::atol(argv[2]));
  if (mode == "owncwds" && argc == 3) return run_owncwds(std::atol(argv[2]));
  if (mode == "abspaths" && argc == 3) return run_abspaths(argv[0], argv[2]);
  if (mode == "abspaths-exec" && argc == 3) return run_abspaths_exec(argv[2]);
  if (mode == "abspaths-inherited" && argc == 5) {
    return run_abspaths_inherited(std::atoi(argv[2]), std::atoi(argv[3]), argv[4]);
  }
  if (mode == "passedreuse" && argc == 4) return run_passed_reuse(argv[2], std::atol(argv[3]));
  if (mode == "passeddup" && argc == 4) return run_passed_dup(argv[2], std::atol(argv[3]));
  if (mode == "slowfail" && argc == 3) return run_slowfail(argv[2]);
  if (mode == "forktree" && argc == 5) {
    return run_forktree(argv[0], argv[2], std::string(argv[3]) == "wait", std::string(argv[4]) == "orphan");
  }
  if (mode == "forktree-leaf" && argc == 3) return run_forktree_leaf(argv[2]);
  if (mode == "moves" && argc == 3) return run_moves(argv[2]);
  if (mode == "fdchurn" && argc == 5) return run_fdchurn(argv[2], std::atol(argv[3]), std::atol(argv[4]));
  if (mode == "acceptwait" && argc == 2) return run_acceptwait();
  if (mode == "handoff" && argc == 4) return run_handoff(argv[2], std::atol(argv[3]));
  if (mode == "lazypaths" && argc == 3) return run_lazypaths(argv[2]);
  if (mode == "statusflags" && argc == 3) return run_statusflags(argv[2]);
  if (mode == "nsrename" && argc == 3) return run_nsrename(argv[2]);
  if (mode == "metcwds" && argc == 3) return run_metcwds(argv[2]);
  if (mode == "seccomp" && argc == 4) return run_seccomp(argv[2], std::atol(argv[3]));
  std::fprintf(stderr,
               "usage: ior_workload scenario DIR | bench openreadclose|pread|writenull SECS [THREADS] | "
               "opens DIR N | preads DIR BURSTS N PAUSE_MS | paced RATE SECS THREADS [BYTES] | pause | "
               "names DIR COMM OLD NEW NAME... | badfds N | dupfork DUPS KIDS | paths N | threads N | owncwds N | "
               "abspaths DIR | slowfail DIR | forktree DIR wait|nowait orphan|join | moves DIR | acceptwait | handoff DIR N | "
               "lazypaths DIR | fdchurn DIR THREADS N | statusflags DIR | nsrename DIR | metcwds DIR | seccomp DIR N\n");
  return 2;
}
