#include "event/row_builder.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#include "event/byte_class.hpp"
#include "event/lexical_path.hpp"
#include "event/row_effects.hpp"
#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

using schema::RetType;

bool is_fcntl_dup(std::uint64_t cmd) { return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC; }

// Syscalls return -errno for errors, and errno never exceeds 4095 (MAX_ERRNO):
// an mmap address with the top bit set is a valid result, not an error.
constexpr std::int64_t kMaxErrno = 4095;

RetType ret_type(const SyscallInfo& info, std::uint64_t arg1, std::int64_t ret) {
  if (info.ret == RetKind::kAddress) {
    return ret < 0 && ret >= -kMaxErrno ? RetType::kError : RetType::kAddress;
  }
  if (ret < 0) return RetType::kError;
  switch (info.ret) {
    case RetKind::kFd:
      return RetType::kFd;
    case RetKind::kRead:
    case RetKind::kWrite:
    case RetKind::kTransfer:
      return RetType::kBytes;
    default:
      // fcntl returns an fd for its dup commands only.
      return info.effect == FdEffect::kFcntl && is_fcntl_dup(arg1) ? RetType::kFd : RetType::kValue;
  }
}

std::uint8_t string_notice(std::uint8_t str_flags) {
  std::uint8_t n = 0;
  if (str_flags & (IOR_STR0_TRUNCATED | IOR_STR1_TRUNCATED)) n |= schema::kNoticeTruncated;
  if (str_flags & (IOR_STR0_FAULT | IOR_STR1_FAULT)) n |= schema::kNoticeUnreadable;
  return n;
}

// creat(path, mode) is open(path, O_CREAT|O_WRONLY|O_TRUNC, mode).
// open_tree's flags are its own (OPEN_TREE_CLONE, AT_*): the fd it makes
// is O_PATH, close-on-exec with OPEN_TREE_CLOEXEC, which is O_CLOEXEC
// (fs/namespace.c).
std::int32_t open_flags(const PendingEnter& e) {
  if (e.syscall == IOR_SC_creat) return O_CREAT | O_WRONLY | O_TRUNC;
  if (e.syscall == IOR_SC_open_tree || e.syscall == IOR_SC_open_tree_attr) {
    return O_PATH | static_cast<std::int32_t>(e.args[0] & O_CLOEXEC);
  }
  return static_cast<std::int32_t>(e.args[0]);
}

// row = EventRow{} as 16-byte vector copies from a blank row: GCC writes the
// assignment as `rep stosq`, whose start-up cost made the 336-byte reset
// 40 % of build_row on the reader thread (perf, one thread writing to
// /dev/null). Spelled out statement by statement, not as a loop, so that it
// is not turned back into one string instruction.
void reset_row(schema::EventRow& row) {
  using Block = unsigned char __attribute__((vector_size(16)));
  static_assert(sizeof(schema::EventRow) % sizeof(Block) == 0);
  static_assert(std::is_trivially_copyable_v<schema::EventRow>);
  static const schema::EventRow kBlank{};
  const auto* from = reinterpret_cast<const unsigned char*>(&kBlank);
  auto* to = reinterpret_cast<unsigned char*>(&row);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    const auto copy_block = [&](std::size_t at) {
      Block b;
      std::memcpy(&b, from + at, sizeof b);
      std::memcpy(to + at, &b, sizeof b);
    };
    (copy_block(I * sizeof(Block)), ...);
  }(std::make_index_sequence<sizeof(schema::EventRow) / sizeof(Block)>{});
}

}  // namespace

namespace {

// chroot leaves the cwd where it was, but the process now names it from its
// new root, as getcwd does: /srv/jail/sub is /sub in a chroot to /srv/jail.
// A cwd outside the new root has no name there (getcwd says
// "(unreachable)"): it is read from /proc at its next use, with
// cwd-from-proc on the rows that use it.
void chroot_cwd(std::uint32_t pid, std::uint32_t tid, std::string_view root, FdTable& fds) {
  if (root == "/") return;
  const auto cwd = fds.cwd(pid, tid);
  if (!cwd) return;
  const std::string_view dir = cwd->path;
  if (dir == root) {
    fds.set_cwd(pid, tid, "/", cwd->from_proc, cwd->source);
  } else if (dir.size() > root.size() && dir.starts_with(root) && dir[root.size()] == '/') {
    fds.set_cwd(pid, tid, std::string(dir.substr(root.size())), cwd->from_proc, cwd->source);
  } else {
    fds.forget_cwd(pid, tid);
  }
}

}  // namespace

void apply_fd_effects(std::uint32_t pid, std::uint32_t tid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns,
                      const schema::EventRow* row, FdTable& fds, const NameSource& name_source) {
  auto fd = static_cast<std::int32_t>(e.args[0]);
  auto newfd = static_cast<std::int32_t>(ret);
  constexpr std::uint8_t kNotExact = schema::kNoticeTruncated | schema::kNoticeUnreadable |
                                     schema::kNoticeFdUnknown | schema::kNoticePathUnresolved;
  const FdEffect effect = syscall_info(e.syscall).effect;
  switch (effect) {
    case FdEffect::kChdir:
    case FdEffect::kFchdir: {
      if (ret != 0) break;
      std::string_view dir;
      if (row != nullptr && (row->notice & kNotExact) == 0) {
        dir = effect == FdEffect::kChdir ? row->pathname : row->filename;
      }
      if (is_clean_absolute(dir)) {
        constexpr std::uint8_t kViaProc = schema::kNoticeFdFromProc | schema::kNoticeCwdFromProc;
        NameSource source = name_source;
        if (effect == FdEffect::kFchdir) {
          const FdEntry* f = fds.find(pid, fd);
          source = f != nullptr ? f->source : NameSource{};
        }
        fds.set_cwd(pid, tid, dir, (row->notice & kViaProc) != 0, source);
      } else {
        fds.forget_cwd(pid, tid);
      }
      break;
    }
    case FdEffect::kClose:
      // Linux releases the fd even when close fails (EINTR, EIO); with EBADF
      // it was not open, so whatever the table held for it is stale as well.
      fds.close_entered_at(pid, fd, e.time_ns);
      break;
    case FdEffect::kCloseRange:
      if (ret == 0) {
        fds.close_range(pid, static_cast<std::uint32_t>(e.args[0]),
                        static_cast<std::uint32_t>(e.args[1]), static_cast<std::uint32_t>(e.args[2]));
      }
      break;
    case FdEffect::kDup:
      // The time the number was given out, also for dup2, which names its
      // own: a syscall of another thread that entered before it ran on the
      // file the number held then (FdTable::resolve_at).
      if (ret >= 0) fds.dup(pid, fd, newfd, false, exit_ns);
      break;
    case FdEffect::kDup3:
      if (ret >= 0) fds.dup(pid, fd, newfd, (e.args[2] & O_CLOEXEC) != 0, exit_ns);
      break;
    case FdEffect::kFcntl:
      if (ret < 0) break;
      if (is_fcntl_dup(e.args[1])) {
        fds.dup(pid, fd, newfd, e.args[1] == F_DUPFD_CLOEXEC, exit_ns);
      } else if (e.args[1] == F_SETFL) {
        fds.set_status_flags(pid, fd, static_cast<std::int32_t>(e.args[2]));
      } else if (e.args[1] == F_SETFD) {
        fds.set_cloexec(pid, fd, (e.args[2] & FD_CLOEXEC) != 0);
      }
      break;
    case FdEffect::kRename:
      // Only a rename whose two names are exact: a cut or unresolved one
      // could move the fds of another file.
      if (ret == 0 && row != nullptr && (row->notice & kNotExact) == 0 && is_clean_absolute(row->oldname) &&
          is_clean_absolute(row->newname)) {
        constexpr std::uint64_t kRenameExchange = 1u << 1;  // RENAME_EXCHANGE, <linux/fs.h>
        const bool exchange = e.syscall == IOR_SC_renameat2 && (e.args[2] & kRenameExchange) != 0;
        fds.rename(pid, row->ppid, e.mnt_ns, row->oldname, row->newname, exchange);
      }
      break;
    case FdEffect::kUnshare:
      // unshare(CLONE_NEWNS) unshares the fs_struct too (kernel/fork.c).
      if (ret == 0 && (e.args[0] & (CLONE_FS | CLONE_NEWNS)) != 0) fds.unshare_cwd(pid, tid);
      // A namespace of its own: a rename there may not reach the names
      // of processes left in the old one (FdTable::rename).
      if (ret == 0 && (e.args[0] & CLONE_NEWNS) != 0) fds.root_changed(pid);
      // A process sharing its fd table with another gets a copy. (A thread
      // unsharing it in a process of several is not followed: one table
      // per process.)
      if (ret == 0 && (e.args[0] & CLONE_FILES) != 0) fds.unshare_files(pid);
      break;
    case FdEffect::kSetns:
      // Joining a mount namespace sets the root and cwd to its root
      // (fs/namespace.c, mntns_install). nstype 0 takes the fd's kind,
      // which the fd's name does not always say: then /proc says where it is.
      if (ret != 0) break;
      if (e.args[1] == 0 || (e.args[1] & CLONE_NEWNS)) fds.root_changed(pid);
      if (e.args[1] & CLONE_NEWNS) {
        fds.set_cwd(pid, tid, "/");
      } else if (e.args[1] == 0) {
        fds.forget_cwd(pid, tid);
      }
      break;
    case FdEffect::kChroot:
      if (ret != 0) break;
      if (row != nullptr && (row->notice & kNotExact) == 0 && is_clean_absolute(row->pathname)) {
        fds.chrooted(pid, row->pathname);
        chroot_cwd(pid, tid, row->pathname, fds);
      } else {
        fds.root_changed(pid);
      }
      break;
    case FdEffect::kIoctl: {
      // Python's os.set_inheritable uses these rather than fcntl.
      constexpr std::uint32_t kFioclex = 0x5451, kFionclex = 0x5450;  // <asm-generic/ioctls.h>
      const auto request = static_cast<std::uint32_t>(e.args[1]);
      if (ret == 0 && (request == kFioclex || request == kFionclex)) fds.set_cloexec(pid, fd, request == kFioclex);
      // ... and Python's socket.setblocking these: the int args[2] holds
      // (read in the kernel) turns the status flag on or off.
      if (ret == 0 && (request == IOR_FIONBIO || request == IOR_FIOASYNC)) {
        fds.set_status_flag(pid, fd, request == IOR_FIONBIO ? O_NONBLOCK : O_ASYNC, e.args[2] != 0);
      }
      break;
    }
    case FdEffect::kNone:
    case FdEffect::kOpen:  // these are applied by build_row: the row names the file
    case FdEffect::kByHandle:
    case FdEffect::kMemfd:
    case FdEffect::kPipe:
    case FdEffect::kSocket:
    case FdEffect::kAccept:
    case FdEffect::kSocketPair:
    case FdEffect::kAnonFd:
    case FdEffect::kGetcwd:
      break;
  }
}

void build_row(const RowContext& ctx, std::uint32_t pid, std::uint32_t tid,
               const ThreadState& thread, std::int64_t ret, std::uint64_t exit_ns,
               FdTable& fds, PathResolver& paths, CgroupNames& cgroups, schema::EventRow& row) {
  const PendingEnter& e = thread.pending;
  const SyscallInfo& info = syscall_info(e.syscall);
  reset_row(row);
  row.timestamp_ns = static_cast<std::uint64_t>(static_cast<std::int64_t>(e.time_ns) + ctx.wall_offset_ns);
  row.pid = pid;
  row.tid = tid;
  row.ppid = e.ppid;
  row.uid = e.uid;
  row.gid = e.gid;
  row.cgroup_id = e.cgroup_id;
  const CgroupName& cgroup = cgroups.lookup(e.cgroup_id);
  row.cgroup = cgroup.path;
  row.container_id = cgroup.container_id;
  row.comm = std::string_view(e.comm, e.comm_len);
  row.syscall_name = info.name;
  row.trace_id = e.syscall;
  row.event_type = info.cls;
  row.ret_value = ret;
  row.ret_type = static_cast<std::uint8_t>(ret_type(info, e.args[1], ret));
  const schema::ByteClass bytes_class = byte_class_of(info);
  row.byte_class = schema::byte_class_name(bytes_class);
  row.bytes = bytes_moved(bytes_class, ret);
  row.notice = static_cast<std::uint8_t>(string_notice(e.str_flags) | (e.enter_unseen ? schema::kNoticeEnterUnseen : 0));
  row.duration_ns = exit_ns >= e.time_ns ? exit_ns - e.time_ns : 0;
  row.duration_to_prev_ns =
      thread.last_exit_ns != 0 && e.time_ns >= thread.last_exit_ns ? e.time_ns - thread.last_exit_ns : 0;
  row.hostname = ctx.hostname;
  row.collection_id = ctx.collection_id;

  switch (info.effect) {
    case FdEffect::kPipe:
      fill_pipe(pid, e, ret, exit_ns, fds, row);
      return;
    case FdEffect::kSocket:
    case FdEffect::kAccept:
      fill_socket(pid, e, ret, exit_ns, fds, row);
      return;
    case FdEffect::kSocketPair:
      fill_socketpair(pid, e, ret, exit_ns, fds, row);
      return;
    case FdEffect::kAnonFd:
      fill_anon_fd(pid, e, ret, exit_ns, fds, row);
      return;
    case FdEffect::kMemfd:
      fill_memfd(pid, e, ret, exit_ns, fds, row);
      return;
    case FdEffect::kByHandle:
      fill_by_handle(pid, e, ret, fds, row);
      return;
    case FdEffect::kGetcwd:
      fill_getcwd(pid, tid, fds, row);
      return;
    default:
      break;
  }
  switch (info.cls) {
    case IOR_CLASS_OPEN:
      paths.fill(pid, tid, e, ret, fds, row);
      row.flags = open_flags(e);
      if (ret >= 0 && info.effect == FdEffect::kOpen) {
        row.fd = static_cast<std::int32_t>(ret);
        if ((row.flags & O_TMPFILE) == O_TMPFILE) {
          fill_tmpfile(pid, e, exit_ns, fds, row);
        } else {
          fds.add(pid, row.fd, row.filename, row.flags, exit_ns, row.notice, paths.source0());
        }
      }
      return;
    case IOR_CLASS_PATH:
    case IOR_CLASS_NAME:
      paths.fill(pid, tid, e, ret, fds, row);
      return;
    case IOR_CLASS_FD:
    case IOR_CLASS_FCNTL:
    case IOR_CLASS_DUP3:
      // An anonymous map ignores its fd argument (glibc passes -1, some
      // programs 0 or a leftover fd): no file.
      if (e.syscall == IOR_SC_mmap && (e.args[2] & MAP_ANONYMOUS) != 0) return;
      row.fd = static_cast<std::int32_t>(e.args[0]);
      row.flags = name_fd(pid, row.fd, ret, e.time_ns, fds, row.filename, row.notice);
      return;
    case IOR_CLASS_FD2:
      fill_two_fds(pid, e, ret, fds, row);
      return;
    default:
      return;
  }
}

}  // namespace ior::event
