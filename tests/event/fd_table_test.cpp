// Every fd-table rule, driven through the pipeline with synthetic records.
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "event/clock.hpp"
#include "event/proc_name_check.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

class FdTableTest : public PipelineTest {
 protected:
  // read(fd) and return the row: its filename/flags/notice are the table's view.
  const OwnedRow& read_fd(std::int32_t fd, std::uint32_t pid = kPid) {
    syscall(IOR_SC_read, 1, {static_cast<std::uint64_t>(fd), 1, 0}, {}, {}, pid, pid + 1);
    return last();
  }
  void open_file(const char* path, std::int32_t fd, std::int32_t flags = O_RDONLY,
                 std::uint32_t pid = kPid) {
    syscall(IOR_SC_openat, fd, {static_cast<std::uint64_t>(flags), 0, static_cast<std::uint64_t>(AT_FDCWD)},
            path, {}, pid, pid + 1);
  }
  // A syscall on fd of thread tid that enters now and returns (exit_on)
  // after whatever the test does on kTid meanwhile.
  void enter_on(std::uint16_t id, std::uint32_t tid, std::int32_t fd) {
    testing::EnterSpec e = testing::spec(id, kPid, tid, clock_);
    e.args = {static_cast<std::uint64_t>(fd), 0, 10};
    feed(testing::enter_record(e));
    clock_ += 20;
  }
  const OwnedRow& exit_on(std::uint16_t id, std::uint32_t tid, std::int64_t ret) {
    feed(testing::exit_record(id, kPid, tid, clock_, ret));
    clock_ += 20;
    return last();
  }
  // A close on thread kTid + 1, and a read (blocked on a pipe) on kTid + 2.
  void enter_close_on_another_thread(std::int32_t fd) { enter_on(IOR_SC_close, kTid + 1, fd); }
  void exit_close_on_another_thread() { exit_on(IOR_SC_close, kTid + 1, 0); }
  void enter_read_on_another_thread(std::int32_t fd) { enter_on(IOR_SC_read, kTid + 2, fd); }
  const OwnedRow& exit_read_on_another_thread(std::int64_t ret) { return exit_on(IOR_SC_read, kTid + 2, ret); }
};

// The table remembers its last answer (a busy thread's rows come in runs on
// one fd): every way an entry or a process goes must make the next row ask
// again, never reuse the entry that went.
TEST_F(FdTableTest, TheRememberedEntryNeverOutlivesTheFileItNamed) {
  open_file("/data/first", 3);
  EXPECT_EQ(read_fd(3).filename, "/data/first");
  EXPECT_EQ(read_fd(3).filename, "/data/first");  // the remembered answer
  syscall(IOR_SC_close, 0, {3, 0, 0});
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
  open_file("/data/second", 3);
  EXPECT_EQ(read_fd(3).filename, "/data/second");
  // The process ends and its pid comes back with other fds.
  feed(testing::task_exit_record(kPid, kPid, clock_++, true));
  open_file("/data/third", 3);
  EXPECT_EQ(read_fd(3).filename, "/data/third");
  // A dup2 onto the remembered number replaces the entry in place.
  open_file("/data/fourth", 4);
  syscall(IOR_SC_dup2, 3, {4, 3, 0});
  EXPECT_EQ(read_fd(3).filename, "/data/fourth");
  // Another process's same fd number is its own file.
  open_file("/data/other", 3, O_RDONLY, kPid + 7);
  EXPECT_EQ(read_fd(3, kPid + 7).filename, "/data/other");
  EXPECT_EQ(read_fd(3).filename, "/data/fourth");
  // exec closes an O_CLOEXEC fd.
  open_file("/data/cloexec", 5, O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(read_fd(5).filename, "/data/cloexec");
  feed(testing::exec_record(kPid, kPid, clock_++));
  EXPECT_EQ(read_fd(5).row.notice, schema::kNoticeFdUnknown);
}

// Linux frees a closed fd's number before close returns: another thread may
// get it from an open that returns, and is recorded, before the close's exit.
TEST_F(FdTableTest, ACloseRecordedAfterItsFdWasGivenOutAgainClosesTheOldFile) {
  open_file("/data/old", 3);
  enter_close_on_another_thread(3);
  open_file("/data/new", 3);  // on kTid, entered and returned while the close ran
  exit_close_on_another_thread();
  EXPECT_EQ(last().row.syscall_name, std::string_view("close"));
  EXPECT_EQ(last().filename, "/data/old");
  EXPECT_EQ(read_fd(3).filename, "/data/new");
  syscall(IOR_SC_close, 0, {3, 0, 0});  // entered after the open: closes the new one
  EXPECT_EQ(last().filename, "/data/new");
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
}

// A read blocked on fd 3 while another thread closes 3 and opens another
// file, which gets 3: the kernel holds the old file for the whole read, so
// the read's row names it (kept as closed), never the newer file.
TEST_F(FdTableTest, ASyscallWhoseFdWasGivenOutAgainWhileItRanIsNotNamedAfterTheNewFile) {
  open_file("/data/pipe-like", 3);
  enter_read_on_another_thread(3);
  syscall(IOR_SC_close, 0, {3, 0, 0});
  open_file("/data/new", 3);
  const OwnedRow& row = exit_read_on_another_thread(5);
  EXPECT_EQ(row.filename, "/data/pipe-like");
  EXPECT_EQ(row.row.notice, 0);
  EXPECT_EQ(read_fd(3).filename, "/data/new");  // a read that entered later
}

// The usual shutdown: one thread closes an fd another is blocked on, and
// the blocked call returns later; its row names the file it ran on. A call
// that entered after the close finds no fd (EBADF), and is not named.
TEST_F(FdTableTest, ASyscallBlockedWhileAnotherThreadClosedItsFdNamesTheFile) {
  open_file("/data/sock-like", 3);
  enter_read_on_another_thread(3);
  syscall(IOR_SC_close, 0, {3, 0, 0});
  EXPECT_EQ(exit_read_on_another_thread(0).filename, "/data/sock-like");
  const OwnedRow& late = read_fd(3);
  EXPECT_EQ(late.filename, "");
  EXPECT_NE(late.row.notice & schema::kNoticeFdUnknown, 0);
}

// Closed entries are kept for the few closes before the call returned: a
// process closing many fds meanwhile leaves the oldest unnamed, never
// misnamed, and every one of them stays out of the table's count.
TEST_F(FdTableTest, ClosedEntriesKeptForRunningCallsAreBounded) {
  for (std::int32_t fd = 3; fd < 13; ++fd) open_file(("/data/f" + std::to_string(fd)).c_str(), fd);
  enter_read_on_another_thread(3);
  enter_on(IOR_SC_read, kTid + 3, 12);
  for (std::int32_t fd = 3; fd < 13; ++fd) syscall(IOR_SC_close, 0, {static_cast<std::uint64_t>(fd), 0, 0});
  EXPECT_EQ(pipeline_->memory().fd_entries, 0u);
  EXPECT_EQ(exit_on(IOR_SC_read, kTid + 3, 1).filename, "/data/f12");
  const OwnedRow& oldest = exit_read_on_another_thread(1);
  EXPECT_EQ(oldest.filename, "");
  EXPECT_NE(oldest.row.notice & schema::kNoticeFdUnknown, 0);
  EXPECT_LE(pipeline_->memory().fd_names, 4u) << "closed names are held by the few kept entries only";
}

// dup2 over an fd that another thread's syscall is running on: that
// syscall's row names the file it ran on, kept as released by the dup2.
TEST_F(FdTableTest, ASyscallRunningWhileDup2ReplacedItsFdNamesTheFileItRanOn) {
  for (const bool dup3 : {false, true}) {
    SCOPED_TRACE(dup3 ? "dup3" : "dup2");
    open_file("/data/old", 3);
    open_file("/data/other", 4);
    enter_read_on_another_thread(3);
    syscall(dup3 ? IOR_SC_dup3 : IOR_SC_dup2, 3, {4, 3, 0});
    EXPECT_EQ(exit_read_on_another_thread(5).filename, "/data/old");
    EXPECT_EQ(read_fd(3).filename, "/data/other");
    syscall(IOR_SC_close, 0, {3, 0, 0});
    syscall(IOR_SC_close, 0, {4, 0, 0});
  }
}

// dup and fcntl(F_DUPFD*) take the lowest free number as an open does: one
// a close still running in another thread has just freed.
TEST_F(FdTableTest, ACloseRecordedAfterADupTookItsNumberClosesTheOldFile) {
  for (const bool fcntl_dup : {false, true}) {
    SCOPED_TRACE(fcntl_dup ? "fcntl F_DUPFD_CLOEXEC" : "dup");
    open_file("/data/old", 3);
    open_file("/data/other", 4);
    enter_close_on_another_thread(3);
    if (fcntl_dup) {
      syscall(IOR_SC_fcntl, 3, {4, F_DUPFD_CLOEXEC, 0});
    } else {
      syscall(IOR_SC_dup, 3, {4, 0, 0});
    }
    exit_close_on_another_thread();
    EXPECT_EQ(last().filename, "/data/old");
    EXPECT_EQ(read_fd(3).filename, "/data/other");
    EXPECT_EQ(read_fd(3).row.notice, 0);
    syscall(IOR_SC_close, 0, {3, 0, 0});
    syscall(IOR_SC_close, 0, {4, 0, 0});
  }
}

// A slow close (a flush to a network file system) may see its number given
// out, used and closed again by another thread, then given out once more,
// before it returns: it still closes the file the number held when it
// entered, and the file opened last stays.
TEST_F(FdTableTest, ASlowCloseOutlivesTwoReusesOfItsNumber) {
  open_file("/data/old", 3);
  open_file("/data/other", 4);
  enter_close_on_another_thread(3);
  syscall(IOR_SC_dup, 3, {4, 0, 0});
  syscall(IOR_SC_close, 0, {3, 0, 0});
  EXPECT_EQ(last().filename, "/data/other");
  open_file("/data/new", 3);
  exit_close_on_another_thread();
  EXPECT_EQ(last().filename, "/data/old");
  EXPECT_EQ(read_fd(3).filename, "/data/new");
  EXPECT_EQ(read_fd(3).row.notice, 0);
}

// dup2 names its own newfd and closes what was open there itself: a close
// of that number in another thread is of whichever file it found, and the
// table keeps the rule it has for a close seen last, the dup.
TEST_F(FdTableTest, Dup2OntoAnOpenFdReplacesItWithoutAwaitingAClose) {
  open_file("/data/log", 1);
  open_file("/data/out", 5);
  syscall(IOR_SC_dup2, 1, {5, 1, 0});
  EXPECT_EQ(read_fd(1).filename, "/data/out");
  syscall(IOR_SC_close, 0, {1, 0, 0});
  EXPECT_EQ(last().filename, "/data/out");
  EXPECT_EQ(read_fd(1).row.notice, schema::kNoticeFdUnknown);
}

// A close that entered after the open returned closes what the open gave,
// even when the table had replaced an entry for that number (a close lost).
TEST_F(FdTableTest, ACloseThatEnteredAfterTheOpenClosesTheNewFile) {
  open_file("/data/old", 3);
  open_file("/data/new", 3);  // the close of /data/old was never seen
  syscall(IOR_SC_close, 0, {3, 0, 0});
  EXPECT_EQ(last().filename, "/data/new");
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
}

// Entries replaced without their close are kept for it, a few per process:
// fd numbers reused without closes seen cannot grow the table.
TEST_F(FdTableTest, ReplacedEntriesKeptForTheirClosesAreBounded) {
  for (int round = 0; round < 2; ++round) {
    for (std::int32_t fd = 3; fd < 1003; ++fd) {
      open_file(("/data/" + std::to_string(round) + "/" + std::to_string(fd)).c_str(), fd);
    }
  }
  EXPECT_EQ(pipeline_->memory().fd_entries, 1000u);
  EXPECT_LE(pipeline_->memory().fd_names, 1000u + 16u);
}

TEST_F(FdTableTest, OpenAddsAndFdSyscallsResolveTheName) {
  open_file("/data/a", 3, O_RDWR | O_APPEND);
  EXPECT_EQ(last().filename, "/data/a");
  EXPECT_EQ(last().row.fd, 3);
  EXPECT_EQ(last().row.flags, O_RDWR | O_APPEND);
  const auto& r = read_fd(3);
  EXPECT_EQ(r.filename, "/data/a");
  EXPECT_EQ(r.row.flags, O_RDWR | O_APPEND);
  EXPECT_EQ(r.row.notice, 0);
}

TEST_F(FdTableTest, FailedOpenAddsNothing) {
  open_file("/missing", -2);
  EXPECT_EQ(last().filename, "/missing");
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(FdTableTest, OpenVariantsAndCreatAdd) {
  syscall(IOR_SC_open, 4, {O_WRONLY, 0, 0}, "/o");
  syscall(IOR_SC_openat2, 5, {O_RDONLY | O_CLOEXEC, 0, 0}, "/o2");
  syscall(IOR_SC_creat, 6, {0, 0644, 0}, "/c");
  EXPECT_EQ(last().row.flags, O_CREAT | O_WRONLY | O_TRUNC);
  EXPECT_EQ(read_fd(4).filename, "/o");
  EXPECT_EQ(read_fd(5).filename, "/o2");
  EXPECT_EQ(read_fd(6).filename, "/c");
  EXPECT_EQ(read_fd(6).row.flags, O_CREAT | O_WRONLY | O_TRUNC);
}

// open_tree's own flags (OPEN_TREE_CLONE 1, AT_RECURSIVE 0x8000,
// AT_SYMLINK_NOFOLLOW 0x100, AT_EMPTY_PATH 0x1000) are no O_* bits: the fd it
// makes is O_PATH, plus O_CLOEXEC for OPEN_TREE_CLOEXEC. They had read as
// O_WRONLY|O_NOCTTY|O_LARGEFILE, and AT_EMPTY_PATH as O_DSYNC.
TEST_F(FdTableTest, OpenTreeFdsAreOPath) {
  constexpr std::uint64_t kClone = 1, kRecursive = 0x8000, kNoFollow = 0x100;
  syscall(IOR_SC_open_tree, 7, {kClone | kRecursive | kNoFollow, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/mnt");
  EXPECT_EQ(last().row.flags, O_PATH);
  EXPECT_EQ(read_fd(7).row.flags, O_PATH);
  syscall(IOR_SC_open_tree, 8, {kClone | O_CLOEXEC, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/mnt");
  EXPECT_EQ(last().row.flags, O_PATH | O_CLOEXEC);
}

TEST_F(FdTableTest, CloseNamesTheFileThenRemovesIt) {
  open_file("/data/a", 3);
  syscall(IOR_SC_close, 0, {3, 0, 0});
  EXPECT_EQ(last().filename, "/data/a");
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(FdTableTest, DupDup2Dup3CopyTheEntry) {
  open_file("/data/a", 3, O_RDONLY | O_CLOEXEC);
  syscall(IOR_SC_dup, 4, {3, 0, 0});
  EXPECT_EQ(read_fd(4).filename, "/data/a");
  EXPECT_EQ(read_fd(4).row.flags, O_RDONLY);  // dup never carries close-on-exec
  syscall(IOR_SC_dup2, 10, {3, 10, 0});
  EXPECT_EQ(read_fd(10).filename, "/data/a");
  syscall(IOR_SC_dup3, 11, {3, 11, O_CLOEXEC});
  EXPECT_EQ(read_fd(11).row.flags, O_RDONLY | O_CLOEXEC);
  syscall(IOR_SC_dup3, 12, {3, 12, 0});
  EXPECT_EQ(read_fd(12).row.flags, O_RDONLY);
}

TEST_F(FdTableTest, Dup2OntoAnOpenFdReplacesIt) {
  open_file("/data/a", 3);
  open_file("/data/b", 4);
  syscall(IOR_SC_dup2, 4, {3, 4, 0});
  EXPECT_EQ(read_fd(4).filename, "/data/a");
}

TEST_F(FdTableTest, FcntlDupfdAndDupfdCloexecCopy) {
  open_file("/data/a", 3);
  syscall(IOR_SC_fcntl, 20, {3, F_DUPFD, 20});
  EXPECT_EQ(read_fd(20).row.flags, O_RDONLY);
  syscall(IOR_SC_fcntl, 21, {3, F_DUPFD_CLOEXEC, 21});
  EXPECT_EQ(read_fd(21).filename, "/data/a");
  EXPECT_EQ(read_fd(21).row.flags, O_RDONLY | O_CLOEXEC);
}

TEST_F(FdTableTest, FcntlSetflChangesOnlyTheChangeableFlags) {
  open_file("/data/a", 3, O_WRONLY | O_APPEND);
  // O_RDWR and O_TRUNC cannot change through F_SETFL; O_APPEND goes, O_NONBLOCK and O_NOATIME come.
  syscall(IOR_SC_fcntl, 0, {3, F_SETFL, O_RDWR | O_TRUNC | O_NONBLOCK | O_NOATIME});
  EXPECT_EQ(read_fd(3).row.flags, O_WRONLY | O_NONBLOCK | O_NOATIME);
  syscall(IOR_SC_fcntl, -9, {3, F_SETFL, O_APPEND});  // failed: no change
  EXPECT_EQ(read_fd(3).row.flags, O_WRONLY | O_NONBLOCK | O_NOATIME);
}

// F_SETFL sets the flags of the open file description, which the
// process's dups share (fs/fcntl.c): a write through a dup shows them too.
// The dup had kept the flags of the moment it was made. Another open of the
// same file is another description and keeps its own.
TEST_F(FdTableTest, FcntlSetflReachesTheDupsOfTheFd) {
  open_file("/data/a", 3, O_RDWR);
  open_file("/data/a", 4, O_RDWR);
  syscall(IOR_SC_dup, 5, {3, 0, 0});
  syscall(IOR_SC_dup2, 9, {5, 9, 0});
  syscall(IOR_SC_fcntl, 0, {3, F_SETFL, O_APPEND | O_NONBLOCK});
  for (std::int32_t fd : {3, 5, 9}) EXPECT_EQ(read_fd(fd).row.flags, O_RDWR | O_APPEND | O_NONBLOCK) << fd;
  EXPECT_EQ(read_fd(4).row.flags, O_RDWR);
  syscall(IOR_SC_fcntl, 0, {9, F_SETFL, 0});
  for (std::int32_t fd : {3, 5, 9}) EXPECT_EQ(read_fd(fd).row.flags, O_RDWR) << fd;
  // close-on-exec is the fd's own, not the description's
  syscall(IOR_SC_fcntl, 0, {5, F_SETFD, FD_CLOEXEC});
  EXPECT_EQ(read_fd(3).row.flags, O_RDWR);
  EXPECT_EQ(read_fd(5).row.flags, O_RDWR | O_CLOEXEC);
}

// A fork's copies share their descriptions with the parent's fds: F_SETFL
// in the child reaches the parent's fd of the same number and back; an fd
// opened after the fork is the parent's own.
TEST_F(FdTableTest, FcntlSetflReachesTheForkCopiesOfTheFd) {
  open_file("/data/a", 3, O_RDWR);
  syscall(IOR_SC_dup3, 51, {3, 51, O_CLOEXEC});
  feed(testing::fork_record(400, 400, clock_, kPid));
  clock_ += 100;
  open_file("/data/b", 5, O_RDWR);
  syscall(IOR_SC_fcntl, 0, {3, F_SETFL, O_NONBLOCK}, "", {}, 400, 400);
  EXPECT_EQ(read_fd(3).row.flags, O_RDWR | O_NONBLOCK);  // the parent's
  EXPECT_EQ(read_fd(51).row.flags, O_RDWR | O_NONBLOCK | O_CLOEXEC);  // and its dup
  syscall(IOR_SC_fcntl, 0, {51, F_SETFL, O_APPEND});
  syscall(IOR_SC_read, 1, {51, 0, 1}, "", {}, 400, 400);
  EXPECT_EQ(last().row.flags, O_RDWR | O_APPEND | O_CLOEXEC);  // the child's copy of the dup, through fd 51 itself
  syscall(IOR_SC_read, 1, {3, 0, 1}, "", {}, 400, 400);
  EXPECT_EQ(last().row.flags, O_RDWR | O_APPEND);
  syscall(IOR_SC_fcntl, 0, {3, F_SETFL, 0});
  syscall(IOR_SC_read, 1, {3, 0, 1}, "", {}, 400, 400);
  EXPECT_EQ(last().row.flags, O_RDWR);  // the child's
  syscall(IOR_SC_fcntl, 0, {5, F_SETFL, O_APPEND});
  syscall(IOR_SC_fcntl, 0, {5, F_SETFL, O_NONBLOCK}, "", {}, 400, 400);  // EBADF in truth: no entry of the child's
  EXPECT_EQ(read_fd(5).row.flags, O_RDWR | O_APPEND);
}

// ioctl FIONBIO and FIOASYNC set O_NONBLOCK and O_ASYNC from the int their
// argument points at (the kernel side reads it into args[2]), for the dups
// too, as F_SETFL; a failed one changes nothing.
TEST_F(FdTableTest, IoctlFionbioAndFioasyncSetTheirStatusFlags) {
  open_file("/data/a", 3, O_RDWR);
  syscall(IOR_SC_dup, 4, {3, 0, 0});
  syscall(IOR_SC_ioctl, 0, {3, IOR_FIONBIO, 1});
  EXPECT_EQ(read_fd(4).row.flags, O_RDWR | O_NONBLOCK);
  syscall(IOR_SC_ioctl, 0, {4, IOR_FIOASYNC, 1});
  EXPECT_EQ(read_fd(3).row.flags, O_RDWR | O_NONBLOCK | O_ASYNC);
  syscall(IOR_SC_ioctl, -14, {3, IOR_FIONBIO, 0});  // EFAULT: nothing changed
  EXPECT_EQ(read_fd(3).row.flags, O_RDWR | O_NONBLOCK | O_ASYNC);
  syscall(IOR_SC_ioctl, 0, {3, IOR_FIONBIO, 0});
  syscall(IOR_SC_ioctl, 0, {3, IOR_FIOASYNC, 0});
  EXPECT_EQ(read_fd(4).row.flags, O_RDWR);
}

TEST_F(FdTableTest, FcntlSetfdTogglesCloseOnExec) {
  open_file("/data/a", 3);
  syscall(IOR_SC_fcntl, 0, {3, F_SETFD, FD_CLOEXEC});
  EXPECT_EQ(read_fd(3).row.flags, O_RDONLY | O_CLOEXEC);
  syscall(IOR_SC_fcntl, 0, {3, F_SETFD, 0});
  EXPECT_EQ(read_fd(3).row.flags, O_RDONLY);
}

// Python's os.set_inheritable(fd, False/True) uses ioctl FIOCLEX/FIONCLEX.
TEST_F(FdTableTest, IoctlFioclexAndFionclexToggleCloseOnExec) {
  constexpr std::uint64_t kFioclex = 0x5451, kFionclex = 0x5450, kTcgets = 0x5401;
  open_file("/data/a", 3);
  open_file("/data/b", 4, O_RDONLY | O_CLOEXEC);
  syscall(IOR_SC_ioctl, 0, {3, kFioclex, 0});
  EXPECT_EQ(read_fd(3).row.flags, O_RDONLY | O_CLOEXEC);
  syscall(IOR_SC_ioctl, 0, {4, kFionclex, 0});
  EXPECT_EQ(read_fd(4).row.flags, O_RDONLY);
  syscall(IOR_SC_ioctl, -25, {4, kFioclex, 0});  // failed: no change
  syscall(IOR_SC_ioctl, 0, {4, kTcgets, 0});     // another request: no change
  EXPECT_EQ(read_fd(4).row.flags, O_RDONLY);
  feed(testing::exec_record(kPid, kPid, clock_++));  // exec closes 3 and keeps 4
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(read_fd(4).filename, "/data/b");
}

TEST_F(FdTableTest, CloseRangeRemovesOrMarksCloexec) {
  for (int fd = 3; fd <= 7; ++fd) open_file("/data/f", fd);
  syscall(IOR_SC_close_range, 0, {4, 5, 0});
  EXPECT_EQ(read_fd(3).filename, "/data/f");
  EXPECT_EQ(read_fd(4).row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(read_fd(5).row.notice, schema::kNoticeFdUnknown);
  syscall(IOR_SC_close_range, 0, {6, ~0u, CLOSE_RANGE_CLOEXEC});
  EXPECT_EQ(read_fd(6).row.flags, O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(read_fd(7).row.flags, O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(read_fd(3).row.flags, O_RDONLY);
}

TEST_F(FdTableTest, TwoProcessesWithTheSameFdNumberDoNotMix) {
  open_file("/proc-a/file", 3, O_RDONLY, 200);
  open_file("/proc-b/file", 3, O_WRONLY, 300);
  EXPECT_EQ(read_fd(3, 200).filename, "/proc-a/file");
  EXPECT_EQ(read_fd(3, 300).filename, "/proc-b/file");
  syscall(IOR_SC_close, 0, {3, 0, 0}, {}, {}, 200, 201);
  EXPECT_EQ(read_fd(3, 300).filename, "/proc-b/file");
}

TEST_F(FdTableTest, ForkCopiesTheParentsTable) {
  open_file("/inherited", 3, O_RDONLY, 200);
  feed(testing::task_record(IOR_EVENT_FORK, 400, 400, clock_, 200));
  EXPECT_EQ(read_fd(3, 400).filename, "/inherited");
  syscall(IOR_SC_close, 0, {3, 0, 0}, {}, {}, 400, 401);  // the child's close
  EXPECT_EQ(read_fd(3, 200).filename, "/inherited");      // leaves the parent's
}

TEST_F(FdTableTest, ForkOfAnUnknownParentLeavesNoStaleTableForTheChild) {
  open_file("/old-owner", 3, O_RDONLY, 400);
  feed(testing::task_record(IOR_EVENT_TASK_EXIT, 400, 400, clock_));  // group-dead record lost
  feed(testing::task_record(IOR_EVENT_FORK, 400, 400, clock_, 999));  // pid 400 reused
  EXPECT_EQ(read_fd(3, 400).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(FdTableTest, DupOfAnFdUnknownEverywhereIsUnknownToo) {
  syscall(IOR_SC_dup, 5, {4, 0, 0});
  EXPECT_EQ(last().row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(read_fd(5).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(FdTableTest, ExecDropsCloseOnExecEntries) {
  open_file("/keep", 3, O_RDONLY);
  open_file("/drop", 4, O_RDONLY | O_CLOEXEC);
  open_file("/other-process", 4, O_RDONLY | O_CLOEXEC, 300);
  feed(testing::task_record(IOR_EVENT_EXEC, kPid, kPid, clock_));
  EXPECT_EQ(read_fd(4, 300).filename, "/other-process");
  EXPECT_EQ(read_fd(3).filename, "/keep");
  EXPECT_EQ(read_fd(4).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(FdTableTest, LastThreadExitDropsTheProcessTable) {
  open_file("/gone", 3, O_RDONLY, 200);
  feed(testing::task_record(IOR_EVENT_TASK_EXIT, 200, 201, clock_));  // one thread
  EXPECT_EQ(read_fd(3, 200).filename, "/gone");
  feed(testing::task_record(IOR_EVENT_TASK_EXIT, 200, 200, clock_, 0, IOR_TASK_GROUP_DEAD));
  // A new process reusing pid 200 does not inherit the dead one's fds.
  EXPECT_EQ(read_fd(3, 200).row.notice, schema::kNoticeFdUnknown);
}

// clone(CLONE_FILES) without CLONE_THREAD: two processes, one fd table.
class SharedFilesTest : public FdTableTest {
 protected:
  void fork_sharing(std::uint32_t parent, std::uint32_t child) {
    feed(testing::task_record(IOR_EVENT_FORK, child, child, clock_, parent, IOR_TASK_SHARED_FILES));
  }
  void exit_process(std::uint32_t pid) {
    feed(testing::task_record(IOR_EVENT_TASK_EXIT, pid, pid, clock_, 0, IOR_TASK_GROUP_DEAD));
  }
  void close_fd(std::int32_t fd, std::uint32_t pid) {
    syscall(IOR_SC_close, 0, {static_cast<std::uint64_t>(fd), 0, 0}, {}, {}, pid, pid + 1);
  }
};

TEST_F(SharedFilesTest, WhatOneOpensOrClosesTheOtherSees) {
  open_file("/a", 3, O_RDONLY, 200);
  fork_sharing(200, 400);
  EXPECT_EQ(read_fd(3, 400).filename, "/a");
  open_file("/b", 4, O_RDONLY, 400);
  EXPECT_EQ(read_fd(4, 200).filename, "/b");
  close_fd(3, 200);
  open_file("/c", 3, O_RDONLY, 200);
  EXPECT_EQ(read_fd(3, 400).filename, "/c");
  syscall(IOR_SC_dup2, 7, {4, 7, 0}, {}, {}, 400, 401);
  EXPECT_EQ(read_fd(7, 200).filename, "/b");
  // A plain fork of either copies the one table.
  feed(testing::task_record(IOR_EVENT_FORK, 500, 500, clock_, 400));
  close_fd(7, 500);
  EXPECT_EQ(read_fd(7, 200).filename, "/b");
  EXPECT_EQ(read_fd(3, 500).filename, "/c");
}

TEST_F(SharedFilesTest, TheTableOutlivesTheProcessThatMadeIt) {
  open_file("/a", 3, O_RDONLY, 200);
  fork_sharing(200, 400);
  fork_sharing(400, 500);  // the three share 200's table
  exit_process(200);
  EXPECT_EQ(read_fd(3, 400).filename, "/a");
  open_file("/b", 4, O_RDONLY, 500);
  EXPECT_EQ(read_fd(4, 400).filename, "/b");
  exit_process(400);
  EXPECT_EQ(read_fd(3, 500).filename, "/a");
  exit_process(500);
  EXPECT_EQ(read_fd(3, 500).row.notice, schema::kNoticeFdUnknown);  // a new process 500 starts empty
}

TEST_F(SharedFilesTest, ExecGivesTheExecingProcessACopyWithoutItsCloseOnExecFds) {
  open_file("/keep", 3, O_RDONLY, 200);
  open_file("/cloexec", 4, O_RDONLY | O_CLOEXEC, 200);
  fork_sharing(200, 400);
  fork_sharing(200, 500);
  feed(testing::task_record(IOR_EVENT_EXEC, 400, 400, clock_));
  EXPECT_EQ(read_fd(4, 400).row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(read_fd(4, 200).filename, "/cloexec");
  open_file("/only-400", 5, O_RDONLY, 400);
  EXPECT_EQ(read_fd(5, 200).row.notice, schema::kNoticeFdUnknown);
  // The process that made the table execs: the others keep it whole.
  feed(testing::task_record(IOR_EVENT_EXEC, 200, 200, clock_));
  EXPECT_EQ(read_fd(4, 200).row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(read_fd(3, 200).filename, "/keep");
  EXPECT_EQ(read_fd(4, 500).filename, "/cloexec");
  open_file("/only-500", 6, O_RDONLY, 500);
  EXPECT_EQ(read_fd(6, 200).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(SharedFilesTest, UnshareAndCloseRangeUnshareCloseOnlyInTheCopy) {
  open_file("/a", 3, O_RDONLY, 200);
  open_file("/b", 4, O_RDONLY, 200);
  fork_sharing(200, 400);
  fork_sharing(200, 500);
  syscall(IOR_SC_unshare, 0, {CLONE_FILES, 0, 0}, {}, {}, 400, 400);
  close_fd(3, 400);
  EXPECT_EQ(read_fd(3, 200).filename, "/a");
  EXPECT_EQ(read_fd(3, 500).filename, "/a");
  syscall(IOR_SC_close_range, 0, {3, ~0u, CLOSE_RANGE_UNSHARE}, {}, {}, 200, 200);
  EXPECT_EQ(read_fd(4, 200).row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(read_fd(4, 500).filename, "/b");
  EXPECT_EQ(read_fd(4, 400).filename, "/b");
}

class ProcFallbackTest : public FdTableTest {
 protected:
  void SetUp() override {
    proc_.link("100/fd/7", "/var/log/old.log");
    std::filesystem::create_directories(root_ / "100" / "fdinfo");
    std::ofstream(root_ / "100" / "fdinfo" / "7") << "pos:\t0\nflags:\t02102001\nmnt_id:\t21\n";
    make_pipeline_over(proc_);
  }
  FakeProc proc_{"fds"};
  const std::filesystem::path& root_ = proc_.root;
};

TEST_F(ProcFallbackTest, FdOpenedBeforeTracingIsResolvedThroughProc) {
  const auto& r = read_fd(7);
  EXPECT_EQ(r.filename, "/var/log/old.log");
  // fdinfo's 02102001, octal: O_WRONLY|O_APPEND|O_CLOEXEC and O_LARGEFILE,
  // which the kernel sets on every file of a 64-bit host and a traced open
  // does not show.
  EXPECT_EQ(r.row.flags, O_WRONLY | O_APPEND | O_CLOEXEC);
  EXPECT_EQ(r.row.notice, schema::kNoticeFdFromProc);
  EXPECT_EQ(stats().fd_from_proc.get(), 1u);
}

TEST_F(ProcFallbackTest, FdinfoFlagsAreOctal) {
  std::filesystem::create_symlink("/srv/db", root_ / "100" / "fd" / "8");
  std::ofstream(root_ / "100" / "fdinfo" / "8") << "pos:\t4096\nflags:\t0102002\nmnt_id:\t30\n";
  const auto& r = read_fd(8);
  EXPECT_EQ(r.filename, "/srv/db");
  EXPECT_EQ(r.row.flags, 02002);  // O_APPEND|O_RDWR (and O_LARGEFILE, left out)
  EXPECT_EQ(r.row.flags & O_ACCMODE, O_RDWR);
  EXPECT_NE(r.row.flags & O_APPEND, 0);
}

// /proc names a memfd "/memfd:NAME (deleted)"; a traced memfd_create gives
// "memfd:NAME": one name for both.
TEST_F(ProcFallbackTest, AMemfdIsNamedAsWhenItsCreationIsSeen) {
  std::filesystem::create_symlink("/memfd:jit-cache (deleted)", root_ / "100" / "fd" / "13");
  EXPECT_EQ(read_fd(13).filename, "memfd:jit-cache");
  syscall(IOR_SC_memfd_create, 14, {0, 0, 0}, "jit-cache");
  EXPECT_EQ(read_fd(14).filename, "memfd:jit-cache");
  // A file named so, not deleted, is a file.
  std::filesystem::create_symlink("/memfd:x", root_ / "100" / "fd" / "15");
  EXPECT_EQ(read_fd(15).filename, "/memfd:x");
}

TEST_F(ProcFallbackTest, MissingOrMalformedFdinfoStillGivesTheName) {
  std::filesystem::create_symlink("/no/info", root_ / "100" / "fd" / "11");
  EXPECT_EQ(read_fd(11).filename, "/no/info");
  EXPECT_EQ(last().row.flags, 0);
  std::filesystem::create_symlink("/bad/info", root_ / "100" / "fd" / "12");
  std::ofstream(root_ / "100" / "fdinfo" / "12") << "flags:\tzz9\n";
  EXPECT_EQ(read_fd(12).filename, "/bad/info");
  EXPECT_EQ(last().row.flags, 0);
  EXPECT_EQ(stats().internal_errors.get(), 0u);
}

TEST_F(ProcFallbackTest, AnFdOfAnotherProcessIsNotResolvedFromThisOne) {
  EXPECT_EQ(read_fd(7, 300).row.notice, schema::kNoticeFdUnknown);  // only 100 has fd 7
  EXPECT_EQ(stats().fd_unknown.get(), 1u);
  EXPECT_EQ(read_fd(7).filename, "/var/log/old.log");
}

TEST_F(ProcFallbackTest, CloseOfAnFdFromProcNamesItThenForgetsIt) {
  syscall(IOR_SC_close, 0, {7, 0, 0});
  EXPECT_EQ(last().filename, "/var/log/old.log");
  EXPECT_EQ(last().row.notice, schema::kNoticeFdFromProc);
  std::filesystem::remove(root_ / "100" / "fd" / "7");  // as the kernel would
  EXPECT_EQ(read_fd(7).row.notice, schema::kNoticeFdUnknown);
}

TEST_F(ProcFallbackTest, ProcIsAskedOnceAndUnknownFdsAreCachedToo) {
  read_fd(7);
  std::filesystem::remove(root_ / "100" / "fd" / "7");
  EXPECT_EQ(read_fd(7).filename, "/var/log/old.log");  // cached, not re-read
  EXPECT_EQ(read_fd(9).row.notice, schema::kNoticeFdUnknown);
  std::filesystem::create_symlink("/late", root_ / "100" / "fd" / "9");
  EXPECT_EQ(read_fd(9).row.notice, schema::kNoticeFdUnknown);  // negative result cached
  open_file("/now-known", 9);
  EXPECT_EQ(read_fd(9).filename, "/now-known");  // an open replaces the negative entry
}

TEST_F(ProcFallbackTest, AnFdThatFailedIsAskedForAgainOnceASyscallOnItSucceeds) {
  syscall(IOR_SC_read, -EBADF, {20, 1, 0});  // not open: negative entry
  EXPECT_EQ(last().row.notice, schema::kNoticeFdUnknown);
  syscall(IOR_SC_read, -EBADF, {20, 1, 0});
  // An untraced syscall (socket, pipe, accept...) now makes fd 20.
  std::filesystem::create_symlink("pipe:[4242]", root_ / "100" / "fd" / "20");
  EXPECT_EQ(read_fd(20).filename, "pipe:[4242]");
  EXPECT_EQ(last().row.notice, schema::kNoticeFdFromProc);
}

TEST_F(ProcFallbackTest, ASuccessfulSyscallAsksAgainOnlyOnce) {
  syscall(IOR_SC_read, -EBADF, {21, 1, 0});
  EXPECT_EQ(read_fd(21).row.notice, schema::kNoticeFdUnknown);  // asked again: still missing
  std::filesystem::create_symlink("/late", root_ / "100" / "fd" / "21");
  EXPECT_EQ(read_fd(21).row.notice, schema::kNoticeFdUnknown);  // not asked a third time
}

TEST_F(ProcFallbackTest, CloseWithEbadfForgetsTheFdSoALaterOneIsLookedUp) {
  // A daemon closing every fd in a loop: most closes fail with EBADF.
  syscall(IOR_SC_close, -EBADF, {22, 0, 0});
  EXPECT_EQ(last().row.notice, schema::kNoticeFdUnknown);
  std::filesystem::create_symlink("socket:[77]", root_ / "100" / "fd" / "22");
  syscall(IOR_SC_write, -EAGAIN, {22, 1, 0});  // even a failing call looks it up afresh
  EXPECT_EQ(last().filename, "socket:[77]");
}

// ior reads /proc for an fd it did not see opened when it handles the row,
// after the syscall: the process may have closed the fd and opened another
// file on its number by then. Records up to the /proc read are handled
// before such a row goes on; a close or reuse that entered before the read
// shows /proc named the later file, and the rows lose that name.
class ProcNameCheckTest : public ProcFallbackTest {
 protected:
  void SetUp() override {
    ProcFallbackTest::SetUp();
    rounds_end_ = false;  // the reader has not got past the /proc reads yet
  }
  // Kernel times before and after the /proc reads the test makes now.
  std::uint64_t before_ = monotonic_now_ns();
  void syscall_at(std::uint64_t t, std::uint16_t id, std::int64_t ret, std::array<std::uint64_t, 3> args,
                  std::string_view s0 = {}) {
    clock_ = t;
    syscall(id, ret, args, s0);
  }
};

TEST_F(ProcNameCheckTest, ANameProcGaveAfterTheFdWasReusedIsDropped) {
  // The fd passed over a socket was /var/log/passed.log; by the time ior
  // reads /proc the process has closed it and opened /etc/hostname on 7.
  std::filesystem::remove(root_ / "100" / "fd" / "7");
  proc_.link("100/fd/7", "/etc/hostname");
  syscall_at(before_, IOR_SC_read, 5, {7, 0, 0});  // named from /proc now
  syscall_at(before_ + 100, IOR_SC_lseek, 0, {7, 0, 0});
  EXPECT_TRUE(consumer_.rows.empty());  // waiting: records from before the read may still come
  syscall_at(before_ + 200, IOR_SC_close, 0, {7, 0, 0});
  syscall_at(before_ + 300, IOR_SC_openat, 7, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/etc/hostname");
  // The close entered before the /proc read: every row it named is dropped,
  // in order, and the open's own name stands.
  ASSERT_EQ(consumer_.rows.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(consumer_.rows[i].filename, "") << i;
    EXPECT_EQ(consumer_.rows[i].row.notice, schema::kNoticeFdUnknown) << i;
  }
  EXPECT_EQ(consumer_.rows[0].syscall_name, "read");
  EXPECT_EQ(consumer_.rows[2].syscall_name, "close");
  EXPECT_EQ(consumer_.rows[3].filename, "/etc/hostname");
  EXPECT_EQ(consumer_.rows[3].row.notice, 0);
  EXPECT_EQ(stats().fd_proc_stale.get(), 3u);
}

TEST_F(ProcNameCheckTest, ANameProcGaveStandsOnceTheRecordsBeforeTheReadAreHandled) {
  syscall_at(before_, IOR_SC_read, 5, {7, 0, 0});
  const std::uint64_t read_done = monotonic_now_ns();
  syscall_at(before_ + 100, IOR_SC_read, 5, {3, 0, 0});  // another fd's row waits behind it
  pipeline_->handled_up_to(before_);                      // not yet up to the read
  EXPECT_TRUE(consumer_.rows.empty());
  pipeline_->handled_up_to(read_done);
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(consumer_.rows[0].filename, "/var/log/old.log");
  EXPECT_EQ(consumer_.rows[0].row.notice, schema::kNoticeFdFromProc);
  EXPECT_EQ(consumer_.rows[1].row.fd, 3);
  // Rows go straight on again, and a close after the read keeps the name.
  syscall_at(read_done + 1'000'000, IOR_SC_close, 0, {7, 0, 0});
  ASSERT_EQ(consumer_.rows.size(), 3u);
  EXPECT_EQ(consumer_.rows[2].filename, "/var/log/old.log");
  EXPECT_EQ(stats().fd_proc_stale.get(), 0u);
}

TEST_F(ProcNameCheckTest, AChangeAfterTheReadOrOfAnotherFdKeepsTheName) {
  syscall_at(before_, IOR_SC_read, 5, {7, 0, 0});
  const std::uint64_t after = monotonic_now_ns() + 1'000'000;
  syscall_at(before_ + 100, IOR_SC_close, 0, {3, 0, 0});  // another fd
  syscall_at(after, IOR_SC_close, 0, {7, 0, 0});          // entered after the read: /proc was right
  ASSERT_EQ(consumer_.rows.size(), 3u);
  EXPECT_EQ(consumer_.rows[0].filename, "/var/log/old.log");
  EXPECT_EQ(consumer_.rows[2].filename, "/var/log/old.log");
  EXPECT_EQ(stats().fd_proc_stale.get(), 0u);
}

TEST_F(ProcNameCheckTest, CloseRangeAndDupOntoTheFdDropTheNamesOfTheFdsTheyTouched) {
  proc_.link("100/fd/8", "/var/log/eight.log");
  proc_.link("100/fd/9", "/var/log/nine.log");
  syscall_at(before_, IOR_SC_read, 5, {7, 0, 0});
  syscall_at(before_ + 100, IOR_SC_read, 5, {8, 0, 0});
  syscall_at(before_ + 200, IOR_SC_read, 5, {9, 0, 0});
  syscall_at(before_ + 300, IOR_SC_close_range, 0, {8, 9, 0});  // 8 and 9, before the reads
  syscall_at(before_ + 400, IOR_SC_dup2, 7, {3, 7, 0});         // 3 onto 7, before the read
  ASSERT_EQ(consumer_.rows.size(), 5u);  // no fd is checked any more: all go on
  EXPECT_EQ(consumer_.rows[0].filename, "");
  EXPECT_EQ(consumer_.rows[1].filename, "");
  EXPECT_EQ(consumer_.rows[2].filename, "");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(consumer_.rows[i].row.notice, schema::kNoticeFdUnknown) << i;
  // close_range's own row named fd 8 from /proc too.
  EXPECT_EQ(consumer_.rows[3].syscall_name, "close_range");
  EXPECT_EQ(consumer_.rows[3].filename, "");
  EXPECT_EQ(stats().fd_proc_stale.get(), 4u);
}

// A copy of an fd named from /proc (dup2 onto a watched fd) is named with
// the fd it copies and stands or falls with that fd's read: closing the
// copy says nothing about it. (A shell started before ior redirecting its
// output: the write after the dup2 named no file.)
TEST_F(ProcNameCheckTest, ACopyOfAnFdFromProcStandsOrFallsWithTheFdItCopies) {
  proc_.link("100/fd/8", "/var/log/eight.log");
  syscall_at(before_, IOR_SC_fsync, 0, {7, 0, 0});         // 7 named from /proc
  syscall_at(before_ + 100, IOR_SC_dup2, 7, {8, 7, 0});    // 8 onto 7, before 7's read: 7's name is wrong
  syscall_at(before_ + 200, IOR_SC_write, 4, {7, 0, 0});   // on 8's file
  syscall_at(before_ + 300, IOR_SC_close, 0, {7, 0, 0});   // the copy closed: 8's name stands
  pipeline_->handled_up_to(UINT64_MAX);
  ASSERT_EQ(consumer_.rows.size(), 4u);
  EXPECT_EQ(consumer_.rows[0].filename, "");
  EXPECT_EQ(consumer_.rows[0].row.notice, schema::kNoticeFdUnknown);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(consumer_.rows[i].filename, "/var/log/eight.log") << i;
    EXPECT_EQ(consumer_.rows[i].row.notice, schema::kNoticeFdFromProc) << i;
  }
  EXPECT_EQ(stats().fd_proc_stale.get(), 1u);
}

// Every name made from a read that proves wrong goes with it: a copy of
// the fd, fstat of that copy (AT_EMPTY_PATH), a path joined to the fd as a
// directory, and the fd that path opened; the table forgets them, so their
// next use asks /proc again.
TEST_F(ProcNameCheckTest, NamesMadeFromAContradictedReadLoseThemToo) {
  proc_.link("100/fd/8", "/var/data");
  syscall_at(before_, IOR_SC_dup, 9, {8, 0, 0});                                      // 9: a copy of 8
  syscall_at(before_ + 100, IOR_SC_newfstatat, 0, {9, AT_EMPTY_PATH, 0}, "");         // fstat(9)
  syscall_at(before_ + 200, IOR_SC_openat, 10, {O_RDONLY, 0, 8}, "sub/f");            // relative to 8
  syscall_at(before_ + 300, IOR_SC_read, 1, {10, 0, 0});
  syscall_at(before_ + 400, IOR_SC_close, 0, {8, 0, 0});  // closed before the read: /proc named a later file
  ASSERT_EQ(consumer_.rows.size(), 5u);
  EXPECT_EQ(consumer_.rows[0].filename, "");  // dup's row names fd 8
  EXPECT_EQ(consumer_.rows[0].row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(consumer_.rows[1].pathname, "");
  EXPECT_EQ(consumer_.rows[1].row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(consumer_.rows[2].filename, "sub/f");
  EXPECT_EQ(consumer_.rows[2].row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(consumer_.rows[3].filename, "");
  EXPECT_EQ(consumer_.rows[3].row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(consumer_.rows[4].filename, "");
  EXPECT_EQ(stats().fd_proc_stale.get(), 5u);
  rounds_end_ = true;
  proc_.link("100/fd/9", "/var/other");
  EXPECT_EQ(read_fd(9).filename, "/var/other");  // asked again
  EXPECT_EQ(read_fd(10).row.notice, schema::kNoticeFdUnknown);  // /proc has no fd 10: not named
}

// The same for a cwd read from /proc: a chdir that entered before the read
// shows /proc gave the directory the process went to afterwards. Names
// joined to it, by the process and by a child forked with a copy of it,
// go back to the names as passed, unresolved.
TEST_F(ProcNameCheckTest, NamesJoinedToACwdThatAChdirBeforeTheReadHadLeftAreUnresolved) {
  proc_.link("100/cwd", "/srv/other");  // where the process went after the open below
  syscall_at(before_, IOR_SC_openat, 3, {O_WRONLY | O_CREAT, 0644, static_cast<std::uint64_t>(AT_FDCWD)}, "rel");
  feed(testing::fork_record(400, 400, before_ + 50, kPid));
  clock_ = before_ + 60;
  syscall(IOR_SC_newfstatat, 0, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0}, "c", {}, 400, 400);
  syscall_at(before_ + 100, IOR_SC_write, 1, {3, 0, 0});
  syscall_at(before_ + 200, IOR_SC_chdir, 0, {}, "/srv/other");  // entered before the read
  ASSERT_EQ(consumer_.rows.size(), 4u);
  EXPECT_EQ(consumer_.rows[0].filename, "rel");
  EXPECT_EQ(consumer_.rows[0].row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(consumer_.rows[1].pathname, "c");
  EXPECT_EQ(consumer_.rows[1].row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(consumer_.rows[2].filename, "");  // the fd that open made
  EXPECT_EQ(consumer_.rows[2].row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(consumer_.rows[3].pathname, "/srv/other");
  EXPECT_EQ(consumer_.rows[3].row.notice, 0);
  EXPECT_EQ(stats().fd_proc_stale.get(), 3u);
  rounds_end_ = true;
  syscall(IOR_SC_newfstatat, 0, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0}, "x");
  EXPECT_EQ(last().pathname, "/srv/other/x");
}

// A fork, then at once the parent's chdir: ior reads the parent's cwd
// (for the child's copy) when it handles the fork, after that chdir. The
// chdir is handled before any row of the child uses the copy, so no row
// waits on that read yet: the change itself shows the read wrong, and the
// child's copy is forgotten (its own /proc entry is asked instead).
TEST_F(ProcNameCheckTest, AChildsCopyOfACwdItsParentLeftBeforeTheReadIsNotUsed) {
  proc_.link("100/cwd", "/srv/two");  // where the parent went right after the fork
  proc_.link("400/cwd", "/srv/one");  // the child's, where it was forked
  feed(testing::fork_record(400, 400, before_ + 50, kPid));
  syscall_at(before_ + 60, IOR_SC_chdir, 0, {}, "/srv/two");  // entered before the read
  clock_ = before_ + 100;
  syscall(IOR_SC_newfstatat, 0, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0}, "relc", {}, 400, 400);
  pipeline_->handled_up_to(UINT64_MAX);
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(consumer_.rows[1].pathname, "/srv/one/relc");
  EXPECT_EQ(consumer_.rows[1].row.notice, schema::kNoticeCwdFromProc);
}

// The names made from a read that proved wrong are forgotten, not marked
// unknown: a dup of it is asked of /proc again at its next use, and then
// named (it had stayed fd-unknown for good).
TEST_F(ProcNameCheckTest, ADupOfAReadThatProvedWrongIsNamedAgainAtItsNextUse) {
  std::filesystem::remove(root_ / "100" / "fd" / "7");
  proc_.link("100/fd/7", "/b");  // 7 was /a; reused for /b by the time ior reads /proc
  proc_.link("100/fd/5", "/a");
  syscall_at(before_, IOR_SC_dup2, 5, {7, 5, 0});                     // 5: a copy of 7 (/a)
  syscall_at(before_ + 100, IOR_SC_write, 1, {5, 0, 1});
  syscall_at(before_ + 200, IOR_SC_close, 0, {7, 0, 0});              // before the read: /b was wrong
  syscall_at(before_ + 300, IOR_SC_openat, 7, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/b");
  pipeline_->handled_up_to(UINT64_MAX);
  ASSERT_EQ(consumer_.rows.size(), 4u);
  EXPECT_EQ(consumer_.rows[1].filename, "");
  EXPECT_EQ(consumer_.rows[1].row.notice, schema::kNoticeFdUnknown);
  rounds_end_ = true;
  clock_ = monotonic_now_ns() + 1'000'000;
  syscall(IOR_SC_write, 1, {5, 0, 1});
  EXPECT_EQ(last().filename, "/a");
  EXPECT_EQ(last().row.notice, schema::kNoticeFdFromProc);
  syscall(IOR_SC_write, 1, {7, 0, 1});
  EXPECT_EQ(last().filename, "/b");
}

TEST_F(ProcNameCheckTest, NamesJoinedToACwdFromProcStandWhenTheChdirCameAfterTheRead) {
  proc_.link("100/cwd", "/srv/start");
  syscall_at(before_, IOR_SC_newfstatat, 0, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0}, "a");
  const std::uint64_t after = monotonic_now_ns() + 1'000'000;
  syscall_at(after, IOR_SC_chdir, 0, {}, "sub");
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(consumer_.rows[0].pathname, "/srv/start/a");
  EXPECT_EQ(consumer_.rows[0].row.notice, schema::kNoticeCwdFromProc);
  EXPECT_EQ(consumer_.rows[1].pathname, "/srv/start/sub");
  EXPECT_EQ(stats().fd_proc_stale.get(), 0u);
}

TEST_F(ProcNameCheckTest, WaitingRowsGoOnAtTheEndOfTheRunAndPastTheirBound) {
  syscall_at(before_, IOR_SC_read, 5, {7, 0, 0});
  EXPECT_TRUE(consumer_.rows.empty());
  pipeline_->finish();
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(consumer_.rows[0].filename, "/var/log/old.log");
  // A reader that never gets past the read: past the bound the rows go on.
  make_pipeline_over(proc_);
  consumer_.rows.clear();
  syscall_at(before_, IOR_SC_read, 5, {7, 0, 0});
  for (std::size_t i = 0; i < ProcNameCheck::kMaxRows; ++i) syscall_at(before_ + 100 + i, IOR_SC_read, 1, {3, 0, 0});
  EXPECT_EQ(consumer_.rows.size(), ProcNameCheck::kMaxRows + 1);
}

TEST_F(FdTableTest, CloseRemovesTheEntryWhateverItReturns) {
  open_file("/data/a", 3);
  syscall(IOR_SC_close, -EINTR, {3, 0, 0});  // Linux has released the fd anyway
  EXPECT_EQ(last().filename, "/data/a");
  EXPECT_EQ(read_fd(3).row.notice, schema::kNoticeFdUnknown);
  open_file("/data/b", 4);
  syscall(IOR_SC_close, -EBADF, {4, 0, 0});  // the table was out of date
  EXPECT_EQ(read_fd(4).row.notice, schema::kNoticeFdUnknown);
}

}  // namespace
}  // namespace ior::event
