#pragma once
// One column's values of the row group being built, in the column's
// physical representation. Strings live in one byte arena per column, so
// appending a row allocates nothing once the buffers have grown.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schema/column_type.hpp"
#include "schema/event_row.hpp"

namespace ior::parquet {

enum class Physical { kInt32, kInt64, kByteArray, kFixedLenByteArray16 };

constexpr Physical physical_of(schema::ColumnType t) {
  using schema::ColumnType;
  switch (t) {
    case ColumnType::kUInt8:
    case ColumnType::kUInt16:
    case ColumnType::kUInt32:
    case ColumnType::kInt32:
      return Physical::kInt32;
    case ColumnType::kUInt64:
    case ColumnType::kInt64:
      return Physical::kInt64;
    case ColumnType::kString:
    case ColumnType::kLowCardinalityString:
      return Physical::kByteArray;
    case ColumnType::kUuid:
      return Physical::kFixedLenByteArray16;
  }
  return Physical::kInt32;
}

struct ColumnData {
  std::vector<std::int32_t> i32;       ///< kInt32 (unsigned values as their bit pattern)
  std::vector<std::int64_t> i64;       ///< kInt64
  std::string bytes;                   ///< kByteArray values back to back; kFixedLenByteArray16
  std::vector<std::uint32_t> ends;     ///< kByteArray: end offset of each value in bytes

  void append(std::uint8_t v) { i32.push_back(v); }
  void append(std::uint16_t v) { i32.push_back(v); }
  void append(std::uint32_t v) { i32.push_back(static_cast<std::int32_t>(v)); }
  void append(std::int32_t v) { i32.push_back(v); }
  void append(std::uint64_t v) { i64.push_back(static_cast<std::int64_t>(v)); }
  void append(std::int64_t v) { i64.push_back(v); }
  void append(std::string_view v) {
    bytes.append(v);
    ends.push_back(static_cast<std::uint32_t>(bytes.size()));
  }
  void append(const schema::Uuid& v) { bytes.append(reinterpret_cast<const char*>(v.data()), v.size()); }

  std::string_view string_at(std::size_t i) const {
    std::uint32_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(begin, ends[i] - begin);
  }
  void clear() {
    i32.clear();
    i64.clear();
    bytes.clear();
    ends.clear();
  }
};

}  // namespace ior::parquet
