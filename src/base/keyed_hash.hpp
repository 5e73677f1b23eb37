#pragma once
// Hash of a name that traced users choose (file names, thread names, flame
// graph stacks), for the hash tables that hold such names. A fixed, public
// hash lets an unprivileged user precompute thousands of names that land in
// one bucket and turn every lookup into a linear scan; keyed SipHash-2-4
// (libsodium's crypto_shorthash) with a random key drawn once per process
// cannot be predicted from outside.

#include <sodium/crypto_shorthash.h>
#include <sys/random.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ior {

namespace detail {

inline const std::array<unsigned char, crypto_shorthash_KEYBYTES>& hash_key() {
  static const auto key = [] {
    std::array<unsigned char, crypto_shorthash_KEYBYTES> k{};
    std::size_t got = 0;
    while (got < k.size()) {
      ssize_t n = ::getrandom(k.data() + got, k.size() - got, 0);
      if (n > 0) got += static_cast<std::size_t>(n);
      // getrandom() only fails with EINTR here (the buffer is small and
      // valid, and the kernel has it since 3.17): try again.
    }
    return k;
  }();
  return key;
}

}  // namespace detail

inline std::uint64_t keyed_hash(std::string_view bytes) noexcept {
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
  std::size_t operator()(std::string_view s) const noexcept { return keyed_hash(s); }
};

}  // namespace ior
