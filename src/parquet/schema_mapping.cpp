#include "parquet/schema_mapping.hpp"

namespace ior::parquet {

using schema::ColumnType;
using thrift::ConvertedType;
using thrift::LogicalType;

bool is_signed(ColumnType t) { return t == ColumnType::kInt32 || t == ColumnType::kInt64; }

thrift::Type thrift_type(Physical p) {
  switch (p) {
    case Physical::kInt32: return thrift::Type::kInt32;
    case Physical::kInt64: return thrift::Type::kInt64;
    case Physical::kByteArray: return thrift::Type::kByteArray;
    case Physical::kFixedLenByteArray16: return thrift::Type::kFixedLenByteArray;
  }
  return thrift::Type::kInt32;
}

thrift::SchemaElement schema_element(std::string_view name, ColumnType t) {
  thrift::SchemaElement e;
  e.name = std::string(name);
  e.repetition = thrift::Repetition::kRequired;
  e.type = thrift_type(physical_of(t));
  auto integer = [&e](std::int8_t bits, bool is_signed_int, ConvertedType legacy) {
    e.logical_type.kind = LogicalType::Kind::kInteger;
    e.logical_type.bit_width = bits;
    e.logical_type.is_signed = is_signed_int;
    e.converted_type = legacy;
  };
  switch (t) {
    case ColumnType::kUInt8: integer(8, false, ConvertedType::kUint8); break;
    case ColumnType::kUInt16: integer(16, false, ConvertedType::kUint16); break;
    case ColumnType::kUInt32: integer(32, false, ConvertedType::kUint32); break;
    case ColumnType::kUInt64: integer(64, false, ConvertedType::kUint64); break;
    case ColumnType::kInt32: integer(32, true, ConvertedType::kInt32); break;
    case ColumnType::kInt64: integer(64, true, ConvertedType::kInt64); break;
    case ColumnType::kString:
      // Paths are bytes (any byte but '/' and NUL), yet every reader should
      // see text: DuckDB, Arrow and pandas give unannotated BYTE_ARRAY as
      // BLOB/bytes, which LIKE and strpos refuse. So they are STRING, and the
      // writer escapes the rows whose strings are not valid UTF-8 (DuckDB
      // rejects a whole file holding one such STRING value): FileWriter::append.
    case ColumnType::kLowCardinalityString:
      e.logical_type.kind = LogicalType::Kind::kString;
      e.converted_type = ConvertedType::kUtf8;
      break;
    case ColumnType::kUuid:
      e.type_length = 16;
      e.logical_type.kind = LogicalType::Kind::kUuid;
      break;
  }
  return e;
}

}  // namespace ior::parquet
