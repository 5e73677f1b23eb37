#include "clickhouse/columns/composite_columns.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/string_column.hpp"

namespace ior::clickhouse::columns {
namespace {

// Appends the nested type's default value (what ClickHouse stores under a NULL).
void append_default(Column& col) {
  if (auto* s = dynamic_cast<StringColumn*>(&col)) return s->append("");
  if (auto* f = dynamic_cast<FixedStringColumn*>(&col)) return f->append("");
  // Every other nestable column has a fixed width: zero bytes are its default.
  std::string zero(64, '\0');
  wire::MemoryReader in(zero);
  DecodeBudget budget(64);
  col.read(in, 1, budget);
}

}  // namespace

NullableColumn::NullableColumn(TypePtr type) : Column(std::move(type)), nested_(make_column(this->type().nested)) {}

void NullableColumn::append_null() {
  append_default(*nested_);
  nulls_.push_back(1);
}

void NullableColumn::clear() {
  nulls_.clear();
  nested_->clear();
}

void NullableColumn::reserve(std::size_t rows) {
  nulls_.reserve(rows);
  nested_->reserve(rows);
}

void NullableColumn::write(wire::WireWriter& out) const {
  if (nested_->size() != nulls_.size()) {
    throw Error("clickhouse: " + type().name + " column has " + std::to_string(nulls_.size()) +
                " null flags for " + std::to_string(nested_->size()) + " values");
  }
  out.raw(nulls_.data(), nulls_.size());
  nested_->write(out);
}

void NullableColumn::read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) {
  budget.charge(rows, 1);
  std::size_t at = nulls_.size();
  nulls_.resize(at + rows);
  in.read(nulls_.data() + at, rows);
  nested_->read(in, rows, budget);
}

std::string NullableColumn::text(std::size_t row) const { return is_null(row) ? "NULL" : nested_->text(row); }

ArrayColumn::ArrayColumn(TypePtr type) : Column(std::move(type)), nested_(make_column(this->type().nested)) {}

void ArrayColumn::clear() {
  ends_.clear();
  nested_->clear();
}

void ArrayColumn::write(wire::WireWriter& out) const {
  out.raw(ends_.data(), ends_.size() * sizeof(std::uint64_t));
  nested_->write(out);
}

void ArrayColumn::read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) {
  budget.charge(rows, sizeof(std::uint64_t));
  std::uint64_t base = ends_.empty() ? 0 : ends_.back();
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    auto end = in.fixed<std::uint64_t>();
    if (end < prev) wire::ByteReader::malformed("array offsets decrease in a " + type().name + " column");
    prev = end;
    ends_.push_back(base + end);
  }
  // The nested column charges its own elements; a huge claimed count fails there.
  nested_->read(in, static_cast<std::size_t>(prev), budget);
}

std::string ArrayColumn::text(std::size_t row) const {
  const Type* value = type().nested.get();
  while (value->kind == TypeKind::kNullable || value->kind == TypeKind::kLowCardinality) value = value->nested.get();
  bool quote = value->kind == TypeKind::kString || value->kind == TypeKind::kFixedString;
  std::string s = "[";
  for (std::size_t i = row_begin(row); i < row_end(row); ++i) {
    if (i != row_begin(row)) s += ",";
    std::string v = nested_->text(i);
    s += quote && v != "NULL" ? "'" + v + "'" : v;
  }
  return s + "]";
}

}  // namespace ior::clickhouse::columns
