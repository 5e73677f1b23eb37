#include "base/unique_fd.hpp"

#include <unistd.h>

#include <cerrno>

namespace ior {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

int UniqueFd::close() noexcept {
  if (fd_ < 0) return 0;
  int rc = ::close(std::exchange(fd_, -1));
  return rc == 0 ? 0 : errno;
}

}  // namespace ior
