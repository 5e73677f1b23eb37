// Thrift compact protocol bytes, derived by hand from the spec
// (thrift/doc/specs/thrift-compact-protocol.md).
#include "parquet/thrift/compact_writer.hpp"

#include <gtest/gtest.h>

#include "parquet/thrift/parquet_types.hpp"

namespace ior::parquet::thrift {
namespace {

std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    out += d[c >> 4];
    out += d[c & 15];
    out += ' ';
  }
  if (!out.empty()) out.pop_back();
  return out;
}

TEST(CompactWriterTest, ShortFieldDeltasPackIdAndType) {
  std::string out;
  CompactWriter w(out);
  w.struct_begin();
  w.field_i32(1, 3);        // delta 1, type 5 -> 0x15; zigzag(3) = 6
  w.field_i64(2, -1);       // delta 1, type 6 -> 0x16; zigzag(-1) = 1
  w.field_bool(3, true);    // delta 1, BOOLEAN_TRUE -> 0x11, no payload
  w.field_bool(4, false);   // 0x12
  w.field_binary(6, "ab");  // delta 2, type 8 -> 0x28; len 2
  w.struct_end();           // stop
  EXPECT_EQ(hex(out), "15 06 16 01 11 12 28 02 61 62 00");
}

TEST(CompactWriterTest, LongFieldDeltaWritesTheIdAsZigzagI16) {
  std::string out;
  CompactWriter w(out);
  w.struct_begin();
  w.field_i32(20, 150);  // delta 20 > 15: type byte 0x05, zigzag(20)=40 (0x28), zigzag(150)=300 -> ac 02
  w.struct_end();
  EXPECT_EQ(hex(out), "05 28 ac 02 00");
}

TEST(CompactWriterTest, ListsAndNestedStructsRestartFieldIds) {
  std::string out;
  CompactWriter w(out);
  w.struct_begin();
  w.field_list_begin(1, CType::kI32, 2);  // 0x19, size 2 << 4 | 5 = 0x25
  w.elem_i32(0);
  w.elem_i32(-2);                         // zigzag(-2) = 3
  w.field_struct_begin(2);                // 0x1c
  w.field_i32(1, 1);                      // ids restart inside: 0x15 02
  w.struct_end();
  w.field_list_begin(3, CType::kBinary, 16);  // 0x19, 0xf8 then varint 16
  w.struct_end();
  EXPECT_EQ(hex(out), "19 25 00 03 1c 15 02 00 19 f8 10 00");
}

TEST(CompactWriterTest, Zigzag) {
  EXPECT_EQ(CompactWriter::zigzag32(0), 0u);
  EXPECT_EQ(CompactWriter::zigzag32(-1), 1u);
  EXPECT_EQ(CompactWriter::zigzag32(1), 2u);
  EXPECT_EQ(CompactWriter::zigzag32(INT32_MIN), 0xffffffffu);
  EXPECT_EQ(CompactWriter::zigzag64(INT64_MAX), 0xfffffffffffffffeull);
}

TEST(ParquetTypesTest, DataPageHeaderBytes) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 60;
  h.num_values = 10;
  h.encoding = Encoding::kRleDictionary;
  std::string out;
  CompactWriter w(out);
  write(w, h);
  // type 0; sizes 100 -> c8 01, 60 -> 78; field 5 (delta 2) struct 0x2c:
  // num_values 10 -> 14; encoding 8 -> 10; def/rep level encodings RLE 3 -> 06 06
  EXPECT_EQ(hex(out), "15 00 15 c8 01 15 78 2c 15 14 15 10 15 06 15 06 00 00");
}

}  // namespace
}  // namespace ior::parquet::thrift
