#pragma once
// Paths that name one of the caller's own fds rather than a file of the
// tree: /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N (PID the
// caller's), /dev/fd/N and /dev/stdin, /dev/stdout, /dev/stderr (the
// standard links to /proc/self/fd/0..2), the links to its current
// directory, /proc/self/cwd (thread-self, PID), and to its root,
// /proc/self/root (thread-self, PID). Their text means another file in
// every process ("/proc/self" is whoever reads it), so a row that kept it
// would name nothing once the trace is read; the path resolver puts the
// fd's name, the cwd or "/" in its place (docs/ARCHITECTURE.md, "Absolute
// paths").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ior::event {

struct FdLink {
  std::int32_t fd = -1;  ///< or one of the k...Link below
  std::size_t rest = 0;  ///< where what follows the link starts: "" or "/..."
};

/// /proc/self/cwd, /proc/PID/cwd: the process's (its main thread's) cwd.
inline constexpr std::int32_t kCwdLink = -2;
/// /proc/thread-self/cwd: the calling thread's, which may be its own.
inline constexpr std::int32_t kThreadCwdLink = -3;
/// /proc/self/root (thread-self, PID): the caller's root, which is "/" as
/// it names its files (names are as the process sees them).
inline constexpr std::int32_t kRootLink = -4;

/// The fd (or k...Link) a clean absolute path names through one of those
/// links, for the process pid; nullopt for any other path.
std::optional<FdLink> parse_fd_link(std::string_view clean_absolute, std::uint32_t pid) noexcept;

}  // namespace ior::event
