#include <gtest/gtest.h>

#include "base/error.hpp"
#include "clickhouse/columns/block.hpp"
#include "clickhouse/columns/composite_columns.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"

namespace ior::clickhouse::columns {
namespace {

std::string encode(const Block& b, BlockFormat f = {}) {
  std::string out;
  wire::WireWriter w(out);
  write_block(b, w, f);
  return out;
}

Block decode(const std::string& bytes, BlockFormat f = {}, BlockLimits limits = {}) {
  wire::MemoryReader in(bytes);
  Block b = read_block(in, f, limits);
  EXPECT_TRUE(in.at_end());
  return b;
}

TEST(TypeTest, ParsesNestedTypesAndRejectsUnsupportedOnes) {
  auto t = parse_type("Array(Nullable(DateTime64(9, 'UTC')))");
  ASSERT_EQ(t->kind, TypeKind::kArray);
  EXPECT_EQ(t->nested->kind, TypeKind::kNullable);
  EXPECT_EQ(t->nested->nested->kind, TypeKind::kDateTime64);
  EXPECT_EQ(t->nested->nested->precision, 9);
  EXPECT_EQ(t->nested->nested->timezone, "UTC");
  EXPECT_EQ(parse_type("FixedString(16)")->length, 16u);
  EXPECT_EQ(parse_type("DateTime('Europe/Berlin')")->timezone, "Europe/Berlin");
  EXPECT_EQ(parse_type("LowCardinality(Nullable(String))")->nested->kind, TypeKind::kNullable);
  for (const char* bad : {"Decimal(10, 2)", "Nullable(Array(UInt8))", "LowCardinality(UInt8)", "FixedString(0)",
                          "DateTime64(10)", "Array(UInt8", "UInt8(3)", "Tuple(UInt8, String)", ""}) {
    EXPECT_THROW(parse_type(bad), ProtocolError) << bad;
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "Array(";
  deep += "UInt8" + std::string(40, ')');
  EXPECT_THROW(parse_type(deep), ProtocolError);
}

TEST(BlockTest, FixedWidthColumnsAreTheirLittleEndianBytes) {
  Block b;
  column_as<UInt32Column>(b.add("x", "UInt32")).append(0x01020304);
  column_as<Int8Column>(b.add("y", "Int8")).append(-1);
  std::string bytes = encode(b, {.with_info = false});
  EXPECT_EQ(bytes, std::string("\x02\x01\x01x\x06UInt32\x04\x03\x02\x01\x01y\x04Int8\xff", 23));
}

TEST(BlockTest, BlockInfoAndCustomSerializationFlagFollowTheFormat) {
  Block b;
  b.info.bucket_num = 7;
  column_as<UInt8Column>(b.add("a", "UInt8")).append(5);
  std::string bytes = encode(b, {.with_info = true, .with_custom_serialization = true});
  EXPECT_EQ(bytes, std::string("\x01\x00\x02\x07\x00\x00\x00\x00\x01\x01\x01" "a\x05UInt8\x00\x05", 20));
  Block back = decode(bytes, {.with_info = true, .with_custom_serialization = true});
  EXPECT_EQ(back.info.bucket_num, 7);
  EXPECT_EQ(column_as<UInt8Column>(back.column("a")).at(0), 5);
}

TEST(BlockTest, EveryColumnTypeRoundTrips) {
  Block b;
  column_as<UInt64Column>(b.add("u64", "UInt64")).append({UINT64_MAX, 0});
  column_as<Int64Column>(b.add("i64", "Int64")).append({INT64_MIN, 1});
  column_as<Float64Column>(b.add("f64", "Float64")).append({1.5, -0.25});
  column_as<Float32Column>(b.add("f32", "Float32")).append({3.5f, 0});
  auto& s = column_as<StringColumn>(b.add("s", "String"));
  s.append("");
  s.append(std::string(300, 'x'));
  auto& fs = column_as<FixedStringColumn>(b.add("fs", "FixedString(3)"));
  fs.append("ab");
  fs.append("xyz");
  EXPECT_THROW(fs.append("long"), Error);
  std::uint8_t raw[16] = {0x61, 0xf0, 0xc4, 0x04, 0x5c, 0xb3, 0x11, 0xe7, 0x90, 0x7b, 0xa6, 0x00, 0x6a, 0xd3, 0xdb, 0xa0};
  column_as<UuidColumn>(b.add("id", "UUID")).append({Uuid::from_bytes(raw), Uuid{}});
  column_as<DateColumn>(b.add("d", "Date")).append({19000, 0});
  column_as<DateTimeColumn>(b.add("dt", "DateTime('UTC')")).append({1700000000, 0});
  column_as<DateTime64Column>(b.add("dt64", "DateTime64(9, 'UTC')")).append({1700000000123456789, -1});
  auto& n = column_as<NullableColumn>(b.add("n", "Nullable(UInt32)"));
  column_as<UInt32Column>(n.nested()).append(42);
  n.mark_value();
  n.append_null();
  auto& ns = column_as<NullableColumn>(b.add("ns", "Nullable(String)"));
  ns.append_null();
  column_as<StringColumn>(ns.nested()).append("v");
  ns.mark_value();
  auto& lc = column_as<LowCardinalityColumn>(b.add("lc", "LowCardinality(String)"));
  lc.append("read");
  lc.append("read");
  auto& lcn = column_as<LowCardinalityColumn>(b.add("lcn", "LowCardinality(Nullable(String))"));
  lcn.append_null();
  lcn.append("");
  EXPECT_THROW(lc.append_null(), Error);
  auto& arr = column_as<ArrayColumn>(b.add("arr", "Array(String)"));
  column_as<StringColumn>(arr.nested()).append("a");
  column_as<StringColumn>(arr.nested()).append("b");
  arr.end_row();
  arr.end_row();
  auto& arr_lc = column_as<ArrayColumn>(b.add("arr_lc", "Array(LowCardinality(String))"));
  arr_lc.end_row();
  column_as<LowCardinalityColumn>(arr_lc.nested()).append("z");
  arr_lc.end_row();

  for (bool info : {false, true}) {
    Block back = decode(encode(b, {.with_info = info}), {.with_info = info});
    ASSERT_EQ(back.column_count(), b.column_count());
    ASSERT_EQ(back.rows(), 2u);
    for (std::size_t c = 0; c < b.column_count(); ++c) {
      EXPECT_EQ(back.at(c).name, b.at(c).name);
      EXPECT_EQ(back.at(c).column->type().name, b.at(c).column->type().name);
      for (std::size_t r = 0; r < 2; ++r) {
        EXPECT_EQ(back.at(c).column->text(r), b.at(c).column->text(r)) << b.at(c).name << " row " << r;
      }
    }
  }
  EXPECT_EQ(column_as<UuidColumn>(b.column("id")).at(0).text(), "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
  EXPECT_EQ(b.column("lcn").text(0), "NULL");
  EXPECT_EQ(b.column("lcn").text(1), "");
  EXPECT_EQ(b.column("arr").text(0), "['a','b']");
  EXPECT_EQ(b.column("arr").text(1), "[]");
}

TEST(BlockTest, LowCardinalityChoosesTheNarrowestIndexWidthAndKeepsTheDictionaryShared) {
  for (std::size_t distinct : {10u, 300u, 70000u}) {
    Block b;
    auto& lc = column_as<LowCardinalityColumn>(b.add("lc", "LowCardinality(String)"));
    for (std::size_t i = 0; i < distinct * 2; ++i) lc.append("v" + std::to_string(i % distinct));
    EXPECT_EQ(lc.dictionary_size(), distinct + 1);  // plus the default at index 0
    Block back = decode(encode(b));
    auto& got = column_as<LowCardinalityColumn>(back.column("lc"));
    ASSERT_EQ(got.size(), distinct * 2);
    for (std::size_t i = 0; i < got.size(); i += 97) EXPECT_EQ(got.at(i), "v" + std::to_string(i % distinct));
  }
}

// Values that share a fingerprint slot of the recent-keys cache, the empty
// string beside NULL, and a cleared column: every row reads back as appended.
TEST(BlockTest, LowCardinalityRecentKeysNeverReturnAnotherValue) {
  Block b;
  auto& lc = column_as<LowCardinalityColumn>(b.add("lcn", "LowCardinality(Nullable(String))"));
  std::vector<std::string> want;
  // "aXa" and "aha" share a slot (same length and ends, middles 16 apart).
  const std::vector<std::string> values = {"", "aXa", "aha", "aXa", "aYa", "bXb", "", "abcdefgh", "abcdXfgh", "aha"};
  for (int round = 0; round < 3; ++round) {
    for (const auto& v : values) {
      lc.append(v);
      want.push_back(v);
      if (v.empty()) {
        lc.append_null();
        want.push_back("NULL");
      }
    }
  }
  ASSERT_EQ(lc.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(lc.text(i), want[i]) << i;
  EXPECT_EQ(lc.dictionary_size(), 8u);  // NULL placeholder, "", and six distinct values
  lc.clear();
  lc.append("aYa");
  lc.append("");
  EXPECT_EQ(lc.text(0), "aYa");
  EXPECT_EQ(lc.text(1), "");
  EXPECT_FALSE(lc.is_null(1));
}

TEST(BlockTest, RowCountMismatchIsAnErrorNamingTheColumn) {
  Block b;
  column_as<UInt8Column>(b.add("a", "UInt8")).append(1);
  b.add("short", "String");
  try {
    encode(b);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'short'"), std::string::npos);
  }
}

TEST(BlockTest, HostileBlocksAreRejectedBeforeAllocating) {
  auto header = [](std::uint64_t cols, std::uint64_t rows, const char* type) {
    std::string out;
    wire::WireWriter w(out);
    w.varint(cols);
    w.varint(rows);
    w.string("c");
    w.string(type);
    return out;
  };
  BlockFormat f{.with_info = false};
  EXPECT_THROW(decode(header(1u << 20, 1, "UInt8"), f), ProtocolError);
  EXPECT_THROW(decode(header(1, 1ull << 40, "UInt8"), f), ProtocolError);
  // 60 M rows of UInt64 (480 MB) against a 1 MiB budget: refused up front.
  BlockLimits small;
  small.max_bytes = 1u << 20;
  EXPECT_THROW(decode(header(1, 60'000'000, "UInt64"), f, small), ProtocolError);
  EXPECT_THROW(decode(header(1, 60'000'000, "Array(UInt8)"), f, small), ProtocolError);
  EXPECT_THROW(decode(header(1, 1, "Decimal(3, 1)"), f), ProtocolError);
  // Offsets that go backwards.
  std::string arr = header(1, 2, "Array(UInt8)");
  wire::WireWriter w(arr);
  w.fixed<std::uint64_t>(2);
  w.fixed<std::uint64_t>(1);
  EXPECT_THROW(decode(arr, f), ProtocolError);
  // A LowCardinality index beyond its keys.
  std::string lc = header(1, 1, "LowCardinality(String)");
  wire::WireWriter l(lc);
  l.fixed<std::uint64_t>(1);
  l.fixed<std::uint64_t>(1u << 9);
  l.fixed<std::uint64_t>(1);
  l.string("x");
  l.fixed<std::uint64_t>(1);
  l.fixed<std::uint8_t>(5);
  EXPECT_THROW(decode(lc, f), ProtocolError);
}

}  // namespace
}  // namespace ior::clickhouse::columns
