#pragma once
// Hash of a name that traced users choose (file names, thread names, flame
// graph stacks), for the hash tables that hold such names. A fixed, public
// hash lets an unprivileged user precompute thousands of names that land in
// one bucket and turn every lookup into a linear scan; keyed SipHash-2-4
// (libsodium's crypto_shorthash) with a random key drawn once per process
// cannot be predicted from outside.

#include <sodium/crypto_shorthash.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/random_bytes.hpp"

namespace ior {

namespace detail {

/// Drawn on first use; a kernel without getrandom(2) throws SystemError.
inline const std::array<std::uint8_t, crypto_shorthash_KEYBYTES>& hash_key() {
  static const auto key = [] {
    std::array<std::uint8_t, crypto_shorthash_KEYBYTES> k{};
    random_bytes(k);
    return k;
  }();
  return key;
}

}  // namespace detail

inline std::uint64_t keyed_hash(std::string_view bytes) {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                   detail::hash_key().data());
  std::uint64_t h;
  std::memcpy(&h, out, sizeof h);
  return h;
}

/// Hasher for unordered containers keyed by strings; transparent, so a
/// string_view finds a std::string key without a copy.
struct KeyedStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return keyed_hash(s); }
};

}  // namespace ior
