#include "base/random_bytes.hpp"

#include <sys/random.h>

#include <cerrno>
#include <vector>

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

std::string random_hex(std::size_t n) {
  std::vector<std::uint8_t> bytes(n);
  random_bytes(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (auto b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace ior
