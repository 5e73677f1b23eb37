#pragma once
// Columns whose values have one fixed width: integers, floats, Date,
// DateTime, DateTime64, Enum, UUID. The Native encoding is the values'
// little-endian bytes back to back, so writing is one append.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "clickhouse/columns/column.hpp"

namespace ior::clickhouse::columns {

/// A UUID as ClickHouse carries it: the first 8 bytes of the canonical text
/// form as one little-endian UInt64, then the last 8 bytes likewise.
struct Uuid {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool operator==(const Uuid&) const = default;
  /// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
  std::string text() const;
  /// From 16 bytes in canonical (big-endian text) order.
  static Uuid from_bytes(const std::uint8_t (&b)[16]);
};

std::string fixed_value_text(const Type& type, const void* value);

template <class T>
class FixedColumn final : public Column {
 public:
  static constexpr const char* kKindName = "a fixed-width column of this C++ type";
  explicit FixedColumn(TypePtr type) : Column(std::move(type)) {}

  void append(T v) { data_.push_back(v); }
  void append(std::span<const T> v) { data_.insert(data_.end(), v.begin(), v.end()); }
  void append(std::initializer_list<T> v) { data_.insert(data_.end(), v.begin(), v.end()); }
  T at(std::size_t row) const { return data_.at(row); }
  std::vector<T>& data() { return data_; }
  const std::vector<T>& data() const { return data_; }

  std::size_t size() const override { return data_.size(); }
  void clear() override { data_.clear(); }
  void reserve(std::size_t rows) override { data_.reserve(rows); }
  void write(wire::WireWriter& out) const override { out.raw(data_.data(), data_.size() * sizeof(T)); }
  void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) override {
    budget.charge(rows, sizeof(T));
    // Grow with the bytes that arrive, in steps, not with the claimed count.
    constexpr std::size_t kStep = 65536;
    while (rows > 0) {
      std::size_t take = std::min(rows, kStep);
      std::size_t at = data_.size();
      data_.resize(at + take);
      in.read(data_.data() + at, take * sizeof(T));
      rows -= take;
    }
  }
  std::string text(std::size_t row) const override { return fixed_value_text(type(), &data_.at(row)); }

 private:
  std::vector<T> data_;
};

using UInt8Column = FixedColumn<std::uint8_t>;
using UInt16Column = FixedColumn<std::uint16_t>;
using UInt32Column = FixedColumn<std::uint32_t>;
using UInt64Column = FixedColumn<std::uint64_t>;
using Int8Column = FixedColumn<std::int8_t>;
using Int16Column = FixedColumn<std::int16_t>;
using Int32Column = FixedColumn<std::int32_t>;
using Int64Column = FixedColumn<std::int64_t>;
using Float32Column = FixedColumn<float>;
using Float64Column = FixedColumn<double>;
using UuidColumn = FixedColumn<Uuid>;
/// Date: days since 1970-01-01; Date32: signed days; DateTime: seconds;
/// DateTime64(P): ticks of 10^-P seconds.
using DateColumn = FixedColumn<std::uint16_t>;
using Date32Column = FixedColumn<std::int32_t>;
using DateTimeColumn = FixedColumn<std::uint32_t>;
using DateTime64Column = FixedColumn<std::int64_t>;

}  // namespace ior::clickhouse::columns
