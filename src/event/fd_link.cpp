#include "event/fd_link.hpp"

#include <charconv>

namespace ior::event {
namespace {

// "N" or "N/..." at the start of s: the fd and the length of N.
std::optional<FdLink> fd_number(std::string_view s, std::size_t at) {
  std::int32_t fd = 0;
  const char* first = s.data() + at;
  const char* last = s.data() + s.size();
  auto [end, ec] = std::from_chars(first, last, fd);
  // No sign, no leading zero but "0" itself: the kernel's fd directory
  // names fds exactly so ("03" is no entry).
  if (ec != std::errc() || end == first || *first == '-' || *first == '+' || (*first == '0' && end - first > 1)) {
    return std::nullopt;
  }
  if (end != last && *end != '/') return std::nullopt;
  return FdLink{fd, static_cast<std::size_t>(end - s.data())};
}

// "NAME" or "NAME/..." at s[at]: a link to a directory (the cwd, the root).
std::optional<FdLink> directory_link(std::string_view s, std::size_t at, std::string_view name, std::int32_t link) {
  if (s.substr(at, name.size()) != name) return std::nullopt;
  const std::size_t end = at + name.size();
  if (end != s.size() && s[end] != '/') return std::nullopt;
  return FdLink{link, end};
}

// What follows /proc/self/, /proc/thread-self/ (thread) or /proc/PID/ at s[at].
std::optional<FdLink> own_link(std::string_view s, std::size_t at, bool thread) {
  constexpr std::string_view kFd = "fd/";
  if (s.substr(at, kFd.size()) == kFd) return fd_number(s, at + kFd.size());
  if (auto root = directory_link(s, at, "root", kRootLink)) return root;
  return directory_link(s, at, "cwd", thread ? kThreadCwdLink : kCwdLink);
}

}  // namespace

std::optional<FdLink> parse_fd_link(std::string_view p, std::uint32_t pid) noexcept {
  if (p.starts_with("/dev/")) {
    static constexpr std::string_view kStd[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    for (std::int32_t fd = 0; fd < 3; ++fd) {
      const std::string_view link = kStd[fd];
      if (p.starts_with(link) && (p.size() == link.size() || p[link.size()] == '/')) return FdLink{fd, link.size()};
    }
    constexpr std::string_view kDevFd = "/dev/fd/";
    return p.starts_with(kDevFd) ? fd_number(p, kDevFd.size()) : std::nullopt;
  }
  constexpr std::string_view kProc = "/proc/";
  if (!p.starts_with(kProc)) return std::nullopt;
  const std::string_view rest = p.substr(kProc.size());
  constexpr std::string_view kSelf = "self/", kThreadSelf = "thread-self/";
  if (rest.starts_with(kSelf)) return own_link(p, kProc.size() + kSelf.size(), false);
  if (rest.starts_with(kThreadSelf)) return own_link(p, kProc.size() + kThreadSelf.size(), true);
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, pid);
  if (ec != std::errc()) return std::nullopt;
  const std::string_view own(digits, static_cast<std::size_t>(end - digits));
  if (!rest.starts_with(own) || !rest.substr(own.size()).starts_with("/")) return std::nullopt;
  return own_link(p, kProc.size() + own.size() + 1, false);
}

}  // namespace ior::event
