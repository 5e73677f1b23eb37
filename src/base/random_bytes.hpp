#pragma once
// Bytes from the kernel's CSPRNG (getrandom(2)), for ids and names that
// another user must not be able to guess.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ior {

/// Fills out completely; throws SystemError when the kernel refuses.
void random_bytes(std::span<std::uint8_t> out);

/// n random bytes as 2n lower-case hex digits, for names and tokens.
std::string random_hex(std::size_t n);

}  // namespace ior
