#include "clickhouse/wire/compressed_frame.hpp"

#include <lz4.h>
#include <zstd.h>

#include <cstring>
#include <memory>
#include <limits>

#include "base/error.hpp"
#include "clickhouse/wire/cityhash128.hpp"

namespace ior::clickhouse::wire {
namespace {

void put_u32(std::string& out, std::size_t pos, std::uint32_t v) {
  std::memcpy(out.data() + pos, &v, 4);  // little-endian hosts
}

std::uint32_t get_u32(const std::byte* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

std::uint32_t checked_u32(std::size_t v) {
  if (v > std::numeric_limits<std::uint32_t>::max()) {
    throw CompressionError("clickhouse: a compressed frame cannot hold 4 GiB or more");
  }
  return static_cast<std::uint32_t>(v);
}

}  // namespace

void write_frame(std::string_view data, CompressionMethod method, int zstd_level, std::string& out) {
  const std::size_t start = out.size();
  const std::size_t body = start + kChecksumBytes + kFrameHeaderBytes;
  std::size_t bound = data.size();
  if (method == CompressionMethod::kLz4) {
    if (data.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
      throw CompressionError("clickhouse: block too large for LZ4");
    }
    bound = static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(data.size())));
  } else if (method == CompressionMethod::kZstd) {
    bound = ZSTD_compressBound(data.size());
  }
  out.resize(body + bound);
  std::size_t n = data.size();
  switch (method) {
    case CompressionMethod::kNone:
      std::memcpy(out.data() + body, data.data(), data.size());
      break;
    case CompressionMethod::kLz4: {
      int r = LZ4_compress_default(data.data(), out.data() + body, static_cast<int>(data.size()),
                                   static_cast<int>(bound));
      if (r <= 0) throw CompressionError("clickhouse: LZ4 compression failed");
      n = static_cast<std::size_t>(r);
      break;
    }
    case CompressionMethod::kZstd:
    {
      // One context per thread: creating one per frame costs more than
      // compressing a small frame.
      thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
      if (!cctx) throw CompressionError("clickhouse: zstd: cannot create a context");
      n = ZSTD_compressCCtx(cctx.get(), out.data() + body, bound, data.data(), data.size(), zstd_level);
    }
      if (ZSTD_isError(n)) throw CompressionError(std::string("clickhouse: zstd: ") + ZSTD_getErrorName(n));
      break;
  }
  out.resize(body + n);
  out[start + kChecksumBytes] = static_cast<char>(method);
  put_u32(out, start + kChecksumBytes + 1, checked_u32(kFrameHeaderBytes + n));
  put_u32(out, start + kChecksumBytes + 5, checked_u32(data.size()));
  Hash128 h = city_hash128(out.data() + start + kChecksumBytes, kFrameHeaderBytes + n);
  std::memcpy(out.data() + start, &h.low, 8);
  std::memcpy(out.data() + start + 8, &h.high, 8);
}

std::size_t frame_size(std::span<const std::byte> head, const FrameLimits& limits) {
  if (head.size() < kChecksumBytes + kFrameHeaderBytes) return 0;
  std::uint32_t compressed = get_u32(head.data() + kChecksumBytes + 1);
  if (compressed < kFrameHeaderBytes || compressed > limits.max_compressed) {
    throw CompressionError("clickhouse: compressed frame claims " + std::to_string(compressed) +
                           " bytes (limit " + std::to_string(limits.max_compressed) + ")");
  }
  return kChecksumBytes + compressed;
}

std::size_t read_frame(std::span<const std::byte> in, std::string& out, const FrameLimits& limits) {
  std::size_t total = frame_size(in, limits);
  if (total == 0 || in.size() < total) throw CompressionError("clickhouse: truncated compressed frame");
  const std::byte* header = in.data() + kChecksumBytes;
  const std::size_t compressed = total - kChecksumBytes;
  const std::uint32_t uncompressed = get_u32(header + 5);
  if (uncompressed > limits.max_uncompressed) {
    throw CompressionError("clickhouse: compressed frame claims " + std::to_string(uncompressed) +
                           " uncompressed bytes (limit " + std::to_string(limits.max_uncompressed) + ")");
  }
  Hash128 want;
  std::memcpy(&want.low, in.data(), 8);
  std::memcpy(&want.high, in.data() + 8, 8);
  if (city_hash128(header, compressed) != want) {
    throw CompressionError("clickhouse: compressed frame checksum mismatch (data corrupted in transit)");
  }
  const char* data = reinterpret_cast<const char*>(header) + kFrameHeaderBytes;
  const std::size_t data_len = compressed - kFrameHeaderBytes;
  const std::size_t at = out.size();
  out.resize(at + uncompressed);
  switch (static_cast<std::uint8_t>(header[0])) {
    case static_cast<std::uint8_t>(CompressionMethod::kNone):
      if (data_len != uncompressed) throw CompressionError("clickhouse: uncompressed frame size mismatch");
      std::memcpy(out.data() + at, data, data_len);
      break;
    case static_cast<std::uint8_t>(CompressionMethod::kLz4): {
      int r = LZ4_decompress_safe(data, out.data() + at, static_cast<int>(data_len), static_cast<int>(uncompressed));
      if (r < 0 || static_cast<std::uint32_t>(r) != uncompressed) {
        throw CompressionError("clickhouse: corrupt LZ4 frame");
      }
      break;
    }
    case static_cast<std::uint8_t>(CompressionMethod::kZstd): {
      std::size_t r = ZSTD_decompress(out.data() + at, uncompressed, data, data_len);
      if (ZSTD_isError(r) || r != uncompressed) throw CompressionError("clickhouse: corrupt ZSTD frame");
      break;
    }
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(header[0]));
      throw CompressionError(std::string("clickhouse: unknown compression method byte ") + hex);
    }
  }
  return total;
}

}  // namespace ior::clickhouse::wire
