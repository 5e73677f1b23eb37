#pragma once
// Compares and copies of the short strings rows are made of (thread names,
// syscall names, paths, hostnames) with word loads and stores inline, not a
// libc call each: per row and per column these calls were a measurable part
// of the ring reader, the console and the Parquet dictionaries (perf).
// Overlapping loads cover any length; x86_64 and aarch64 are little-endian,
// and only equality is asked, so byte order does not matter.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ior {

namespace short_bytes_detail {
template <class T>
[[gnu::always_inline]] inline T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace short_bytes_detail

/// memcmp(a, b, n) == 0.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  using short_bytes_detail::load;
  if (n > 32) return std::memcmp(a, b, n) == 0;  // long paths: libc's vector compare
  if (n > 16) {  // one branch for four words
    return ((load<std::uint64_t>(a) ^ load<std::uint64_t>(b)) | (load<std::uint64_t>(a + 8) ^ load<std::uint64_t>(b + 8)) |
            (load<std::uint64_t>(a + n - 16) ^ load<std::uint64_t>(b + n - 16)) |
            (load<std::uint64_t>(a + n - 8) ^ load<std::uint64_t>(b + n - 8))) == 0;
  }
  if (n >= 8) {
    return load<std::uint64_t>(a) == load<std::uint64_t>(b) &&
           load<std::uint64_t>(a + n - 8) == load<std::uint64_t>(b + n - 8);
  }
  if (n >= 4) {
    return load<std::uint32_t>(a) == load<std::uint32_t>(b) &&
           load<std::uint32_t>(a + n - 4) == load<std::uint32_t>(b + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// memcpy(to, from, n) (no overlap); returns to + n.
[[gnu::always_inline]] inline char* copy_bytes(char* to, const char* from, std::size_t n) {
  using short_bytes_detail::load;
  if (n > 16) {
    std::memcpy(to, from, n);
  } else if (n >= 8) {
    const auto head = load<std::uint64_t>(from), tail = load<std::uint64_t>(from + n - 8);
    std::memcpy(to, &head, 8);
    std::memcpy(to + n - 8, &tail, 8);
  } else if (n >= 4) {
    const auto head = load<std::uint32_t>(from), tail = load<std::uint32_t>(from + n - 4);
    std::memcpy(to, &head, 4);
    std::memcpy(to + n - 4, &tail, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
  }
  return to + n;
}

}  // namespace ior
