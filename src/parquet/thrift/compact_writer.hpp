#pragma once
// Thrift compact protocol, write side only: what Parquet's footer and page
// headers need (structs, i8/i16/i32/i64, bool, binary, lists of structs,
// strings or i32). Field ids are written as deltas within each struct, so
// struct_begin/struct_end keep a stack of the last field id.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ior::parquet::thrift {

/// Compact-protocol type codes.
enum class CType : std::uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string& out) : out_(out) {}

  void struct_begin() { last_field_.push_back(0); }
  /// Writes the stop byte and returns to the enclosing struct.
  void struct_end();

  void field_bool(std::int16_t id, bool v) { field_header(id, v ? CType::kBoolTrue : CType::kBoolFalse); }
  void field_i8(std::int16_t id, std::int8_t v);
  void field_i32(std::int16_t id, std::int32_t v);
  void field_i64(std::int16_t id, std::int64_t v);
  void field_binary(std::int16_t id, std::string_view v);
  /// A struct-valued field: follow with the fields, then struct_end().
  void field_struct_begin(std::int16_t id);
  /// A list field of n elements of type elem; then write the elements.
  void field_list_begin(std::int16_t id, CType elem, std::size_t n);

  // List elements (no field header).
  void elem_i32(std::int32_t v) { varint(zigzag32(v)); }
  void elem_binary(std::string_view v);
  void elem_struct_begin() { struct_begin(); }

  static std::uint32_t zigzag32(std::int32_t v) {
    return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
  }
  static std::uint64_t zigzag64(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }

 private:
  void field_header(std::int16_t id, CType type);
  void varint(std::uint64_t v);

  std::string& out_;
  std::vector<std::int16_t> last_field_;
};

}  // namespace ior::parquet::thrift
