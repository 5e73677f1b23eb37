#pragma once
// Where each traced syscall's names are relative to: which args[] slot (as
// bpf/syscalls.def copies them) holds the directory fd of each name, which
// holds the AT_* flags, and when an empty name means the directory fd's own
// file (AT_EMPTY_PATH and its kin). Names without a directory fd are
// relative to the current directory.

#include <cstdint>

namespace ior::event {

inline constexpr std::int8_t kNoSlot = -1;

struct PathArgs {
  std::int8_t dirfd0 = kNoSlot;    ///< args[] slot of str0's directory fd; none: the cwd
  std::int8_t dirfd1 = kNoSlot;    ///< the same for str1 (name class)
  std::int8_t flags = kNoSlot;     ///< args[] slot of the flags that may hold empty_flag
  std::uint32_t empty_flag = 0;    ///< the flag that lets "" name the directory fd's file
  bool empty_names_dirfd = false;  ///< "" (or NULL) always names it (readlinkat, utimensat, ...)
  bool str0_is_link_target = false;  ///< symlink: str0 is the link's text, relative to the link's directory
};

/// The table entry of a syscall id; an id without names gives the default.
const PathArgs& path_args(std::uint16_t syscall_id);

}  // namespace ior::event
