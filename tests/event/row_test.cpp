// What each row column holds, per syscall: ret_type, fd, flags, names.
#include <fcntl.h>
#include <sys/mman.h>

#include "event/syscall_table.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

using schema::RetType;

class RowTest : public PipelineTest {
 protected:
  RetType ret_type_of(std::uint16_t id, std::int64_t ret, std::array<std::uint64_t, 3> args = {3, 0, 0}) {
    syscall(id, ret, args, id == IOR_SC_creat || id == IOR_SC_open ? "/f" : "");
    return static_cast<RetType>(last().row.ret_type);
  }
};

TEST_F(RowTest, SuccessfulFdCreatingSyscallsReturnAnFd) {
  EXPECT_EQ(ret_type_of(IOR_SC_open, 4, {O_RDONLY, 0, 0}), RetType::kFd);
  EXPECT_EQ(ret_type_of(IOR_SC_creat, 5, {0, 0600, 0}), RetType::kFd);
  EXPECT_EQ(ret_type_of(IOR_SC_dup2, 9, {3, 9, 0}), RetType::kFd);
  EXPECT_EQ(ret_type_of(IOR_SC_dup3, 10, {3, 10, O_CLOEXEC}), RetType::kFd);
  EXPECT_EQ(ret_type_of(IOR_SC_fcntl, 11, {3, F_DUPFD, 11}), RetType::kFd);
  EXPECT_EQ(ret_type_of(IOR_SC_fcntl, 12, {3, F_DUPFD_CLOEXEC, 12}), RetType::kFd);
  EXPECT_EQ(ret_type_of(IOR_SC_fcntl, 1, {3, F_GETFD, 0}), RetType::kValue);  // not an fd
}

TEST_F(RowTest, ReadWriteFamilyReturnsBytes) {
  for (std::uint16_t id : {IOR_SC_read, IOR_SC_write, IOR_SC_pread64, IOR_SC_pwrite64, IOR_SC_readv,
                           IOR_SC_writev, IOR_SC_preadv, IOR_SC_preadv2, IOR_SC_pwritev,
                           IOR_SC_pwritev2, IOR_SC_vmsplice}) {
    EXPECT_EQ(ret_type_of(id, 100), RetType::kBytes) << syscall_name(id);
  }
  EXPECT_EQ(ret_type_of(IOR_SC_readahead, 0), RetType::kValue);  // returns 0, not a count
  EXPECT_EQ(ret_type_of(IOR_SC_fsync, 0), RetType::kValue);
}

TEST_F(RowTest, BytesAndByteClassComeFromTheSyscallAndCountOnlyWhatMoved) {
  using schema::ByteClass;
  struct Case {
    std::uint16_t id;
    ByteClass cls;
  };
  for (const Case& c : {Case{IOR_SC_read, ByteClass::kRead}, Case{IOR_SC_pread64, ByteClass::kRead},
                        Case{IOR_SC_readv, ByteClass::kRead}, Case{IOR_SC_preadv, ByteClass::kRead},
                        Case{IOR_SC_preadv2, ByteClass::kRead}, Case{IOR_SC_write, ByteClass::kWrite},
                        Case{IOR_SC_pwrite64, ByteClass::kWrite}, Case{IOR_SC_writev, ByteClass::kWrite},
                        Case{IOR_SC_pwritev, ByteClass::kWrite}, Case{IOR_SC_pwritev2, ByteClass::kWrite},
                        Case{IOR_SC_vmsplice, ByteClass::kTransfer}}) {
    SCOPED_TRACE(std::string(syscall_name(c.id)));
    syscall(c.id, 4096, {3, 0, 0});
    EXPECT_EQ(last().row.bytes, 4096u);
    EXPECT_EQ(last().row.byte_class, schema::byte_class_name(c.cls));
    syscall(c.id, -5, {3, 0, 0});  // EIO: nothing moved, the class stays the syscall's
    EXPECT_EQ(last().row.bytes, 0u);
    EXPECT_EQ(last().row.byte_class, schema::byte_class_name(c.cls));
    syscall(c.id, 0, {3, 0, 0});  // end of file
    EXPECT_EQ(last().row.bytes, 0u);
  }
  // Results that are not byte counts: a length, an offset, an fd, an address.
  for (std::uint16_t id : {IOR_SC_getdents64, IOR_SC_lseek, IOR_SC_readlink, IOR_SC_dup, IOR_SC_mmap,
                           IOR_SC_readahead, IOR_SC_fsync, IOR_SC_listxattr}) {
    SCOPED_TRACE(std::string(syscall_name(id)));
    syscall(id, 800, {3, 0, 0}, id == IOR_SC_readlink || id == IOR_SC_listxattr ? "/l" : "");
    EXPECT_EQ(last().row.bytes, 0u);
    EXPECT_EQ(last().row.byte_class, "none");
  }
}

TEST_F(RowTest, AnyNegativeResultIsAnError) {
  EXPECT_EQ(ret_type_of(IOR_SC_openat, -2, {O_RDONLY, 0, 0}), RetType::kError);
  EXPECT_EQ(ret_type_of(IOR_SC_write, -28), RetType::kError);
  EXPECT_EQ(ret_type_of(IOR_SC_lseek, -5000), RetType::kError);
}

TEST_F(RowTest, MmapReturnsAnAddressUnlessInTheErrnoRange) {
  EXPECT_EQ(ret_type_of(IOR_SC_mmap, 0x7f12'3456'0000), RetType::kAddress);
  // A kernel-half address looks negative as int64 but is outside -4095..-1.
  EXPECT_EQ(ret_type_of(IOR_SC_mmap, -4096), RetType::kAddress);
  EXPECT_EQ(ret_type_of(IOR_SC_mmap, -4095), RetType::kError);
  EXPECT_EQ(ret_type_of(IOR_SC_mmap, -12), RetType::kError);
}

TEST_F(RowTest, FdColumnIsTheArgumentOrTheOpenedFd) {
  syscall(IOR_SC_openat, 7, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/x");
  EXPECT_EQ(last().row.fd, 7);  // the returned fd, not the dirfd argument
  syscall(IOR_SC_pread64, 10, {7, 10, 0});
  EXPECT_EQ(last().row.fd, 7);
  syscall(IOR_SC_fcntl, 0, {7, F_SETFL, O_NONBLOCK});
  EXPECT_EQ(last().row.fd, 7);
  syscall(IOR_SC_dup3, 9, {7, 9, 0});
  EXPECT_EQ(last().row.fd, 7);
  EXPECT_EQ(last().filename, "/x");  // the dup row names the source file
  syscall(IOR_SC_mkdir, 0, {}, "/d");
  EXPECT_EQ(last().row.fd, -1);
  // mmap's args: fd, length, flags (bpf/syscalls.def).
  syscall(IOR_SC_mmap, 0x7f00'0000'0000, {static_cast<std::uint64_t>(-1), 4096, MAP_PRIVATE | MAP_ANONYMOUS});
  EXPECT_EQ(last().row.fd, -1);  // anonymous mapping
  EXPECT_EQ(last().row.notice, 0);
  // The kernel ignores the fd of an anonymous map: an open fd there names
  // no file, and 0 (what some programs pass) is not stdin.
  syscall(IOR_SC_mmap, 0x7f00'0000'1000, {7, 4096, MAP_PRIVATE | MAP_ANONYMOUS});
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(last().filename, "");
  syscall(IOR_SC_mmap, 0x7f00'0000'2000, {0, 4096, MAP_SHARED | MAP_ANONYMOUS});
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_mmap, 0x7f00'0000'3000, {7, 4096, MAP_SHARED});
  EXPECT_EQ(last().row.fd, 7);
  EXPECT_EQ(last().filename, "/x");
}

TEST_F(RowTest, ClassesFillTheirNameColumnsOnly) {
  syscall(IOR_SC_openat, 3, {O_RDONLY, 0, 0}, "/open");
  EXPECT_EQ(last().filename, "/open");
  EXPECT_EQ(last().pathname, "");
  syscall(IOR_SC_unlink, 0, {}, "/path");
  EXPECT_EQ(last().pathname, "/path");
  EXPECT_EQ(last().filename, "");
  EXPECT_EQ(last().row.event_type, IOR_CLASS_PATH);
  syscall(IOR_SC_renameat2, 0, {}, "/old", "/new");
  EXPECT_EQ(last().oldname, "/old");
  EXPECT_EQ(last().newname, "/new");
  EXPECT_EQ(last().row.event_type, IOR_CLASS_NAME);
  syscall(IOR_SC_sync, 0);
  EXPECT_EQ(last().row.event_type, IOR_CLASS_NONE);
  EXPECT_EQ(last().row.flags, 0);
}

TEST_F(RowTest, DurationIsExitMinusEnterAndNeverNegative) {
  feed(testing::enter_record(testing::spec(IOR_SC_sync, kPid, kTid, 1000)));
  feed(testing::exit_record(IOR_SC_sync, kPid, kTid, 1234, 0));
  EXPECT_EQ(last().row.duration_ns, 234u);
  feed(testing::enter_record(testing::spec(IOR_SC_sync, kPid, kTid, 2000)));
  feed(testing::exit_record(IOR_SC_sync, kPid, kTid, 1990, 0));  // out-of-order clocks
  EXPECT_EQ(last().row.duration_ns, 0u);
  EXPECT_EQ(last().row.duration_to_prev_ns, 766u);  // 2000 - 1234
}

TEST_F(RowTest, NegativeWallOffsetIsApplied) {
  PipelineOptions o;
  o.wall_offset_ns = -500;
  make_pipeline(o);
  feed(testing::enter_record(testing::spec(IOR_SC_sync, kPid, kTid, 2000)));
  feed(testing::exit_record(IOR_SC_sync, kPid, kTid, 2100, 0));
  EXPECT_EQ(last().row.timestamp_ns, 1500u);
  EXPECT_EQ(last().row.duration_ns, 100u);  // durations stay monotonic: no offset
}

}  // namespace
}  // namespace ior::event
