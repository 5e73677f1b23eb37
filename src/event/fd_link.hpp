#pragma once
// Paths that name one of the caller's own fds rather than a file of the
// tree: /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N (PID the
// caller's), /dev/fd/N and /dev/stdin, /dev/stdout, /dev/stderr (the
// standard links to /proc/self/fd/0..2), and the link to its current
// directory, /proc/self/cwd (thread-self, PID). Their text means another
// file in every process ("/proc/self" is whoever reads it), so a row that
// kept it would name nothing once the trace is read; the path resolver
// puts the fd's name, or the cwd, in its place (docs/ARCHITECTURE.md,
// "Absolute paths").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ior::event {

struct FdLink {
  std::int32_t fd = -1;  ///< kCwdLink: the process's current directory
  std::size_t rest = 0;  ///< where what follows the link starts: "" or "/..."
};

inline constexpr std::int32_t kCwdLink = -2;

/// The fd (or kCwdLink) a clean absolute path names through one of those
/// links, for the process pid; nullopt for any other path.
std::optional<FdLink> parse_fd_link(std::string_view clean_absolute, std::uint32_t pid) noexcept;

}  // namespace ior::event
