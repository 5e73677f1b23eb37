#pragma once
// The subset of parquet.thrift that ior writes, as plain structs, and their
// compact-protocol encoders. Field ids follow parquet.thrift (apache/parquet-format).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/thrift/compact_writer.hpp"

namespace ior::parquet::thrift {

enum class Type : std::int32_t { kInt32 = 1, kInt64 = 2, kByteArray = 6, kFixedLenByteArray = 7 };
enum class ConvertedType : std::int32_t {
  kUtf8 = 0, kUint8 = 11, kUint16 = 12, kUint32 = 13, kUint64 = 14,
  kInt8 = 15, kInt16 = 16, kInt32 = 17, kInt64 = 18,
};
enum class Repetition : std::int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum class Encoding : std::int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };
enum class Codec : std::int32_t { kUncompressed = 0, kSnappy = 1, kZstd = 6 };
enum class PageType : std::int32_t { kDataPage = 0, kDictionaryPage = 2 };

struct LogicalType {
  enum class Kind { kNone, kString, kInteger, kUuid } kind = Kind::kNone;
  std::int8_t bit_width = 0;  ///< kInteger
  bool is_signed = false;     ///< kInteger
};

struct SchemaElement {
  std::optional<Type> type;
  std::optional<std::int32_t> type_length;
  std::optional<Repetition> repetition;
  std::string name;
  std::optional<std::int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  LogicalType logical_type;
};

/// min_value/max_value in the column's type-defined sort order (unsigned
/// types compare unsigned); the legacy signed-only min/max are not written.
struct Statistics {
  bool has_min_max = false;
  std::string min_value;
  std::string max_value;
  std::int64_t null_count = 0;
};

struct ColumnMetaData {
  Type type = Type::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  std::int64_t num_values = 0;
  std::int64_t total_uncompressed_size = 0;  ///< includes page headers (spec)
  std::int64_t total_compressed_size = 0;    ///< includes page headers (spec)
  std::int64_t data_page_offset = 0;
  std::optional<std::int64_t> dictionary_page_offset;
  Statistics statistics;
};

struct ColumnChunk {
  std::int64_t file_offset = 0;  ///< where the chunk starts
  ColumnMetaData meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  std::int64_t total_byte_size = 0;
  std::int64_t num_rows = 0;
  std::int64_t file_offset = 0;
  std::int64_t total_compressed_size = 0;
};

struct KeyValue {
  std::string key;
  std::string value;
};

struct FileMetaData {
  std::int32_t version = 1;
  std::vector<SchemaElement> schema;  ///< root first, then one per column
  std::int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  std::int32_t uncompressed_page_size = 0;
  std::int32_t compressed_page_size = 0;
  std::int32_t num_values = 0;     ///< data page or dictionary page header's num_values
  Encoding encoding = Encoding::kPlain;
};

void write(CompactWriter& w, const FileMetaData& m);
void write(CompactWriter& w, const PageHeader& h);

}  // namespace ior::parquet::thrift
