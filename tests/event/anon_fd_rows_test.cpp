// Rows of the syscalls that make fds which are no files (epoll sets,
// eventfds, timers, signalfds, inotify and fanotify groups, pidfds,
// userfaultfds, io_uring instances): the row's fd is the new one, named as
// /proc names it, and it enters the fd table so that later rows, a close
// handled after the fd is gone included, name it too.
#include <fcntl.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

using AnonFdRowsTest = PipelineTest;

constexpr std::uint64_t kNoFd = static_cast<std::uint32_t>(-1);  // an int -1 in its register, as glibc passes it

TEST_F(AnonFdRowsTest, EachKindIsNamedAsProcNamesItUpToItsClose) {
  // The names are the ones /proc/self/fd shows on Linux 6.x for each kind.
  const std::vector<std::pair<std::uint16_t, std::string>> kinds = {
      {IOR_SC_epoll_create, "anon_inode:[eventpoll]"}, {IOR_SC_epoll_create1, "anon_inode:[eventpoll]"},
      {IOR_SC_eventfd, "anon_inode:[eventfd]"},        {IOR_SC_eventfd2, "anon_inode:[eventfd]"},
      {IOR_SC_timerfd_create, "anon_inode:[timerfd]"}, {IOR_SC_signalfd, "anon_inode:[signalfd]"},
      {IOR_SC_signalfd4, "anon_inode:[signalfd]"},     {IOR_SC_inotify_init, "anon_inode:inotify"},
      {IOR_SC_inotify_init1, "anon_inode:inotify"},    {IOR_SC_fanotify_init, "anon_inode:[fanotify]"},
      {IOR_SC_pidfd_open, "anon_inode:[pidfd]"},       {IOR_SC_userfaultfd, "anon_inode:[userfaultfd]"},
      {IOR_SC_io_uring_setup, "anon_inode:[io_uring]"},
  };
  for (const auto& [id, name] : kinds) {
    SCOPED_TRACE(name);
    syscall(id, 9, {0, kNoFd, 0});  // signalfd's fd argument (args[1]): -1, a new one
    EXPECT_EQ(last().row.fd, 9);
    EXPECT_EQ(last().filename, name);
    EXPECT_EQ(last().row.ret_type, static_cast<std::uint8_t>(schema::RetType::kFd));
    EXPECT_EQ(last().row.notice, 0);
    syscall(IOR_SC_read, 8, {9, 0, 8});
    EXPECT_EQ(last().filename, name);
    syscall(IOR_SC_close, 0, {9, 0, 0});
    EXPECT_EQ(last().filename, name);
    EXPECT_EQ(last().row.notice, 0);
  }
}

TEST_F(AnonFdRowsTest, TheirFlagsSayCloseOnExecAndNonBlocking) {
  syscall(IOR_SC_eventfd2, 3, {O_CLOEXEC | O_NONBLOCK, 0, 0});  // EFD_CLOEXEC | EFD_NONBLOCK
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC | O_NONBLOCK);
  syscall(IOR_SC_epoll_create1, 4, {O_CLOEXEC, 0, 0});  // EPOLL_CLOEXEC
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC);
  syscall(IOR_SC_fanotify_init, 5, {0x1 | 0x2, 0, 0});  // FAN_CLOEXEC | FAN_NONBLOCK
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC | O_NONBLOCK);
  syscall(IOR_SC_pidfd_open, 6, {0, 0, 0});  // pidfds are always close-on-exec
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC);
  syscall(IOR_SC_timerfd_create, 7, {0, 0, 0});
  EXPECT_EQ(last().row.flags, O_RDWR);
  // inotify and userfaultfd fds are read-only, as their fdinfo says.
  syscall(IOR_SC_inotify_init1, 10, {O_NONBLOCK, 0, 0});  // IN_NONBLOCK
  EXPECT_EQ(last().row.flags, O_RDONLY | O_NONBLOCK);
  syscall(IOR_SC_userfaultfd, 11, {0, 0, 0});
  EXPECT_EQ(last().row.flags, O_RDONLY);

  // exec closes the close-on-exec ones and keeps the timer.
  feed(testing::exec_record(kPid, kTid, clock_));
  clock_ += 100;
  syscall(IOR_SC_read, 8, {7, 0, 8});
  EXPECT_EQ(last().filename, "anon_inode:[timerfd]");
  for (std::uint64_t gone : {3u, 4u, 5u, 6u}) {
    syscall(IOR_SC_read, 8, {gone, 0, 8});
    EXPECT_EQ(last().filename, "") << gone;
  }
}

// signalfd given an existing signalfd only sets its mask: the kernel
// ignores the flags then, and the fd keeps its own (a new O_CLOEXEC had
// made the fd vanish from the table at the next exec, and a later row on
// it said fd-unknown).
TEST_F(AnonFdRowsTest, ASignalfdGivenAgainKeepsItsFlags) {
  for (std::uint16_t id : {IOR_SC_signalfd4, IOR_SC_signalfd}) {
    syscall(IOR_SC_signalfd4, 3, {0, kNoFd, 0});
    EXPECT_EQ(last().row.flags, O_RDWR);
    syscall(id, 3, {O_CLOEXEC | O_NONBLOCK, 3, 0});  // SFD_CLOEXEC | SFD_NONBLOCK, ignored
    EXPECT_EQ(last().row.fd, 3);
    EXPECT_EQ(last().filename, "anon_inode:[signalfd]");
    EXPECT_EQ(last().row.flags, O_RDWR);
    EXPECT_EQ(last().row.notice, 0);
    feed(testing::exec_record(kPid, kTid, clock_));
    clock_ += 100;
    syscall(IOR_SC_read, 128, {3, 0, 128});
    EXPECT_EQ(last().filename, "anon_inode:[signalfd]");
    EXPECT_EQ(last().row.flags, O_RDWR);
    syscall(IOR_SC_close, 0, {3, 0, 0});
  }
}

TEST_F(AnonFdRowsTest, AFailedOneAddsNoFd) {
  syscall(IOR_SC_openat, 5, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/keep");
  syscall(IOR_SC_epoll_create1, -EMFILE, {0, 0, 0});
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(last().filename, "");
  syscall(IOR_SC_read, 1, {5, 0, 1});
  EXPECT_EQ(last().filename, "/keep");
}

}  // namespace
}  // namespace ior::event
