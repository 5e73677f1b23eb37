#pragma once
// LowCardinality(String) and LowCardinality(Nullable(String)): a dictionary
// of distinct values plus one index per row. Appending looks the value up in
// a hash map, so a repeated value (a process name, a syscall name) costs no
// copy and no allocation.
//
// Native encoding, per column: a UInt64 serialization version (1: keys sent
// with each block) as the prefix; then one or more granules of
//   UInt64 flags (index width 0..3 = UInt8..UInt64, bit 9 "has additional
//   keys"), UInt64 key count, the keys as a String column, UInt64 row count,
//   the indexes at that width.
// In the Nullable variant index 0 stands for NULL (its key is a placeholder).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "clickhouse/columns/column.hpp"
#include "clickhouse/columns/string_column.hpp"

namespace ior::clickhouse::columns {

class LowCardinalityColumn final : public Column {
 public:
  static constexpr const char* kKindName = "LowCardinality";
  explicit LowCardinalityColumn(TypePtr type);

  void append(std::string_view v);
  void append_null();
  bool nullable() const { return nullable_; }
  bool is_null(std::size_t row) const { return nullable_ && indexes_.at(row) == 0; }
  std::string_view at(std::size_t row) const { return keys_.at(indexes_.at(row)); }
  std::size_t dictionary_size() const { return keys_.size(); }

  std::size_t size() const override { return indexes_.size(); }
  void clear() override;
  void reserve(std::size_t rows) override { indexes_.reserve(rows); }
  void write_prefix(wire::WireWriter& out) const override;
  void write(wire::WireWriter& out) const override;
  void read_prefix(wire::ByteReader& in) override;
  void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) override;
  std::string text(std::size_t row) const override;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void start_dictionary();

  bool nullable_;
  StringColumn keys_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> lookup_;
  std::vector<std::uint32_t> indexes_;
  std::uint32_t last_index_ = 0;
  std::string last_value_;
};

}  // namespace ior::clickhouse::columns
