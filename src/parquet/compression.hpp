#pragma once
// Page compression with Debian's libzstd and libsnappy.

#include <string>
#include <string_view>

#include "parquet/writer_options.hpp"

struct ZSTD_CCtx_s;

namespace ior::parquet {

class Compressor {
 public:
  Compressor(Compression c, int zstd_level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  /// Replaces out with the compressed form of in (a copy for kNone).
  void compress(std::string_view in, std::string& out);
  Compression kind() const { return kind_; }

 private:
  Compression kind_;
  int level_;
  ZSTD_CCtx_s* zstd_ = nullptr;
};

}  // namespace ior::parquet
