#pragma once
// Nullable(T) and Array(T): a map or offsets stream followed by the nested
// column's own streams.

#include <cstdint>
#include <vector>

#include "clickhouse/columns/column.hpp"

namespace ior::clickhouse::columns {

class NullableColumn final : public Column {
 public:
  static constexpr const char* kKindName = "Nullable";
  explicit NullableColumn(TypePtr type);

  /// Append the value to nested() first, then mark it here; a NULL row
  /// still needs a (default) value in nested(), which append_null() adds.
  void mark_value() { nulls_.push_back(0); }
  void append_null();
  bool is_null(std::size_t row) const { return nulls_.at(row) != 0; }
  Column& nested() { return *nested_; }
  const Column& nested() const { return *nested_; }

  std::size_t size() const override { return nulls_.size(); }
  void clear() override;
  void reserve(std::size_t rows) override;
  void write_prefix(wire::WireWriter& out) const override { nested_->write_prefix(out); }
  void write(wire::WireWriter& out) const override;
  void read_prefix(wire::ByteReader& in) override { nested_->read_prefix(in); }
  void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) override;
  std::string text(std::size_t row) const override;

 private:
  std::vector<std::uint8_t> nulls_;
  ColumnPtr nested_;
};

class ArrayColumn final : public Column {
 public:
  static constexpr const char* kKindName = "Array";
  explicit ArrayColumn(TypePtr type);

  /// Append the elements to nested() first, then close the row here.
  void end_row() { ends_.push_back(nested_->size()); }
  std::size_t row_begin(std::size_t row) const { return row == 0 ? 0 : ends_.at(row - 1); }
  std::size_t row_end(std::size_t row) const { return ends_.at(row); }
  Column& nested() { return *nested_; }
  const Column& nested() const { return *nested_; }

  std::size_t size() const override { return ends_.size(); }
  void clear() override;
  void write_prefix(wire::WireWriter& out) const override { nested_->write_prefix(out); }
  void write(wire::WireWriter& out) const override;
  void read_prefix(wire::ByteReader& in) override { nested_->read_prefix(in); }
  void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) override;
  std::string text(std::size_t row) const override;

 private:
  std::vector<std::uint64_t> ends_;  ///< cumulative element counts, as on the wire
  ColumnPtr nested_;
};

}  // namespace ior::clickhouse::columns
