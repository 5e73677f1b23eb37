#pragma once
// Writes ior rows into one Parquet file.
//
// Call order:
//   FileWriter w(path, options);   // creates the file, writes "PAR1"
//   w.append(row) ...              // buffers columns (strings dictionary-encoded
//                                  // on arrival); every row_group_rows rows, or
//                                  // row_group_max_bytes, a row group is encoded
//                                  // and written
//   w.close(extra_metadata);       // last row group, footer, fsync
// Column chunks are encoded position-independently into one buffer per row
// group (their offsets are absolute, so the footer can only be written after
// them), then written with one write(2) per row group.
// After an I/O error (full disk, ...) salvage() cuts the file back to its last
// complete row group and writes a footer for those, so what was written stays
// readable; the rows of the failed row group are lost (the caller counts them).
// When even the footer does not fit, the last row groups are dropped until it
// does; rows_committed() then tells how many rows the file keeps.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "parquet/column_chunk_writer.hpp"
#include "parquet/column_data.hpp"
#include "parquet/compression.hpp"
#include "parquet/thrift/parquet_types.hpp"
#include "parquet/writer_options.hpp"
#include "schema/event_row.hpp"

namespace ior::parquet {

class FileWriter {
 public:
  /// Throws SystemError naming the path when it cannot be created.
  FileWriter(std::string path, WriterOptions options);
  /// Closes the descriptor; a file never close()d has no footer.
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// Buffers one row; writes a row group when it is full. Throws on I/O error.
  void append(const schema::EventRow& row);
  /// Writes what is buffered and the footer (with extra key-value metadata).
  void close(const std::vector<std::pair<std::string, std::string>>& extra_metadata = {});
  /// After a failed append/close: truncate to the last complete row group (or
  /// an earlier one, for room) and write a footer. False when even that fails.
  bool salvage() noexcept;

  const std::string& path() const { return path_; }
  std::uint64_t rows_buffered() const { return buffered_; }
  std::uint64_t rows_committed() const { return committed_rows_; }
  std::uint64_t bytes_written() const { return static_cast<std::uint64_t>(offset_); }
  bool closed() const { return fd_ < 0; }

 private:
  void flush_row_group();
  void write_footer(const std::vector<std::pair<std::string, std::string>>& extra);
  void write_all(const std::string& bytes);

  std::string path_;
  WriterOptions options_;
  int fd_ = -1;
  std::int64_t offset_ = 0;            // bytes in the file
  std::int64_t committed_offset_ = 0;  // end of the last complete row group
  std::uint64_t buffered_ = 0;
  std::size_t buffered_bytes_ = 0;     // estimate of columns_' size
  std::uint64_t committed_rows_ = 0;
  std::vector<ColumnData> columns_;
  std::vector<ColumnChunkWriter> chunk_writers_;
  std::vector<thrift::RowGroup> row_groups_;
  Compressor compressor_;
  std::string buf_;
};

}  // namespace ior::parquet
