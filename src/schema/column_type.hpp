#pragma once
// The value types a column can have. Each maps to exactly one ClickHouse type
// and one Parquet physical + logical type, chosen so that a Parquet file
// imports into the ClickHouse table with no cast and no narrowing.

#include <string_view>

namespace ior::schema {

enum class ColumnType {
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kInt32,
  kInt64,
  kString,                ///< arbitrary bytes (paths need not be UTF-8)
  kLowCardinalityString,  ///< few distinct values: dictionary-encoded everywhere
  kUuid,
};

/// The ClickHouse type name, e.g. "LowCardinality(String)".
constexpr std::string_view clickhouse_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::kUInt8: return "UInt8";
    case ColumnType::kUInt16: return "UInt16";
    case ColumnType::kUInt32: return "UInt32";
    case ColumnType::kUInt64: return "UInt64";
    case ColumnType::kInt32: return "Int32";
    case ColumnType::kInt64: return "Int64";
    case ColumnType::kString: return "String";
    case ColumnType::kLowCardinalityString: return "LowCardinality(String)";
    case ColumnType::kUuid: return "UUID";
  }
  return "?";
}

}  // namespace ior::schema
