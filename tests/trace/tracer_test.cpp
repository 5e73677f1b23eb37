// The BPF programs seen through a real Tracer, with syscalls the test makes
// itself through syscall(2): strings, filters, syscall selection, drops, and
// the errors a user sees.

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absent_syscalls.hpp"
#include "base/error.hpp"
#include "ior_event.h"
#include "trace/ring_reader.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

// openat of a path that does not exist: one enter and one exit, -ENOENT.
void open_missing(const std::string& path) {
  long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY, 0);
  ASSERT_EQ(fd, -1) << path;
}

// The enter records of `name` whose first string starts with `prefix`.
std::vector<Record> enters(const Collector& c, std::string_view name, std::string_view prefix) {
  std::vector<Record> out;
  for (const auto& r : c.records) {
    if (r.is_enter() && r.name() == name && r.str0.substr(0, prefix.size()) == prefix) {
      out.push_back(r);
    }
  }
  return out;
}

std::size_t count_of(const Collector& c, std::uint16_t kind, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(c.records.begin(), c.records.end(), [&](const Record& r) {
    return r.kind == kind && r.name() == name;
  }));
}

// The syscalls of bpf/syscalls.def that the architecture has no number for
// (absent_syscalls.hpp says where the lists come from).
std::set<std::string> not_on_this_architecture() {
#if defined(__x86_64__)
  return kAbsentOnX86_64;
#elif defined(__aarch64__)
  return kAbsentOnArm64;
#else
#error "ior is built for x86_64 and arm64 only (CMakeLists.txt)"
#endif
}

TEST(TracerTest, AttachesExactlyTheSyscallsOfTheTableThatThisArchitectureHas) {
  IOR_REQUIRE_ROOT();
  std::vector<std::string> warnings;
  auto o = this_thread_only();
  o.warn = [&](const std::string& m) { warnings.push_back(m); };
  trace::Tracer tracer(o);
  tracer.attach();

  const std::set<std::string> absent = not_on_this_architecture();
  std::vector<std::string> want_attached, want_skipped, want_warnings;
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    std::string name(syscall_name(id));
    if (absent.count(name) == 0) {
      want_attached.push_back(name);
    } else {
      want_skipped.push_back(name);
      want_warnings.push_back("ior: syscall " + name + " does not exist on this architecture: skipped");
    }
  }
  ASSERT_EQ(want_skipped.size(), absent.size()) << "a name above is not in bpf/syscalls.def";
  EXPECT_EQ(tracer.attached_syscalls(), want_attached);
  EXPECT_EQ(tracer.skipped_syscalls(), want_skipped);
  EXPECT_EQ(warnings, want_warnings);
}

TEST(TracerTest, StringsLongerThanStrMaxAreCutAndFlagged) {
  IOR_REQUIRE_ROOT();
  auto o = this_thread_only();
  o.str_max = 16;
  trace::Tracer tracer(o);
  tracer.attach();
  const std::string exact = "/nonexistent/ab1";   // 16 bytes: kept whole
  const std::string longer = "/nonexistent/ab12";  // 17 bytes: cut to 16
  const std::string shorter = "/nonexistent/a";    // 14 bytes
  const std::string very_long = "/nonexistent/" + std::string(300, 'q');
  for (const auto& p : {exact, longer, shorter, very_long}) open_missing(p);
  ASSERT_EQ(syscall(SYS_rename, very_long.c_str(), shorter.c_str()), -1);

  Collector c;
  tracer.drain(c);
  EXPECT_EQ(c.malformed, 0u);
  auto opens = enters(c, "openat", "/nonexistent/");
  ASSERT_EQ(opens.size(), 4u);
  EXPECT_EQ(opens[0].str0, exact);
  EXPECT_EQ(opens[0].str_flags, 0);
  EXPECT_EQ(opens[1].str0, longer.substr(0, 16));
  EXPECT_EQ(opens[1].str_flags, IOR_STR0_TRUNCATED);
  EXPECT_EQ(opens[2].str0, shorter);
  EXPECT_EQ(opens[2].str_flags, 0);
  EXPECT_EQ(opens[3].str0, very_long.substr(0, 16));
  EXPECT_EQ(opens[3].str_flags, IOR_STR0_TRUNCATED);

  auto renames = enters(c, "rename", "");
  ASSERT_EQ(renames.size(), 1u);
  EXPECT_EQ(renames[0].str0, very_long.substr(0, 16));
  EXPECT_EQ(renames[0].str1, shorter);  // string 1 right after the cut string 0
  EXPECT_EQ(renames[0].str_flags, IOR_STR0_TRUNCATED);
}

TEST(TracerTest, DefaultStrMaxKeepsPathMaxWholeAndCutsLonger) {
  IOR_REQUIRE_ROOT();
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  const std::string max = "/nonexistent/" + std::string(IOR_STR_MAX - 13, 'm');
  const std::string over = "/nonexistent/" + std::string(6000, 'o');
  ASSERT_EQ(max.size(), static_cast<std::size_t>(IOR_STR_MAX));
  ASSERT_EQ(syscall(SYS_rename, max.c_str(), over.c_str()), -1);

  Collector c;
  tracer.drain(c);
  EXPECT_EQ(c.malformed, 0u);
  auto renames = enters(c, "rename", "/nonexistent/");
  ASSERT_EQ(renames.size(), 1u);
  EXPECT_EQ(renames[0].str0, max);
  EXPECT_EQ(renames[0].str1, over.substr(0, IOR_STR_MAX));
  EXPECT_EQ(renames[0].str_flags, IOR_STR1_TRUNCATED);
}

TEST(TracerTest, AnUnreadableStringIsAFaultNotAnEmptyPath) {
  IOR_REQUIRE_ROOT();
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  const auto* bad = reinterpret_cast<const char*>(8);
  ASSERT_EQ(syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY, 0), -1);
  ASSERT_EQ(errno, EFAULT);

  Collector c;
  tracer.drain(c);
  std::vector<Record> faults;
  for (const auto& r : c.records) {
    if (r.is_enter() && r.name() == "openat" && r.args[0] == O_RDONLY && r.str0.empty()) {
      faults.push_back(r);
    }
  }
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].str_flags, IOR_STR0_FAULT);
}

TEST(TracerTest, TidFilterKeepsOnlyThatThread) {
  IOR_REQUIRE_ROOT();
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  std::thread other([] { open_missing("/nonexistent/other-thread"); });
  other.join();
  open_missing("/nonexistent/this-thread");

  Collector c;
  tracer.drain(c);
  EXPECT_EQ(enters(c, "openat", "/nonexistent/other-thread").size(), 0u);
  EXPECT_EQ(enters(c, "openat", "/nonexistent/this-thread").size(), 1u);
  for (const auto& r : c.records) {
    EXPECT_EQ(r.tid, static_cast<std::uint32_t>(syscall(SYS_gettid))) << r.name();
  }
}

TEST(TracerTest, TheToolItselfIsNeverTraced) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  trace::TracerOptions o;
  o.self_pid = static_cast<std::uint32_t>(getpid());
  o.ring_bytes = 64u << 20;  // the whole host is traced while this runs
  trace::Tracer tracer(o);
  tracer.attach();
  Collector c;
  c.keep = [&](const Record& r) {
    return r.is_enter() && r.str0.rfind(dir.path(), 0) == 0;
  };
  trace::RingReader reader(tracer, c, {});
  reader.start();
  open_missing(dir.path() + "/from-the-tool");
  run_and_capture({WORKLOAD_BINARY, "opens", dir.path(), "3"});
  reader.stop();

  EXPECT_EQ(enters(c, "openat", dir.path() + "/from-the-tool").size(), 0u);
  EXPECT_EQ(enters(c, "openat", dir.path() + "/f").size(), 3u);
  for (const auto& r : c.records) EXPECT_NE(r.pid, static_cast<std::uint32_t>(getpid()));
}

TEST(TracerTest, ExcludedSyscallsAreNotAttachedAndNotRecorded) {
  IOR_REQUIRE_ROOT();
  auto o = this_thread_only();
  o.select = [](std::string_view name) { return name != "close" && name != "rename"; };
  trace::Tracer tracer(o);
  tracer.attach();
  const auto& on = tracer.attached_syscalls();
  EXPECT_EQ(std::find(on.begin(), on.end(), "close"), on.end());
  EXPECT_EQ(std::find(on.begin(), on.end(), "rename"), on.end());
  EXPECT_NE(std::find(on.begin(), on.end(), "openat"), on.end());

  long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(syscall(SYS_close, fd), 0);
  ASSERT_EQ(syscall(SYS_rename, "/nonexistent/a", "/nonexistent/b"), -1);

  Collector c;
  tracer.drain(c);
  EXPECT_EQ(count_of(c, IOR_EVENT_ENTER, "openat"), 1u);
  EXPECT_EQ(count_of(c, IOR_EVENT_EXIT, "openat"), 1u);
  EXPECT_EQ(count_of(c, IOR_EVENT_ENTER, "close") + count_of(c, IOR_EVENT_EXIT, "close"), 0u);
  EXPECT_EQ(count_of(c, IOR_EVENT_ENTER, "rename") + count_of(c, IOR_EVENT_EXIT, "rename"), 0u);
}

TEST(TracerTest, AFullRingCountsEveryRecordItCouldNotTake) {
  IOR_REQUIRE_ROOT();
  auto o = this_thread_only();
  o.ring_bytes = 4096;  // about 30 syscalls fit
  trace::Tracer tracer(o);
  tracer.attach();
  constexpr std::uint64_t kCalls = 2000;
  for (std::uint64_t i = 0; i < kCalls; ++i) {
    ASSERT_EQ(syscall(SYS_close, -1), -1);  // EBADF: one enter, one exit each
  }
  // Nothing was consumed while the burst ran: the ring overflowed.
  auto counters = tracer.counters();
  Collector c;
  tracer.drain(c);
  EXPECT_EQ(c.malformed, 0u);
  std::uint64_t got_enter = count_of(c, IOR_EVENT_ENTER, "close");
  std::uint64_t got_exit = count_of(c, IOR_EVENT_EXIT, "close");
  EXPECT_GT(got_enter, 0u);
  EXPECT_GT(counters.drop_enter, 0u);
  EXPECT_GT(counters.drop_exit, 0u);
  EXPECT_EQ(got_enter + counters.drop_enter, kCalls);
  EXPECT_EQ(got_exit + counters.drop_exit, kCalls);
  EXPECT_EQ(counters.drop_task, 0u);
  EXPECT_GT(counters.wakeups, 0u);  // more than half full: the reader was woken
}

TEST(TracerTest, ANormalRunLosesNothingAndForcesNoWakeUp) {
  IOR_REQUIRE_ROOT();
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(syscall(SYS_close, -1), -1);
  Collector c;
  EXPECT_EQ(tracer.drain(c), c.seen);
  EXPECT_EQ(count_of(c, IOR_EVENT_ENTER, "close"), 100u);
  EXPECT_EQ(count_of(c, IOR_EVENT_EXIT, "close"), 100u);
  auto counters = tracer.counters();
  EXPECT_EQ(counters.drops(), 0u);
  EXPECT_EQ(counters.wakeups, 0u);
}

// A backlog bigger than what one round reads of a ring (8192 records),
// taken by poll() as the reader thread does: every record once, in the
// order the thread made them, whichever CPUs they were written on.
TEST(TracerTest, ABacklogOfManyRoundsComesOutWholeAndInOrder) {
  IOR_REQUIRE_ROOT();
  auto o = this_thread_only();
  o.ring_bytes = 32u << 20;  // each CPU's ring holds the whole burst
  trace::Tracer tracer(o);
  tracer.attach();
  constexpr std::uint64_t kCalls = 40000;  // 4.8 MB of paired records
  for (std::uint64_t i = 0; i < kCalls; ++i) {
    ASSERT_EQ(syscall(SYS_lseek, -1, static_cast<long>(i), SEEK_SET), -1);  // EBADF; the offset numbers it
  }
  Collector c;
  c.keep = [](const Record& r) { return r.name() == "lseek" && r.is_enter(); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (c.records.size() < kCalls && std::chrono::steady_clock::now() < deadline) tracer.poll(c, 10);
  ASSERT_EQ(c.records.size(), kCalls);
  EXPECT_EQ(c.malformed, 0u);
  std::uint64_t out_of_order = 0;
  for (std::uint64_t i = 0; i < kCalls; ++i) {
    out_of_order += c.records[i].args[1] != i;
  }
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(tracer.counters().drops(), 0u);
}

TEST(TracerTest, FdSyscallsComeAsOneRecordStringSyscallsAsTwo) {
  IOR_REQUIRE_ROOT();
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(syscall(SYS_close, 12345), -1);
  open_missing("/nonexistent/paired");
  Collector c;
  tracer.drain(c);
  EXPECT_EQ(c.seen, 5u);  // three paired closes, the enter and the exit of openat
  ASSERT_EQ(c.records.size(), 8u);
  for (std::size_t i = 0; i < 6; i += 2) {
    const Record& enter = c.records[i];
    const Record& exit = c.records[i + 1];
    EXPECT_EQ(enter.name(), "close");
    EXPECT_TRUE(enter.is_enter() && enter.paired);
    EXPECT_TRUE(exit.is_exit() && exit.paired);
    EXPECT_EQ(enter.args[0], 12345u);
    EXPECT_EQ(enter.comm, c.records[6].comm);
    EXPECT_EQ(exit.ret, -EBADF);
    EXPECT_GE(exit.time_ns, enter.time_ns);
    if (i > 0) {
      EXPECT_GT(enter.time_ns, c.records[i - 1].time_ns);
    }
  }
  EXPECT_TRUE(c.records[6].is_enter() && !c.records[6].paired);
  EXPECT_EQ(c.records[6].str0, "/nonexistent/paired");
  EXPECT_TRUE(c.records[7].is_exit() && !c.records[7].paired);
  EXPECT_EQ(c.records[7].ret, -ENOENT);
}

// A thread of this process blocked in read(2) on a pipe until release().
class BlockedReader {
 public:
  BlockedReader() {
    if (pipe(fds_) != 0) throw std::runtime_error("pipe");
    thread_ = std::thread([this] {
      tid_.store(static_cast<std::uint32_t>(syscall(SYS_gettid)));
      char b;
      syscall(SYS_read, fds_[0], &b, 1);
    });
  }
  ~BlockedReader() {
    join();
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  /// Waits until the thread sleeps in read (its /proc syscall line names it).
  std::uint32_t wait_blocked() {
    for (int i = 0; i < 500; ++i) {
      const std::uint32_t tid = tid_.load();
      if (tid != 0) {
        std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
        long nr = -1;
        if (in >> nr && nr == SYS_read) return tid;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the reader never blocked in read";
    return 0;
  }
  void release() {
    if (!released_) {
      ASSERT_EQ(::write(fds_[1], "x", 1), 1);
    }
    released_ = true;
  }
  void join() {
    release();
    if (thread_.joinable()) thread_.join();
  }
  int read_fd() const { return fds_[0]; }

 private:
  int fds_[2] = {-1, -1};
  std::atomic<std::uint32_t> tid_{0};
  bool released_ = false;
  std::thread thread_;
};

// The enter of a syscall still running at stop waits in the kernel's slot:
// detach() sends it as a lone enter record, as without pairing.
TEST(TracerTest, ASyscallStillRunningAtStopArrivesAsItsEnter) {
  IOR_REQUIRE_ROOT();
  auto o = this_thread_only();
  o.tid = 0;  // the whole test process: the reader is another thread
  trace::Tracer tracer(o);
  tracer.attach();
  BlockedReader reader;
  const std::uint32_t tid = reader.wait_blocked();
  ASSERT_NE(tid, 0u);
  tracer.detach();
  Collector c;
  c.keep = [tid](const Record& r) { return r.tid == tid && r.name() == "read"; };
  tracer.drain(c);
  reader.join();
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_TRUE(c.records[0].is_enter());
  EXPECT_FALSE(c.records[0].paired);
  EXPECT_EQ(c.records[0].args[0], static_cast<std::uint64_t>(reader.read_fd()));
  EXPECT_EQ(c.records[0].args[1], 1u);
  Collector after;
  EXPECT_EQ(tracer.drain(after), 0u);  // detached: the exit was not recorded
}

// read switched off while a call is in flight (-live): its exit is not
// recorded, and the enter waiting in the slot reaches userspace as a lone
// enter record before what the thread does next, then its end.
TEST(TracerTest, AnEnterWithoutExitReachesUserspaceBeforeTheThreadsNextRecords) {
  IOR_REQUIRE_ROOT();
  auto o = this_thread_only();
  o.tid = 0;
  trace::Tracer tracer(o);
  tracer.attach();
  std::uint32_t tid = 0;
  {
    BlockedReader reader;
    tid = reader.wait_blocked();
    ASSERT_NE(tid, 0u);
    ASSERT_TRUE(tracer.set_recording("read", false));
    reader.join();  // the thread ends: sched_process_exit sends what its slot held
  }
  Collector c;
  c.keep = [tid](const Record& r) { return r.tid == tid; };
  tracer.drain(c);
  ASSERT_GE(c.records.size(), 2u);
  EXPECT_TRUE(c.records.front().is_enter() && c.records.front().name() == "read");
  EXPECT_FALSE(c.records.front().paired);
  EXPECT_EQ(c.records.back().kind, IOR_EVENT_TASK_EXIT);
  for (const auto& r : c.records) EXPECT_FALSE(r.is_exit() && r.name() == "read");
  EXPECT_EQ(tracer.counters().drops(), 0u);
}

TEST(TracerTest, NotRootIsOneLineNamingTheFix) {
  IOR_REQUIRE_ROOT();  // to drop privileges, the test starts with them
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(p[0]);
    std::string msg = "no error";
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
      msg = "setresuid failed";
    } else {
      try {
        trace::Tracer tracer(trace::TracerOptions{});
      } catch (const ior::Error& e) {
        msg = e.what();
      }
    }
    ssize_t ignored = ::write(p[1], msg.data(), msg.size());
    (void)ignored;
    _exit(0);
  }
  ::close(p[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
  ::close(p[0]);
  waitpid(child, nullptr, 0);
  EXPECT_NE(msg.find("needs root (or CAP_BPF and CAP_PERFMON)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sudo"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

}  // namespace
}  // namespace ior::testing
