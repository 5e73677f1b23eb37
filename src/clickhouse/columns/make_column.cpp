#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "base/error.hpp"
#include "base/uuid_text.hpp"
#include "clickhouse/columns/column.hpp"
#include "clickhouse/columns/composite_columns.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"

namespace ior::clickhouse::columns {

void DecodeBudget::charge(std::size_t bytes) {
  if (bytes > left_) {
    throw DecodeLimitError("clickhouse: a block from the server exceeds the decode limit of " +
                        std::to_string(limit_) + " bytes");
  }
  left_ -= bytes;
}

void DecodeBudget::charge(std::uint64_t count, std::size_t unit) {
  if (unit != 0 && count > left_ / unit) charge(left_ + 1);
  charge(static_cast<std::size_t>(count) * unit);
}

void throw_column_type_mismatch(const Column& col, const char* wanted) {
  throw Error("clickhouse: column of type " + col.type().name + " used as " + wanted);
}

std::string Uuid::text() const {
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 8; ++i) {
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
    b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  }
  return uuid_text(b);
}

Uuid Uuid::from_bytes(const std::uint8_t (&b)[16]) {
  Uuid u;
  for (int i = 0; i < 8; ++i) {
    u.high = (u.high << 8) | b[i];
    u.low = (u.low << 8) | b[8 + i];
  }
  return u;
}

std::string fixed_value_text(const Type& type, const void* value) {
  auto get = [value]<class T>(T) {
    T v;
    std::memcpy(&v, value, sizeof v);
    return v;
  };
  switch (type.kind) {
    case TypeKind::kUInt8: return std::to_string(get(std::uint8_t{}));
    case TypeKind::kUInt16:
    case TypeKind::kDate: return std::to_string(get(std::uint16_t{}));
    case TypeKind::kUInt32:
    case TypeKind::kDateTime: return std::to_string(get(std::uint32_t{}));
    case TypeKind::kUInt64: return std::to_string(get(std::uint64_t{}));
    case TypeKind::kInt8:
    case TypeKind::kEnum8: return std::to_string(get(std::int8_t{}));
    case TypeKind::kInt16:
    case TypeKind::kEnum16: return std::to_string(get(std::int16_t{}));
    case TypeKind::kInt32:
    case TypeKind::kDate32: return std::to_string(get(std::int32_t{}));
    case TypeKind::kInt64:
    case TypeKind::kDateTime64: return std::to_string(get(std::int64_t{}));
    case TypeKind::kFloat32:
    case TypeKind::kFloat64: {
      double d = type.kind == TypeKind::kFloat32 ? get(float{}) : get(double{});
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, end);
    }
    case TypeKind::kUuid: return get(Uuid{}).text();
    default: return "?";
  }
}

ColumnPtr make_column(TypePtr type) {
  switch (type->kind) {
    case TypeKind::kUInt8: return std::make_unique<UInt8Column>(std::move(type));
    case TypeKind::kUInt16:
    case TypeKind::kDate: return std::make_unique<UInt16Column>(std::move(type));
    case TypeKind::kUInt32:
    case TypeKind::kDateTime: return std::make_unique<UInt32Column>(std::move(type));
    case TypeKind::kUInt64: return std::make_unique<UInt64Column>(std::move(type));
    case TypeKind::kInt8:
    case TypeKind::kEnum8: return std::make_unique<Int8Column>(std::move(type));
    case TypeKind::kInt16:
    case TypeKind::kEnum16: return std::make_unique<Int16Column>(std::move(type));
    case TypeKind::kInt32:
    case TypeKind::kDate32: return std::make_unique<Int32Column>(std::move(type));
    case TypeKind::kInt64:
    case TypeKind::kDateTime64: return std::make_unique<Int64Column>(std::move(type));
    case TypeKind::kFloat32: return std::make_unique<Float32Column>(std::move(type));
    case TypeKind::kFloat64: return std::make_unique<Float64Column>(std::move(type));
    case TypeKind::kUuid: return std::make_unique<UuidColumn>(std::move(type));
    case TypeKind::kString: return std::make_unique<StringColumn>(std::move(type));
    case TypeKind::kFixedString: return std::make_unique<FixedStringColumn>(std::move(type));
    case TypeKind::kNullable: return std::make_unique<NullableColumn>(std::move(type));
    case TypeKind::kArray: return std::make_unique<ArrayColumn>(std::move(type));
    case TypeKind::kLowCardinality: return std::make_unique<LowCardinalityColumn>(std::move(type));
  }
  throw Error("clickhouse: no column for type " + type->name);
}

}  // namespace ior::clickhouse::columns
