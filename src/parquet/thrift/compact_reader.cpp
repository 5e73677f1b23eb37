#include "parquet/thrift/compact_reader.hpp"

#include <string>

#include "base/error.hpp"

namespace ior::parquet::thrift {
namespace {

std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

bool is_type(std::uint8_t t) { return t >= 1 && t <= 12; }

}  // namespace

void CompactReader::fail(const char* what) const {
  throw FormatError(std::string("thrift: ") + what + " at byte " + std::to_string(position()));
}

std::uint8_t CompactReader::byte() {
  if (p_ == end_) fail("truncated");
  return static_cast<std::uint8_t>(*p_++);
}

std::uint64_t CompactReader::varint() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    std::uint8_t b = byte();
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail("varint longer than 10 bytes");
}

void CompactReader::struct_begin() {
  if (depth_ == kMaxDepth) fail("structs nested too deep");
  last_[depth_++] = 0;
}

bool CompactReader::next_field(std::int16_t& id, CType& type) {
  if (depth_ == 0) fail("field outside a struct");
  std::uint8_t b = byte();
  if (b == 0) {
    --depth_;
    return false;
  }
  std::uint8_t t = b & 0x0f;
  if (!is_type(t)) fail("unknown field type");
  int delta = b >> 4;
  std::int64_t fid = delta != 0 ? last_[depth_ - 1] + delta : unzigzag(varint());
  if (fid < INT16_MIN || fid > INT16_MAX) fail("field id out of range");
  id = static_cast<std::int16_t>(fid);
  last_[depth_ - 1] = id;
  type = static_cast<CType>(t);
  return true;
}

std::int8_t CompactReader::read_i8() { return static_cast<std::int8_t>(byte()); }

std::int32_t CompactReader::read_i32() {
  std::int64_t v = unzigzag(varint());
  if (v < INT32_MIN || v > INT32_MAX) fail("i32 out of range");
  return static_cast<std::int32_t>(v);
}

std::int64_t CompactReader::read_i64() { return unzigzag(varint()); }

std::string_view CompactReader::read_binary() {
  std::uint64_t n = varint();
  if (n > left()) fail("string longer than the bytes left");
  std::string_view v(p_, static_cast<std::size_t>(n));
  p_ += n;
  return v;
}

ListHeader CompactReader::read_list_header() {
  std::uint8_t b = byte();
  ListHeader h;
  std::uint8_t t = b & 0x0f;
  if (!is_type(t)) fail("unknown list element type");
  h.elem = static_cast<CType>(t);
  std::uint64_t n = b >> 4;
  if (n == 15) n = varint();
  if (n > left()) fail("list longer than the bytes left");
  h.size = static_cast<std::size_t>(n);
  return h;
}

bool CompactReader::read_elem_bool() { return byte() == 1; }

void CompactReader::skip(CType type) {
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      return;  // a field's bool is in its type
    case CType::kByte:
      byte();
      return;
    case CType::kI16:
    case CType::kI32:
    case CType::kI64:
      varint();
      return;
    case CType::kDouble:
      if (left() < 8) fail("truncated");
      p_ += 8;
      return;
    case CType::kBinary:
      read_binary();
      return;
    case CType::kList:
    case CType::kSet: {
      if (depth_ == kMaxDepth) fail("values nested too deep");
      ++depth_;  // lists count toward the nesting bound too
      ListHeader h = read_list_header();
      for (std::size_t i = 0; i < h.size; ++i) {
        if (h.elem == CType::kBoolTrue || h.elem == CType::kBoolFalse) {
          byte();
        } else {
          skip(h.elem);
        }
      }
      --depth_;
      return;
    }
    case CType::kMap: {
      if (depth_ == kMaxDepth) fail("values nested too deep");
      ++depth_;
      std::uint64_t n = varint();
      if (n > left()) fail("map longer than the bytes left");
      if (n != 0) {
        std::uint8_t kv = byte();
        auto k = static_cast<CType>(kv >> 4), v = static_cast<CType>(kv & 0x0f);
        if (!is_type(kv >> 4) || !is_type(kv & 0x0f)) fail("unknown map types");
        for (std::uint64_t i = 0; i < n; ++i) {
          if (k == CType::kBoolTrue || k == CType::kBoolFalse) byte(); else skip(k);
          if (v == CType::kBoolTrue || v == CType::kBoolFalse) byte(); else skip(v);
        }
      }
      --depth_;
      return;
    }
    case CType::kStruct: {
      struct_begin();
      std::int16_t id;
      CType t;
      while (next_field(id, t)) skip(t);
      return;
    }
  }
  fail("unknown type");
}

std::int32_t CompactReader::expect_i32(CType type, const char* what) {
  if (type != CType::kI32 && type != CType::kI16 && type != CType::kByte) {
    throw FormatError(std::string("thrift: ") + what + " is not an integer");
  }
  return type == CType::kByte ? read_i8() : read_i32();
}

std::int64_t CompactReader::expect_i64(CType type, const char* what) {
  if (type != CType::kI64 && type != CType::kI32 && type != CType::kI16) {
    throw FormatError(std::string("thrift: ") + what + " is not an integer");
  }
  return read_i64();
}

std::string_view CompactReader::expect_binary(CType type, const char* what) {
  if (type != CType::kBinary) throw FormatError(std::string("thrift: ") + what + " is not a string");
  return read_binary();
}

void CompactReader::expect_struct(CType type, const char* what) {
  if (type != CType::kStruct) throw FormatError(std::string("thrift: ") + what + " is not a struct");
  struct_begin();
}

ListHeader CompactReader::expect_list(CType type, const char* what) {
  if (type != CType::kList && type != CType::kSet) {
    throw FormatError(std::string("thrift: ") + what + " is not a list");
  }
  return read_list_header();
}

}  // namespace ior::parquet::thrift
