// `ior_workload moves DIR`: the syscalls that move bytes between two fds
// (copy_file_range, sendfile, splice, tee), create fds without a path
// (pipe, pipe2, memfd_create, open_by_handle_at, opens with O_TMPFILE), act
// on mappings (msync, mremap, munmap) or on names (mknod, mknodat, utime,
// utimes, name_to_handle_at, file_getattr, file_setattr, getcwd, mount,
// umount2, inotify_add_watch), and
// the fds of sockets (socket, accept4, socketpair) and of epoll sets,
// eventfds, timers, signalfds, inotify groups and pidfds, used and closed at
// once, as a short connection is. Each is
// made once through syscall(2) and written to the manifest with what its row
// must hold, computed here independently of ior. Runs as root in a mount
// namespace of its own (the tmpfs it mounts is nobody else's).
//
// Manifest file field: fd ":" hex(filename) ":" fd2 ":" hex(filename2) ":"
// hex(pathname) ":" notice.

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "workload_hex.hpp"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload moves: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

long check(long ret, const char* what) {
  if (ret < 0) die(what);
  return ret;
}

struct Row {
  long fd = -1;
  std::string file;
  long fd2 = -1;
  std::string file2;
  std::string path;
  int notice = 0;
};

long record(const char* name, long ret, const Row& r) {
  check(ret, name);
  std::printf("%d\t%ld\t%s\t%ld\t%ld:%s:%ld:%s:%s:%d\n", getpid(), syscall(SYS_gettid), name, ret, r.fd,
              workload_hex(r.file).c_str(), r.fd2, workload_hex(r.file2).c_str(), workload_hex(r.path).c_str(),
              r.notice);
  std::fflush(stdout);
  return ret;
}

Row fds(long fd, const std::string& file, long fd2, const std::string& file2) { return {fd, file, fd2, file2, "", 0}; }
Row path(const std::string& p) { return {-1, "", -1, "", p, 0}; }

unsigned long fd_inode(long fd) {
  struct stat st;
  check(fstat(static_cast<int>(fd), &st), "fstat");
  return st.st_ino;
}

// What /proc names an fd without a path, from the fd's inode.
std::string inode_name(const char* kind, long fd) {
  return std::string(kind) + ":[" + std::to_string(fd_inode(fd)) + "]";
}
std::string pipe_name(int fd) { return inode_name("pipe", fd); }

// file_getattr and file_setattr (Linux 6.17), by name and through the
// dirfd with AT_EMPTY_PATH. A kernel without them (ENOSYS) has no
// tracepoint for them either: nothing to record.
void file_attrs(int dirfd, const std::string& file) {
  constexpr long kFileGetattr = 468, kFileSetattr = 469;  // one number on every architecture
  struct {
    std::uint64_t xflags;
    std::uint32_t extsize, nextents, projid, cowextsize;
  } attr{};  // struct file_attr, FILE_ATTR_SIZE_VER0
  static_assert(sizeof attr == 24);
  const long got = syscall(kFileGetattr, AT_FDCWD, file.c_str(), &attr, sizeof attr, 0);
  if (got < 0 && errno == ENOSYS) return;
  record("file_getattr", got, path(file));
  record("file_setattr", syscall(kFileSetattr, AT_FDCWD, file.c_str(), &attr, sizeof attr, 0), path(file));
  const std::size_t slash = file.rfind('/');
  record("file_getattr", syscall(kFileGetattr, dirfd, "", &attr, sizeof attr, AT_EMPTY_PATH),
         path(file.substr(0, slash)));
}

// Files without a name in dir (O_TMPFILE), opened by openat and by openat2
// (whose flags are in user memory): /proc names such an fd DIR/#INODE, and
// still does after linkat gives the file a name. The open's path is dir.
void tmpfiles(const std::string& dir) {
  const auto opened = [&](long fd) {
    Row r = fds(fd, dir + "/#" + std::to_string(fd_inode(fd)), -1, "");
    r.path = dir;
    return r;
  };
  const long t = syscall(SYS_openat, AT_FDCWD, dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  check(t, "openat O_TMPFILE");
  const Row tmp = opened(t);
  record("openat", t, tmp);
  record("write", syscall(SYS_write, t, "x", 1), fds(t, tmp.file, -1, ""));
  // The row of linkat names its old and new names: neither is a field here.
  record("linkat", syscall(SYS_linkat, t, "", AT_FDCWD, (dir + "/was-tmp").c_str(), AT_EMPTY_PATH), {});
  record("write", syscall(SYS_write, t, "y", 1), fds(t, tmp.file, -1, ""));
  record("close", syscall(SYS_close, t), fds(t, tmp.file, -1, ""));

  open_how how{};
  how.flags = O_TMPFILE | O_WRONLY | O_CLOEXEC;
  how.mode = 0600;
  const long t2 = syscall(SYS_openat2, AT_FDCWD, dir.c_str(), &how, sizeof how);
  check(t2, "openat2 O_TMPFILE");
  const Row tmp2 = opened(t2);
  record("openat2", t2, tmp2);
  record("close", syscall(SYS_close, t2), fds(t2, tmp2.file, -1, ""));
}

// A socket (through syscall(2), so that its row is exactly this call)
// listening on a loopback port the kernel picks; addr gets the address.
long listen_on_loopback(sockaddr_in& addr) {
  const long l = check(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
  addr = sockaddr_in{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  check(bind(static_cast<int>(l), reinterpret_cast<sockaddr*>(&addr), len), "bind");
  check(listen(static_cast<int>(l), 1), "listen");
  check(getsockname(static_cast<int>(l), reinterpret_cast<sockaddr*>(&addr), &len), "getsockname");
  return l;
}

// A connection on loopback: every fd is closed right after its last use,
// before ior (reading every 10 ms) could name it through /proc.
void sockets() {
  sockaddr_in addr{};
  const long l = listen_on_loopback(addr);
  const std::string lname = inode_name("socket", l);
  record("socket", l, fds(l, lname, -1, ""));
  const long c = check(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
  const std::string cname = inode_name("socket", c);
  record("socket", c, fds(c, cname, -1, ""));
  check(connect(static_cast<int>(c), reinterpret_cast<sockaddr*>(&addr), sizeof addr), "connect");
  const long a = check(syscall(SYS_accept4, l, nullptr, nullptr, SOCK_CLOEXEC), "accept4");
  const std::string aname = inode_name("socket", a);
  // accept: fd the listening socket, fd2 the connection's.
  record("accept4", a, fds(l, lname, a, aname));
  record("write", syscall(SYS_write, c, "hello", 5), fds(c, cname, -1, ""));
  char buf[5];
  record("read", syscall(SYS_read, a, buf, sizeof buf), fds(a, aname, -1, ""));
  record("close", syscall(SYS_close, a), fds(a, aname, -1, ""));
  record("close", syscall(SYS_close, c), fds(c, cname, -1, ""));
  record("close", syscall(SYS_close, l), fds(l, lname, -1, ""));

  int sv[2];
  const long made = check(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "socketpair");
  const std::string s0 = inode_name("socket", sv[0]);
  const std::string s1 = inode_name("socket", sv[1]);
  record("socketpair", made, fds(sv[0], s0, sv[1], s1));
  record("write", syscall(SYS_write, sv[1], "x", 1), fds(sv[1], s1, -1, ""));
  record("close", syscall(SYS_close, sv[0]), fds(sv[0], s0, -1, ""));
  record("close", syscall(SYS_close, sv[1]), fds(sv[1], s1, -1, ""));
}

int open_file(const std::string& p, int flags) {
  return static_cast<int>(check(syscall(SYS_openat, AT_FDCWD, p.c_str(), flags | O_CLOEXEC, 0600), "openat"));
}

}  // namespace

namespace {

// What /proc names an fd: the name its row must hold, found without ior.
std::string proc_name(long fd) {
  char buf[256];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const long n = check(readlink(link.c_str(), buf, sizeof buf), "readlink");
  return std::string(buf, static_cast<std::size_t>(n));
}

// An fd that is no file, made by `name` and closed at once.
void anon_fd(const char* name, long fd) {
  check(fd, name);
  const std::string named = proc_name(fd);
  record(name, fd, fds(fd, named, -1, ""));
  record("close", syscall(SYS_close, fd), fds(fd, named, -1, ""));
}

void anon_fds() {
  anon_fd("epoll_create1", syscall(SYS_epoll_create1, EPOLL_CLOEXEC));
  anon_fd("eventfd2", syscall(SYS_eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK));
  anon_fd("timerfd_create", syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC));
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  anon_fd("signalfd4", syscall(SYS_signalfd4, -1, &mask, _NSIG / 8, SFD_CLOEXEC));
  anon_fd("inotify_init1", syscall(SYS_inotify_init1, IN_CLOEXEC));
  anon_fd("pidfd_open", syscall(SYS_pidfd_open, getpid(), 0));
}

}  // namespace

int run_moves(const std::string& dir) {
  check(unshare(CLONE_NEWNS), "unshare");
  record("mount", syscall(SYS_mount, nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), path("/"));

  const std::string src = dir + "/src";
  const std::string dst = dir + "/dst";
  const int s = open_file(src, O_RDWR | O_CREAT);
  const std::string bytes(10000, 'a');
  check(syscall(SYS_pwrite64, s, bytes.data(), bytes.size(), 0), "pwrite64");
  const int d = open_file(dst, O_RDWR | O_CREAT);

  // Bytes between two fds: fd is the source, fd2 the destination.
  record("copy_file_range", syscall(SYS_copy_file_range, s, nullptr, d, nullptr, 4096, 0), fds(s, src, d, dst));
  record("sendfile64", syscall(SYS_sendfile, d, s, nullptr, 1000), fds(s, src, d, dst));
  int p[2];
  // A pipe's row: fd the read end, fd2 the write end, both "pipe:[INODE]".
  long made = check(syscall(SYS_pipe2, p, O_CLOEXEC), "pipe2");
  const std::string pname = pipe_name(p[0]);
  record("pipe2", made, fds(p[0], pname, p[1], pname));
  record("splice", syscall(SYS_splice, s, nullptr, p[1], nullptr, 500, 0), fds(s, src, p[1], pname));
  int q[2];
  made = check(syscall(SYS_pipe, q), "pipe");
  const std::string qname = pipe_name(q[0]);
  record("pipe", made, fds(q[0], qname, q[1], qname));
  record("tee", syscall(SYS_tee, p[0], q[1], 300, 0), fds(p[0], pname, q[1], qname));
  record("splice", syscall(SYS_splice, p[0], nullptr, d, nullptr, 500, 0), fds(p[0], pname, d, dst));

  // Mappings.
  void* addr = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d, 0);
  if (addr == MAP_FAILED) die("mmap");
  record("msync", syscall(SYS_msync, addr, 4096, MS_SYNC), {});
  long moved = syscall(SYS_mremap, addr, 4096, 8192, MREMAP_MAYMOVE);
  if (moved == -1) die("mremap");
  record("mremap", moved, {});
  record("munmap", syscall(SYS_munmap, moved, 8192), {});

  // Names.
  record("mknod", syscall(SYS_mknod, (dir + "/fifo").c_str(), S_IFIFO | 0600, 0), path(dir + "/fifo"));
  const int dirfd = open_file(dir, O_RDONLY | O_DIRECTORY);
  record("mknodat", syscall(SYS_mknodat, dirfd, "fifo2", S_IFIFO | 0600, 0), path(dir + "/fifo2"));
  record("utime", syscall(SYS_utime, src.c_str(), nullptr), path(src));
  record("utimes", syscall(SYS_utimes, src.c_str(), nullptr), path(src));
  alignas(file_handle) unsigned char handle_room[sizeof(file_handle) + MAX_HANDLE_SZ] = {};
  auto* handle = reinterpret_cast<file_handle*>(handle_room);
  handle->handle_bytes = MAX_HANDLE_SZ;
  int mount_id = 0;
  record("name_to_handle_at", syscall(SYS_name_to_handle_at, AT_FDCWD, src.c_str(), handle, &mount_id, 0),
         path(src));
  file_attrs(dirfd, src);
  // Nothing in its arguments names the file: ior asks /proc while the fd is
  // still open (it reads records every 10 ms; the fd stays open 1 s).
  long h = check(syscall(SYS_open_by_handle_at, dirfd, handle, O_RDONLY | O_CLOEXEC), "open_by_handle_at");
  Row by_handle = fds(h, src, -1, "");
  by_handle.notice = 4;  // fd-from-proc
  record("open_by_handle_at", h, by_handle);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  record("close", syscall(SYS_close, h), by_handle);

  long m = check(syscall(SYS_memfd_create, "ior-moves", MFD_CLOEXEC), "memfd_create");
  record("memfd_create", m, fds(m, "memfd:ior-moves", -1, ""));
  record("write", syscall(SYS_write, m, "x", 1), fds(m, "memfd:ior-moves", -1, ""));
  record("close", syscall(SYS_close, m), fds(m, "memfd:ior-moves", -1, ""));

  tmpfiles(dir);

  record("chdir", syscall(SYS_chdir, dir.c_str()), path(dir));
  char cwd[4096];
  record("getcwd", syscall(SYS_getcwd, cwd, sizeof cwd), path(dir));

  const std::string mnt = dir + "/mnt";
  check(syscall(SYS_mkdirat, AT_FDCWD, mnt.c_str(), 0700), "mkdirat");
  record("mount", syscall(SYS_mount, "none", mnt.c_str(), "tmpfs", 0, nullptr), path(mnt));
  record("umount2", syscall(SYS_umount2, mnt.c_str(), 0), path(mnt));

  const int in = static_cast<int>(check(inotify_init1(IN_CLOEXEC), "inotify_init1"));
  record("inotify_add_watch", syscall(SYS_inotify_add_watch, in, src.c_str(), IN_MODIFY), path(src));

  for (int fd : {s, d, p[0], p[1], q[0], q[1], dirfd, in}) close(fd);
  sockets();
  anon_fds();
  return 0;
}

// `ior_workload acceptwait`: a server already waiting in accept when ior
// attaches. It listens on loopback, says "listening PORT" on stderr, and
// waits; the one connection it accepts is read from and closed at once.
// The manifest holds the read and the close with the socket's
// "socket:[INODE]" (found by fstat, not by ior).
int run_acceptwait() {
  sockaddr_in addr{};
  const long l = listen_on_loopback(addr);
  std::fprintf(stderr, "listening %d\n", ntohs(addr.sin_port));
  std::fflush(stderr);
  const long a = check(syscall(SYS_accept4, l, nullptr, nullptr, SOCK_CLOEXEC), "accept4");
  const std::string name = inode_name("socket", a);
  char buf[16];
  record("read", syscall(SYS_read, a, buf, sizeof buf), fds(a, name, -1, ""));
  record("close", syscall(SYS_close, a), fds(a, name, -1, ""));
  return 0;  // the listening socket goes with the process: no second close row
}

