#include "parquet/reader/decompressor.hpp"

#include <snappy-c.h>
#include <zstd.h>

#include <cstring>
#include <string>

#include "base/error.hpp"

namespace ior::parquet::reader {

bool codec_supported(std::int32_t codec) {
  return codec == kCodecUncompressed || codec == kCodecSnappy || codec == kCodecZstd;
}

Decompressor::Decompressor() : zstd_(ZSTD_createDCtx()) {
  if (!zstd_) throw CompressionError("parquet: cannot create a zstd context");
}

Decompressor::~Decompressor() { ZSTD_freeDCtx(zstd_); }

void Decompressor::decompress(std::int32_t codec, std::string_view in, char* out, std::size_t n) {
  switch (codec) {
    case kCodecUncompressed:
      if (in.size() != n) throw FormatError("page sizes disagree (uncompressed page)");
      if (n != 0) std::memcpy(out, in.data(), n);
      return;
    case kCodecSnappy: {
      std::size_t len = 0;
      if (snappy_uncompressed_length(in.data(), in.size(), &len) != SNAPPY_OK || len != n) {
        throw FormatError("corrupt snappy page");
      }
      if (snappy_uncompress(in.data(), in.size(), out, &len) != SNAPPY_OK || len != n) {
        throw FormatError("corrupt snappy page");
      }
      return;
    }
    case kCodecZstd: {
      std::size_t got = ZSTD_decompressDCtx(zstd_, out, n, in.data(), in.size());
      if (ZSTD_isError(got)) throw FormatError(std::string("corrupt zstd page: ") + ZSTD_getErrorName(got));
      if (got != n) throw FormatError("corrupt zstd page: shorter than its header says");
      return;
    }
    default:
      throw FormatError("unsupported codec");
  }
}

}  // namespace ior::parquet::reader
