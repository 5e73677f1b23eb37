#include "parquet/thrift/compact_writer.hpp"

namespace ior::parquet::thrift {

void CompactWriter::varint(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void CompactWriter::field_header(std::int16_t id, CType type) {
  std::int16_t& last = last_field_.back();
  int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    varint(zigzag32(id));
  }
  last = id;
}

void CompactWriter::struct_end() {
  out_.push_back(0);  // stop
  last_field_.pop_back();
}

void CompactWriter::field_i8(std::int16_t id, std::int8_t v) {
  field_header(id, CType::kByte);
  out_.push_back(static_cast<char>(v));
}

void CompactWriter::field_i32(std::int16_t id, std::int32_t v) {
  field_header(id, CType::kI32);
  varint(zigzag32(v));
}

void CompactWriter::field_i64(std::int16_t id, std::int64_t v) {
  field_header(id, CType::kI64);
  varint(zigzag64(v));
}

void CompactWriter::field_binary(std::int16_t id, std::string_view v) {
  field_header(id, CType::kBinary);
  elem_binary(v);
}

void CompactWriter::elem_binary(std::string_view v) {
  varint(v.size());
  out_.append(v);
}

void CompactWriter::field_struct_begin(std::int16_t id) {
  field_header(id, CType::kStruct);
  struct_begin();
}

void CompactWriter::field_list_begin(std::int16_t id, CType elem, std::size_t n) {
  field_header(id, CType::kList);
  if (n < 15) {
    out_.push_back(static_cast<char>((n << 4) | static_cast<std::size_t>(elem)));
  } else {
    out_.push_back(static_cast<char>(0xf0 | static_cast<int>(elem)));
    varint(n);
  }
}

}  // namespace ior::parquet::thrift
