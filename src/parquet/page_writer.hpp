#pragma once
// One page at a time: compresses the body, writes the Thrift page header and
// the body after it, and keeps the column chunk's running totals. Data pages
// are v1 (DataPageHeader); ior's columns are all REQUIRED and flat, so pages
// carry no repetition or definition levels.

#include <cstdint>
#include <string>
#include <string_view>

#include "parquet/compression.hpp"
#include "parquet/thrift/parquet_types.hpp"

namespace ior::parquet {

/// v as the format's signed 32-bit size; FormatError naming what when larger.
std::int32_t checked_i32(std::size_t v, const char* what);

class PageWriter {
 public:
  /// Starts a column chunk: the totals return to zero.
  void begin_chunk() { uncompressed_total_ = compressed_total_ = 0; }
  /// Appends header + compressed body to out.
  void write(thrift::PageType type, thrift::Encoding encoding, std::size_t num_values,
             std::string_view body, Compressor& compressor, std::string& out);

  /// Bytes of the chunk's pages before compression, headers included (as
  /// parquet.thrift's ColumnMetaData.total_uncompressed_size wants).
  std::int64_t uncompressed_total() const { return uncompressed_total_; }
  /// Bytes of the chunk's pages in the file, headers included.
  std::int64_t compressed_total() const { return compressed_total_; }

 private:
  std::string compressed_;  // reused
  std::int64_t uncompressed_total_ = 0;
  std::int64_t compressed_total_ = 0;
};

}  // namespace ior::parquet
