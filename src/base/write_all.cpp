#include "base/write_all.hpp"

#include <unistd.h>

#include <cerrno>

namespace ior {
namespace {

int write_until(int fd, std::string_view bytes, const std::atomic<bool>* give_up, std::size_t* done) noexcept {
  std::size_t out = 0;
  int err = 0;
  while (out < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + out, bytes.size() - out);
    if (n < 0) {
      if (errno == EINTR && (give_up == nullptr || !give_up->load(std::memory_order_relaxed))) continue;
      err = errno;
      break;
    }
    // write(2) returns 0 for a non-empty buffer only when the device takes
    // nothing; retrying would spin.
    if (n == 0) {
      err = EIO;
      break;
    }
    out += static_cast<std::size_t>(n);
  }
  if (done != nullptr) *done = out;
  return err;
}

}  // namespace

int write_all(int fd, std::string_view bytes, std::size_t* done) noexcept {
  return write_until(fd, bytes, nullptr, done);
}

int write_all(int fd, std::string_view bytes, const std::atomic<bool>& give_up, std::size_t* done) noexcept {
  return write_until(fd, bytes, &give_up, done);
}

}  // namespace ior
