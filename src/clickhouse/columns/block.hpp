#pragma once
// A block: named columns of equal length, plus the block info the protocol
// sends with it. The Native format writes, per block: [block info], column
// count, row count, then per column its name, type, [a custom-serialization
// flag] and, when there are rows, its prefix and data.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clickhouse/columns/column.hpp"

namespace ior::clickhouse::columns {

struct BlockInfo {
  bool is_overflows = false;
  std::int32_t bucket_num = -1;
};

struct NamedColumn {
  std::string name;
  ColumnPtr column;
};

class Block {
 public:
  BlockInfo info;

  Column& add(std::string name, ColumnPtr column);
  Column& add(std::string name, std::string_view type) { return add(std::move(name), make_column(type)); }
  std::size_t column_count() const { return columns_.size(); }
  /// Rows of the first column; write_block() checks that all agree.
  std::size_t rows() const { return columns_.empty() ? 0 : columns_.front().column->size(); }
  NamedColumn& at(std::size_t i) { return columns_.at(i); }
  const NamedColumn& at(std::size_t i) const { return columns_.at(i); }
  /// Throws ior::Error when there is no column of that name.
  Column& column(std::string_view name);
  const Column& column(std::string_view name) const;
  void clear_rows();
  auto begin() const { return columns_.begin(); }
  auto end() const { return columns_.end(); }

 private:
  std::vector<NamedColumn> columns_;
};

/// What the peer's protocol revision puts around the columns.
struct BlockFormat {
  bool with_info = true;                  ///< protocol blocks (revision > 0); not Native files
  bool with_custom_serialization = false; ///< revision >= 54454: one flag byte per column
};

struct BlockLimits {
  std::size_t max_columns = 10000;
  std::size_t max_rows = 1u << 26;
  std::size_t max_bytes = 1u << 30;  ///< decoded size of one block
  std::size_t max_name = 1u << 16;   ///< column names and type names
};

void write_block(const Block& block, wire::WireWriter& out, const BlockFormat& format);
/// decoded_bytes, when given, receives what the columns were charged (DecodeBudget).
Block read_block(wire::ByteReader& in, const BlockFormat& format, const BlockLimits& limits,
                 std::size_t* decoded_bytes = nullptr);

}  // namespace ior::clickhouse::columns
