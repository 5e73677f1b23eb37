#include "base/random_bytes.hpp"

#include <sys/random.h>

#include <cerrno>

#include "base/error.hpp"

namespace ior {

void random_bytes(std::span<std::uint8_t> out) {
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = getrandom(out.data() + got, out.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("getrandom", errno);
    }
    got += static_cast<std::size_t>(n);
  }
}

}  // namespace ior
