#pragma once
// Thrift compact protocol, read side: what a Parquet footer and page headers
// need. Built for hostile bytes: every length and count is checked against
// the bytes left before anything is allocated or read, nesting is bounded,
// and any violation throws one FormatError ("thrift: ..."), never reads out
// of bounds. Values this reader has no use for are skipped by type.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parquet/thrift/compact_writer.hpp"

namespace ior::parquet::thrift {

struct ListHeader {
  CType elem = CType::kByte;
  std::size_t size = 0;
};

class CompactReader {
 public:
  static constexpr int kMaxDepth = 32;

  explicit CompactReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()),
                                                   begin_(bytes.data()) {}

  /// Enters a struct (its fields follow).
  void struct_begin();
  /// The next field of the current struct: false at its stop byte (and the
  /// struct is left). For bool fields the value is in the type
  /// (kBoolTrue/kBoolFalse), read_bool(type) gives it.
  bool next_field(std::int16_t& id, CType& type);

  static bool field_bool(CType type) { return type == CType::kBoolTrue; }
  std::int8_t read_i8();
  std::int32_t read_i32();  ///< also i16 (range-checked)
  std::int64_t read_i64();
  /// Bytes of a binary/string; a view into the input.
  std::string_view read_binary();
  /// A list or set header; size is at most the bytes left (every element
  /// takes at least one byte), so callers may trust it for loop bounds.
  ListHeader read_list_header();
  /// A list element of type bool is one byte.
  bool read_elem_bool();

  /// Skips one value of the given type (nested values included).
  void skip(CType type);
  /// Reads a field's value as i32/i64 when its type is an integer; throws
  /// naming what when the type is another (a file of another layout).
  std::int32_t expect_i32(CType type, const char* what);
  std::int64_t expect_i64(CType type, const char* what);
  std::string_view expect_binary(CType type, const char* what);
  void expect_struct(CType type, const char* what);
  ListHeader expect_list(CType type, const char* what);

  std::size_t position() const { return static_cast<std::size_t>(p_ - begin_); }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  std::uint8_t byte();
  std::uint64_t varint();
  [[noreturn]] void fail(const char* what) const;

  const char* p_;
  const char* end_;
  const char* begin_;
  std::int16_t last_[kMaxDepth]{};
  int depth_ = 0;
};

}  // namespace ior::parquet::thrift
