#include "clickhouse/net/cancellation.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace ior::clickhouse::net {

Cancellation::Cancellation() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw SystemError("eventfd", errno);
}

Cancellation::~Cancellation() { ::close(fd_); }

void Cancellation::cancel() noexcept {
  cancelled_.store(true, std::memory_order_release);
  // The counter is never read, so the fd stays readable for good. A full
  // counter (EAGAIN) is readable already.
  const std::uint64_t one = 1;
  ssize_t n;
  do {
    n = ::write(fd_, &one, sizeof one);
  } while (n < 0 && errno == EINTR);
}

}  // namespace ior::clickhouse::net
