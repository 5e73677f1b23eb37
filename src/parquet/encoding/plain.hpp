#pragma once
// PLAIN encoding (Encodings.md): little-endian fixed-width values; BYTE_ARRAY
// as a 4-byte little-endian length followed by the bytes.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ior::parquet::encoding {

template <class T>
inline void plain_fixed(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // x86_64 and aarch64 are little-endian
  out.append(b, sizeof(T));
}

inline void plain_byte_array(std::string& out, std::string_view v) {
  plain_fixed(out, static_cast<std::uint32_t>(v.size()));
  out.append(v);
}

}  // namespace ior::parquet::encoding
