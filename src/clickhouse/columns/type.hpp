#pragma once
// A ClickHouse column type parsed from its name as the server spells it
// ("Nullable(UInt32)", "DateTime64(9, 'UTC')", "LowCardinality(String)").
// Types the client cannot carry are rejected by name when parsed, never
// misread later.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ior::clickhouse::columns {

enum class TypeKind {
  kUInt8, kUInt16, kUInt32, kUInt64,
  kInt8, kInt16, kInt32, kInt64,
  kFloat32, kFloat64,
  kString, kFixedString, kUuid,
  kDate, kDate32, kDateTime, kDateTime64,
  kEnum8, kEnum16,
  kNullable, kArray, kLowCardinality,
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct Type {
  TypeKind kind{};
  std::string name;          ///< canonical text, sent back to the server as is
  std::size_t length = 0;    ///< FixedString(N)
  int precision = 0;         ///< DateTime64(P)
  std::string timezone;      ///< DateTime('tz'), DateTime64(P, 'tz'); empty = server's
  TypePtr nested;            ///< Nullable, Array, LowCardinality
};

/// Throws ProtocolError naming the type when it is malformed or unsupported.
TypePtr parse_type(std::string_view name);

}  // namespace ior::clickhouse::columns
