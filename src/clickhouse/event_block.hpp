#pragma once
// Rows of the canonical schema (src/schema) gathered into one ClickHouse
// block, column by column, in schema order with the schema's ClickHouse
// types. Appending a row copies its values into the columns' buffers: no
// per-row allocation once the buffers have grown to a batch's size.

#include <array>

#include "clickhouse/columns/block.hpp"
#include "schema/columns.hpp"
#include "schema/event_row.hpp"
#include "schema/row_repeats.hpp"

namespace ior::clickhouse {

class EventBlock {
 public:
  EventBlock();
  /// A row of a batch (repeats): a repeated LowCardinality value takes the
  /// previous row's index when that row was the one appended last.
  void append(const schema::EventRow& row, const schema::RowRepeats& repeats = {});
  std::size_t rows() const { return block_.rows(); }
  const columns::Block& block() const { return block_; }
  /// Estimated bytes of its rows in memory (values, string bytes and their
  /// offsets; a LowCardinality value as its index): what the ClickHouse
  /// writer's memory budget counts.
  std::size_t bytes() const { return bytes_; }
  /// Empties the columns, keeping their capacity for the next batch.
  void clear() {
    block_.clear_rows();
    bytes_ = 0;
    repeats_.forget();
  }
  void reserve(std::size_t rows);

 private:
  columns::Block block_;
  std::size_t bytes_ = 0;
  schema::RepeatTracker repeats_;
  std::array<columns::Column*, schema::kColumnCount> columns_{};
};

}  // namespace ior::clickhouse
