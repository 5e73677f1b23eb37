// `ior_workload abspaths DIR`: every way a name reaches a syscall relative to
// something (the cwd after chdir and fchdir, dirfds, "..", a symlinked
// directory, AT_EMPTY_PATH, the process's own fd links, cwd and root links, a
// renamed directory holding an open file and the cwd, a path over 1 KiB,
// hostile bytes, a forked and an exec'd child, threads that share the cwd
// and threads with their own (unshare(CLONE_FS), clone(2) without CLONE_FS,
// forking and exec'ing from one), setns into a mount namespace, an fd
// received over SCM_RIGHTS, a process sharing the fd table (clone(2) with
// CLONE_FILES), a read blocked while its fd number is closed and given out
// again, chroot, close-on-exec set and cleared by ioctl). Each syscall is made once
// through syscall(2) and written to the manifest with the absolute path the
// workload knows it acted on, computed here from DIR by string operations
// that follow the documented rules, independently of ior.
//
// Manifest file field: hex(absolute) ":" hex(as passed) ":" notice, and for
// two names that, " -> ", the same for the new name. DIR must be absolute and
// clean (a mkdtemp directory).

#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "workload_hex.hpp"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ior_workload abspaths: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

long check(long ret, const char* what) {
  if (ret < 0) die(what);
  return ret;
}

std::string field(const std::string& abs, const std::string& passed, int notice = 0) {
  return workload_hex(abs) + ":" + workload_hex(passed) + ":" + std::to_string(notice);
}

void record_of(long tid, const char* name, long ret, const std::string& file) {
  std::printf("%d\t%ld\t%s\t%ld\t%s\n", getpid(), tid, name, ret, file.c_str());
  std::fflush(stdout);
}

void record(const char* name, long ret, const std::string& file) { record_of(syscall(SYS_gettid), name, ret, file); }

// One name: the syscall's result and the absolute path it acted on.
long one(const char* name, long ret, const std::string& abs, const std::string& passed, int notice = 0) {
  record(name, check(ret, name), field(abs, passed, notice));
  return ret;
}

void two(const char* name, long ret, const std::string& old_abs, const std::string& old_passed,
         const std::string& new_abs, const std::string& new_passed) {
  record(name, check(ret, name), field(old_abs, old_passed) + " -> " + field(new_abs, new_passed));
}

long open_at(int dirfd, const std::string& name, int flags, const std::string& abs) {
  return one("openat", syscall(SYS_openat, dirfd, name.c_str(), flags | O_CLOEXEC, 0644), abs, name);
}

void close_fd(long fd, const std::string& abs) { one("close", syscall(SYS_close, fd), abs, ""); }

void stat_at(int dirfd, const std::string& name, int flags, const std::string& abs) {
  struct stat st;
  one("newfstatat", syscall(SYS_newfstatat, dirfd, name.c_str(), &st, flags), abs, name);
}

void chdir_to(const std::string& name, const std::string& abs) {
  one("chdir", syscall(SYS_chdir, name.c_str()), abs, name);
}

// A child that received an fd over SCM_RIGHTS: ior never saw it opened.
long receive_fd(int sock) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(sock, &msg, 0) != 1) die("recvmsg");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS) die("no SCM_RIGHTS");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

void send_fd(int sock, int fd) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sock, &msg, 0) != 1) die("sendmsg");
}

int wait_ok(pid_t child) {
  int status = 0;
  if (waitpid(child, &status, 0) != child) die("waitpid");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

// A thread made by clone(2) without CLONE_FS: it shares its creator's
// thread pointer, so it calls nothing but syscall(2), and its creator
// writes its manifest lines.
struct RawThread {
  long chdir_ret = -1;
  long stat_ret = -1;
};

int raw_thread_main(void* arg) {
  auto* t = static_cast<RawThread*>(arg);
  struct stat st;
  t->chdir_ret = syscall(SYS_chdir, "own");
  t->stat_ret = syscall(SYS_newfstatat, AT_FDCWD, "g", &st, 0);
  return 0;
}

// Runs raw_thread_main in such a thread and waits until it has ended.
long run_raw_thread(RawThread& t) {
  alignas(16) static char stack[64 * 1024];
  pid_t alive = 0;  // its tid; the kernel clears it when the thread ends
  const int flags = CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
                    CLONE_CHILD_CLEARTID;
  const long tid = check(clone(raw_thread_main, stack + sizeof stack, flags, &t, &alive, nullptr, &alive), "clone");
  for (pid_t v; (v = __atomic_load_n(&alive, __ATOMIC_ACQUIRE)) != 0;) {
    syscall(SYS_futex, &alive, FUTEX_WAIT, v, nullptr, nullptr, 0);
  }
  return tid;
}

// The threads of a process share its cwd; one that unshares CLONE_FS, or
// that clone(2) made without it, has its own, and what it forks or execs
// starts there. Runs in d.
int threads_and_their_cwds(const char* self, const std::string& d) {
  one("mkdir", syscall(SYS_mkdir, "own", 0755), d + "/own", "own");
  close_fd(open_at(AT_FDCWD, "own/g", O_CREAT | O_WRONLY, d + "/own/g"), d + "/own/g");
  std::thread([&] { chdir_to("sub", d + "/sub"); }).join();
  stat_at(AT_FDCWD, "g", 0, d + "/sub/g");  // the thread moved this one too
  chdir_to(d, d);

  std::thread([&] {
    one("unshare", syscall(SYS_unshare, CLONE_FS), "", "");
    chdir_to("own", d + "/own");
    stat_at(AT_FDCWD, "g", 0, d + "/own/g");
    stat_at(AT_FDCWD, "/proc/thread-self/cwd/g", 0, d + "/own/g");
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      stat_at(AT_FDCWD, "g", 0, d + "/own/g");
      _exit(0);
    }
    if (wait_ok(child) != 0) die("the forked child");
  }).join();
  stat_at(AT_FDCWD, "sub/g", 0, d + "/sub/g");  // still in d

  RawThread raw;
  const long raw_tid = run_raw_thread(raw);
  record_of(raw_tid, "chdir", check(raw.chdir_ret, "chdir"), field(d + "/own", "own"));
  record_of(raw_tid, "newfstatat", check(raw.stat_ret, "newfstatat"), field(d + "/own/g", "g"));
  stat_at(AT_FDCWD, "sub/g", 0, d + "/sub/g");

  // exec from a thread with its own cwd: the new program starts there.
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    std::thread([&] {
      one("unshare", syscall(SYS_unshare, CLONE_FS), "", "");
      chdir_to("own", d + "/own");
      const std::string cwd = d + "/own";
      execl(self, self, "abspaths-exec", cwd.c_str(), static_cast<char*>(nullptr));
      die("execl");
    }).join();
    _exit(1);
  }
  return wait_ok(child);
}

// setns into a mount namespace (its own, here: the effect is the same)
// moves the cwd to the namespace's root. In a child: a process must have
// one thread, and its root moves too.
int joining_a_mount_namespace(const std::string& d) {
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    chdir_to("sub", d + "/sub");
    const long fd = open_at(AT_FDCWD, "/proc/self/ns/mnt", O_RDONLY, "/proc/self/ns/mnt");
    one("setns", syscall(SYS_setns, fd, CLONE_NEWNS), "/proc/self/ns/mnt", "");
    stat_at(AT_FDCWD, "etc", 0, "/etc");
    close_fd(fd, "/proc/self/ns/mnt");
    _exit(0);
  }
  return wait_ok(child);
}

// chroot keeps the cwd but the process names it from its new root, as
// getcwd does. In children: a chroot is not undone.
int inside_a_chroot(const std::string& d) {
  one("mkdir", syscall(SYS_mkdir, (d + "/jail").c_str(), 0755), d + "/jail", d + "/jail");
  one("mkdir", syscall(SYS_mkdir, (d + "/jail/inner").c_str(), 0755), d + "/jail/inner", d + "/jail/inner");
  for (const bool dot : {false, true}) {
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      if (!dot) {
        chdir_to(d + "/jail/inner", d + "/jail/inner");
        one("chroot", syscall(SYS_chroot, (d + "/jail").c_str()), d + "/jail", d + "/jail");
        stat_at(AT_FDCWD, "../inner", 0, "/inner");
      } else {  // the common chdir(dir); chroot(".")
        chdir_to(d + "/jail", d + "/jail");
        one("chroot", syscall(SYS_chroot, "."), d + "/jail", ".");
        stat_at(AT_FDCWD, "inner", 0, "/inner");
      }
      _exit(0);
    }
    if (wait_ok(child) != 0) return 1;
  }
  return 0;
}

// Python's os.set_inheritable uses ioctl FIOCLEX and FIONCLEX, not fcntl:
// the fd FIOCLEX marked is gone in the exec'd program, the one FIONCLEX
// cleared is still there. Runs in d/sub.
int close_on_exec_by_ioctl(const char* self, const std::string& d) {
  const std::string name = d + "/sub/by-ioctl";
  const long kept = open_at(AT_FDCWD, "by-ioctl", O_CREAT | O_RDWR, name);  // O_CLOEXEC
  one("ioctl", syscall(SYS_ioctl, kept, FIONCLEX), name, "");
  const long closed = one("dup", syscall(SYS_dup, kept), name, "");  // no O_CLOEXEC
  one("ioctl", syscall(SYS_ioctl, closed, FIOCLEX), name, "");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    execl(self, self, "abspaths-inherited", std::to_string(kept).c_str(), std::to_string(closed).c_str(),
          name.c_str(), static_cast<char*>(nullptr));
    die("execl");
  }
  if (wait_ok(child) != 0) return 1;
  close_fd(closed, name);
  close_fd(kept, name);
  return 0;
}

// A process that clone(2) makes with CLONE_FILES (and no CLONE_THREAD)
// shares this one's fd table: it closes the fd this one opened and opens
// another file, which gets the same number; this process's next syscall on
// that number acts on the other file. Runs in d/sub.
int sharing_the_fd_table(const std::string& d) {
  const long fd = open_at(AT_FDCWD, "shared-a", O_CREAT | O_RDWR, d + "/sub/shared-a");
  const long child = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
  if (child < 0) die("clone");
  if (child == 0) {
    close_fd(fd, d + "/sub/shared-a");
    if (open_at(AT_FDCWD, "shared-b", O_CREAT | O_RDWR, d + "/sub/shared-b") != fd) _exit(1);
    _exit(0);
  }
  if (wait_ok(static_cast<pid_t>(child)) != 0) return 1;
  one("lseek", syscall(SYS_lseek, fd, 0, SEEK_SET), d + "/sub/shared-b", "");
  close_fd(fd, d + "/sub/shared-b");
  return 0;
}

// True once thread tid of this process sleeps in read(2).
bool blocked_in_read(long tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  return in >> nr && nr == SYS_read;
}

// A read blocked on a pipe while this thread closes the pipe's read end and
// opens a file, which gets its number: the kernel still reads the pipe, so
// the read's row names the pipe, not the file.
int a_read_across_the_reuse_of_its_fd(const std::string& d) {
  int p[2];
  check(pipe2(p, O_CLOEXEC), "pipe2");
  struct stat pipe_stat;
  check(fstat(p[0], &pipe_stat), "fstat");
  const std::string pipe_name = "pipe:[" + std::to_string(pipe_stat.st_ino) + "]";
  const int w = static_cast<int>(check(fcntl(p[1], F_DUPFD_CLOEXEC, 0), "fcntl"));
  std::atomic<long> reader_tid{0};
  long got = -1;
  std::thread reader([&] {
    reader_tid = syscall(SYS_gettid);
    char buf[16];
    got = syscall(SYS_read, p[0], buf, sizeof buf);
  });
  while (reader_tid == 0 || !blocked_in_read(reader_tid)) usleep(1000);
  check(syscall(SYS_close, p[0]), "close");
  if (open_at(AT_FDCWD, "reused", O_CREAT | O_RDWR, d + "/sub/reused") != p[0]) die("the number was not reused");
  if (syscall(SYS_write, w, "hello", 5) != 5) die("write");
  reader.join();
  record_of(reader_tid, "read", check(got, "read"), field(pipe_name, ""));
  close_fd(p[0], d + "/sub/reused");
  syscall(SYS_close, w);
  syscall(SYS_close, p[1]);
  return 0;
}

}  // namespace

// The program close_on_exec_by_ioctl execs: fd kept is open, closed is not.
int run_abspaths_inherited(int kept, int closed, const std::string& name) {
  char c;
  const long bad = syscall(SYS_read, closed, &c, 1);
  if (bad != -1 || errno != EBADF) die("read of the fd FIOCLEX marked");
  record("read", -EBADF, field("", "", 8));  // and ior has no name for it
  one("read", syscall(SYS_read, kept, &c, 1), name, "");                 // 0: the file is empty
  return 0;
}

// `passedreuse DIR N`: N times, an fd passed over SCM_RIGHTS (DIR/passed-I,
// opened by a child) is used, closed, and its number given to DIR/reused-I
// at once, long before ior reads /proc for it. Prints "PID FD I" for each.
int run_passed_reuse(const std::string& d, long n) {
  for (long i = 0; i < n; ++i) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair");
    const std::string passed = d + "/passed-" + std::to_string(i);
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      send_fd(sv[1], static_cast<int>(check(open(passed.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644), "open")));
      _exit(0);
    }
    const long got = receive_fd(sv[0]);
    if (wait_ok(child) != 0) return 1;
    check(syscall(SYS_lseek, got, 0, SEEK_SET), "lseek");
    check(syscall(SYS_close, got), "close");
    const std::string reused = d + "/reused-" + std::to_string(i);
    if (check(open(reused.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644), "open") != got) die("the number was not reused");
    check(syscall(SYS_lseek, got, 0, SEEK_SET), "lseek");
    // Alive, with reused-I open on the number, while ior reads /proc for
    // the rows (with the process gone it would say fd-unknown whatever it did).
    usleep(50'000);
    check(syscall(SYS_close, got), "close");
    close(sv[0]);
    close(sv[1]);
    std::printf("%d %ld %ld\n", getpid(), got, i);
  }
  std::fflush(stdout);
  return 0;
}

// `passeddup DIR N`: N times, two fds passed over SCM_RIGHTS (DIR/a-I and
// DIR/b-I, opened by a child): a is used, then b is dup2'ed onto a's
// number, written through it and closed, as a shell started before ior
// redirects its output. Prints "PID A B I" for each.
int run_passed_dup(const std::string& d, long n) {
  for (long i = 0; i < n; ++i) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair");
    const std::string a = d + "/a-" + std::to_string(i);
    const std::string b = d + "/b-" + std::to_string(i);
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      send_fd(sv[1], static_cast<int>(check(open(a.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644), "open")));
      send_fd(sv[1], static_cast<int>(check(open(b.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644), "open")));
      _exit(0);
    }
    const long fa = receive_fd(sv[0]);
    const long fb = receive_fd(sv[0]);
    if (wait_ok(child) != 0) return 1;
    check(syscall(SYS_fsync, fa), "fsync");
    check(syscall(SYS_dup2, fb, fa), "dup2");
    if (syscall(SYS_write, fa, "to-b", 4) != 4) die("write");
    check(syscall(SYS_close, fa), "close");  // at once, long before ior reads /proc
    usleep(50'000);  // b still open while ior reads /proc for it
    check(syscall(SYS_close, fb), "close");
    close(sv[0]);
    close(sv[1]);
    std::printf("%d %ld %ld %ld\n", getpid(), fa, fb, i);
  }
  std::fflush(stdout);
  return 0;
}

// The exec'd child: its cwd is the parent's, kept across exec.
int run_abspaths_exec(const std::string& cwd) {
  stat_at(AT_FDCWD, "g", 0, cwd + "/g");
  return 0;
}

int run_abspaths(const char* self, const std::string& d) {
  chdir_to(d, d);
  one("mkdir", syscall(SYS_mkdir, "sub", 0755), d + "/sub", "sub");
  one("mkdir", syscall(SYS_mkdir, "real", 0755), d + "/real", "real");
  two("symlink", syscall(SYS_symlink, "real", "link"), d + "/real", "real", d + "/link", "link");

  // The cwd after chdir, and "..".
  chdir_to("sub", d + "/sub");
  long fd = open_at(AT_FDCWD, "../f1", O_CREAT | O_WRONLY, d + "/f1");
  one("write", syscall(SYS_write, fd, "x", 1), d + "/f1", "");
  close_fd(fd, d + "/f1");

  // A dirfd, "." inside a name, fstat through AT_EMPTY_PATH, fchdir.
  long dfd = open_at(AT_FDCWD, d, O_RDONLY | O_DIRECTORY, d);
  fd = open_at(static_cast<int>(dfd), "sub/./g", O_CREAT | O_WRONLY, d + "/sub/g");
  close_fd(fd, d + "/sub/g");
  stat_at(static_cast<int>(dfd), "", AT_EMPTY_PATH, d);
  one("fchdir", syscall(SYS_fchdir, dfd), d, "");
  stat_at(AT_FDCWD, "f1", 0, d + "/f1");

  // The process's own fd links name the fd's file (tar chmods through
  // /proc/self/fd/N; a shell's <(cmd) is /dev/fd/63).
  fd = open_at(AT_FDCWD, "f1", O_RDONLY, d + "/f1");
  const std::string self_link = "/proc/self/fd/" + std::to_string(fd);
  one("chmod", syscall(SYS_chmod, self_link.c_str(), 0644), d + "/f1", self_link);
  const std::string dev_link = "/dev/fd/" + std::to_string(dfd) + "/sub";
  one("access", syscall(SYS_access, dev_link.c_str(), F_OK), d + "/sub", dev_link);
  // A ".." right after the link goes up from the fd's directory.
  const std::string up_link = "/proc/self/fd/" + std::to_string(dfd) + "/../" + d.substr(d.rfind('/') + 1) + "/f1";
  stat_at(AT_FDCWD, up_link, 0, d + "/f1");
  close_fd(fd, d + "/f1");
  // And the link to the cwd names the cwd; readlink reads the link itself.
  stat_at(AT_FDCWD, "/proc/self/cwd/f1", 0, d + "/f1");
  // And the link to the root: the name from the root.
  stat_at(AT_FDCWD, "/proc/self/root" + d + "/f1", 0, d + "/f1");
  char target[4096];
  one("readlink", syscall(SYS_readlink, "/proc/self/cwd", target, sizeof target), "/proc/self/cwd", "/proc/self/cwd");

  // A symlinked directory: the path is the name as written (not followed).
  chdir_to("link", d + "/link");
  fd = open_at(AT_FDCWD, "h", O_CREAT | O_WRONLY, d + "/link/h");
  close_fd(fd, d + "/link/h");
  chdir_to("..", d);

  // A renamed directory: the fd of a file inside it and the cwd inside it
  // name the new directory, as /proc does.
  one("mkdir", syscall(SYS_mkdir, "olddir", 0755), d + "/olddir", "olddir");
  fd = open_at(AT_FDCWD, "olddir/kept", O_CREAT | O_WRONLY, d + "/olddir/kept");
  chdir_to("olddir", d + "/olddir");
  two("rename", syscall(SYS_rename, (d + "/olddir").c_str(), (d + "/newdir").c_str()), d + "/olddir", d + "/olddir",
      d + "/newdir", d + "/newdir");
  one("write", syscall(SYS_write, fd, "x", 1), d + "/newdir/kept", "");
  stat_at(AT_FDCWD, "kept", 0, d + "/newdir/kept");
  close_fd(fd, d + "/newdir/kept");
  chdir_to(d, d);

  // Names with commas, quotes, spaces, a newline and invalid UTF-8.
  const std::string odd = "a,b \"q\" 'x'\nline2 \xff\xfe";
  fd = open_at(AT_FDCWD, odd, O_CREAT | O_WRONLY, d + "/" + odd);
  close_fd(fd, d + "/" + odd);
  two("rename", syscall(SYS_rename, odd.c_str(), (odd + "~").c_str()), d + "/" + odd, odd, d + "/" + odd + "~",
      odd + "~");

  // A path over 1 KiB: six nested directories of 200 bytes.
  std::string rel;
  for (char c = 'a'; c < 'g'; ++c) {
    rel += (rel.empty() ? "" : "/") + std::string(200, c);
    one("mkdir", syscall(SYS_mkdir, rel.c_str(), 0755), d + "/" + rel, rel);
  }
  fd = open_at(AT_FDCWD, rel + "/long", O_CREAT | O_WRONLY, d + "/" + rel + "/long");
  close_fd(fd, d + "/" + rel + "/long");
  chdir_to(rel, d + "/" + rel);
  stat_at(AT_FDCWD, "long", 0, d + "/" + rel + "/long");
  chdir_to(d, d);

  // A forked child inherits the cwd.
  chdir_to("sub", d + "/sub");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    stat_at(AT_FDCWD, "g", 0, d + "/sub/g");
    _exit(0);
  }
  if (wait_ok(child) != 0) return 1;

  // An exec'd child too.
  child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    std::string cwd = d + "/sub";
    execl(self, self, "abspaths-exec", cwd.c_str(), static_cast<char*>(nullptr));
    die("execl");
  }
  if (wait_ok(child) != 0) return 1;

  chdir_to(d, d);
  if (threads_and_their_cwds(self, d) != 0) return 1;
  if (joining_a_mount_namespace(d) != 0) return 1;
  if (inside_a_chroot(d) != 0) return 1;
  chdir_to("sub", d + "/sub");
  if (close_on_exec_by_ioctl(self, d) != 0) return 1;

  // An fd passed over SCM_RIGHTS: opened by a child, used by this process.
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair");
  child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    long sent = open_at(AT_FDCWD, "passed", O_CREAT | O_RDWR, d + "/sub/passed");
    send_fd(sv[1], static_cast<int>(sent));
    _exit(0);
  }
  long got = receive_fd(sv[0]);
  if (wait_ok(child) != 0) return 1;
  // Never opened under ior's eyes: its name comes from /proc (notice 4).
  one("lseek", syscall(SYS_lseek, got, 0, SEEK_SET), d + "/sub/passed", "", 4);
  // /proc is read when ior handles the lseek: keep the fd open until then.
  usleep(1'000'000);
  if (sharing_the_fd_table(d) != 0) return 1;
  return a_read_across_the_reuse_of_its_fd(d);
}
