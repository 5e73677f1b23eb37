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
  /// writer buffers in memory (about 90 bytes per row of the ior schema plus
  /// the bytes of path strings not yet seen in the row group).
  std::size_t row_group_rows = 100'000;
  /// A row group is also cut once its buffered values reach this size, so
  /// long paths (up to 4095 bytes each) cannot make memory grow without bound.
  /// At most kMaxBufferBytes.
  std::size_t row_group_max_bytes = 256u << 20;
  /// Target uncompressed size of a data page; pages are cut at value boundaries.
  std::size_t data_page_bytes = 1u << 20;
  /// A string column chunk whose dictionary page would grow past this is
  /// written PLAIN instead (0: strings always PLAIN). At most kMaxBufferBytes.
  std::size_t dictionary_limit_bytes = 1u << 20;
  Compression compression = Compression::kZstd;
  /// ZSTD level (1..22); ClickHouse and DuckDB use 3 too.
  int zstd_level = 3;
  /// Key-value metadata written into the footer (ior version, host, ...).
  std::vector<std::pair<std::string, std::string>> metadata;
};

/// The format stores sizes in 32-bit signed integers: buffers stay below this.
inline constexpr std::size_t kMaxBufferBytes = std::size_t{1} << 30;

/// Throws UsageError naming the first option out of range.
void validate(const WriterOptions& o);

/// "zstd", "snappy", "none" (also "uncompressed"); throws UsageError otherwise.
Compression parse_compression(const std::string& name);

}  // namespace ior::parquet
