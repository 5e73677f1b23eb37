#include "clickhouse/columns/block.hpp"

#include "base/error.hpp"

namespace ior::clickhouse::columns {

Column& Block::add(std::string name, ColumnPtr column) {
  columns_.push_back({std::move(name), std::move(column)});
  return *columns_.back().column;
}

Column& Block::column(std::string_view name) {
  for (auto& c : columns_) {
    if (c.name == name) return *c.column;
  }
  throw Error("clickhouse: block has no column '" + std::string(name) + "'");
}

const Column& Block::column(std::string_view name) const { return const_cast<Block*>(this)->column(name); }

void Block::clear_rows() {
  for (auto& c : columns_) c.column->clear();
}

void write_block(const Block& block, wire::WireWriter& out, const BlockFormat& format) {
  std::size_t rows = block.rows();
  for (const auto& c : block) {
    if (c.column->size() != rows) {
      throw Error("clickhouse: column '" + c.name + "' has " + std::to_string(c.column->size()) +
                  " rows, the block " + std::to_string(rows));
    }
  }
  if (format.with_info) {
    out.varint(1);
    out.fixed<std::uint8_t>(block.info.is_overflows ? 1 : 0);
    out.varint(2);
    out.fixed<std::int32_t>(block.info.bucket_num);
    out.varint(0);
  }
  out.varint(block.column_count());
  out.varint(rows);
  for (const auto& c : block) {
    out.string(c.name);
    out.string(c.column->type().name);
    if (format.with_custom_serialization) out.fixed<std::uint8_t>(0);
    if (rows > 0) {
      c.column->write_prefix(out);
      c.column->write(out);
    }
  }
}

Block read_block(wire::ByteReader& in, const BlockFormat& format, const BlockLimits& limits,
                 std::size_t* decoded_bytes) {
  Block block;
  if (format.with_info) {
    for (;;) {
      auto field = in.varint();
      if (field == 0) break;
      if (field == 1) {
        block.info.is_overflows = in.fixed<std::uint8_t>() != 0;
      } else if (field == 2) {
        block.info.bucket_num = in.fixed<std::int32_t>();
      } else {
        wire::ByteReader::malformed("unknown block info field " + std::to_string(field));
      }
    }
  }
  auto columns = in.varint();
  auto rows = in.varint();
  if (columns > limits.max_columns) {
    throw ProtocolError("clickhouse: server sent a block of " + std::to_string(columns) + " columns (limit " +
                        std::to_string(limits.max_columns) + ")");
  }
  if (rows > limits.max_rows) {
    throw ProtocolError("clickhouse: server sent a block of " + std::to_string(rows) + " rows (limit " +
                        std::to_string(limits.max_rows) + ")");
  }
  DecodeBudget budget(limits.max_bytes);
  for (std::uint64_t i = 0; i < columns; ++i) {
    std::string name = in.string(limits.max_name);
    std::string type = in.string(limits.max_name);
    if (format.with_custom_serialization && in.fixed<std::uint8_t>() != 0) {
      // Sparse columns only go to clients that ask for them; ior does not.
      throw ProtocolError("clickhouse: server sent column '" + name + "' in a custom serialization");
    }
    budget.charge(name.size() + type.size());
    Column& col = block.add(std::move(name), make_column(type));
    if (rows > 0) {
      col.read_prefix(in);
      col.read(in, static_cast<std::size_t>(rows), budget);
    }
  }
  if (decoded_bytes != nullptr) *decoded_bytes = budget.used();
  return block;
}

}  // namespace ior::clickhouse::columns
