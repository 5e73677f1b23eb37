#pragma once
// ior's own Parquet reader: reads the rows of a file written by ior (any
// schema version; columns an older version did not have keep EventRow's
// defaults) or by another writer that uses only what ior writes (flat
// columns without nulls, REQUIRED or OPTIONAL; PLAIN / dictionary
// encodings; UNCOMPRESSED / SNAPPY / ZSTD; v1 data pages). Anything else is refused with one FormatError naming the feature.
//
//   FileReader r(std::make_unique<FileSource>(path));  // footer read and checked
//   r.read(columns, where, [](std::span<const EventRow> rows) {...});
//
// Only the requested columns are read (projection), and row groups whose
// min/max statistics cannot satisfy the range conditions are skipped
// without reading any of their pages (stats() counts both).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/reader/byte_source.hpp"
#include "parquet/reader/metadata.hpp"
#include "schema/event_row.hpp"

namespace ior::parquet::reader {

/// Rows can only match when the column's value lies in [lo, hi] (unsigned).
struct RangeCondition {
  std::string_view column;
  std::uint64_t lo = 0;
  std::uint64_t hi = UINT64_MAX;
};

struct ReadStats {
  std::uint64_t row_groups = 0;          ///< row groups considered
  std::uint64_t row_groups_skipped = 0;  ///< of those, skipped by their statistics
  std::uint64_t rows_read = 0;           ///< rows decoded (of the row groups read)
};

struct FileInfo {
  std::uint64_t num_rows = 0;
  std::size_t row_groups = 0;
  std::optional<std::uint32_t> schema_version;  ///< ior.schema_version, when the file has it
  std::string ior_version;                      ///< ior.version, when the file has it
  std::string collection_id;                    ///< ior.collection_id: the run that wrote it, when it has it
  std::string created_by;
  std::vector<std::string_view> missing_columns;  ///< ior columns the file lacks (an older ior)
};

class FileReader {
 public:
  /// Reads and checks the footer. Throws FormatError on a file it cannot read.
  explicit FileReader(std::unique_ptr<ByteSource> src);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const FileInfo& info() const { return info_; }
  const FileMeta& meta() const { return meta_; }

  using BatchFn = std::function<void(std::span<const schema::EventRow>)>;
  /// Calls f with the rows of every row group not skipped, in batches; only
  /// the named columns are set (others keep EventRow's defaults), string
  /// views are valid during the call. Strings come back as traced: a row
  /// the writer escaped (notice bit 64, sink/text_row.hpp) is unescaped
  /// and its bit cleared. Throws FormatError on corrupt data
  /// or a feature this reader does not implement.
  void read(const std::vector<std::string_view>& columns, const std::vector<RangeCondition>& where,
            const BatchFn& f);

  /// The smallest value of an unsigned column according to the row groups'
  /// statistics; nullopt when a row group has none (or the column is absent).
  std::optional<std::uint64_t> min_from_statistics(std::string_view column) const;

  const ReadStats& stats() const { return stats_; }

 private:
  struct Leaf;
  const Leaf* leaf(std::string_view name) const;
  bool may_match(const RowGroupMeta& g, const std::vector<RangeCondition>& where) const;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range_of(const Leaf& l, const ChunkMeta& c) const;

  std::unique_ptr<ByteSource> src_;
  FileMeta meta_;
  FileInfo info_;
  std::uint64_t data_end_ = 0;
  std::vector<Leaf> leaves_;
  ReadStats stats_;
};

}  // namespace ior::parquet::reader
