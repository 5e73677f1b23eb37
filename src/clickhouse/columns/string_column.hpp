#pragma once
// String and FixedString(N). Values live in one character buffer with end
// offsets, so appending a value allocates only when the buffer grows.

#include <string_view>
#include <vector>

#include "clickhouse/columns/column.hpp"

namespace ior::clickhouse::columns {

class StringColumn final : public Column {
 public:
  static constexpr const char* kKindName = "String";
  explicit StringColumn(TypePtr type) : Column(std::move(type)) {}

  void append(std::string_view v) {
    chars_.append(v);
    ends_.push_back(chars_.size());
  }
  /// Unchecked: row < size().
  std::string_view view(std::size_t row) const {
    std::size_t begin = row == 0 ? 0 : ends_[row - 1];
    return {chars_.data() + begin, ends_[row] - begin};
  }
  std::string_view at(std::size_t row) const {
    std::size_t begin = row == 0 ? 0 : ends_.at(row - 1);
    return std::string_view(chars_).substr(begin, ends_.at(row) - begin);
  }

  std::size_t size() const override { return ends_.size(); }
  void clear() override {
    chars_.clear();
    ends_.clear();
  }
  void reserve(std::size_t rows) override { ends_.reserve(rows); }
  void write(wire::WireWriter& out) const override;
  void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) override;
  std::string text(std::size_t row) const override { return std::string(at(row)); }

 private:
  std::string chars_;
  std::vector<std::size_t> ends_;
};

class FixedStringColumn final : public Column {
 public:
  static constexpr const char* kKindName = "FixedString";
  explicit FixedStringColumn(TypePtr type) : Column(std::move(type)), width_(this->type().length) {}

  /// Pads with zero bytes to the width; a longer value is an error naming the column type.
  void append(std::string_view v);
  std::string_view at(std::size_t row) const { return std::string_view(chars_).substr(row * width_, width_); }
  std::size_t width() const { return width_; }

  std::size_t size() const override { return chars_.size() / width_; }
  void clear() override { chars_.clear(); }
  void reserve(std::size_t rows) override { chars_.reserve(rows * width_); }
  void write(wire::WireWriter& out) const override { out.raw(chars_.data(), chars_.size()); }
  void read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) override;
  std::string text(std::size_t row) const override { return std::string(at(row)); }

 private:
  std::size_t width_;
  std::string chars_;
};

}  // namespace ior::clickhouse::columns
