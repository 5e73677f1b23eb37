// `ior_workload lazypaths DIR`: syscalls whose path arguments sit in pages
// this process has not touched yet (a private file mapping, as a literal in
// a binary's rodata is at its first use), so a BPF program cannot read them
// at the syscall's enter (one of them the current directory that a
// relative name then follows, one an O_TMPFILE open's directory). Each path
// has a page of its own, used once.
// Each syscall is written to the manifest with the columns its row must
// hold, computed here independently of ior.
//
// Manifest file field: hex(filename) ":" hex(pathname) ":" hex(oldname) ":"
// hex(newname).

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "workload_hex.hpp"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload lazypaths: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

long check(long ret, const char* what) {
  if (ret < 0) die(what);
  return ret;
}

struct Row {
  std::string filename, pathname, oldname, newname;
};

long record(const char* name, long ret, const Row& r) {
  check(ret, name);
  std::printf("%d\t%ld\t%s\t%ld\t%s:%s:%s:%s\n", getpid(), syscall(SYS_gettid), name, ret,
              workload_hex(r.filename).c_str(), workload_hex(r.pathname).c_str(), workload_hex(r.oldname).c_str(),
              workload_hex(r.newname).c_str());
  std::fflush(stdout);
  return ret;
}

// The texts, one per page of a file mapped privately and never touched
// here: the kernel faults a page in when a syscall reads it.
class UntouchedPages {
 public:
  UntouchedPages(const std::string& file, const std::vector<std::string>& texts) : size_(texts.size() * 4096) {
    const int fd = static_cast<int>(check(open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), "open"));
    std::string bytes(size_, '\0');
    for (std::size_t i = 0; i < texts.size(); ++i) texts[i].copy(bytes.data() + i * 4096, 4095);
    if (write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) die("write");
    map_ = static_cast<const char*>(mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0));
    if (map_ == MAP_FAILED) die("mmap");
    close(fd);
  }
  // Text i, its page dropped from this mapping first: an earlier fault may
  // have mapped it with its neighbours (the kernel's fault-around).
  const char* text(std::size_t i) const {
    char* page = const_cast<char*>(map_) + i * 4096;
    check(madvise(page, 4096, MADV_DONTNEED), "madvise");
    return page;
  }

 private:
  std::size_t size_;
  const char* map_ = nullptr;
};

}  // namespace

int run_lazypaths(const std::string& dir) {
  const std::string file = dir + "/lazy-file";
  // A name any user could choose: a newline, CSV and quote bytes, an escape.
  const std::string renamed_name = "lazy re\nnamed,'q\"\x1b[2J";
  const std::string renamed = dir + "/" + renamed_name;
  const std::string sub = dir + "/lazy-dir";
  const UntouchedPages pages(dir + "/names", {file, file, renamed, sub, renamed_name, sub, dir});
  // Set up before the traced syscalls: the directory fd for the relative name.
  const int dirfd = static_cast<int>(check(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC), "open dir"));

  const long fd = syscall(SYS_openat, AT_FDCWD, pages.text(0), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  record("openat", fd, {file, "", "", ""});
  record("write", syscall(SYS_write, fd, "lazy", 4), {file, "", "", ""});
  record("close", syscall(SYS_close, fd), {file, "", "", ""});
  record("renameat2", syscall(SYS_renameat2, AT_FDCWD, pages.text(1), AT_FDCWD, pages.text(2), 0),
         {"", "", file, renamed});
  record("mkdir", syscall(SYS_mkdir, pages.text(3), 0700), {"", sub, "", ""});
  // A relative name, read late, still resolved against its directory fd.
  const long rfd = syscall(SYS_openat, dirfd, pages.text(4), O_RDONLY | O_CLOEXEC, 0);
  record("openat", rfd, {renamed, "", "", ""});
  char buf[8];
  record("read", syscall(SYS_read, rfd, buf, sizeof buf), {renamed, "", "", ""});
  record("close", syscall(SYS_close, rfd), {renamed, "", "", ""});
  // A current directory read late: the names relative to it follow it.
  record("chdir", syscall(SYS_chdir, pages.text(5)), {"", sub, "", ""});
  const std::string inner = sub + "/inner";
  const long ifd = syscall(SYS_openat, AT_FDCWD, "inner", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  record("openat", ifd, {inner, "", "", ""});
  record("close", syscall(SYS_close, ifd), {inner, "", "", ""});
  // An O_TMPFILE open read late: its fd is DIR/#INODE, as /proc names it.
  const long tfd = syscall(SYS_openat, AT_FDCWD, pages.text(6), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  struct stat st;
  check(fstat(static_cast<int>(check(tfd, "openat O_TMPFILE")), &st), "fstat");
  const std::string unnamed = dir + "/#" + std::to_string(st.st_ino);
  record("openat", tfd, {unnamed, dir, "", ""});
  record("write", syscall(SYS_write, tfd, "t", 1), {unnamed, "", "", ""});
  record("close", syscall(SYS_close, tfd), {unnamed, "", "", ""});
  close(dirfd);
  return 0;
}
