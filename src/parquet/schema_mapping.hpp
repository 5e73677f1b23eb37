#pragma once
// How each ior column type is stored in Parquet. Chosen so that ClickHouse
// imports every column into the ior table's own type with no cast and no
// narrowing (UInt32 stays UInt32), and DuckDB reads the same types:
//   UInt8/16/32 -> INT32 + INTEGER(8/16/32, unsigned)   (+ UINT_8/16/32)
//   UInt64      -> INT64 + INTEGER(64, unsigned)         (+ UINT_64)
//   Int32/Int64 -> INT32/INT64 + INTEGER(32/64, signed)
//   String, LowCardinality(String) -> BYTE_ARRAY + STRING (+ UTF8); rows
//                             with a string that is not valid UTF-8 are written
//                             escaped (sink/text_row.hpp)
//   (both dictionary-encoded, PLAIN when the dictionary outgrows its limit)
//   UUID        -> FIXED_LEN_BYTE_ARRAY(16) + UUID (RFC 4122 byte order)

#include "parquet/column_data.hpp"
#include "parquet/thrift/parquet_types.hpp"
#include "schema/column_type.hpp"

namespace ior::parquet {

thrift::SchemaElement schema_element(std::string_view name, schema::ColumnType t);
thrift::Type thrift_type(Physical p);
bool is_signed(schema::ColumnType t);

}  // namespace ior::parquet
