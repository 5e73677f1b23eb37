// The threads of a process share its cwd, but for one that called
// unshare(CLONE_FS) (or CLONE_NEWNS) or was created without CLONE_FS: its
// chdirs move it alone, and what it forks or execs starts where it is.
// setns into a mount namespace moves the cwd to that namespace's root.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>

#include <filesystem>
#include <string>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

class ThreadCwdTest : public PipelineTest {
 protected:
  void chdir_on(std::uint32_t tid, std::string_view dir, std::uint32_t pid = kPid) {
    syscall(IOR_SC_chdir, 0, {}, dir, {}, pid, tid);
  }
  std::string stat_on(std::uint32_t tid, std::string_view name, std::uint32_t pid = kPid) {
    syscall(IOR_SC_newstat, 0, {}, name, {}, pid, tid);
    return std::string(last().pathname);
  }
  void unshare_on(std::uint32_t tid, std::uint64_t flags, std::int64_t ret = 0) {
    syscall(IOR_SC_unshare, ret, {flags, 0, 0}, {}, {}, kPid, tid);
  }
};

TEST_F(ThreadCwdTest, AThreadThatUnsharedItsCwdMovesAloneAndTheOthersShareTheirs) {
  chdir_on(101, "/top");
  chdir_on(102, "/shared");  // shared: moves thread 101 too
  EXPECT_EQ(stat_on(101, "f"), "/shared/f");
  unshare_on(103, CLONE_FS);
  EXPECT_EQ(last().row.syscall_name, std::string_view("unshare"));
  EXPECT_EQ(last().pathname, "");
  EXPECT_EQ(stat_on(103, "f"), "/shared/f");  // starts where it was
  chdir_on(103, "/own");
  EXPECT_EQ(stat_on(103, "f"), "/own/f");
  EXPECT_EQ(stat_on(101, "f"), "/shared/f");
  chdir_on(102, "/moved");
  EXPECT_EQ(stat_on(101, "f"), "/moved/f");
  EXPECT_EQ(stat_on(103, "f"), "/own/f");
  unshare_on(103, CLONE_FS);  // again: already its own, nothing copied
  EXPECT_EQ(stat_on(103, "f"), "/own/f");
  // Other unshares, and a failed one, leave the cwd shared.
  unshare_on(104, CLONE_FILES);
  unshare_on(105, CLONE_FS, -EINVAL);
  chdir_on(104, "/by104");
  EXPECT_EQ(stat_on(105, "f"), "/by104/f");
  EXPECT_EQ(stat_on(101, "f"), "/by104/f");
  // CLONE_NEWNS unshares the cwd too.
  unshare_on(106, CLONE_NEWNS);
  chdir_on(106, "/ns");
  EXPECT_EQ(stat_on(101, "f"), "/by104/f");
  EXPECT_EQ(stat_on(106, "f"), "/ns/f");
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 2u);
  // A thread that ended forgets its own: its tid reused by a new thread
  // (which shares the cwd: no record for it) is in the process's.
  feed(testing::task_exit_record(kPid, 103, clock_++, false));
  EXPECT_EQ(stat_on(103, "f"), "/by104/f");
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 1u);
  // Another process's thread with the same tid is not that thread.
  chdir_on(106, "/other", kPid + 50);
  EXPECT_EQ(stat_on(106, "f"), "/ns/f");
  // The process ends: every thread's own cwd goes with it.
  feed(testing::task_exit_record(kPid, kPid, clock_++, true));
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 0u);
}

// chroot keeps the cwd but names it from the new root, as getcwd does.
TEST_F(ThreadCwdTest, ChrootNamesTheCwdFromTheNewRoot) {
  chdir_on(101, "/srv/jail/sub");
  syscall(IOR_SC_chroot, 0, {}, "/srv/jail", {}, kPid, 101);
  EXPECT_EQ(last().pathname, "/srv/jail");
  EXPECT_EQ(stat_on(102, "f"), "/sub/f");
  syscall(IOR_SC_getcwd, 5, {}, {}, {}, kPid, 101);
  EXPECT_EQ(last().pathname, "/sub");
  syscall(IOR_SC_chroot, 0, {}, "..", {}, kPid, 101);  // chroot("..") from /sub: the root is now /
  EXPECT_EQ(stat_on(101, "f"), "/sub/f");
  // The common chdir(dir); chroot(".") leaves the cwd at the new root.
  chdir_on(101, "/srv/jail2");
  syscall(IOR_SC_chroot, 0, {}, ".", {}, kPid, 101);
  EXPECT_EQ(stat_on(101, "f"), "/f");
  // A failed chroot changes nothing.
  chdir_on(101, "/a/b");
  syscall(IOR_SC_chroot, -1, {}, "/a", {}, kPid, 101);
  EXPECT_EQ(stat_on(101, "f"), "/a/b/f");
  // A cwd outside the new root has no name in it: /proc says where it is.
  syscall(IOR_SC_chroot, 0, {}, "/elsewhere", {}, kPid, 101);
  EXPECT_EQ(stat_on(101, "f"), "f");
  EXPECT_NE(last().row.notice & schema::kNoticePathUnresolved, 0);
}

TEST_F(ThreadCwdTest, AThreadCreatedWithoutCloneFsStartsAtItsCreatorsCwd) {
  chdir_on(101, "/top");
  unshare_on(103, CLONE_FS);
  chdir_on(103, "/own");
  feed(testing::own_fs_thread_record(kPid, 110, clock_++, 103));
  EXPECT_EQ(stat_on(110, "f"), "/own/f");
  chdir_on(110, "/mine");
  EXPECT_EQ(stat_on(110, "f"), "/mine/f");
  EXPECT_EQ(stat_on(103, "f"), "/own/f");
  EXPECT_EQ(stat_on(101, "f"), "/top/f");
  // Created by a thread that shares the process's.
  feed(testing::own_fs_thread_record(kPid, 111, clock_++, 101));
  chdir_on(101, "/later");
  EXPECT_EQ(stat_on(111, "f"), "/top/f");
  EXPECT_EQ(stat_on(102, "f"), "/later/f");
}

TEST_F(ThreadCwdTest, AProcessForkedOrExecdByAThreadWithItsOwnCwdStartsThere) {
  chdir_on(101, "/top");
  unshare_on(103, CLONE_FS);
  chdir_on(103, "/own");
  feed(testing::task_record(IOR_EVENT_FORK, 200, 200, clock_++, kPid, 0, 103));
  EXPECT_EQ(stat_on(200, "f", 200), "/own/f");
  feed(testing::fork_record(300, 300, clock_++, kPid));  // forked by the main thread
  EXPECT_EQ(stat_on(300, "f", 300), "/top/f");
  // exec from thread 103: it takes the leader's tid, and its cwd is the
  // process's from then on.
  feed(testing::task_record(IOR_EVENT_EXEC, kPid, kPid, clock_++, 0, 0, 103));
  EXPECT_EQ(stat_on(kPid, "g"), "/own/g");
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 0u);
  chdir_on(kPid, "/after");
  EXPECT_EQ(stat_on(kPid + 9, "g"), "/after/g");  // a thread it makes shares it
}

// The process's own table was never made (no fd, no cwd seen): the
// thread's cwd still goes to the child.
TEST_F(ThreadCwdTest, AForkFromAThreadWithItsOwnCwdInAProcessIorKnowsNothingElseOf) {
  unshare_on(103, CLONE_FS);
  chdir_on(103, "/own");
  feed(testing::task_record(IOR_EVENT_FORK, 200, 200, clock_++, kPid, 0, 103));
  EXPECT_EQ(stat_on(200, "f", 200), "/own/f");
}

TEST_F(ThreadCwdTest, ARenamedDirectoryMovesAThreadsOwnCwd) {
  chdir_on(101, "/srv");
  unshare_on(103, CLONE_FS);
  chdir_on(103, "/srv/app/logs");
  syscall(IOR_SC_rename, 0, {}, "app", "app.old", kPid, 101);
  EXPECT_EQ(stat_on(103, "f"), "/srv/app.old/logs/f");
  EXPECT_EQ(stat_on(101, "f"), "/srv/f");
}

TEST_F(ThreadCwdTest, OwnCwdsAreBounded) {
  chdir_on(101, "/top");
  constexpr std::uint32_t kMany = (1u << 16) + 10;
  for (std::uint32_t tid = 1000; tid < 1000 + kMany; ++tid) unshare_on(tid, CLONE_FS);
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 1u << 16);
  EXPECT_EQ(stats().fd_evicted.get(), 10u);
  // A forgotten one falls back to the process's cwd (its own started there).
  EXPECT_EQ(stat_on(1000 + kMany - 1, "f"), "/top/f");
}

// setns into a mount namespace moves the thread's root and cwd to the
// namespace's root; with nstype 0 the fd's kind is unknown: the cwd is
// read from /proc at its next use.
TEST_F(ThreadCwdTest, JoiningAMountNamespaceMovesTheCwdToItsRoot) {
  chdir_on(101, "/top");
  syscall(IOR_SC_setns, 0, {7, CLONE_NEWNET, 0}, {}, {}, kPid, 101);
  EXPECT_EQ(last().row.syscall_name, std::string_view("setns"));
  EXPECT_EQ(last().row.fd, 7);
  EXPECT_EQ(stat_on(101, "f"), "/top/f");
  syscall(IOR_SC_setns, -EINVAL, {7, CLONE_NEWNS, 0}, {}, {}, kPid, 101);
  EXPECT_EQ(stat_on(101, "f"), "/top/f");
  syscall(IOR_SC_setns, 0, {7, CLONE_NEWNS, 0}, {}, {}, kPid, 101);
  EXPECT_EQ(stat_on(101, "f"), "/f");
  EXPECT_EQ(last().row.notice, 0);
  // A thread with its own cwd (it must have one to join): only it moves.
  chdir_on(101, "/top");
  unshare_on(103, CLONE_FS);
  syscall(IOR_SC_setns, 0, {7, CLONE_NEWNS | CLONE_NEWPID, 0}, {}, {}, kPid, 103);
  EXPECT_EQ(stat_on(103, "f"), "/f");
  EXPECT_EQ(stat_on(101, "f"), "/top/f");
  // nstype 0: /proc (empty here) is asked, so the cwd is unknown, not the old one.
  syscall(IOR_SC_setns, 0, {7, 0, 0}, {}, {}, kPid, 101);
  EXPECT_EQ(stat_on(101, "f"), "f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

// Each thread's own cwd a distinct long name: the names stay within the
// fd table's budget; a thread whose name did not fit has an unknown cwd,
// not another's.
TEST_F(ThreadCwdTest, OwnCwdNamesStayWithinTheTablesBudget) {
  PipelineOptions o;
  o.proc_root = empty_proc_;
  o.fd_limits.max_bytes = 256 * 1024;
  make_pipeline(o);
  chdir_on(101, "/top");
  const std::string dir = "/" + std::string(4000, 'd');
  for (std::uint32_t tid = 1000; tid < 1200; ++tid) {
    unshare_on(tid, CLONE_FS);
    chdir_on(tid, dir + std::to_string(tid));
  }
  // The names within the budget; the entries themselves (64 B each) are
  // bounded by their count (OwnCwdsAreBounded).
  const auto m = pipeline_->memory();
  EXPECT_EQ(m.fd_thread_cwds, 200u);
  EXPECT_LE(m.fd_bytes, o.fd_limits.max_bytes + m.fd_thread_cwds * 64);
  EXPECT_GT(stats().fd_evicted.get(), 0u);
  EXPECT_EQ(stat_on(1000, "f"), dir + "1000/f");  // the first ones fit
  EXPECT_EQ(stat_on(1199, "f"), "f");             // the last did not: unknown
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

class ProcThreadCwdTest : public ThreadCwdTest {
 protected:
  void SetUp() override {
    proc_.link("100/cwd", "/home/process");
    proc_.link("100/task/103/cwd", "/home/thread");
    make_pipeline_over(proc_);
  }
  FakeProc proc_{"thread-cwd"};
};

// A process that ran before tracing: the thread's own cwd is read from its
// own /proc entry.
TEST_F(ProcThreadCwdTest, AnOwnCwdNeverSeenSetIsReadFromTheThreadsProcEntry) {
  unshare_on(103, CLONE_FS);
  EXPECT_EQ(stat_on(103, "f"), "/home/thread/f");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
  EXPECT_EQ(stat_on(101, "f"), "/home/process/f");
}

// A process met running whose thread has had a cwd of its own since before
// tracing (no unshare record): /proc/PID/cwd is the main thread's, so each
// thread's is read with it, and one that differs is the thread's own (a
// Samba worker's relative names had been joined to the main thread's cwd).
TEST_F(ProcThreadCwdTest, AThreadsOwnCwdFromBeforeTracingIsLearnedWithTheProcesss) {
  proc_.link("100/task/100/cwd", "/home/process");
  proc_.link("100/task/101/cwd", "/home/process");
  EXPECT_EQ(stat_on(103, "f"), "/home/thread/f");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
  EXPECT_EQ(stat_on(101, "f"), "/home/process/f");
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 1u);
  chdir_on(101, "/moved");  // shared with the main thread, not with 103
  EXPECT_EQ(stat_on(100, "f"), "/moved/f");
  EXPECT_EQ(stat_on(103, "f"), "/home/thread/f");
}

TEST_F(ProcThreadCwdTest, TheOwnCwdOfAThreadThatProcDoesNotShowIsSweptAfterTwoLooks) {
  unshare_on(103, CLONE_FS);
  unshare_on(104, CLONE_FS);  // its exit record was lost: /proc has no task/104
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 2u);
  std::uint64_t now = 1;
  for (int i = 0; i < 3; ++i) {
    pipeline_->sweep(now);
    now += std::uint64_t{1} << 40;
  }
  EXPECT_EQ(pipeline_->memory().fd_thread_cwds, 1u);
  EXPECT_EQ(stat_on(103, "f"), "/home/thread/f");
}

}  // namespace
}  // namespace ior::event
