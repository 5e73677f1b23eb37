// Absolute paths: lexical cleaning, and every way a row's name is made
// absolute (cwd, chdir/fchdir, dirfds, AT_EMPTY_PATH, fork/exec, /proc),
// driven through the pipeline with synthetic records.
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>

#include <filesystem>
#include <fstream>

#include "event/lexical_path.hpp"
#include "event/path_resolver.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

std::string joined(std::string_view base, std::string_view name, std::size_t max = 4096) {
  std::string out;
  return join_clean(out, base, name, max) ? out : "<too long>";
}

TEST(LexicalPath, CleanAbsolutePathsAreRecognised) {
  for (const char* p : {"/", "/a", "/a/b", "/a/.b", "/a/..b", "/a/b...", "/a b/c,d"}) {
    EXPECT_TRUE(is_clean_absolute(p)) << p;
  }
  for (const char* p : {"", "a", "a/b", "//", "/a/", "/a//b", "/./a", "/a/.", "/a/..", "/a/../b", "/.."}) {
    EXPECT_FALSE(is_clean_absolute(p)) << p;
  }
}

TEST(LexicalPath, JoinResolvesDotsSlashesAndTheRoot) {
  EXPECT_EQ(joined("/home/ann", "f"), "/home/ann/f");
  EXPECT_EQ(joined("/", "f"), "/f");
  EXPECT_EQ(joined("/home/ann", "./a//b/./c/"), "/home/ann/a/b/c");
  EXPECT_EQ(joined("/home/ann", "../bob/f"), "/home/bob/f");
  EXPECT_EQ(joined("/home/ann", "../../../../etc"), "/etc");  // ".." at the root stays there
  EXPECT_EQ(joined("/home/ann", ".."), "/home");
  EXPECT_EQ(joined("/home/ann", "."), "/home/ann");
  EXPECT_EQ(joined("/home/ann", ""), "/home/ann");
  EXPECT_EQ(joined("/home/ann", "/etc//x/../passwd"), "/etc/passwd");  // absolute: base unused
  EXPECT_EQ(joined("/a", "..."), "/a/...");
  // Every byte but '/' is part of a name.
  EXPECT_EQ(joined("/d", "a,b \"q\" 'x'\n\xff"), "/d/a,b \"q\" 'x'\n\xff");
}

TEST(LexicalPath, JoinRefusesResultsLongerThanTheLimit) {
  EXPECT_EQ(joined("/abc", "def", 8), "/abc/def");
  EXPECT_EQ(joined("/abc", "defg", 8), "<too long>");
  EXPECT_EQ(joined("/abcdefghij", "x", 8), "<too long>");
  EXPECT_EQ(joined("/abc", "defg/..", 8), "<too long>");  // the limit holds on the way too
}

TEST(LexicalPath, ParentOf) {
  EXPECT_EQ(parent_of("/a/b"), "/a");
  EXPECT_EQ(parent_of("/a"), "/");
  EXPECT_EQ(parent_of("/"), "/");
}

std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }
constexpr std::uint64_t kCwd = static_cast<std::uint64_t>(AT_FDCWD);

class PathTest : public PipelineTest {
 protected:
  void chdir(std::string_view dir, std::int64_t ret = 0, std::uint32_t pid = kPid) {
    syscall(IOR_SC_chdir, ret, {}, dir, {}, pid, pid + 1);
  }
  void openat(std::int64_t dirfd, std::string_view name, std::int64_t fd, std::uint32_t pid = kPid) {
    syscall(IOR_SC_openat, fd, {O_RDONLY, 0, u(dirfd)}, name, {}, pid, pid + 1);
  }
  const OwnedRow& stat(std::string_view name, std::uint32_t pid = kPid) {
    syscall(IOR_SC_newstat, 0, {}, name, {}, pid, pid + 1);
    return last();
  }
  const OwnedRow& read_fd(std::int32_t fd, std::uint32_t pid = kPid) {
    syscall(IOR_SC_read, 1, {u(fd), 1, 0}, {}, {}, pid, pid + 1);
    return last();
  }
};

TEST_F(PathTest, ARelativeNameWithoutAKnownCwdIsKeptAndFlagged) {
  openat(AT_FDCWD, "data/f", 3);
  EXPECT_EQ(last().filename, "data/f");
  EXPECT_EQ(last().passed_name, "data/f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
  // The fd keeps the flag: its name is not absolute either.
  EXPECT_EQ(read_fd(3).filename, "data/f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(stats().path_unresolved.get(), 2u);
}

// A name cut at -strMax: every row that uses its fd says so, and nothing is
// joined to it as a directory (it is a prefix of the real path).
TEST_F(PathTest, AFdOpenedUnderACutNameKeepsTheTruncatedNotice) {
  const auto open_cut = [&](std::int64_t dirfd, std::string_view name, std::int64_t fd) {
    testing::EnterSpec e;
    e.syscall = IOR_SC_openat;
    e.pid = kPid;
    e.tid = kTid;
    e.time_ns = clock_;
    e.args = {O_RDONLY | O_DIRECTORY, 0, u(dirfd)};
    e.str0 = name;
    e.str_flags = IOR_STR0_TRUNCATED;
    feed(testing::enter_record(e));
    feed(testing::exit_record(IOR_SC_openat, kPid, kTid, clock_ + 10, fd));
    clock_ += 100;
  };
  open_cut(AT_FDCWD, "/data/very-long-direc", 3);
  EXPECT_EQ(last().filename, "/data/very-long-direc");
  EXPECT_EQ(last().row.notice, schema::kNoticeTruncated);
  EXPECT_EQ(read_fd(3).filename, "/data/very-long-direc");
  EXPECT_EQ(last().row.notice, schema::kNoticeTruncated);
  syscall(IOR_SC_dup2, 7, {3, 7, 0});
  EXPECT_EQ(read_fd(7).row.notice, schema::kNoticeTruncated);  // a copy keeps it
  // fstat() of it (AT_EMPTY_PATH) names the fd's own file: cut, and said so.
  syscall(IOR_SC_newfstatat, 0, {3, AT_EMPTY_PATH, 0}, "");
  EXPECT_EQ(last().pathname, "/data/very-long-direc");
  EXPECT_EQ(last().row.notice, schema::kNoticeTruncated);
  openat(3, "f", 4);
  EXPECT_EQ(last().filename, "f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
  openat(AT_FDCWD, "/data/f", 3);  // the number reused for a whole name: no notice
  EXPECT_EQ(read_fd(3).row.notice, 0);
}

// A renamed open file (log rotation: `mv app.log app.log.1` by another
// process) is written to under its new name, as the kernel names it.
TEST_F(PathTest, AnOpenFileRenamedByAnyProcessIsNamedByItsNewName) {
  openat(AT_FDCWD, "/var/log/app.log", 3);
  openat(AT_FDCWD, "/var/log/app.log", 4, 200);  // another process has it open too
  openat(AT_FDCWD, "/var/log/other", 5);
  syscall(IOR_SC_rename, 0, {}, "/var/log/app.log", "/var/log/app.log.1", 300);  // logrotate
  EXPECT_EQ(last().oldname, "/var/log/app.log");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.1");
  EXPECT_EQ(read_fd(4, 200).filename, "/var/log/app.log.1");
  EXPECT_EQ(read_fd(5).filename, "/var/log/other");
  // Failed, relative to an unknown directory, or of a name no fd holds: nothing moves.
  syscall(IOR_SC_rename, -2, {}, "/var/log/app.log.1", "/x");
  syscall(IOR_SC_rename, 0, {}, "app.log.1", "/y", 400);
  syscall(IOR_SC_rename, 0, {}, "/nobody/has", "/var/log/other");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.1");
  EXPECT_EQ(read_fd(5).filename, "/var/log/other");
  // renameat2 with RENAME_EXCHANGE swaps the two names.
  syscall(IOR_SC_renameat2, 0, {kCwd, kCwd, 2}, "/var/log/app.log.1", "/var/log/other");
  EXPECT_EQ(read_fd(3).filename, "/var/log/other");
  EXPECT_EQ(read_fd(5).filename, "/var/log/app.log.1");
  // A directory that is a cwd, renamed: relative names follow it.
  chdir("/srv/a");
  syscall(IOR_SC_renameat, 0, {kCwd, kCwd, 0}, "/srv/a", "/srv/b", 300);
  EXPECT_EQ(stat("f").pathname, "/srv/b/f");
}

// A rename in another root (a chroot, a container) names other files by
// the same text: only processes that share the renamer's root (the same
// directory at /proc/PID/root) have their names moved. (logrotate in a
// container had renamed every host process's /var/log/app.log.)
class RootsTest : public PathTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(jail_);
    proc_.link("100/root", "/");
    proc_.link("200/root", "/");
    proc_.link("300/root", jail_.string());
    proc_.link("400/root", jail_.string());
    make_pipeline_over(proc_);
  }
  FakeProc proc_{"roots"};
  std::filesystem::path jail_ = proc_.root / "jail";
};

TEST_F(RootsTest, ARenameMovesTheNamesOfProcessesInTheSameRootOnly) {
  openat(AT_FDCWD, "/var/log/app.log", 3);        // on the host
  openat(AT_FDCWD, "/var/log/app.log", 4, 200);   // on the host
  openat(AT_FDCWD, "/var/log/app.log", 5, 400);   // in the container
  chdir("/var/log/app.d", 0, 400);
  syscall(IOR_SC_rename, 0, {}, "/var/log/app.log", "/var/log/app.log.1", 300);  // in the container
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log");
  EXPECT_EQ(read_fd(4, 200).filename, "/var/log/app.log");
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log/app.log.1");
  syscall(IOR_SC_rename, 0, {}, "/var/log/app.log", "/var/log/app.log.2", 200);  // on the host
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.2");
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log/app.log.1");
  syscall(IOR_SC_rename, 0, {}, "/var/log", "/var/log.old", 300);  // a directory, in the container
  EXPECT_EQ(stat("f", 400).pathname, "/var/log.old/app.d/f");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.2");
  // A child starts in its parent's root; a chroot moves a process to another.
  feed(testing::fork_record(500, 500, clock_, 400));
  clock_ += 100;
  syscall(IOR_SC_rename, 0, {}, "/var/log.old/app.log.1", "/var/log.old/app.log.3", 500);
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log.old/app.log.3");
  syscall(IOR_SC_chroot, 0, {}, jail_.string(), {}, 200);
  std::filesystem::remove(proc_.root / "200" / "root");
  proc_.link("200/root", jail_.string());
  syscall(IOR_SC_rename, 0, {}, "/var/log.old/app.log.3", "/var/log.old/app.log.4", 200);
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log.old/app.log.4");
}

// A renamer gone before its rename is handled (`mv` in a container, or
// `chroot DIR mv`): /proc has no root for it. A traced chroot gave it one;
// otherwise its parent's is taken.
TEST_F(RootsTest, AShortLivedRenamerIsPlacedByItsChrootOrItsParent) {
  openat(AT_FDCWD, "/var/log/app.log", 3);       // on the host
  openat(AT_FDCWD, "/var/log/app.log", 5, 400);  // in the container
  const auto rename_by = [&](std::uint32_t pid, std::uint32_t ppid, const char* from, const char* to) {
    testing::EnterSpec e = testing::spec(IOR_SC_rename, pid, pid, clock_);
    e.ppid = ppid;
    e.str0 = from;
    e.str1 = to;
    syscall_of(e, 0);
  };
  // chroot(1) then mv, gone: a root ior cannot look at is no one else's.
  syscall(IOR_SC_chroot, 0, {}, "/no/such/jail", {}, 600, 600);
  rename_by(600, 100, "/var/log/app.log", "/var/log/app.log.1");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log");
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log/app.log");
  // An mv in the container (its parent, 300, is there), gone.
  rename_by(700, 300, "/var/log/app.log", "/var/log/app.log.2");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log");
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log/app.log.2");
  // An mv on the host, gone.
  rename_by(800, 200, "/var/log/app.log", "/var/log/app.log.3");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.3");
  EXPECT_EQ(read_fd(5, 400).filename, "/var/log/app.log.2");
}

// A rename in another mount namespace with the same root (unshare -m, a
// PrivateTmp service): its text may name another file there (a tmpfs
// mounted over the directory) or the same one (a file system both see).
// A name of a process in another namespace moves only when /proc shows
// the new name leads to the file it holds. (A user in a user and mount
// namespace of its own renamed a root daemon's log and cwd this way.)
class MountNamespacesTest : public PathTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(host_ / "var" / "log");
    std::ofstream(host_ / "var" / "log" / "app.log") << "x";
    std::filesystem::create_directories(proc_.root / "ns");
    std::ofstream(proc_.root / "ns" / "host") << "";
    std::ofstream(proc_.root / "ns" / "private") << "";
    for (const char* pid : {"100", "200", "300"}) proc_.link(std::string(pid) + "/root", host_.string());
    proc_.link("100/ns/mnt", (proc_.root / "ns" / "host").string());
    proc_.link("200/ns/mnt", (proc_.root / "ns" / "host").string());
    proc_.link("300/ns/mnt", (proc_.root / "ns" / "private").string());
    proc_.link("100/fd/3", (host_ / "var" / "log" / "app.log").string());
    make_pipeline_over(proc_);
  }
  static std::uint32_t ns_of(const std::filesystem::path& file) {
    struct stat st {};
    EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
    return static_cast<std::uint32_t>(st.st_ino);
  }
  void rename_in(std::uint32_t pid, std::uint32_t ns, const char* from, const char* to, std::uint32_t ppid = 0) {
    testing::EnterSpec e = testing::spec(IOR_SC_rename, pid, pid, clock_);
    e.str0 = from;
    e.str1 = to;
    e.ppid = ppid;
    e.mnt_ns = ns;
    syscall_of(e, 0);
  }
  FakeProc proc_{"mntns"};
  std::filesystem::path host_ = proc_.root / "host";
};

TEST_F(MountNamespacesTest, ARenameInAnotherNamespaceMovesOnlyNamesThatLeadToTheRenamedFile) {
  const std::uint32_t host = ns_of(proc_.root / "ns" / "host");
  const std::uint32_t other = ns_of(proc_.root / "ns" / "private");
  openat(AT_FDCWD, "/var/log/app.log", 3);  // pid 100, on the host
  // In its own namespace over a tmpfs of its own: /var/log/evil is
  // nothing on the host, the host's file keeps its name.
  rename_in(300, other, "/var/log/app.log", "/var/log/evil");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log");
  // The record's namespace counts, not /proc's: a renamer already gone.
  rename_in(400, other, "/var/log/app.log", "/var/log/evil2", 300);
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log");
  // The same file system seen from both: the file really moved, and the
  // host's fd leads to it under the new name.
  std::filesystem::rename(host_ / "var" / "log" / "app.log", host_ / "var" / "log" / "app.log.1");
  std::filesystem::remove(proc_.root / "100" / "fd" / "3");
  proc_.link("100/fd/3", (host_ / "var" / "log" / "app.log.1").string());
  rename_in(300, other, "/var/log/app.log", "/var/log/app.log.1");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.1");
  // In the same namespace and root, the text alone decides, as before.
  rename_in(200, host, "/var/log/app.log.1", "/var/log/app.log.2");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.2");
}

// A process clone(CLONE_NEWNS) made is in a namespace of its own from its
// fork record on, not in its parent's.
TEST_F(MountNamespacesTest, AChildInANamespaceOfItsOwnIsPlacedByItsForkRecord) {
  const std::uint32_t host = ns_of(proc_.root / "ns" / "host");
  const std::uint32_t other = ns_of(proc_.root / "ns" / "private");
  openat(AT_FDCWD, "/var/log/app.log", 3);
  rename_in(300, other, "/var/log/app.log", "/var/log/nothing");  // the parent's namespace is asked once
  feed(testing::fork_record(500, 500, clock_, 100, other));
  feed(testing::fork_record(600, 600, clock_, 100, host));
  clock_ += 100;
  rename_in(200, host, "/var/log/app.log", "/var/log/app.log.1");
  EXPECT_EQ(read_fd(3).filename, "/var/log/app.log.1");
  EXPECT_EQ(read_fd(3, 600).filename, "/var/log/app.log.1");
  EXPECT_EQ(read_fd(3, 500).filename, "/var/log/app.log");  // /proc shows nothing of 500's there
}

// A renamed directory (`mv /srv/app /srv/app.old` while the app runs): the
// fds of files below it, at any depth, and cwds below it take the new
// directory, as /proc shows them. A name that only starts with the same
// letters is another directory's.
TEST_F(PathTest, NamesBelowARenamedDirectoryFollowIt) {
  openat(AT_FDCWD, "/srv/app/logs/a.log", 3);
  openat(AT_FDCWD, "/srv/app/data", 4, 200);  // another process
  openat(AT_FDCWD, "/srv/apples/x", 5);
  openat(AT_FDCWD, "/srv/app", 6);  // the directory itself
  chdir("/srv/app/logs");
  syscall(IOR_SC_rename, 0, {}, "/srv/app", "/srv/app.old", 300);
  EXPECT_EQ(read_fd(3).filename, "/srv/app.old/logs/a.log");
  EXPECT_EQ(read_fd(4, 200).filename, "/srv/app.old/data");
  EXPECT_EQ(read_fd(5).filename, "/srv/apples/x");
  EXPECT_EQ(read_fd(6).filename, "/srv/app.old");
  EXPECT_EQ(stat("b.log").pathname, "/srv/app.old/logs/b.log");
  // RENAME_EXCHANGE of two directories swaps what lies below each.
  openat(AT_FDCWD, "/srv/new/c", 7);
  syscall(IOR_SC_renameat2, 0, {kCwd, kCwd, 2}, "/srv/app.old", "/srv/new");
  EXPECT_EQ(read_fd(3).filename, "/srv/new/logs/a.log");
  EXPECT_EQ(read_fd(7).filename, "/srv/app.old/c");
  EXPECT_EQ(stat("b.log").pathname, "/srv/new/logs/b.log");
  // A failed rename moves nothing.
  syscall(IOR_SC_rename, -EXDEV, {}, "/srv/new", "/mnt/new");
  EXPECT_EQ(read_fd(3).filename, "/srv/new/logs/a.log");
}

TEST_F(PathTest, AbsoluteNamesAreCleanedAndKeptAsPassed) {
  openat(AT_FDCWD, "/data//x/./../f", 3);
  EXPECT_EQ(last().filename, "/data/f");
  EXPECT_EQ(last().passed_name, "/data//x/./../f");
  EXPECT_EQ(last().row.notice, 0);
  EXPECT_EQ(read_fd(3).filename, "/data/f");
  EXPECT_EQ(last().passed_name, "");  // an fd syscall passed no name
}

TEST_F(PathTest, ChdirSetsTheCwdForRelativeNames) {
  chdir("/srv/app");
  EXPECT_EQ(last().pathname, "/srv/app");
  stat("cfg/a.yml");
  EXPECT_EQ(last().pathname, "/srv/app/cfg/a.yml");
  EXPECT_EQ(last().passed_name, "cfg/a.yml");
  EXPECT_EQ(last().row.notice, 0);
  chdir("../lib/./x/");  // relative to the traced cwd
  EXPECT_EQ(last().pathname, "/srv/lib/x");
  EXPECT_EQ(stat("..").pathname, "/srv/lib");
  chdir("/nope", -ENOENT);  // failed: the cwd stays
  EXPECT_EQ(last().pathname, "/nope");
  EXPECT_EQ(stat("f").pathname, "/srv/lib/x/f");
  EXPECT_EQ(stats().path_unresolved.get(), 0u);
}

TEST_F(PathTest, FchdirMovesToTheFdsDirectory) {
  openat(AT_FDCWD, "/var/spool", 5);
  syscall(IOR_SC_fchdir, 0, {5, 0, 0});
  EXPECT_EQ(last().filename, "/var/spool");
  EXPECT_EQ(stat("q/1").pathname, "/var/spool/q/1");
  // fchdir to an fd ior cannot name: the cwd becomes unknown, not stale.
  syscall(IOR_SC_fchdir, 0, {9, 0, 0});
  EXPECT_EQ(last().row.notice, schema::kNoticeFdUnknown);
  EXPECT_EQ(stat("q/1").pathname, "q/1");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, ARelativeChdirFromAnUnknownCwdStaysUnknown) {
  chdir("sub");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(stat("f").pathname, "f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, DirfdNamesAreJoinedToTheDirectoryFdsFile) {
  openat(AT_FDCWD, "/etc", 4);
  openat(4, "ssl/../hosts", 5);
  EXPECT_EQ(last().filename, "/etc/hosts");
  EXPECT_EQ(read_fd(5).filename, "/etc/hosts");
  syscall(IOR_SC_mkdirat, 0, {4, 0755, 0}, "new");
  EXPECT_EQ(last().pathname, "/etc/new");
  syscall(IOR_SC_unlinkat, 0, {4, 0, 0}, "new");
  EXPECT_EQ(last().pathname, "/etc/new");
  // AT_FDCWD in the dirfd slot is the cwd, whatever the other arguments say.
  chdir("/tmp");
  syscall(IOR_SC_newfstatat, 0, {kCwd, 0, 0}, "x");
  EXPECT_EQ(last().pathname, "/tmp/x");
  // An absolute name ignores the dirfd, even an unknown one.
  openat(77, "/abs", 6);
  EXPECT_EQ(last().filename, "/abs");
  EXPECT_EQ(last().row.notice, 0);
  // A relative name on an unknown dirfd cannot be made absolute.
  openat(77, "rel", -ENOENT);
  EXPECT_EQ(last().filename, "rel");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, EmptyPathNamesTheFdsFile) {
  openat(AT_FDCWD, "/data/db", 3);
  syscall(IOR_SC_newfstatat, 0, {3, AT_EMPTY_PATH, 0}, "");  // glibc's fstat()
  EXPECT_EQ(last().pathname, "/data/db");
  EXPECT_EQ(last().passed_name, "");
  EXPECT_EQ(last().row.notice, 0);
  syscall(IOR_SC_statx, 0, {3, 0, AT_EMPTY_PATH}, "");
  EXPECT_EQ(last().pathname, "/data/db");
  syscall(IOR_SC_fchownat, 0, {3, AT_EMPTY_PATH, 0}, "");
  EXPECT_EQ(last().pathname, "/data/db");
  syscall(IOR_SC_utimensat, 0, {3, 0, 0}, "");  // NULL name: futimens()
  EXPECT_EQ(last().pathname, "/data/db");
  syscall(IOR_SC_readlinkat, 0, {3, 0, 0}, "");
  EXPECT_EQ(last().pathname, "/data/db");
  // Without the flag an empty name is no file (ENOENT): nothing to name.
  syscall(IOR_SC_newfstatat, -ENOENT, {3, 0, 0}, "");
  EXPECT_EQ(last().pathname, "");
  EXPECT_EQ(last().row.notice, 0);
  // With the flag on an fd ior cannot name: said so.
  syscall(IOR_SC_newfstatat, 0, {8, AT_EMPTY_PATH, 0}, "");
  EXPECT_EQ(last().pathname, "");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, RenameAndLinkResolveEachNameAgainstItsOwnDirfd) {
  openat(AT_FDCWD, "/a", 3);
  openat(AT_FDCWD, "/b/c", 4);
  syscall(IOR_SC_renameat2, 0, {3, 4, 0}, "x/../old", "new");
  EXPECT_EQ(last().oldname, "/a/old");
  EXPECT_EQ(last().newname, "/b/c/new");
  EXPECT_EQ(last().passed_name, "x/../old");
  EXPECT_EQ(last().passed_newname, "new");
  syscall(IOR_SC_linkat, 0, {3, 4, AT_EMPTY_PATH}, "", "l");  // link an open fd's file
  EXPECT_EQ(last().oldname, "/a");
  EXPECT_EQ(last().newname, "/b/c/l");
  chdir("/w");
  syscall(IOR_SC_rename, 0, {}, "p", "/q/r");
  EXPECT_EQ(last().oldname, "/w/p");
  EXPECT_EQ(last().newname, "/q/r");
  // One unresolvable name is enough for the notice; the other stays absolute.
  syscall(IOR_SC_renameat, 0, {3, 99, 0}, "o", "n");
  EXPECT_EQ(last().oldname, "/a/o");
  EXPECT_EQ(last().newname, "n");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, ASymlinksTargetIsResolvedAgainstTheLinksDirectory) {
  chdir("/home/ann");
  syscall(IOR_SC_symlink, 0, {}, "../bob/f", "links/to-f");
  EXPECT_EQ(last().newname, "/home/ann/links/to-f");
  EXPECT_EQ(last().oldname, "/home/ann/bob/f");  // what the link points at, from links/
  EXPECT_EQ(last().passed_name, "../bob/f");
  syscall(IOR_SC_symlink, 0, {}, "/etc//passwd", "p");
  EXPECT_EQ(last().oldname, "/etc/passwd");
  openat(AT_FDCWD, "/d", 3);
  syscall(IOR_SC_symlinkat, 0, {0, 3, 0}, "t", "l");
  EXPECT_EQ(last().oldname, "/d/t");
  EXPECT_EQ(last().newname, "/d/l");
  syscall(IOR_SC_symlinkat, 0, {0, 42, 0}, "t", "l");  // the link's directory is unknown
  EXPECT_EQ(last().oldname, "t");
  EXPECT_EQ(last().newname, "l");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, ForkInheritsTheCwdExecKeepsItAndEachProcessMovesAlone) {
  chdir("/parent");
  feed(testing::fork_record(200, 200, clock_, kPid));
  EXPECT_EQ(stat("f", 200).pathname, "/parent/f");
  chdir("/child", 0, 200);
  EXPECT_EQ(stat("f", 200).pathname, "/child/f");
  EXPECT_EQ(stat("f").pathname, "/parent/f");
  feed(testing::exec_record(200, 201, clock_));
  EXPECT_EQ(stat("g", 200).pathname, "/child/g");
  // A process that ended forgets its cwd: a recycled pid does not inherit it.
  feed(testing::task_exit_record(200, 201, clock_, true));
  EXPECT_EQ(stat("f", 200).pathname, "f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, UnreadableAndTruncatedNamesAreNotResolvedFromNothing) {
  chdir("/w");
  testing::EnterSpec e = testing::spec(IOR_SC_newstat, kPid, kTid, clock_);
  e.str_flags = IOR_STR0_FAULT;  // bad pointer: no name at all, not an empty one
  feed(testing::enter_record(e));
  feed(testing::exit_record(IOR_SC_newstat, kPid, kTid, clock_ + 10, -EFAULT));
  EXPECT_EQ(last().pathname, "");
  EXPECT_EQ(last().row.notice, schema::kNoticeUnreadable);
}

TEST_F(PathTest, APathLongerThanTheLimitIsLeftAsPassed) {
  const std::string deep(4000, 'd');
  chdir("/" + deep);
  for (int i = 0; i < 3; ++i) chdir(deep);  // 16 004 bytes: still within the limit
  EXPECT_EQ(last().pathname.size(), 4 * 4001u);
  EXPECT_EQ(last().row.notice, 0);
  chdir(deep);  // would be 20 005 bytes
  EXPECT_EQ(last().pathname, deep);
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
  EXPECT_EQ(stat("f").pathname, "f");  // the cwd is unknown now, not wrong
}

class ProcCwdTest : public PathTest {
 protected:
  void SetUp() override {
    proc_.link("100/cwd", "/home/old");
    proc_.link("100/fd/9", "/etc");
    make_pipeline_over(proc_);
  }
  FakeProc proc_{"cwd"};
  const std::filesystem::path& root_ = proc_.root;
};

TEST_F(ProcCwdTest, TheCwdOfAProcessStartedBeforeTracingIsReadOnceFromProc) {
  EXPECT_EQ(stat("f").pathname, "/home/old/f");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
  std::filesystem::remove(root_ / "100" / "cwd");
  std::filesystem::create_symlink("/elsewhere", root_ / "100" / "cwd");
  EXPECT_EQ(stat("g").pathname, "/home/old/g");  // cached
  chdir("sub");  // relative to the cwd read from /proc: keeps the notice
  EXPECT_EQ(last().pathname, "/home/old/sub");
  EXPECT_EQ(stat("h").pathname, "/home/old/sub/h");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
  chdir("/x");
  EXPECT_EQ(stat("h").row.notice, 0);
  EXPECT_EQ(stats().cwd_from_proc.get(), 4u);
}

// ior meets a process that ran before tracing at a relative chdir: /proc,
// read when the row is handled, already shows where the chdir went.
TEST_F(ProcCwdTest, AFirstRelativeChdirIsWhereProcSaysTheProcessWent) {
  std::filesystem::remove(root_ / "100" / "cwd");
  std::filesystem::create_symlink("/home/old/sub", root_ / "100" / "cwd");
  chdir("sub");
  EXPECT_EQ(last().pathname, "/home/old/sub");
  EXPECT_EQ(last().passed_name, "sub");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
  EXPECT_EQ(stat("f").pathname, "/home/old/sub/f");
  chdir("..");  // known now: relative to it
  EXPECT_EQ(last().pathname, "/home/old");
  // A failed one changed nothing: /proc shows the directory it is joined to.
  chdir("nope", -ENOENT, 300);
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);  // pid 300 has no /proc entry
  std::filesystem::create_directories(root_ / "301");
  std::filesystem::create_symlink("/srv", root_ / "301" / "cwd");
  chdir("nope", -ENOENT, 301);
  EXPECT_EQ(last().pathname, "/srv/nope");
}

TEST_F(ProcCwdTest, AChildOfAProcessThatRanBeforeTracingGetsItsCwdFromTheParent) {
  // The child (no /proc entry: it already exited) of a shell started before ior.
  feed(testing::fork_record(400, 400, clock_, kPid));
  EXPECT_EQ(stat("f", 400).pathname, "/home/old/f");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
}

TEST_F(ProcCwdTest, AProcessLearnedWhileHeldKeepsItsCwdAndFdsAfterItIsGone) {
  // The command after --, held before its exec: learned then, it may exit
  // before ior handles its first relative name or inherited fd.
  pipeline_->learn_process(kPid);
  std::filesystem::remove_all(root_ / "100");
  EXPECT_EQ(stat("f").pathname, "/home/old/f");
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
  EXPECT_EQ(read_fd(9).filename, "/etc");
  EXPECT_EQ(last().row.notice, schema::kNoticeFdFromProc);
}

TEST_F(ProcCwdTest, WithoutLearningAProcessGoneBeforeItsFirstNameIsUnresolved) {
  std::filesystem::remove_all(root_ / "100");
  EXPECT_EQ(stat("f").pathname, "f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

TEST_F(ProcCwdTest, ADirfdFromProcCarriesItsNotice) {
  openat(9, "hosts", 3);
  EXPECT_EQ(last().filename, "/etc/hosts");
  EXPECT_EQ(last().row.notice, schema::kNoticeFdFromProc);
}

TEST_F(ProcCwdTest, AMissingCwdIsAskedForOnceUntilAChdirItCanResolve) {
  EXPECT_EQ(stat("f", 300).row.notice, schema::kNoticePathUnresolved);
  std::filesystem::create_directories(root_ / "300");
  std::filesystem::create_symlink("/late", root_ / "300" / "cwd");
  EXPECT_EQ(stat("f", 300).pathname, "f");  // negative answer cached
  // Relative to an unknown cwd: still unknown, and /proc is not asked again
  // (a loop of chdir(".") would otherwise cost a readlink each).
  for (int i = 0; i < 3; ++i) chdir(".", 0, 300);
  EXPECT_EQ(stat("f", 300).pathname, "f");
  chdir("/now", 0, 300);
  EXPECT_EQ(stat("f", 300).pathname, "/now/f");
}

TEST_F(ProcCwdTest, ACwdThatBecameUnknownIsAskedForAgain) {
  chdir("/a");
  syscall(IOR_SC_fchdir, 0, {55, 0, 0});  // an fd /proc does not show either
  EXPECT_EQ(stat("f").pathname, "/home/old/f");  // asked /proc once more
  EXPECT_EQ(last().row.notice, schema::kNoticeCwdFromProc);
}

TEST_F(ProcCwdTest, ACwdThatIsNotAnAbsolutePathIsUnknown) {
  std::filesystem::remove(root_ / "100" / "cwd");
  std::filesystem::create_symlink("relative", root_ / "100" / "cwd");
  EXPECT_EQ(stat("f").row.notice, schema::kNoticePathUnresolved);
}

TEST_F(PathTest, CwdsAreBoundedWithTheFdTable) {
  PipelineOptions o;
  o.proc_root = empty_proc_;
  o.fd_limits.max_bytes = 64 * 1024;
  make_pipeline(o);
  const std::string dir = "/" + std::string(200, 'c');
  for (std::uint32_t pid = 1000; pid < 3000; ++pid) chdir(dir + std::to_string(pid), 0, pid);
  EXPECT_LE(pipeline_->memory().fd_bytes, o.fd_limits.max_bytes);
  EXPECT_LT(pipeline_->memory().fd_processes, 2000u);
  // The latest processes kept theirs; a forgotten one is unknown, not wrong.
  EXPECT_EQ(stat("f", 2999).pathname, dir + "2999/f");
  EXPECT_EQ(stat("f", 1000).pathname, "f");
  EXPECT_EQ(last().row.notice, schema::kNoticePathUnresolved);
}

}  // namespace
}  // namespace ior::event
