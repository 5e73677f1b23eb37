#pragma once
// Every knob of the Parquet writer, with the defaults users get.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ior::parquet {

enum class Compression { kNone, kSnappy, kZstd };

struct WriterOptions {
  /// Rows per row group: the unit readers skip with statistics, and what the
  /// writer buffers in memory (about 130 bytes per row of the ior schema).
  std::size_t row_group_rows = 100'000;
  /// Target uncompressed size of a data page; pages are cut at value boundaries.
  std::size_t data_page_bytes = 1u << 20;
  /// A column chunk's dictionary larger than this falls back to PLAIN.
  std::size_t dictionary_limit_bytes = 1u << 20;
  Compression compression = Compression::kZstd;
  int zstd_level = 3;
  /// Key-value metadata written into the footer (ior version, host, ...).
  std::vector<std::pair<std::string, std::string>> metadata;
};

/// "zstd", "snappy", "none" (also "uncompressed"); throws UsageError otherwise.
Compression parse_compression(const std::string& name);

}  // namespace ior::parquet
