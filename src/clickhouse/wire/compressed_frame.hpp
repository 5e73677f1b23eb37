#pragma once
// ClickHouse's compressed frames (native protocol blocks, MergeTree .bin files):
//   16 bytes  CityHash128 (v1.0.2) of everything after it
//    1 byte   method: 0x02 none, 0x82 LZ4, 0x90 ZSTD
//    4 bytes  compressed size, little-endian, including these 9 header bytes
//    4 bytes  uncompressed size, little-endian
//    N bytes  data
// One routine writes the header and checksum for every method.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ior::clickhouse::wire {

enum class CompressionMethod : std::uint8_t { kNone = 0x02, kLz4 = 0x82, kZstd = 0x90 };

inline constexpr std::size_t kChecksumBytes = 16;
inline constexpr std::size_t kFrameHeaderBytes = 9;

/// Bounds on what a peer may claim, so a broken or hostile server cannot
/// make the reader allocate without limit (ClickHouse's own blocks are far
/// below: 1 MiB by default, max_compress_block_size).
struct FrameLimits {
  std::size_t max_compressed = 64u << 20;
  std::size_t max_uncompressed = 256u << 20;
};

/// Appends one frame holding data, compressed with method.
void write_frame(std::string_view data, CompressionMethod method, int zstd_level, std::string& out);

/// Reads the frame at the start of in, appending its decompressed bytes to
/// out; returns the bytes consumed. Throws ior::CompressionError for a bad
/// checksum, method byte, size or payload, and when in holds less than the
/// frame (the caller reads the rest first: see frame_size()).
std::size_t read_frame(std::span<const std::byte> in, std::string& out, const FrameLimits& limits = {});

/// Total bytes (checksum + header + data) of the frame whose first 25 bytes
/// are in head; 0 when head is shorter. Throws for sizes beyond limits.
std::size_t frame_size(std::span<const std::byte> head, const FrameLimits& limits = {});

}  // namespace ior::clickhouse::wire
