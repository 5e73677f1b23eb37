#pragma once
// CityHash128 as in CityHash v1.0.2, the version ClickHouse uses for the
// checksums of its compressed frames (later CityHash versions give other
// values). Written for this project from the algorithm's description;
// verified against frames written by a real ClickHouse server.

#include <cstddef>
#include <cstdint>

namespace ior::clickhouse::wire {

struct Hash128 {
  std::uint64_t low = 0;   ///< first 8 bytes of the frame checksum (little-endian)
  std::uint64_t high = 0;  ///< next 8 bytes
  bool operator==(const Hash128&) const = default;
};

Hash128 city_hash128(const void* data, std::size_t len);

}  // namespace ior::clickhouse::wire
