#pragma once
// Which string columns of a row repeat the row before it.
//
// Consecutive rows mostly share their strings (the same thread's comm, the
// same syscall, file and host), and looking each one up again in a writer's
// dictionary is what a writer spends most on. Rows handed on together in a
// batch (a sink queue's chunk, sink/row_chunk.hpp) carry, for each row, the
// batch's identity, the row's place in it and a bit per string column whose
// bytes equal the previous row's. A writer reuses the previous row's
// dictionary index for such a column, but only when the row it appended last
// is that previous row (RepeatTracker): a row it skipped, a new batch or a
// row group it flushed in between make it look the value up as usual.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

#include "schema/columns.hpp"

namespace ior::schema {

static_assert(kColumnCount <= 64, "RowRepeats has one bit per column");

struct RowRepeats {
  std::uint64_t batch = 0;    ///< identity of the batch; 0: the row is in none
  std::uint32_t row = 0;      ///< its index in the batch
  std::uint64_t columns = 0;  ///< bit i: column i holds the previous row's bytes

  bool same(std::size_t column) const { return (columns >> column) & 1u; }
};

/// The RowRepeats::columns bits of the named columns, for a value made of
/// them (a name that is no column fails the constant's evaluation).
constexpr std::uint64_t column_bits(std::initializer_list<std::string_view> names) {
  std::uint64_t bits = 0;
  for (std::string_view n : names) {
    const std::size_t i = column_index(n);
    if (i >= kColumnCount) throw std::invalid_argument("no such column");
    bits |= std::uint64_t{1} << i;
  }
  return bits;
}

/// A writer's memory of the row it appended last.
class RepeatTracker {
 public:
  /// True when r's previous row is the one appended last: r's repeated
  /// columns may take that row's values as they were stored.
  bool follows(const RowRepeats& r) const {
    return r.batch != 0 && r.batch == batch_ && r.row != 0 && r.row - 1 == row_;
  }
  void appended(const RowRepeats& r) {
    batch_ = r.batch;
    row_ = r.row;
  }
  /// What was stored is gone (a flushed row group, a sent block), or a row
  /// came without its place: the next row looks its values up.
  void forget() { batch_ = 0; }

 private:
  std::uint64_t batch_ = 0;
  std::uint32_t row_ = 0;
};

}  // namespace ior::schema
