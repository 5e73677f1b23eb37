#include "event/row_effects.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <string>

#include "event/syscall_table.hpp"

namespace ior::event {

namespace {

std::int32_t name_entry(const FdEntry* f, FdTable& fds, std::size_t slot, std::string_view& name,
                        std::uint8_t& notice) {
  if (f == nullptr) return 0;
  if (f->unknown) {
    notice |= schema::kNoticeFdUnknown;
    return 0;
  }
  name = fds.hold_for_row(slot, f->name);
  if (f->from_proc) notice |= schema::kNoticeFdFromProc;
  if (f->unresolved) notice |= schema::kNoticePathUnresolved;
  if (f->truncated) notice |= schema::kNoticeTruncated;
  return f->flags;
}

}  // namespace

std::int32_t name_fd(std::uint32_t pid, std::int32_t fd, std::int64_t ret, std::uint64_t enter_ns, FdTable& fds,
                     std::string_view& name, std::uint8_t& notice, std::size_t slot) {
  return name_entry(fds.resolve_at(pid, fd, fd_use_of(ret), enter_ns), fds, slot, name, notice);
}

void fill_two_fds(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, FdTable& fds, schema::EventRow& row) {
  row.fd = static_cast<std::int32_t>(e.args[0]);
  row.flags = name_fd(pid, row.fd, ret, e.time_ns, fds, row.filename, row.notice);
  row.fd2 = static_cast<std::int32_t>(e.args[1]);
  name_fd(pid, row.fd2, ret, e.time_ns, fds, row.filename2, row.notice, 1);
}

namespace {

// The name an fd added here got in the table (the table owns the text).
std::string_view table_name(std::uint32_t pid, std::int32_t fd, FdTable& fds) {
  const FdEntry* f = fds.find(pid, fd);
  return f != nullptr ? std::string_view(f->name) : std::string_view();
}

// "KIND:[INODE]" as /proc names an fd without a path; "KIND:" and notice
// fd-unknown when the kernel side could not read the inode.
std::string inode_name(std::string_view kind, std::uint64_t ino, std::uint8_t& notice) {
  std::string name(kind);
  name += ':';
  if (ino != 0) {
    name += '[';
    name += std::to_string(ino);
    name += ']';
  } else {
    notice |= schema::kNoticeFdUnknown;
  }
  return name;
}

// The flags an fd of socket, socketpair or accept4 gets: SOCK_CLOEXEC and
// SOCK_NONBLOCK are O_CLOEXEC and O_NONBLOCK on Linux (asserted here), so
// exec closes the fds the table marks close-on-exec.
static_assert(SOCK_CLOEXEC == O_CLOEXEC && SOCK_NONBLOCK == O_NONBLOCK);
std::int32_t socket_flags(std::uint64_t type_or_flags) {
  return O_RDWR | static_cast<std::int32_t>(type_or_flags & (SOCK_CLOEXEC | SOCK_NONBLOCK));
}

}  // namespace

void fill_socket(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                 schema::EventRow& row) {
  const bool accepted = syscall_info(e.syscall).effect == FdEffect::kAccept;
  if (accepted) {
    row.fd = static_cast<std::int32_t>(e.args[0]);
    name_fd(pid, row.fd, ret, e.time_ns, fds, row.filename, row.notice);
  }
  // socket's type carries the flags, accept4 has them apart, accept stores 0.
  row.flags = socket_flags(e.args[1]);
  if (ret < 0) return;
  const auto fd = static_cast<std::int32_t>(ret);
  fds.add(pid, fd, inode_name("socket", e.out_ino[0], row.notice), row.flags, exit_ns);
  (accepted ? row.fd2 : row.fd) = fd;
  (accepted ? row.filename2 : row.filename) = table_name(pid, fd, fds);
}

void learn_new_fds(std::uint32_t pid, std::uint16_t syscall, const ior_exit_fds_event& exit, std::uint64_t exit_ns,
                   FdTable& fds) {
  // The classes whose exits carry fds (the kernel's rule, bpf/ior.bpf.c).
  const SyscallInfo& info = syscall_info(syscall);
  if ((info.cls != IOR_CLASS_PIPE && info.cls != IOR_CLASS_SOCKET) || exit.exit.ret < 0) return;
  const bool pipe = info.effect == FdEffect::kPipe;
  std::uint8_t unknown = 0;  // an fd whose inode is unknown is named "KIND:" all the same
  for (int i = 0; i < 2; ++i) {
    if (exit.fd[i] < 0) continue;
    const std::int32_t flags = pipe ? (i == 0 ? O_RDONLY : O_WRONLY) : O_RDWR;
    fds.add(pid, exit.fd[i], inode_name(pipe ? "pipe" : "socket", exit.ino[i], unknown), flags, exit_ns);
  }
}

void fill_socketpair(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns,
                     FdTable& fds, schema::EventRow& row) {
  row.flags = socket_flags(e.args[1]);
  if (ret != 0 || e.out_fds[0] < 0 || e.out_fds[1] < 0) return;
  row.fd = e.out_fds[0];
  row.fd2 = e.out_fds[1];
  fds.add(pid, row.fd, inode_name("socket", e.out_ino[0], row.notice), row.flags, exit_ns);
  fds.add(pid, row.fd2, inode_name("socket", e.out_ino[1], row.notice), row.flags, exit_ns);
  row.filename = table_name(pid, row.fd, fds);
  row.filename2 = table_name(pid, row.fd2, fds);
}

namespace {

// What /proc/PID/fd shows for the fd each syscall makes (fs/anon_inodes.c
// callers: the name in brackets is the kind the kernel gives).
std::string_view anon_fd_name(std::uint16_t syscall) {
  switch (syscall) {
    case IOR_SC_epoll_create:
    case IOR_SC_epoll_create1: return "anon_inode:[eventpoll]";
    case IOR_SC_eventfd:
    case IOR_SC_eventfd2: return "anon_inode:[eventfd]";
    case IOR_SC_timerfd_create: return "anon_inode:[timerfd]";
    case IOR_SC_signalfd:
    case IOR_SC_signalfd4: return "anon_inode:[signalfd]";
    case IOR_SC_inotify_init:
    case IOR_SC_inotify_init1: return "anon_inode:inotify";
    case IOR_SC_fanotify_init: return "anon_inode:[fanotify]";
    case IOR_SC_pidfd_open: return "anon_inode:[pidfd]";
    case IOR_SC_userfaultfd: return "anon_inode:[userfaultfd]";
    case IOR_SC_io_uring_setup: return "anon_inode:[io_uring]";
    default: return "anon_inode:";
  }
}

// The open flags of that fd: EPOLL_CLOEXEC, EFD_*, TFD_*, SFD_*, IN_* and
// UFFD's are O_CLOEXEC and O_NONBLOCK themselves; fanotify_init has its own
// bits (FAN_CLOEXEC 1, FAN_NONBLOCK 2, <linux/fanotify.h>); pidfds and
// io_uring fds are always close-on-exec. inotify and userfaultfd fds are
// made O_RDONLY (fs/notify/inotify/inotify_user.c, fs/userfaultfd.c: as
// their fdinfo says), the others O_RDWR.
std::int32_t anon_fd_flags(std::uint16_t syscall, std::uint64_t flags) {
  const bool read_only = syscall == IOR_SC_inotify_init || syscall == IOR_SC_inotify_init1 ||
                         syscall == IOR_SC_userfaultfd;
  std::int32_t f = read_only ? O_RDONLY : O_RDWR;
  if (syscall == IOR_SC_fanotify_init) {
    constexpr std::uint64_t kFanCloexec = 0x1, kFanNonblock = 0x2;
    if (flags & kFanCloexec) f |= O_CLOEXEC;
    if (flags & kFanNonblock) f |= O_NONBLOCK;
    return f;
  }
  f |= static_cast<std::int32_t>(flags & (O_CLOEXEC | O_NONBLOCK));
  if (syscall == IOR_SC_pidfd_open || syscall == IOR_SC_io_uring_setup) f |= O_CLOEXEC;
  return f;
}

}  // namespace

void fill_anon_fd(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                  schema::EventRow& row) {
  // signalfd given a signalfd (not -1) sets that fd's mask and returns it:
  // the kernel ignores the flags then (fs/signalfd.c), the fd stays as it was.
  if ((e.syscall == IOR_SC_signalfd || e.syscall == IOR_SC_signalfd4) && static_cast<std::int32_t>(e.args[1]) != -1) {
    row.fd = static_cast<std::int32_t>(e.args[1]);
    row.flags = name_fd(pid, row.fd, ret, e.time_ns, fds, row.filename, row.notice);
    return;
  }
  row.flags = anon_fd_flags(e.syscall, e.args[0]);
  if (ret < 0) return;
  row.fd = static_cast<std::int32_t>(ret);
  fds.add(pid, row.fd, anon_fd_name(e.syscall), row.flags, exit_ns);
  row.filename = table_name(pid, row.fd, fds);
}

void fill_pipe(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
               schema::EventRow& row) {
  if (ret != 0 || e.out_fds[0] < 0 || e.out_fds[1] < 0) return;
  // pipe2's flags: O_CLOEXEC and O_NONBLOCK apply to both ends.
  const auto shared = static_cast<std::int32_t>(e.args[1] & (O_CLOEXEC | O_NONBLOCK));
  const std::string name = inode_name("pipe", e.out_ino[0], row.notice);
  row.fd = e.out_fds[0];
  row.fd2 = e.out_fds[1];
  row.flags = O_RDONLY | shared;
  fds.add(pid, row.fd, name, row.flags, exit_ns);
  fds.add(pid, row.fd2, name, O_WRONLY | shared, exit_ns);
  row.filename = table_name(pid, row.fd, fds);
  row.filename2 = table_name(pid, row.fd2, fds);
}

void fill_tmpfile(std::uint32_t pid, const PendingEnter& e, std::uint64_t exit_ns, FdTable& fds,
                  schema::EventRow& row) {
  std::string name(row.filename);
  if (!name.ends_with('/')) name += '/';
  name += '#';
  if (e.out_ino[0] != 0) {
    name += std::to_string(e.out_ino[0]);
  } else {
    row.notice |= schema::kNoticeFdUnknown;
  }
  row.pathname = row.filename;
  fds.add(pid, row.fd, name, row.flags, exit_ns, row.notice);
  row.filename = table_name(pid, row.fd, fds);
}

void fill_memfd(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                schema::EventRow& row) {
  row.passed_name = e.str0;
  row.flags = O_RDWR | ((e.args[0] & MFD_CLOEXEC) != 0 ? O_CLOEXEC : 0);
  if (ret < 0) return;
  row.fd = static_cast<std::int32_t>(ret);
  fds.add(pid, row.fd, "memfd:" + e.str0, row.flags, exit_ns, row.notice);
  row.filename = table_name(pid, row.fd, fds);
}

void fill_by_handle(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, FdTable& fds,
                    schema::EventRow& row) {
  row.flags = static_cast<std::int32_t>(e.args[0]);
  if (ret < 0) return;
  row.fd = static_cast<std::int32_t>(ret);
  // The kernel just gave this number out: what the table held for it is
  // stale, and only /proc can name the file behind a handle.
  fds.close(pid, row.fd);
  name_fd(pid, row.fd, ret, e.time_ns, fds, row.filename, row.notice);
}

void fill_getcwd(std::uint32_t pid, std::uint32_t tid, FdTable& fds, schema::EventRow& row) {
  if (auto cwd = fds.cwd(pid, tid)) {
    row.pathname = cwd->path;
    if (cwd->from_proc) row.notice |= schema::kNoticeCwdFromProc;
  } else {
    row.notice |= schema::kNoticePathUnresolved;
  }
}

}  // namespace ior::event
