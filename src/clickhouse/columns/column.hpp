#pragma once
// A column of one ClickHouse type in the Native encoding. Writers append
// values with the typed methods of each subclass; write_prefix()/write()
// emit what the Native format puts on the wire for the column (the state
// prefix, then the data streams one after the other); read_prefix()/read()
// append rows decoded from a peer, charging every byte they will hold to a
// DecodeBudget first so a peer cannot make the client allocate unboundedly.

#include <cstddef>
#include <memory>
#include <string>

#include "base/error.hpp"
#include "clickhouse/columns/type.hpp"
#include "clickhouse/wire/wire_format.hpp"

namespace ior::clickhouse::columns {

/// A decoded block would hold more than its DecodeBudget.
class DecodeLimitError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

/// Bytes a decoded block may hold; throws DecodeLimitError when exceeded.
class DecodeBudget {
 public:
  explicit DecodeBudget(std::size_t bytes) : left_(bytes), limit_(bytes) {}
  void charge(std::size_t bytes);
  /// For a count read from the peer: charge count * unit without overflow.
  void charge(std::uint64_t count, std::size_t unit);
  std::size_t used() const { return limit_ - left_; }

 private:
  std::size_t left_;
  std::size_t limit_;
};

class Column {
 public:
  explicit Column(TypePtr type) : type_(std::move(type)) {}
  virtual ~Column() = default;
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;

  const Type& type() const { return *type_; }
  const TypePtr& type_ptr() const { return type_; }
  virtual std::size_t size() const = 0;
  virtual void clear() = 0;
  virtual void reserve(std::size_t /*rows*/) {}

  virtual void write_prefix(wire::WireWriter& /*out*/) const {}
  virtual void write(wire::WireWriter& out) const = 0;
  virtual void read_prefix(wire::ByteReader& /*in*/) {}
  virtual void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) = 0;

  /// The value at row as ClickHouse's text output would show it (tests and
  /// diagnostics; not the fast path).
  virtual std::string text(std::size_t row) const = 0;

 private:
  TypePtr type_;
};

using ColumnPtr = std::unique_ptr<Column>;

/// An empty column of type.
ColumnPtr make_column(TypePtr type);
inline ColumnPtr make_column(std::string_view type_name) { return make_column(parse_type(type_name)); }

[[noreturn]] void throw_column_type_mismatch(const Column& col, const char* wanted);

/// Typed access: throws ior::Error naming both types when col is not a C.
template <class C>
C& column_as(Column& col) {
  auto* c = dynamic_cast<C*>(&col);
  if (c == nullptr) throw_column_type_mismatch(col, C::kKindName);
  return *c;
}
template <class C>
const C& column_as(const Column& col) {
  auto* c = dynamic_cast<const C*>(&col);
  if (c == nullptr) throw_column_type_mismatch(col, C::kKindName);
  return *c;
}

}  // namespace ior::clickhouse::columns
