#pragma once
// One column's values of the row group being built, in the column's
// physical representation. Fixed-width values sit in one vector each (already
// PLAIN little-endian); string columns are dictionary-encoded as they arrive
// (a repeated value copies nothing), and once a dictionary outgrows its limit
// the column holds its strings in one byte arena instead. Appending a row
// allocates nothing once the buffers have grown.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/encoding/dictionary.hpp"
#include "schema/column_type.hpp"
#include "schema/event_row.hpp"

namespace ior::parquet {

enum class Physical { kInt32, kInt64, kByteArray, kFixedLenByteArray16 };

constexpr Physical physical_of(schema::ColumnType t) {
  using schema::ColumnType;
  switch (t) {
    case ColumnType::kUInt8:
    case ColumnType::kUInt16:
    case ColumnType::kUInt32:
    case ColumnType::kInt32:
      return Physical::kInt32;
    case ColumnType::kUInt64:
    case ColumnType::kInt64:
      return Physical::kInt64;
    case ColumnType::kString:
    case ColumnType::kLowCardinalityString:
      return Physical::kByteArray;
    case ColumnType::kUuid:
      return Physical::kFixedLenByteArray16;
  }
  return Physical::kInt32;
}

/// Byte-array columns try dictionary encoding first.
constexpr bool uses_dictionary(schema::ColumnType t) { return physical_of(t) == Physical::kByteArray; }

class ColumnData {
 public:
  /// dictionary_limit_bytes: 0 stores strings PLAIN from the start.
  explicit ColumnData(std::size_t dictionary_limit_bytes = 0)
      : dict_(dictionary_limit_bytes), use_dictionary_(dictionary_limit_bytes != 0),
        dictionary_(use_dictionary_) {}

  void append(std::uint8_t v) { i32_.push_back(v); }
  void append(std::uint16_t v) { i32_.push_back(v); }
  void append(std::uint32_t v) { i32_.push_back(static_cast<std::int32_t>(v)); }
  void append(std::int32_t v) { i32_.push_back(v); }
  void append(std::uint64_t v) { i64_.push_back(static_cast<std::int64_t>(v)); }
  void append(std::int64_t v) { i64_.push_back(v); }
  void append(const schema::Uuid& v) { bytes_.append(reinterpret_cast<const char*>(v.data()), v.size()); }
  void append(std::string_view v) {
    if (dictionary_ && dict_.add(v)) return;
    if (dictionary_) spill_dictionary();
    append_plain(v);
  }
  /// v, known to equal the value appended last: its index again, without a
  /// lookup. Inlined at the row loop, the rest out of line: as a call per
  /// column and row it saved and restored six registers (perf).
  [[gnu::always_inline]] void append_repeated(std::string_view v) {
    if (dictionary_ && dict_.add_last_again()) [[likely]] return;
    append_unrepeated(v);
  }

  /// True while the string values are held as dictionary + indices.
  bool dictionary_encoded() const { return dictionary_; }
  const encoding::Dictionary& dictionary() const { return dict_; }

  const std::vector<std::int32_t>& i32() const { return i32_; }  ///< unsigned as their bit pattern
  const std::vector<std::int64_t>& i64() const { return i64_; }
  const std::string& bytes() const { return bytes_; }  ///< UUIDs; strings when not dictionary-encoded
  /// String i when not dictionary-encoded.
  std::string_view string_at(std::size_t i) const {
    std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }

  void clear() {
    i32_.clear();
    i64_.clear();
    bytes_.clear();
    ends_.clear();
    dict_.reset();
    dictionary_ = use_dictionary_;
  }

 private:
  [[gnu::noinline]] void append_unrepeated(std::string_view v) { append(v); }
  void append_plain(std::string_view v) {
    bytes_.append(v);
    ends_.push_back(static_cast<std::uint32_t>(bytes_.size()));
  }
  // The dictionary is full: its values so far become PLAIN strings.
  void spill_dictionary() {
    for (auto id : dict_.indices()) append_plain(dict_.value(id));
    dict_.reset();
    dictionary_ = false;
  }

  std::vector<std::int32_t> i32_;
  std::vector<std::int64_t> i64_;
  std::string bytes_;                // strings back to back, or 16-byte UUIDs
  std::vector<std::uint32_t> ends_;  // end offset of each string in bytes_
  encoding::Dictionary dict_;
  bool use_dictionary_;
  bool dictionary_;
};

}  // namespace ior::parquet
