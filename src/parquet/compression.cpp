#include "parquet/compression.hpp"

#include <snappy-c.h>
#include <zstd.h>

#include "base/error.hpp"

namespace ior::parquet {

Compressor::Compressor(Compression c, int zstd_level) : kind_(c), level_(zstd_level) {
  if (kind_ == Compression::kZstd) {
    zstd_ = ZSTD_createCCtx();
    if (!zstd_) throw CompressionError("parquet: cannot create a zstd context");
  }
}

Compressor::~Compressor() {
  if (zstd_) ZSTD_freeCCtx(zstd_);
}

void Compressor::compress(std::string_view in, std::string& out) {
  switch (kind_) {
    case Compression::kNone:
      out.assign(in);
      return;
    case Compression::kZstd: {
      out.resize(ZSTD_compressBound(in.size()));
      std::size_t n = ZSTD_compressCCtx(zstd_, out.data(), out.size(), in.data(), in.size(), level_);
      if (ZSTD_isError(n)) throw CompressionError(std::string("parquet: zstd: ") + ZSTD_getErrorName(n));
      out.resize(n);
      return;
    }
    case Compression::kSnappy: {
      std::size_t n = snappy_max_compressed_length(in.size());
      out.resize(n);
      if (snappy_compress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK) {
        throw CompressionError("parquet: snappy compression failed");
      }
      out.resize(n);
      return;
    }
  }
}

}  // namespace ior::parquet
