#pragma once
// A Parquet footer and page headers as the reader needs them, decoded from
// Thrift compact bytes (parquet.thrift field ids). Only what ior's reader
// uses is kept; everything else is skipped. Features the reader does not
// implement are not refused here but recorded (codec, encodings, repetition,
// page types), so the file reader can name the one it meets.
//
// Decoding is bounded: besides the protocol's own checks (thrift/
// compact_reader.hpp), the decoded structures are charged against a memory
// budget, so a small hostile footer cannot describe millions of empty
// structs that each cost hundreds of bytes in memory.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ior::parquet::reader {

struct SchemaNode {
  std::optional<std::int32_t> type;         ///< parquet Type
  std::int32_t type_length = 0;
  std::int32_t repetition = 0;              ///< 0 REQUIRED 1 OPTIONAL 2 REPEATED
  std::string name;
  std::int32_t num_children = 0;
  std::optional<std::int32_t> converted_type;
  int logical = 0;                          ///< LogicalType union field id (1 STRING, 10 INTEGER, ...), 0 none
};

struct ChunkStats {
  bool has_min_max = false;  ///< min_value/max_value (type-defined order)
  std::string min_value, max_value;
  std::int64_t null_count = -1;
};

struct ChunkMeta {
  std::int32_t type = -1;
  std::vector<std::int32_t> encodings;
  std::string path;          ///< path_in_schema joined with '.'
  std::int32_t codec = 0;
  std::int64_t num_values = 0;
  std::int64_t total_compressed_size = 0;
  std::int64_t data_page_offset = -1;
  std::optional<std::int64_t> dictionary_page_offset;
  ChunkStats stats;
  bool external = false;     ///< ColumnChunk.file_path: data in another file
  bool encrypted = false;    ///< ColumnChunk.crypto_metadata
};

struct RowGroupMeta {
  std::vector<ChunkMeta> columns;
  std::int64_t num_rows = 0;
};

struct FileMeta {
  std::int32_t version = 0;
  std::vector<SchemaNode> schema;
  std::int64_t num_rows = 0;
  std::vector<RowGroupMeta> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value;
  std::string created_by;
  bool encrypted = false;    ///< encryption_algorithm present
};

struct PageHeaderMeta {
  std::int32_t type = -1;    ///< 0 DATA_PAGE 1 INDEX_PAGE 2 DICTIONARY_PAGE 3 DATA_PAGE_V2
  std::int32_t uncompressed_size = 0;
  std::int32_t compressed_size = 0;
  std::int32_t num_values = 0;
  std::int32_t encoding = 0;
  std::int32_t definition_encoding = 3;
  std::int32_t repetition_encoding = 3;
};

/// Throws FormatError ("thrift: ..." or naming the structure) on bad bytes.
FileMeta decode_file_meta(std::string_view bytes);
/// Decodes one page header from the front of bytes; *consumed gets its size.
PageHeaderMeta decode_page_header(std::string_view bytes, std::size_t* consumed);

/// Names for messages: "ZSTD", "DELTA_BINARY_PACKED", "DATA_PAGE_V2", ...
std::string codec_name(std::int32_t codec);
std::string encoding_name(std::int32_t encoding);
std::string type_name(std::int32_t type);

}  // namespace ior::parquet::reader
