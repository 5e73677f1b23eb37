#pragma once
// Encodes one column chunk (one column of one row group) into pages:
// a dictionary page when the chunk is dictionary-encoded (strings whose
// dictionary stayed under the limit, fixed-width values with few distinct
// ones), then data pages of bounded size (PLAIN or RLE_DICTIONARY indices),
// each written by PageWriter. Position independent: the caller supplies the
// chunk's file offset, which only the returned metadata records.

#include <string>

#include "parquet/column_data.hpp"
#include "parquet/compression.hpp"
#include "parquet/encoding/fixed_dictionary.hpp"
#include "parquet/page_writer.hpp"
#include "parquet/thrift/parquet_types.hpp"
#include "parquet/writer_options.hpp"
#include "schema/column_type.hpp"

namespace ior::parquet {

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(std::string name, schema::ColumnType type, const WriterOptions& options);

  /// Appends the chunk's pages for values [0, n) of data to out; out's
  /// current size plus base_offset is the chunk's position in the file.
  thrift::ColumnChunk write(const ColumnData& data, std::size_t n, Compressor& compressor,
                            std::string& out, std::int64_t base_offset);

  /// True when the last chunk of a string column was written PLAIN because
  /// its dictionary outgrew the limit.
  bool fell_back() const { return fell_back_; }

 private:
  void write_plain_pages(const ColumnData& data, std::size_t n, Compressor& c, std::string& out);
  void write_dictionary_pages(std::string_view plain_page, std::uint32_t size,
                              const std::vector<std::uint32_t>& indices, Compressor& c,
                              std::string& out);
  bool write_fixed_dictionary(const ColumnData& data, std::size_t n, Compressor& c, std::string& out);

  std::string name_;
  schema::ColumnType type_;
  Physical physical_;
  const WriterOptions& options_;
  encoding::FixedDictionary<std::int32_t> dict32_;
  encoding::FixedDictionary<std::int64_t> dict64_;
  encoding::FixedDictionary<schema::Uuid> dict128_;
  PageWriter pages_;
  std::string page_;  // reused: uncompressed page body
  bool fell_back_ = false;
  std::size_t first_data_page_pos_ = 0;  // in out, after the dictionary page
};

}  // namespace ior::parquet
