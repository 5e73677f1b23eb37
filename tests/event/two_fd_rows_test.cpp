// Rows of the syscalls that name two files or create fds without a path:
// copy_file_range/sendfile/splice/tee (source and destination), pipe/pipe2
// (both ends from the exit record), memfd_create (a name that is no path).
#include <fcntl.h>
#include <sys/mman.h>

#include <cerrno>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

class TwoFdRowsTest : public PipelineTest {
 protected:
  void open_as(std::int32_t fd, std::string_view path, int flags = O_RDONLY) {
    syscall(IOR_SC_openat, fd, {static_cast<std::uint64_t>(flags), 0, static_cast<std::uint64_t>(AT_FDCWD)}, path);
  }

  // A pipe-class syscall: enter, then the exit record that carries the fds.
  void pipe_call(std::uint16_t id, std::int64_t ret, std::int32_t fd0, std::int32_t fd1, std::uint64_t ino,
                 std::uint64_t flags = 0) {
    testing::EnterSpec e = testing::spec(id, kPid, kTid, clock_);
    e.args = {0x7ffd0000, flags, 0};
    feed(testing::enter_record(e));
    feed(testing::exit_fds_record(id, kPid, kTid, clock_ + 10, ret, fd0, fd1, ino));
    clock_ += 100;
  }
};

TEST_F(TwoFdRowsTest, TransfersNameTheSourceAndTheDestination) {
  open_as(3, "/src/in");
  open_as(4, "/dst/out", O_WRONLY);
  // The kernel side records (source fd, destination fd, length) in this order
  // for every FD2 syscall, whatever the argument order of the syscall.
  for (std::uint16_t id : {IOR_SC_copy_file_range, IOR_SC_sendfile64, IOR_SC_splice, IOR_SC_tee}) {
    SCOPED_TRACE(id);
    syscall(id, 65536, {3, 4, 1 << 20});
    const OwnedRow& r = last();
    EXPECT_EQ(r.row.fd, 3);
    EXPECT_EQ(r.filename, "/src/in");
    EXPECT_EQ(r.row.fd2, 4);
    EXPECT_EQ(r.filename2, "/dst/out");
    EXPECT_EQ(r.row.bytes, 65536u);
    EXPECT_EQ(r.row.byte_class, schema::byte_class_name(schema::ByteClass::kTransfer));
    EXPECT_EQ(r.row.notice, 0);
  }
}

TEST_F(TwoFdRowsTest, AFailedTransferMovesNothingAndStillNamesBothFiles) {
  open_as(3, "/src/in");
  open_as(4, "/dst/out", O_WRONLY);
  syscall(IOR_SC_copy_file_range, -EXDEV, {3, 4, 4096});
  EXPECT_EQ(last().row.bytes, 0u);
  EXPECT_EQ(last().row.ret_type, static_cast<std::uint8_t>(schema::RetType::kError));
  EXPECT_EQ(last().filename, "/src/in");
  EXPECT_EQ(last().filename2, "/dst/out");
}

TEST_F(TwoFdRowsTest, AnUnknownDestinationIsNoticedNotGuessed) {
  open_as(3, "/src/in");
  syscall(IOR_SC_sendfile64, 10, {3, 9, 10});  // fd 9 never seen, no /proc to ask
  EXPECT_EQ(last().filename, "/src/in");
  EXPECT_EQ(last().row.fd2, 9);
  EXPECT_EQ(last().filename2, "");
  EXPECT_NE(last().row.notice & schema::kNoticeFdUnknown, 0);
}

TEST_F(TwoFdRowsTest, BothPipeEndsAreNamedAndEnterTheFdTable) {
  pipe_call(IOR_SC_pipe2, 0, 5, 6, 4242, O_CLOEXEC | O_NONBLOCK);
  const OwnedRow& p = last();
  EXPECT_EQ(p.row.fd, 5);
  EXPECT_EQ(p.row.fd2, 6);
  EXPECT_EQ(p.filename, "pipe:[4242]");
  EXPECT_EQ(p.filename2, "pipe:[4242]");
  EXPECT_EQ(p.row.flags, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  syscall(IOR_SC_write, 3, {6, 0, 3});
  EXPECT_EQ(last().filename, "pipe:[4242]");
  EXPECT_EQ(last().row.flags, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
  syscall(IOR_SC_read, 3, {5, 0, 3});
  EXPECT_EQ(last().filename, "pipe:[4242]");
  EXPECT_EQ(last().row.flags, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

TEST_F(TwoFdRowsTest, APipeWhoseInodeWasUnreadableIsNamedAndNoticed) {
  pipe_call(IOR_SC_pipe, 0, 7, 8, 0);
  EXPECT_EQ(last().filename, "pipe:");
  EXPECT_NE(last().row.notice & schema::kNoticeFdUnknown, 0);
}

TEST_F(TwoFdRowsTest, AFailedPipeAddsNoFds) {
  open_as(5, "/keep");
  pipe_call(IOR_SC_pipe2, -EMFILE, -1, -1, 0);
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(last().row.fd2, -1);
  EXPECT_EQ(last().filename2, "");
  syscall(IOR_SC_read, 1, {5, 0, 1});
  EXPECT_EQ(last().filename, "/keep");  // fd 5 untouched by the failed pipe
}

TEST_F(TwoFdRowsTest, AMemfdIsNamedByItsNameAndKeepsItForLaterCalls) {
  syscall(IOR_SC_memfd_create, 9, {MFD_CLOEXEC, 0, 0}, "jit-cache");
  EXPECT_EQ(last().row.fd, 9);
  EXPECT_EQ(last().filename, "memfd:jit-cache");
  EXPECT_EQ(last().passed_name, "jit-cache");
  EXPECT_EQ(last().row.flags, O_RDWR | O_CLOEXEC);
  syscall(IOR_SC_write, 100, {9, 0, 100});
  EXPECT_EQ(last().filename, "memfd:jit-cache");
  EXPECT_EQ(last().row.bytes, 100u);
}

TEST_F(TwoFdRowsTest, AFailedMemfdAddsNoFd) {
  syscall(IOR_SC_memfd_create, -EMFILE, {0, 0, 0}, "x");
  EXPECT_EQ(last().filename, "");
  EXPECT_EQ(last().passed_name, "x");
}

TEST_F(TwoFdRowsTest, PathFilterMatchesTheDestinationOfATransfer) {
  PipelineOptions o;
  o.filters.path = "/srv/";
  make_pipeline(o);
  open_as(3, "/tmp/in");          // no match
  open_as(4, "/srv/out", O_WRONLY);  // filename matches
  syscall(IOR_SC_copy_file_range, 10, {3, 4, 10});  // filename2 matches
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(last().syscall_name, "copy_file_range");
  EXPECT_EQ(stats().rows_filtered_out(), 1u);
}

}  // namespace
}  // namespace ior::event
