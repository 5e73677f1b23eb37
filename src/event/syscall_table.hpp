#pragma once
// The traced syscalls by id, from bpf/syscalls.def (the same table the BPF
// programs are generated from): name, class, what the return value is and
// what the syscall does to the fd table. Ids are stable (trace_id is stored
// in every Parquet file and ClickHouse table); an id no line has is unknown.

#include <cstdint>
#include <optional>
#include <string_view>

#include "ior_event.h"

namespace ior::event {

/// What a successful return value is (a failure is always an error).
enum class RetKind : std::uint8_t {
  kValue,    ///< a count, a flag, 0
  kFd,       ///< a new file descriptor
  kRead,     ///< bytes read: from a file or pipe into memory (byte_class read)
  kWrite,    ///< bytes written: from memory to a file or pipe (byte_class write)
  kTransfer, ///< bytes moved between two fds, or a pipe and memory either way (byte_class transfer)
  kAddress,  ///< an address: only -4095..-1 are errors (mmap)
};

/// What a syscall does to the fd table or the current directory, applied by
/// row_builder: which syscall has which effect is the table's business.
enum class FdEffect : std::uint8_t {
  kNone,
  kOpen,        ///< the returned fd names the row's file
  kClose,       ///< args[0] is closed (even when close fails)
  kCloseRange,  ///< args[0..2] = first, last, flags
  kDup,         ///< the returned fd is a copy of args[0]
  kDup3,        ///< the same, O_CLOEXEC in args[2]
  kFcntl,       ///< F_DUPFD*, F_SETFL, F_SETFD by args[1]
  kChdir,       ///< the cwd becomes the row's pathname
  kFchdir,      ///< the cwd becomes the row's filename (args[0]'s file)
  kByHandle,    ///< open_by_handle_at: the returned fd's file is read from /proc
  kMemfd,       ///< memfd_create: the returned fd is "memfd:NAME"
  kPipe,        ///< pipe, pipe2: two new fds "pipe:[INODE]", read end first
  kGetcwd,      ///< the row names the current directory ior knows
  kRename,      ///< fds and cwds named the old name get the new one (RENAME_EXCHANGE: both ways)
  kSocket,      ///< socket: the returned fd is "socket:[INODE]"
  kAccept,      ///< accept, accept4: the same; args[0] is the listening socket
  kSocketPair,  ///< socketpair: two new fds "socket:[INODE]", an inode each
  kAnonFd,      ///< the returned fd is an "anon_inode:..." fd (epoll, eventfd, timerfd, ...)
  kUnshare,     ///< unshare: with CLONE_FS or CLONE_NEWNS in args[0], the thread's cwd becomes its own
  kSetns,       ///< setns: into a mount namespace (args[1]), the cwd becomes its root
  kChroot,      ///< chroot: the cwd is named from the new root (the row's pathname)
  kIoctl,       ///< ioctl: FIOCLEX, FIONCLEX (args[1]) set and clear args[0]'s close-on-exec
};

struct SyscallInfo {
  std::string_view name;  ///< the kernel's name, e.g. "openat"; "" for an unused id
  std::uint8_t cls = 0;   ///< enum ior_syscall_class
  RetKind ret = RetKind::kValue;
  FdEffect effect = FdEffect::kNone;
  std::int8_t str[2] = {-1, -1};      ///< argument positions of the strings, -1: none
  std::int8_t num[3] = {-1, -1, -1};  ///< argument positions copied into args[0..2]
  int unified_nr = -1;                ///< the number shared by every architecture, -1: none
};

/// The entry of an id; an id no line of syscalls.def has gives {"unknown"}.
const SyscallInfo& syscall_info(std::uint16_t id);
inline std::string_view syscall_name(std::uint16_t id) { return syscall_info(id).name; }
std::optional<std::uint16_t> syscall_id(std::string_view name);
/// True for the id of a line of syscalls.def.
bool valid_syscall_id(std::uint16_t id);

}  // namespace ior::event
