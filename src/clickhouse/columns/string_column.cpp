#include "clickhouse/columns/string_column.hpp"

#include <algorithm>

#include "base/error.hpp"

namespace ior::clickhouse::columns {

void StringColumn::write(wire::WireWriter& out) const {
  std::string& buf = out.buffer();
  std::size_t begin = 0;
  // Reserve once for the worst case (10-byte varints) instead of per value.
  buf.reserve(buf.size() + chars_.size() + ends_.size() * 10);
  for (std::size_t end : ends_) {
    out.varint(end - begin);
    buf.append(chars_, begin, end - begin);
    begin = end;
  }
}

void StringColumn::read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) {
  budget.charge(rows, sizeof(std::size_t));
  for (std::size_t i = 0; i < rows; ++i) {
    std::size_t before = chars_.size();
    in.string_into(chars_, in.max_string());
    budget.charge(chars_.size() - before);
    ends_.push_back(chars_.size());
  }
}

void FixedStringColumn::append(std::string_view v) {
  if (v.size() > width_) {
    throw Error("clickhouse: a value of " + std::to_string(v.size()) + " bytes does not fit " + type().name);
  }
  chars_.append(v);
  chars_.append(width_ - v.size(), '\0');
}

void FixedStringColumn::read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) {
  budget.charge(rows, width_);
  std::size_t bytes = rows * width_;
  constexpr std::size_t kStep = 1u << 20;
  while (bytes > 0) {
    std::size_t take = std::min(bytes, kStep);
    std::size_t at = chars_.size();
    chars_.resize(at + take);
    in.read(chars_.data() + at, take);
    bytes -= take;
  }
}

}  // namespace ior::clickhouse::columns
