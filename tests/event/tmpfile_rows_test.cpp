// Rows of opens with O_TMPFILE: the fd is a file without a name in the
// directory the open names, which /proc calls DIR/#INODE (the inode comes
// with the exit record). Every row of the fd names it so, also after linkat
// has given the file a name, as /proc does; the open's row keeps the
// directory as its pathname.
#include <fcntl.h>

#include <cerrno>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

class TmpfileRowsTest : public PipelineTest {
 protected:
  // An open of dir whose exit record carries the new fd's inode (0: the
  // kernel side could not read it).
  void tmpfile_open(std::uint16_t id, std::int64_t ret, std::uint64_t flags, std::string_view dir, std::uint64_t ino) {
    testing::EnterSpec e = testing::spec(id, kPid, kTid, clock_);
    e.args = {flags, 0600, static_cast<std::uint64_t>(AT_FDCWD)};
    e.str0 = dir;
    feed(testing::enter_record(e));
    feed(testing::exit_fds_record(id, kPid, kTid, clock_ + 10, ret, ret >= 0 ? static_cast<std::int32_t>(ret) : -1,
                                  -1, ino));
    clock_ += 100;
  }
};

TEST_F(TmpfileRowsTest, TheFdIsNamedDirHashInodeInEveryRowUpToItsClose) {
  tmpfile_open(IOR_SC_openat, 4, O_TMPFILE | O_RDWR, "/var/tmp", 98765);
  EXPECT_EQ(last().row.fd, 4);
  EXPECT_EQ(last().filename, "/var/tmp/#98765");
  EXPECT_EQ(last().pathname, "/var/tmp");
  EXPECT_EQ(last().passed_name, "/var/tmp");
  EXPECT_EQ(last().row.flags, O_TMPFILE | O_RDWR);
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_write, 3, {4, 0, 3});
  EXPECT_EQ(last().filename, "/var/tmp/#98765");
  syscall(IOR_SC_linkat, 0, {4, static_cast<std::uint64_t>(AT_FDCWD), AT_EMPTY_PATH}, "", "/var/tmp/kept");
  EXPECT_EQ(last().oldname, "/var/tmp/#98765");
  EXPECT_EQ(last().newname, "/var/tmp/kept");
  syscall(IOR_SC_write, 1, {4, 0, 1});
  EXPECT_EQ(last().filename, "/var/tmp/#98765");
  syscall(IOR_SC_close, 0, {4, 0, 0});
  EXPECT_EQ(last().filename, "/var/tmp/#98765");
}

TEST_F(TmpfileRowsTest, Openat2AndTheRootDirectoryAndARelativeDirectory) {
  tmpfile_open(IOR_SC_openat2, 5, O_TMPFILE | O_WRONLY, "/", 7);
  EXPECT_EQ(last().filename, "/#7");
  EXPECT_EQ(last().pathname, "/");
  syscall(IOR_SC_chdir, 0, {}, "/srv");
  tmpfile_open(IOR_SC_openat, 6, O_TMPFILE | O_WRONLY, "spool", 8);
  EXPECT_EQ(last().filename, "/srv/spool/#8");
  EXPECT_EQ(last().pathname, "/srv/spool");
  EXPECT_EQ(last().passed_name, "spool");
}

TEST_F(TmpfileRowsTest, WithoutItsInodeTheFdIsDirHashAndTheOpenSaysFdUnknown) {
  tmpfile_open(IOR_SC_openat, 4, O_TMPFILE | O_RDWR, "/var/tmp", 0);
  EXPECT_EQ(last().filename, "/var/tmp/#");
  EXPECT_EQ(last().row.notice, schema::kNoticeFdUnknown);
}

// The directory's name was unreadable at the enter (its page not mapped
// yet): the exit record that brings it brings the inode too.
TEST_F(TmpfileRowsTest, AnOpenWhoseDirectoryWasReadAtItsExitIsNamedDirHashInodeToo) {
  testing::EnterSpec e = testing::spec(IOR_SC_openat, kPid, kTid, clock_);
  e.args = {O_TMPFILE | O_RDWR, 0600, static_cast<std::uint64_t>(AT_FDCWD)};
  e.str_flags = IOR_STR0_FAULT;
  feed(testing::enter_record(e));
  feed(testing::exit_str_record(IOR_SC_openat, kPid, kTid, clock_ + 10, 4, IOR_STR0_FAULT, "/var/tmp", "", 0, 4242));
  clock_ += 20;  // the write enters after the open returned
  EXPECT_EQ(last().filename, "/var/tmp/#4242");
  EXPECT_EQ(last().pathname, "/var/tmp");
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_write, 1, {4, 0, 1});
  EXPECT_EQ(last().filename, "/var/tmp/#4242");
}

TEST_F(TmpfileRowsTest, AFailedTmpfileOpenAddsNoFdAndAnOpenWithoutTheFlagKeepsItsPath) {
  syscall(IOR_SC_openat, 4, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/keep");
  tmpfile_open(IOR_SC_openat, -EOPNOTSUPP, O_TMPFILE | O_RDWR, "/mnt/vfat", 0);
  EXPECT_EQ(last().row.fd, -1);
  EXPECT_EQ(last().filename, "/mnt/vfat");
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_read, 1, {4, 0, 1});
  EXPECT_EQ(last().filename, "/keep");
  // O_DIRECTORY alone is part of O_TMPFILE's bits, not O_TMPFILE.
  syscall(IOR_SC_openat, 5, {O_RDONLY | O_DIRECTORY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/etc");
  EXPECT_EQ(last().filename, "/etc");
  EXPECT_EQ(last().pathname, "");
}

}  // namespace
}  // namespace ior::event
