#pragma once
// Page decompression for the codecs ior writes (UNCOMPRESSED, SNAPPY, ZSTD),
// with Debian's libzstd and libsnappy. The page header's uncompressed size
// is checked against what the codec says before anything is allocated, and
// the output must have exactly that size.

#include <cstdint>
#include <string_view>

struct ZSTD_DCtx_s;

namespace ior::parquet::reader {

/// Codec ids of parquet.thrift.
inline constexpr std::int32_t kCodecUncompressed = 0, kCodecSnappy = 1, kCodecZstd = 6;

bool codec_supported(std::int32_t codec);

class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  /// Decompresses in (of codec) into out, which has room for exactly
  /// uncompressed bytes. Throws FormatError when the page is corrupt.
  void decompress(std::int32_t codec, std::string_view in, char* out, std::size_t uncompressed);

 private:
  ZSTD_DCtx_s* zstd_ = nullptr;
};

}  // namespace ior::parquet::reader
