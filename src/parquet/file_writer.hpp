#pragma once
// Writes ior rows into one Parquet file.
//
// Call order:
//   FileWriter w(path, options);   // creates the file under a temporary name
//                                  // next to path (base/output_file.hpp),
//                                  // writes "PAR1"
//   w.append(row) ...              // buffers columns (strings dictionary-encoded
//                                  // on arrival); every row_group_rows rows, or
//                                  // row_group_max_bytes, a row group is encoded
//                                  // and written
//   w.close(extra_metadata);       // last row group, footer, fsync, renamed to path
// So a file under its final name is always complete (footer included); a run
// killed outright leaves only a hidden ".NAME.*.tmp" file.
// Column chunks are encoded position-independently into one buffer per row
// group (their offsets are absolute, so the footer can only be written after
// them), then written with one write(2) per row group.
// After an I/O error (full disk, ...) salvage() cuts the file back to its last
// complete row group and writes a footer for those, so what was written stays
// readable under path; the rows of the failed row group are lost (the caller
// counts them). When even the footer does not fit, the last row groups are
// dropped until it does; rows_committed() then tells how many rows the file
// keeps.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/output_file.hpp"
#include "parquet/column_chunk_writer.hpp"
#include "parquet/column_data.hpp"
#include "parquet/compression.hpp"
#include "parquet/thrift/parquet_types.hpp"
#include "parquet/writer_options.hpp"
#include "schema/event_row.hpp"
#include "schema/row_repeats.hpp"
#include "sink/text_row.hpp"

namespace ior::parquet {

class FileWriter {
 public:
  /// Throws SystemError naming the path when it cannot be created, Error
  /// when path is taken and existing is kRefuse.
  FileWriter(std::string path, WriterOptions options, ExistingOutput existing = ExistingOutput::kRefuse);
  /// A file never close()d or salvage()d is removed: it has no footer.
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// Buffers one row; writes a row group when it is full. Throws on I/O error.
  /// A row with a string that is not valid UTF-8 is stored with its strings
  /// escaped and schema::kNoticeEscaped set (sink/text_row.hpp).
  /// A row of a batch (repeats) reuses the previous row's dictionary index
  /// for its repeated string columns when that row was the last appended.
  void append(const schema::EventRow& row, const schema::RowRepeats& repeats = {});
  /// Writes what is buffered and the footer (with extra key-value metadata),
  /// then renames the file to path. OutputNotPlaced: complete, but kept
  /// under location() (the name was taken meanwhile).
  void close(const std::vector<std::pair<std::string, std::string>>& extra_metadata = {});
  /// After a failed append/close: truncate to the last complete row group (or
  /// an earlier one, for room), write a footer (with extra key-value
  /// metadata and ior.incomplete) and rename the file to path.
  /// False when even that fails (nothing is left); the reason of a file kept
  /// under its temporary name is in not_placed().
  bool salvage(const std::vector<std::pair<std::string, std::string>>& extra_metadata = {}) noexcept;

  const std::string& path() const { return path_; }
  /// Where the file's bytes are: path(), or the temporary name when the
  /// final rename failed.
  const std::string& location() const { return location_; }
  const std::string& not_placed() const { return not_placed_; }
  std::uint64_t rows_buffered() const { return buffered_; }
  std::uint64_t rows_committed() const { return committed_rows_; }
  std::uint64_t bytes_written() const { return static_cast<std::uint64_t>(offset_); }
  bool closed() const { return !file_.open(); }

 private:
  void flush_row_group();
  void clear_columns();
  void write_footer(const std::vector<std::pair<std::string, std::string>>& extra);
  void write(const std::string& bytes);

  std::string path_;
  std::string location_;
  std::string not_placed_;
  WriterOptions options_;
  OutputFile file_;
  std::int64_t offset_ = 0;            // bytes in the file
  std::int64_t committed_offset_ = 0;  // end of the last complete row group
  std::uint64_t buffered_ = 0;
  std::size_t buffered_bytes_ = 0;     // estimate of columns_' size
  std::uint64_t committed_rows_ = 0;
  std::vector<ColumnData> columns_;
  std::vector<ColumnChunkWriter> chunk_writers_;
  std::vector<thrift::RowGroup> row_groups_;
  Compressor compressor_;
  sink::TextRow text_;
  schema::RepeatTracker repeats_;
  bool last_escaped_ = false;  // the row appended last had its strings escaped
  std::string buf_;
};

}  // namespace ior::parquet
