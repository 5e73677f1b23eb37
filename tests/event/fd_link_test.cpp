// Paths through the caller's own fd links (/proc/self/fd/N, /dev/fd/N,
// /dev/stdout, ...) name the fd's file, /proc/self/cwd its current
// directory and /proc/self/root its root: what the text means differs in
// every process, so the row puts the fd's name from the fd table, the cwd
// or "/" in its place.
#include "event/fd_link.hpp"

#include <fcntl.h>
#include <sched.h>
#include <gtest/gtest.h>

#include <cerrno>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

TEST(FdLinkTest, TheCallersFdLinksGiveTheFdAndWhatFollows) {
  struct Case {
    const char* path;
    std::int32_t fd;
    std::size_t rest;
  };
  for (const Case& c : {Case{"/proc/self/fd/3", 3, 15}, Case{"/proc/thread-self/fd/12", 12, 23},
                        Case{"/proc/100/fd/0", 0, 14}, Case{"/dev/fd/63", 63, 10}, Case{"/dev/fd/7/a/b", 7, 9},
                        Case{"/dev/stdin", 0, 10}, Case{"/dev/stdout", 1, 11}, Case{"/dev/stderr", 2, 11},
                        Case{"/dev/stdout/x", 1, 11}, Case{"/proc/self/cwd", kCwdLink, 14},
                        Case{"/proc/self/cwd/a/b", kCwdLink, 14}, Case{"/proc/thread-self/cwd", kThreadCwdLink, 21},
                        Case{"/proc/100/cwd/a", kCwdLink, 13}, Case{"/proc/self/root", kRootLink, 15},
                        Case{"/proc/thread-self/root/etc", kRootLink, 22}, Case{"/proc/100/root/a", kRootLink, 14}}) {
    SCOPED_TRACE(c.path);
    auto link = parse_fd_link(c.path, 100);
    ASSERT_TRUE(link.has_value());
    EXPECT_EQ(link->fd, c.fd);
    EXPECT_EQ(link->rest, c.rest);
  }
}

TEST(FdLinkTest, OtherPathsAreNoFdLinks) {
  for (const char* path : {"/proc/self/fd", "/proc/self/fd/", "/proc/self/fdinfo/3", "/proc/101/fd/3",
                           "/proc/1000/fd/3", "/proc/10/fd/3", "/dev/fd/03", "/dev/fd/-1", "/dev/fd/3x",
                           "/dev/fd/99999999999", "/dev/stdoutx", "/dev/std", "/data/proc/self/fd/3", "/", "",
                           "/proc/self/fd/+3", "/dev/fdx/3", "/proc/self/cwdx", "/proc/self/cw", "/proc/101/cwd",
                           "/proc/1000/cwd", "/proc/101/root/etc", "/proc/self/rootx", "/proc/self//cwd", "/proc/selfcwd"}) {
    SCOPED_TRACE(path);
    EXPECT_FALSE(parse_fd_link(path, 100).has_value());
  }
}

class FdLinkRowsTest : public PipelineTest {
 protected:
  void open_as(std::int32_t fd, std::string_view path, int flags = O_RDONLY) {
    // openat's args: flags, mode, dirfd (bpf/syscalls.def)
    syscall(IOR_SC_openat, fd, {static_cast<std::uint64_t>(flags), 0, static_cast<std::uint64_t>(AT_FDCWD)}, path);
  }
};

TEST_F(FdLinkRowsTest, APathThroughAnFdLinkNamesTheFdsFile) {
  open_as(3, "/data/report.txt");
  open_as(4, "/data/dir", O_RDONLY | O_DIRECTORY);
  syscall(IOR_SC_chmod, 0, {}, "/proc/self/fd/3");
  EXPECT_EQ(last().pathname, "/data/report.txt");
  EXPECT_EQ(last().passed_name, "/proc/self/fd/3");
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_newstat, 0, {}, "/proc/100/fd/4/sub/../f");  // the caller is pid 100
  EXPECT_EQ(last().pathname, "/data/dir/f");
  open_as(5, "/dev/fd/3");
  EXPECT_EQ(last().filename, "/data/report.txt");
  syscall(IOR_SC_read, 10, {5, 0, 10});
  EXPECT_EQ(last().filename, "/data/report.txt");
}

// /proc/self/cwd is the caller's current directory, as ior follows it.
TEST_F(FdLinkRowsTest, ThePathThroughTheCwdLinkNamesTheCwd) {
  syscall(IOR_SC_newstat, 0, {}, "/proc/self/cwd/cfg");  // no cwd known, no /proc to ask
  EXPECT_EQ(last().pathname, "/proc/self/cwd/cfg");
  syscall(IOR_SC_chdir, 0, {}, "/srv/app");
  syscall(IOR_SC_newstat, 0, {}, "/proc/self/cwd/cfg/../a.yml");
  EXPECT_EQ(last().pathname, "/srv/app/a.yml");
  EXPECT_EQ(last().passed_name, "/proc/self/cwd/cfg/../a.yml");
  EXPECT_EQ(last().row.notice, 0);
  open_as(3, "/proc/thread-self/cwd/log");
  EXPECT_EQ(last().filename, "/srv/app/log");
  syscall(IOR_SC_read, 1, {3, 0, 1});
  EXPECT_EQ(last().filename, "/srv/app/log");
  syscall(IOR_SC_access, 0, {}, "/proc/100/cwd");  // the caller is pid 100; access follows it
  EXPECT_EQ(last().pathname, "/srv/app");
  syscall(IOR_SC_readlink, 8, {}, "/proc/self/cwd");  // on the link itself
  EXPECT_EQ(last().pathname, "/proc/self/cwd");
  syscall(IOR_SC_newstat, 0, {}, "/proc/200/cwd/x");  // another process's
  EXPECT_EQ(last().pathname, "/proc/200/cwd/x");
}

// /proc/self/cwd is the main thread's, /proc/thread-self/cwd the caller's:
// they differ for a thread with a cwd of its own.
TEST_F(FdLinkRowsTest, TheThreadsCwdLinkNamesItsOwnCwd) {
  syscall(IOR_SC_chdir, 0, {}, "/srv/app");
  syscall(IOR_SC_unshare, 0, {CLONE_FS, 0, 0});
  syscall(IOR_SC_chdir, 0, {}, "/mine");
  syscall(IOR_SC_newstat, 0, {}, "/proc/thread-self/cwd/f");
  EXPECT_EQ(last().pathname, "/mine/f");
  syscall(IOR_SC_newstat, 0, {}, "/proc/self/cwd/f");
  EXPECT_EQ(last().pathname, "/srv/app/f");
}

// /proc/self/root is the caller's root, which its names are relative to.
TEST_F(FdLinkRowsTest, ThePathThroughTheRootLinkIsThePathFromTheRoot) {
  syscall(IOR_SC_newstat, 0, {}, "/proc/self/root/etc/../etc/hosts");
  EXPECT_EQ(last().pathname, "/etc/hosts");
  EXPECT_EQ(last().passed_name, "/proc/self/root/etc/../etc/hosts");
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_chdir, 0, {}, "/proc/thread-self");
  syscall(IOR_SC_access, 0, {}, "root");
  EXPECT_EQ(last().pathname, "/");
  syscall(IOR_SC_readlink, 1, {}, "/proc/100/root");  // on the link itself
  EXPECT_EQ(last().pathname, "/proc/100/root");
  syscall(IOR_SC_newstat, 0, {}, "/proc/200/root/x");  // another process's
  EXPECT_EQ(last().pathname, "/proc/200/root/x");
}

// The kernel follows the link, then goes up from where it leads: a ".."
// right after the link leaves the fd's file or the cwd, not the link.
TEST_F(FdLinkRowsTest, DotDotRightAfterALinkGoesUpFromWhereTheLinkLeads) {
  open_as(3, "/data/dir", O_RDONLY | O_DIRECTORY);
  syscall(IOR_SC_chdir, 0, {}, "/srv/app");
  open_as(4, "/proc/self/fd/3/..", O_RDONLY | O_DIRECTORY);
  EXPECT_EQ(last().filename, "/data");
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_newstat, 0, {}, "/dev/fd/3/../dir/./x");
  EXPECT_EQ(last().pathname, "/data/dir/x");
  syscall(IOR_SC_newstat, 0, {}, "/proc/self/cwd/../lib/x");
  EXPECT_EQ(last().pathname, "/srv/lib/x");
  syscall(IOR_SC_newstat, 0, {}, "/proc/100/root/../etc/hostname");  // the caller is pid 100
  EXPECT_EQ(last().pathname, "/etc/hostname");
  syscall(IOR_SC_newlstat, 0, {}, "/proc/self/fd/3/");  // a trailing slash follows the link
  EXPECT_EQ(last().pathname, "/data/dir");
  // An fd ior cannot name keeps the text as passed, flagged: no guess.
  syscall(IOR_SC_newstat, 0, {}, "/proc/self/fd/9/../x");
  EXPECT_EQ(last().pathname, "/proc/self/fd/9/../x");
  EXPECT_NE(last().row.notice & schema::kNoticePathUnresolved, 0);
}

TEST_F(FdLinkRowsTest, TheStandardStreamsAreTheirFds) {
  open_as(1, "/var/log/out.log", O_WRONLY);
  open_as(6, "/dev/stdout", O_WRONLY);
  EXPECT_EQ(last().filename, "/var/log/out.log");
  // A relative name that ends up at a link goes through it as well.
  syscall(IOR_SC_chdir, 0, {}, "/proc/self");
  syscall(IOR_SC_access, 0, {}, "fd/1");
  EXPECT_EQ(last().pathname, "/var/log/out.log");
}

TEST_F(FdLinkRowsTest, UnknownFdsOtherProcessesAndFailuresKeepTheText) {
  syscall(IOR_SC_chmod, 0, {}, "/proc/self/fd/9");  // fd 9 never seen, no /proc to ask
  EXPECT_EQ(last().pathname, "/proc/self/fd/9");
  open_as(3, "/data/report.txt");
  syscall(IOR_SC_chmod, 0, {}, "/proc/200/fd/3");  // another process's fd 3
  EXPECT_EQ(last().pathname, "/proc/200/fd/3");
  syscall(IOR_SC_chmod, -ENOENT, {}, "/proc/self/fd/7");
  EXPECT_EQ(last().pathname, "/proc/self/fd/7");
  // A name below a plain file is what the kernel was asked for (ENOTDIR).
  syscall(IOR_SC_newstat, -ENOTDIR, {}, "/dev/fd/3/x");
  EXPECT_EQ(last().pathname, "/data/report.txt/x");
}

TEST_F(FdLinkRowsTest, ASyscallOnTheLinkItselfNamesTheLink) {
  open_as(3, "/data/report.txt");
  open_as(4, "/data/dir", O_RDONLY | O_DIRECTORY);
  // readlink, lstat, unlink and the no-follow flags act on the link: its text stays.
  syscall(IOR_SC_readlink, 16, {}, "/proc/self/fd/3");
  EXPECT_EQ(last().pathname, "/proc/self/fd/3");
  syscall(IOR_SC_newlstat, 0, {}, "/dev/fd/3");
  EXPECT_EQ(last().pathname, "/dev/fd/3");
  syscall(IOR_SC_unlink, -EACCES, {}, "/proc/self/fd/3");
  EXPECT_EQ(last().pathname, "/proc/self/fd/3");
  syscall(IOR_SC_newfstatat, 0, {static_cast<std::uint64_t>(AT_FDCWD), AT_SYMLINK_NOFOLLOW, 0}, "/proc/self/fd/3");
  EXPECT_EQ(last().pathname, "/proc/self/fd/3");
  syscall(IOR_SC_openat, -ELOOP, {O_RDONLY | O_NOFOLLOW, 0, static_cast<std::uint64_t>(AT_FDCWD)},
          "/proc/self/fd/3");
  EXPECT_EQ(last().filename, "/proc/self/fd/3");
  // Without the flag, and for any link that is not the last component, the link is followed.
  syscall(IOR_SC_newfstatat, 0, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0}, "/proc/self/fd/3");
  EXPECT_EQ(last().pathname, "/data/report.txt");
  syscall(IOR_SC_newlstat, 0, {}, "/proc/self/fd/4/f");
  EXPECT_EQ(last().pathname, "/data/dir/f");
  syscall(IOR_SC_rename, 0, {}, "/dev/fd/4/a", "/dev/fd/4/b");
  EXPECT_EQ(last().oldname, "/data/dir/a");
  EXPECT_EQ(last().newname, "/data/dir/b");
}

}  // namespace
}  // namespace ior::event
