// The bounds of the pipeline's tables (fd table, names, per-thread states),
// driven with hostile record sequences through the pipeline.
#include <errno.h>
#include <fcntl.h>

#include <cstdio>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "base/keyed_hash.hpp"
#include "event/name_table.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

std::string long_path(int i, std::size_t size = 4095) {
  std::string p = "/tmp/" + std::to_string(i) + "/";
  p.resize(size, 'x');
  return p;
}

// Hash tables of traced names hash with a key drawn once per process: the
// same name hashes differently in another run (here this test binary run
// again), so nobody can precompute names that collide.
TEST(KeyedHashTest, StableWithinAProcessAndKeyedPerProcess) {
  const std::string name = "/var/lib/postgresql/15/main/base/16384/2600";
  EXPECT_EQ(keyed_hash(name), keyed_hash(std::string(name)));
  EXPECT_NE(keyed_hash(name), keyed_hash(name + "1"));
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDOUT_FILENO);
    // A new image: the key is drawn again, as in every ior run.
    execl("/proc/self/exe", "bounds", "--gtest_filter=KeyedHashTest.PrintsTheHashOfAName", "--gtest_also_run_disabled_tests",
          nullptr);
    _exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  auto at = out.find("hash=");
  ASSERT_NE(at, std::string::npos) << out;
  std::uint64_t other = std::stoull(out.substr(at + 5));
  EXPECT_NE(other, keyed_hash(name));
}

TEST(KeyedHashTest, PrintsTheHashOfAName) {
  // Run on its own by the test above, in a fresh process.
  std::printf("hash=%llu\n", static_cast<unsigned long long>(keyed_hash("/var/lib/postgresql/15/main/base/16384/2600")));
  std::fflush(stdout);
}

TEST(NameTableTest, EqualTextsShareOneCopyWhichTheLastReferenceFrees) {
  NameTable t;
  {
    SharedName a = t.intern("/data/a");
    SharedName b = t.intern(std::string("/data/") + "a");
    SharedName c = b;
    EXPECT_EQ(a.view().data(), b.view().data());
    EXPECT_EQ(c.view(), "/data/a");
    EXPECT_EQ(t.count(), 1u);
    SharedName d = t.intern("/data/b");
    EXPECT_EQ(t.count(), 2u);
  }
  EXPECT_EQ(t.count(), 0u);
  EXPECT_EQ(t.bytes(), 0u);
  SharedName empty = t.intern("");
  EXPECT_TRUE(empty.empty());
}

// Which directories hold a stored name at any depth: every one while the
// name is stored. One left empty may still answer yes (it stays, idle, for
// the next name stored there) until idle ones are swept or no name is left.
TEST(NameTableTest, KnowsWhichDirectoriesHoldAStoredNameAtAnyDepth) {
  NameTable t;
  {
    SharedName a = t.intern("/srv/app/logs/a.log");
    SharedName p = t.intern("pipe:[12]");
    for (const char* dir : {"/srv", "/srv/app", "/srv/app/logs"}) EXPECT_TRUE(t.holds_below(dir)) << dir;
    for (const char* dir : {"/srv/ap", "/srv/app/logs/a.log", "/srv/app/log", "/var", "pipe:[12]", "/"}) {
      EXPECT_FALSE(t.holds_below(dir)) << dir;
    }
    {
      SharedName b = t.intern("/srv/app/b");
      a = SharedName();
      EXPECT_TRUE(t.holds_below("/srv/app"));
    }
  }
  EXPECT_EQ(t.count(), 0u);
  EXPECT_FALSE(t.holds_below("/srv/app"));
  EXPECT_FALSE(t.holds_below("/srv"));
  EXPECT_EQ(t.bytes(), 0u);
}

// Directories emptied by the thousand are forgotten once idle ones outnumber
// the names stored: their memory is bounded.
TEST(NameTableTest, IdleDirectoriesAreSweptWhenTheyOutnumberTheNames) {
  NameTable t;
  const SharedName kept = t.intern("/data/kept/f");
  const std::size_t one = t.bytes();
  for (int i = 0; i < 5000; ++i) {
    SharedName n = t.intern("/data/d" + std::to_string(i) + "/sub/f");
  }
  EXPECT_TRUE(t.holds_below("/data/kept"));
  EXPECT_TRUE(t.holds_below("/data"));
  EXPECT_FALSE(t.holds_below("/data/d0"));  // swept long ago
  // What is left idle is at most the sweep's threshold.
  EXPECT_LE(t.bytes(), one + 2 * 1025 * 64);
}

class BoundsTest : public PipelineTest {
 protected:
  void open_fd(std::int32_t fd, const std::string& path, std::uint32_t pid = kPid) {
    syscall(IOR_SC_openat, fd, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, path, {}, pid, pid + 1);
  }
  PipelineMemory memory() const { return pipeline_->memory(); }
  /// An enter without its exit: the thread is blocked in the syscall.
  void enter_only(std::uint16_t id, std::uint32_t tid, std::string_view s0 = {}, std::string_view s1 = {}) {
    testing::EnterSpec e;
    e.syscall = id;
    e.pid = kPid;
    e.tid = tid;
    e.time_ns = clock_ += 100;
    e.str0 = s0;
    e.str1 = s1;
    feed(testing::enter_record(e));
  }
};

TEST_F(BoundsTest, FailedSyscallsOnUnknownFdsCacheNothing) {
  for (int fd = 1000; fd < 3000; ++fd) {
    syscall(IOR_SC_lseek, -EBADF, {static_cast<std::uint64_t>(fd), 0, 0});
    syscall(IOR_SC_read, -EINVAL, {static_cast<std::uint64_t>(fd), 0, 0});
  }
  EXPECT_EQ(last().row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(memory().fd_entries, 0u);
  EXPECT_EQ(stats().fd_unknown.get(), 4000u);
}

TEST_F(BoundsTest, DupsAndForksShareOneCopyOfAName) {
  open_fd(3, long_path(1));
  for (std::uint64_t fd = 4; fd < 104; ++fd) syscall(IOR_SC_dup2, static_cast<std::int64_t>(fd), {3, fd, 0});
  for (std::uint32_t child = 1000; child < 1050; ++child) {
    feed(testing::task_record(IOR_EVENT_FORK, child, child, clock_, kPid));
  }
  auto m = memory();
  EXPECT_EQ(m.fd_entries, 101u * 51u);
  EXPECT_EQ(m.fd_names, 1u);
  EXPECT_LT(m.fd_bytes, 101u * 51u * 128u + 8192u);  // 4 KiB once, not 5151 times
  syscall(IOR_SC_read, 1, {77, 1, 0}, {}, {}, 1049, 1049);
  syscall(IOR_SC_read, 1, {103, 1, 0}, {}, {}, 1049, 1049);
  EXPECT_EQ(last().filename, long_path(1));
}

TEST_F(BoundsTest, TablesOfEndedProcessesAreFreedWithTheirNames) {
  for (std::uint32_t pid = 200; pid < 300; ++pid) {
    for (int fd = 3; fd < 13; ++fd) open_fd(fd, long_path(static_cast<int>(pid) * 100 + fd), pid);
  }
  EXPECT_EQ(memory().fd_names, 1000u);
  for (std::uint32_t pid = 200; pid < 300; ++pid) {
    feed(testing::task_record(IOR_EVENT_TASK_EXIT, pid, pid + 1, clock_));
    feed(testing::task_record(IOR_EVENT_TASK_EXIT, pid, pid, clock_, 0, IOR_TASK_GROUP_DEAD));
  }
  auto m = memory();
  EXPECT_EQ(m.fd_processes, 0u);
  EXPECT_EQ(m.fd_entries, 0u);
  EXPECT_EQ(m.fd_names, 0u);
  EXPECT_EQ(m.fd_bytes, 0u);
}

TEST_F(BoundsTest, APerProcessBoundForgetsItsOwnEntriesAndCountsThem) {
  PipelineOptions o;
  o.fd_limits.max_fds_per_process = 100;
  make_pipeline(o);
  open_fd(3, "/other-process", 500);
  for (int fd = 3; fd < 153; ++fd) open_fd(fd, "/f" + std::to_string(fd));
  EXPECT_EQ(memory().fd_entries, 101u);
  EXPECT_EQ(stats().fd_evicted.get(), 50u);
  syscall(IOR_SC_read, 1, {152, 1, 0});
  EXPECT_EQ(last().filename, "/f152");  // the newest stays
  syscall(IOR_SC_read, 1, {3, 1, 0}, {}, {}, 500, 501);
  EXPECT_EQ(last().filename, "/other-process");
}

TEST_F(BoundsTest, TheByteBoundForgetsTheLargestProcessFirst) {
  PipelineOptions o;
  o.fd_limits.max_bytes = 512 * 1024;
  make_pipeline(o);
  for (int fd = 3; fd < 13; ++fd) open_fd(fd, "/small/" + std::to_string(fd), 600);  // a modest process
  for (int i = 0; i < 2000; ++i) {  // a hostile one: distinct 4 KiB names, every fd kept open
    open_fd(3 + i, long_path(i));
    ASSERT_LE(memory().fd_bytes, o.fd_limits.max_bytes);
  }
  EXPECT_GT(stats().fd_evicted.get(), 1000u);
  for (int fd = 3; fd < 13; ++fd) {
    syscall(IOR_SC_read, 1, {static_cast<std::uint64_t>(fd), 1, 0}, {}, {}, 600, 601);
    EXPECT_EQ(last().filename, "/small/" + std::to_string(fd));
  }
  syscall(IOR_SC_read, 1, {3 + 1999, 1, 0});
  EXPECT_EQ(last().filename, long_path(1999));
}

TEST_F(BoundsTest, AForkStormStaysWithinTheByteBound) {
  PipelineOptions o;
  o.fd_limits.max_bytes = 1 << 20;
  make_pipeline(o);
  for (int fd = 3; fd < 1003; ++fd) open_fd(fd, long_path(fd, 200));
  for (std::uint32_t child = 1000; child < 1200; ++child) {
    feed(testing::task_record(IOR_EVENT_FORK, child, child, clock_, kPid));
    ASSERT_LE(memory().fd_bytes, o.fd_limits.max_bytes);
  }
  EXPECT_GT(stats().fd_evicted.get(), 0u);
}

TEST_F(BoundsTest, TablesOfProcessesWhoseExitWasLostGoAfterTwoSweeps) {
  open_fd(3, "/lost-exit", 700);  // the fake /proc root shows no process
  std::uint64_t t = 100'000'000'000ull;
  pipeline_->sweep(t);
  pipeline_->sweep(t += 31'000'000'000ull);
  EXPECT_EQ(memory().fd_entries, 1u);  // dead at one sweep only: records may still be queued
  pipeline_->sweep(t += 31'000'000'000ull);
  EXPECT_EQ(memory().fd_entries, 0u);
}

TEST_F(BoundsTest, ManyShortLivedThreadsStayWithinTheThreadBound) {
  PipelineOptions o;
  o.max_threads = 64;
  make_pipeline(o);
  for (std::uint32_t tid = 1000; tid < 11000; ++tid) {
    syscall(IOR_SC_read, 1, {3, 1, 0}, {}, {}, kPid, tid);  // exit records of the threads lost
    ASSERT_LE(memory().threads, 64u);
  }
  EXPECT_GT(stats().threads_evicted.get(), 9000u);
  EXPECT_EQ(stats().mismatches(), 0u);  // only idle states went
  EXPECT_EQ(stats().rows.get(), 10000u);
}

TEST_F(BoundsTest, PendingEntersBeyondTheThreadBoundGoOldestFirst) {
  PipelineOptions o;
  o.max_threads = 64;
  make_pipeline(o);
  for (std::uint32_t tid = 1000; tid < 1200; ++tid) enter_only(IOR_SC_read, tid);
  EXPECT_LE(memory().threads, 64u);
  feed(testing::exit_record(IOR_SC_read, kPid, 1199, clock_ + 10, 1));  // the newest still pairs
  EXPECT_EQ(stats().rows.get(), 1u);
  feed(testing::exit_record(IOR_SC_read, kPid, 1000, clock_ + 20, 1));  // the oldest was forgotten
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
}

TEST_F(BoundsTest, LongPathsAreNotPinnedPerThreadAndPendingOnesAreBounded) {
  PipelineOptions o;
  o.max_pending_string_bytes = 64 * 1024;
  make_pipeline(o);
  for (std::uint32_t tid = 1000; tid < 1100; ++tid) {
    syscall(IOR_SC_openat, -ENOENT, {O_RDONLY, 0, 0}, long_path(static_cast<int>(tid)), {}, kPid, tid);
  }
  EXPECT_EQ(memory().threads, 100u);
  EXPECT_EQ(memory().thread_string_bytes, 0u);  // released after each exit
  for (std::uint32_t tid = 1000; tid < 1100; ++tid) {
    enter_only(IOR_SC_renameat2, tid, long_path(1), long_path(2));  // 100 threads blocked with 8 KiB of paths each
    ASSERT_LE(memory().thread_string_bytes, o.max_pending_string_bytes);
  }
  EXPECT_GT(stats().threads_evicted.get(), 0u);
}

}  // namespace
}  // namespace ior::event
