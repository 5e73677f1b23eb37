#pragma once
// LowCardinality(String) and LowCardinality(Nullable(String)): a dictionary
// of distinct values plus one index per row. Appending looks the value up in
// a hash map, so a repeated value (a process name, a syscall name) costs no
// copy and no allocation. The map hashes with the per-process key
// (base/keyed_hash.hpp): thread names are chosen by traced users, who must
// not be able to make them collide.
//
// Native encoding, per column: a UInt64 serialization version (1: keys sent
// with each block) as the prefix; then one or more granules of
//   UInt64 flags (index width 0..3 = UInt8..UInt64, bit 9 "has additional
//   keys"), UInt64 key count, the keys as a String column, UInt64 row count,
//   the indexes at that width.
// In the Nullable variant index 0 stands for NULL (its key is a placeholder).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clickhouse/columns/column.hpp"
#include "clickhouse/columns/string_column.hpp"

namespace ior::clickhouse::columns {

class LowCardinalityColumn final : public Column {
 public:
  static constexpr const char* kKindName = "LowCardinality";
  explicit LowCardinalityColumn(TypePtr type);

  void append(std::string_view v);
  /// The value of the previous row again (the caller knows it came back):
  /// its index, without comparing bytes. False when there is no row yet.
  bool append_last_again() {
    if (indexes_.empty()) return false;
    indexes_.push_back(indexes_.back());
    return true;
  }
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
  void start_dictionary();
  /// The dictionary index of v, adding it when new.
  std::uint32_t intern(std::string_view v);
  void grow_slots();

  bool nullable_;
  StringColumn keys_;
  // Open addressing over key indexes (+1; 0 = empty), at most half full:
  // no node allocation per key and one cache line per probe.
  std::vector<std::uint32_t> slots_;
  int slot_bits_ = 6;
  std::vector<std::uint64_t> key_hashes_;
  std::vector<std::uint32_t> indexes_;
  std::uint32_t last_index_ = 0;  ///< key of the previous append (never the NULL slot)
  /// Keys appended recently, by a cheap unkeyed fingerprint of the value: a
  /// hit skips the keyed hash. A collision only costs a miss (the keyed map
  /// answers), so crafted values gain nothing here.
  std::array<std::uint32_t, 16> recent_{};
};

}  // namespace ior::clickhouse::columns
