#include "base/short_bytes.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace ior {
namespace {

// Every length the word loads treat in their own way (under 4, 4-7, 8, 9-16,
// longer, where a loop of words ends in an overlapping one), with a
// difference in any single byte, even only in its top bit.
TEST(ShortBytes, SameBytesAgreesWithMemcmpAtEveryLengthAndByte) {
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string a(n, '\0');
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
    const std::string b = a;
    ASSERT_TRUE(same_bytes(a.data(), b.data(), n)) << n;
    for (std::size_t at = 0; at < n; ++at) {
      std::string c = a;
      c[at] = static_cast<char>(c[at] ^ 0x80);
      ASSERT_FALSE(same_bytes(a.data(), c.data(), n)) << n << " at " << at;
      ASSERT_EQ(std::memcmp(a.data(), c.data(), n) == 0, same_bytes(a.data(), c.data(), n));
    }
  }
}

// Copies exactly n bytes: what follows the destination stays as it was.
TEST(ShortBytes, CopyBytesWritesExactlyNBytesAtEveryLength) {
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string from(n, '\0');
    for (std::size_t i = 0; i < n; ++i) from[i] = static_cast<char>(1 + i);
    std::string to(n + 16, '#');
    char* end = copy_bytes(to.data(), from.data(), n);
    ASSERT_EQ(end, to.data() + n) << n;
    ASSERT_EQ(to.substr(0, n), from) << n;
    ASSERT_EQ(to.substr(n), std::string(16, '#')) << n;
  }
}

}  // namespace
}  // namespace ior
