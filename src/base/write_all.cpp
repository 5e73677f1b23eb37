#include "base/write_all.hpp"

#include <unistd.h>

#include <cerrno>

namespace ior {
namespace {

int write_until(int fd, std::string_view bytes, const std::atomic<bool>* give_up) noexcept {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR && (give_up == nullptr || !give_up->load(std::memory_order_relaxed))) continue;
      return errno;
    }
    // write(2) returns 0 for a non-empty buffer only when the device takes
    // nothing; retrying would spin.
    if (n == 0) return EIO;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

}  // namespace

int write_all(int fd, std::string_view bytes) noexcept { return write_until(fd, bytes, nullptr); }

int write_all(int fd, std::string_view bytes, const std::atomic<bool>& give_up) noexcept {
  return write_until(fd, bytes, &give_up);
}

}  // namespace ior
