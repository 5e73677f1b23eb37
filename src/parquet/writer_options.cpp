#include "parquet/writer_options.hpp"

#include "base/error.hpp"

namespace ior::parquet {

Compression parse_compression(const std::string& name) {
  if (name == "zstd") return Compression::kZstd;
  if (name == "snappy") return Compression::kSnappy;
  if (name == "none" || name == "uncompressed") return Compression::kNone;
  throw UsageError("flag -parquet-compression: unknown codec \"" + name + "\" (zstd, snappy, none)");
}

void validate(const WriterOptions& o) {
  auto bad = [](const std::string& what) { throw UsageError("parquet: " + what); };
  if (o.row_group_rows == 0) bad("row group size must be at least 1 row");
  if (o.row_group_max_bytes == 0 || o.row_group_max_bytes > kMaxBufferBytes) {
    bad("row group byte limit must be 1.." + std::to_string(kMaxBufferBytes));
  }
  if (o.data_page_bytes == 0 || o.data_page_bytes > kMaxBufferBytes) {
    bad("data page size must be 1.." + std::to_string(kMaxBufferBytes));
  }
  if (o.dictionary_limit_bytes > kMaxBufferBytes) {
    bad("dictionary limit must be at most " + std::to_string(kMaxBufferBytes));
  }
  if (o.compression == Compression::kZstd && (o.zstd_level < 1 || o.zstd_level > 22)) {
    bad("zstd level must be 1..22");
  }
}

}  // namespace ior::parquet
