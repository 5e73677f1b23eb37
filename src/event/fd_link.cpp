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

bool starts_with_dir(std::string_view s, std::string_view dir) { return s.substr(0, dir.size()) == dir; }

}  // namespace

std::optional<FdLink> parse_fd_link(std::string_view p, std::uint32_t pid) noexcept {
  if (p.size() < 8 || (p[1] != 'p' && p[1] != 'd')) return std::nullopt;  // neither /proc/ nor /dev/
  static constexpr std::string_view kStd[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
  for (std::int32_t fd = 0; fd < 3; ++fd) {
    const std::string_view link = kStd[fd];
    if (starts_with_dir(p, link) && (p.size() == link.size() || p[link.size()] == '/')) {
      return FdLink{fd, link.size()};
    }
  }
  for (std::string_view dir : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/"),
                               std::string_view("/proc/thread-self/fd/")}) {
    if (starts_with_dir(p, dir)) return fd_number(p, dir.size());
  }
  constexpr std::string_view kProc = "/proc/";
  if (!starts_with_dir(p, kProc)) return std::nullopt;
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, pid);
  if (ec != std::errc()) return std::nullopt;
  const std::string_view own(digits, static_cast<std::size_t>(end - digits));
  if (p.substr(kProc.size(), own.size()) != own || p.substr(kProc.size() + own.size(), 4) != "/fd/") {
    return std::nullopt;
  }
  return fd_number(p, kProc.size() + own.size() + 4);
}

}  // namespace ior::event
