#include "event/syscall_table.hpp"

#include <array>

namespace ior::event {
namespace {

// The tokens of syscalls.def's ret and effect columns.
namespace ret_kind {
constexpr RetKind VALUE = RetKind::kValue;
constexpr RetKind FD = RetKind::kFd;
constexpr RetKind READ = RetKind::kRead;
constexpr RetKind WRITE = RetKind::kWrite;
constexpr RetKind TRANSFER = RetKind::kTransfer;
constexpr RetKind ADDRESS = RetKind::kAddress;
}  // namespace ret_kind
namespace fd_effect {
constexpr FdEffect NONE = FdEffect::kNone;
constexpr FdEffect OPEN = FdEffect::kOpen;
constexpr FdEffect CLOSE = FdEffect::kClose;
constexpr FdEffect CLOSE_RANGE = FdEffect::kCloseRange;
constexpr FdEffect DUP = FdEffect::kDup;
constexpr FdEffect DUP3 = FdEffect::kDup3;
constexpr FdEffect FCNTL = FdEffect::kFcntl;
constexpr FdEffect CHDIR = FdEffect::kChdir;
constexpr FdEffect FCHDIR = FdEffect::kFchdir;
constexpr FdEffect BY_HANDLE = FdEffect::kByHandle;
constexpr FdEffect MEMFD = FdEffect::kMemfd;
constexpr FdEffect PIPE = FdEffect::kPipe;
constexpr FdEffect GETCWD = FdEffect::kGetcwd;
constexpr FdEffect RENAME = FdEffect::kRename;
constexpr FdEffect SOCKET = FdEffect::kSocket;
constexpr FdEffect ACCEPT = FdEffect::kAccept;
constexpr FdEffect SOCKETPAIR = FdEffect::kSocketPair;
constexpr FdEffect ANON_FD = FdEffect::kAnonFd;
constexpr FdEffect UNSHARE = FdEffect::kUnshare;
constexpr FdEffect SETNS = FdEffect::kSetns;
constexpr FdEffect CHROOT = FdEffect::kChroot;
constexpr FdEffect IOCTL = FdEffect::kIoctl;
}  // namespace fd_effect

// A new line with a smaller id than the one before would reuse or hide an
// id: the ids must ascend in file order (IOR_SC_COUNT relies on it too).
constexpr bool ids_ascend() {
  int prev = 0;
  bool ok = true;
#define IOR_SYSCALL(id, name, nr, cls, ret, fx, s0, s1, n0, n1, n2) \
  ok = ok && (id) > prev;                                            \
  prev = (id);
#include "syscalls.def"
#undef IOR_SYSCALL
  return ok && prev + 1 == IOR_SC_COUNT;
}
static_assert(ids_ascend(), "bpf/syscalls.def: ids must ascend; a new syscall takes the next id");

constexpr std::array<SyscallInfo, IOR_SC_COUNT> make_table() {
  std::array<SyscallInfo, IOR_SC_COUNT> t{};
#define IOR_SYSCALL(id, name, nr, cls, ret, fx, s0, s1, n0, n1, n2) \
  t[id] = {#name, IOR_CLASS_##cls, ret_kind::ret, fd_effect::fx, {s0, s1}, {n0, n1, n2}, nr};
#include "syscalls.def"
#undef IOR_SYSCALL
  return t;
}

constexpr auto kTable = make_table();
constexpr SyscallInfo kUnknown{"unknown"};

}  // namespace

bool valid_syscall_id(std::uint16_t id) { return id < IOR_SC_COUNT && !kTable[id].name.empty(); }

const SyscallInfo& syscall_info(std::uint16_t id) { return valid_syscall_id(id) ? kTable[id] : kUnknown; }

std::optional<std::uint16_t> syscall_id(std::string_view name) {
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    if (!kTable[id].name.empty() && kTable[id].name == name) return id;
  }
  return std::nullopt;
}

}  // namespace ior::event
