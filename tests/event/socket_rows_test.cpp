// Rows of the syscalls that make sockets: socket, accept and accept4 (the
// new fd's inode comes with the exit record), socketpair (two fds, an inode
// each). Each new fd enters the fd table as "socket:[INODE]", so the rows of
// a connection closed before ior could ask /proc still name it.
#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

class SocketRowsTest : public PipelineTest {
 protected:
  // A syscall whose exit record carries the new fds and their inodes.
  void fds_call(std::uint16_t id, std::int64_t ret, std::array<std::uint64_t, 3> args, std::int32_t fd0,
                std::int32_t fd1, std::uint64_t ino0, std::uint64_t ino1 = 0) {
    testing::EnterSpec e = testing::spec(id, kPid, kTid, clock_);
    e.args = args;
    feed(testing::enter_record(e));
    feed(testing::exit_fds_record(id, kPid, kTid, clock_ + 10, ret, fd0, fd1, ino0, ino1));
    clock_ += 100;
  }
  void socket_call(std::int64_t fd, std::uint64_t type, std::uint64_t ino) {
    fds_call(IOR_SC_socket, fd, {AF_INET, type, 0}, fd >= 0 ? static_cast<std::int32_t>(fd) : -1, -1, ino);
  }
};

TEST_F(SocketRowsTest, ASocketIsNamedByItsInodeInItsRowsUpToItsClose) {
  socket_call(5, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 4711);
  EXPECT_EQ(last().row.fd, 5);
  EXPECT_EQ(last().filename, "socket:[4711]");
  EXPECT_EQ(last().row.fd2, -1);
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC | O_NONBLOCK);
  EXPECT_EQ(last().row.ret_type, static_cast<std::uint8_t>(schema::RetType::kFd));
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_write, 10, {5, 0, 10});
  EXPECT_EQ(last().filename, "socket:[4711]");
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC | O_NONBLOCK);
  syscall(IOR_SC_close, 0, {5, 0, 0});
  EXPECT_EQ(last().filename, "socket:[4711]");
  EXPECT_EQ(last().row.notice, 0);
}

TEST_F(SocketRowsTest, AcceptNamesTheListenerAndTheNewConnection) {
  socket_call(3, SOCK_STREAM, 100);
  fds_call(IOR_SC_accept4, 4, {3, SOCK_CLOEXEC, 0}, 4, -1, 101);
  EXPECT_EQ(last().row.fd, 3);
  EXPECT_EQ(last().filename, "socket:[100]");
  EXPECT_EQ(last().row.fd2, 4);
  EXPECT_EQ(last().filename2, "socket:[101]");
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC);
  fds_call(IOR_SC_accept, 6, {3, 0, 0}, 6, -1, 102);
  EXPECT_EQ(last().filename2, "socket:[102]");
  EXPECT_EQ(last().row.flags, O_RDWR);
  syscall(IOR_SC_read, 7, {4, 0, 100});
  EXPECT_EQ(last().filename, "socket:[101]");
  syscall(IOR_SC_close, 0, {6, 0, 0});
  EXPECT_EQ(last().filename, "socket:[102]");
}

// Another thread closed the listening socket while accept waited, and the
// connection got its number: the row names the listener it was called on,
// although the new fd replaced that entry while the row was being built.
TEST_F(SocketRowsTest, AnAcceptWhoseConnectionTookTheListenersNumberNamesBoth) {
  socket_call(3, SOCK_STREAM, 100);
  fds_call(IOR_SC_accept4, 3, {3, 0, 0}, 3, -1, 101);
  EXPECT_EQ(last().row.fd, 3);
  EXPECT_EQ(last().filename, "socket:[100]");
  EXPECT_EQ(last().row.fd2, 3);
  EXPECT_EQ(last().filename2, "socket:[101]");
  syscall(IOR_SC_read, 1, {3, 0, 1});
  EXPECT_EQ(last().filename, "socket:[101]");
}

// With the fd table at its bound, adding the connection forgets the
// listener's entry (the only one) while the accept's row still shows its
// name: the row holds that name until it has been passed on.
TEST_F(SocketRowsTest, AnAcceptThatMakesTheTableForgetTheListenerStillNamesIt) {
  PipelineOptions o;
  o.fd_limits.max_bytes = 400;
  make_pipeline(o);
  socket_call(3, SOCK_STREAM, 100);
  ASSERT_EQ(pipeline_->memory().fd_entries, 1u);
  fds_call(IOR_SC_accept4, 4, {3, 0, 0}, 4, -1, 101);
  ASSERT_EQ(pipeline_->memory().fd_entries, 1u) << "the listener's entry made room for the connection's";
  EXPECT_EQ(last().filename, "socket:[100]");
  EXPECT_EQ(last().filename2, "socket:[101]");
  EXPECT_EQ(pipeline_->memory().fd_names, 2u) << "the row's name was freed while the row showed it";
}

TEST_F(SocketRowsTest, ASocketPairHasAnInodeForEachSocket) {
  fds_call(IOR_SC_socketpair, 0, {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0}, 7, 8, 200, 201);
  EXPECT_EQ(last().row.fd, 7);
  EXPECT_EQ(last().filename, "socket:[200]");
  EXPECT_EQ(last().row.fd2, 8);
  EXPECT_EQ(last().filename2, "socket:[201]");
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC);
  syscall(IOR_SC_write, 1, {8, 0, 1});
  EXPECT_EQ(last().filename, "socket:[201]");
  syscall(IOR_SC_read, 1, {7, 0, 1});
  EXPECT_EQ(last().filename, "socket:[200]");
}

TEST_F(SocketRowsTest, FailuresAddNoFdsAndAFailedAcceptStillNamesTheListener) {
  syscall(IOR_SC_openat, 5, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/keep");
  socket_call(-EMFILE, SOCK_STREAM, 0);
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(last().filename, "");
  socket_call(3, SOCK_STREAM, 300);
  fds_call(IOR_SC_accept4, -EAGAIN, {3, SOCK_NONBLOCK, 0}, -1, -1, 0);
  EXPECT_EQ(last().filename, "socket:[300]");
  EXPECT_EQ(last().row.fd2, -1);
  EXPECT_EQ(last().filename2, "");
  fds_call(IOR_SC_socketpair, -EFAULT, {AF_UNIX, SOCK_STREAM, 0}, -1, -1, 0);
  EXPECT_EQ(last().row.fd, -1);
  syscall(IOR_SC_read, 1, {5, 0, 1});
  EXPECT_EQ(last().filename, "/keep");  // fd 5 untouched by the failures
}

TEST_F(SocketRowsTest, AnUnreadableInodeIsNoticedNotGuessed) {
  socket_call(4, SOCK_DGRAM, 0);
  EXPECT_EQ(last().filename, "socket:");
  EXPECT_NE(last().row.notice & schema::kNoticeFdUnknown, 0);
}

TEST_F(SocketRowsTest, ExecClosesTheSocketsMadeCloseOnExec) {
  socket_call(3, SOCK_STREAM | SOCK_CLOEXEC, 400);
  socket_call(4, SOCK_STREAM, 401);
  feed(testing::exec_record(kPid, kTid, clock_));
  clock_ += 100;
  syscall(IOR_SC_write, 1, {4, 0, 1});
  EXPECT_EQ(last().filename, "socket:[401]");
  // Had exec kept fd 3 in the table, this row would name socket:[400].
  syscall(IOR_SC_write, 1, {3, 0, 1});
  EXPECT_EQ(last().filename, "");
  EXPECT_NE(last().row.notice & schema::kNoticeFdUnknown, 0);
}

TEST_F(SocketRowsTest, AnAcceptWaitingWhenIorAttachedStillNamesItsConnection) {
  // Its enter came before ior: the exit alone gives no row, but its fd.
  feed(testing::exit_fds_record(IOR_SC_accept4, kPid, kTid, clock_, 9, 9, -1, 500));
  clock_ += 100;
  EXPECT_TRUE(consumer_.rows.empty());
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
  syscall(IOR_SC_read, 5, {9, 0, 5});
  EXPECT_EQ(last().filename, "socket:[500]");
  EXPECT_EQ(last().row.notice, 0);
  // The same for the two ends of a pipe, and nothing from a failed one.
  feed(testing::exit_fds_record(IOR_SC_pipe2, kPid, kTid, clock_, 0, 10, 11, 600));
  feed(testing::exit_fds_record(IOR_SC_accept, kPid, kTid, clock_ + 10, -EINTR, -1, -1, 0));
  clock_ += 100;
  syscall(IOR_SC_write, 1, {11, 0, 1});
  EXPECT_EQ(last().filename, "pipe:[600]");
  EXPECT_EQ(last().row.flags, O_WRONLY);
  syscall(IOR_SC_close, 0, {10, 0, 0});
  EXPECT_EQ(last().filename, "pipe:[600]");
}

}  // namespace
}  // namespace ior::event
