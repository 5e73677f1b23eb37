// The Native format against a modern ClickHouse (chDB, ClickHouse 26.x):
// blocks encoded by ior, written as a Native file, are read by chDB with
// exact values and types; and a Native file written by chDB is decoded by
// ior with exact values. Expected values are written out by hand here.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "clickhouse/columns/block.hpp"
#include "clickhouse/columns/composite_columns.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "reader_runner.hpp"
#include "subprocess.hpp"

namespace ior::clickhouse::columns {
namespace {

namespace fs = std::filesystem;

struct Expected {
  const char* name;
  const char* type;
  std::vector<std::string> text;  // chDB's toString() of each row, NULL as "NULL"
};

// Three rows per column: an ordinary value, an extreme, a default/empty/NULL.
const std::vector<Expected>& expected() {
  static const std::vector<Expected> e = {
      {"u8", "UInt8", {"7", "255", "0"}},
      {"u16", "UInt16", {"7", "65535", "0"}},
      {"u32", "UInt32", {"7", "4294967295", "0"}},
      {"u64", "UInt64", {"7", "18446744073709551615", "0"}},
      {"i8", "Int8", {"-7", "-128", "127"}},
      {"i16", "Int16", {"-7", "-32768", "32767"}},
      {"i32", "Int32", {"-7", "-2147483648", "2147483647"}},
      {"i64", "Int64", {"-7", "-9223372036854775808", "9223372036854775807"}},
      {"f32", "Float32", {"1.5", "-0.25", "0"}},
      {"f64", "Float64", {"0.1", "-1e300", "0"}},
      {"s", "String", {"read", "it's \"quoted\"\\", ""}},
      {"fs", "FixedString(4)", {"61626364", "61620000", "00000000"}},  // hex(): zero bytes visible
      {"id", "UUID", {"61f0c404-5cb3-11e7-907b-a6006ad3dba0", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                      "00000000-0000-0000-0000-000000000000"}},
      {"d", "Date", {"2023-11-14", "2149-06-06", "1970-01-01"}},
      {"dt", "DateTime('UTC')", {"2023-11-14 22:13:20", "2106-02-07 06:28:15", "1970-01-01 00:00:00"}},
      {"dt64", "DateTime64(9, 'UTC')",
       {"2023-11-14 22:13:20.123456789", "1970-01-01 00:00:00.000000001", "1970-01-01 00:00:00.000000000"}},
      {"lc", "LowCardinality(String)", {"openat", "openat", ""}},
      {"lcn", "LowCardinality(Nullable(String))", {"comm", "NULL", ""}},
      {"ni", "Nullable(Int32)", {"-1", "NULL", "0"}},
      {"ns", "Nullable(String)", {"x", "", "NULL"}},
      {"au", "Array(UInt32)", {"[1,2,3]", "[]", "[4294967295]"}},
      {"as", "Array(String)", {"['a','']", "[]", "['b']"}},
      {"an", "Array(Nullable(UInt8))", {"[NULL,1]", "[]", "[NULL]"}},
      {"al", "Array(LowCardinality(String))", {"['x','y','x']", "[]", "[]"}},
  };
  return e;
}

Block ior_block() {
  Block b;
  column_as<UInt8Column>(b.add("u8", "UInt8")).append({7, 255, 0});
  column_as<UInt16Column>(b.add("u16", "UInt16")).append({7, 65535, 0});
  column_as<UInt32Column>(b.add("u32", "UInt32")).append({7, 4294967295u, 0});
  column_as<UInt64Column>(b.add("u64", "UInt64")).append({7, UINT64_MAX, 0});
  column_as<Int8Column>(b.add("i8", "Int8")).append({-7, INT8_MIN, INT8_MAX});
  column_as<Int16Column>(b.add("i16", "Int16")).append({-7, INT16_MIN, INT16_MAX});
  column_as<Int32Column>(b.add("i32", "Int32")).append({-7, INT32_MIN, INT32_MAX});
  column_as<Int64Column>(b.add("i64", "Int64")).append({-7, INT64_MIN, INT64_MAX});
  column_as<Float32Column>(b.add("f32", "Float32")).append({1.5f, -0.25f, 0});
  column_as<Float64Column>(b.add("f64", "Float64")).append({0.1, -1e300, 0});
  auto& s = column_as<StringColumn>(b.add("s", "String"));
  for (const char* v : {"read", "it's \"quoted\"\\", ""}) s.append(v);
  auto& fs = column_as<FixedStringColumn>(b.add("fs", "FixedString(4)"));
  for (const char* v : {"abcd", "ab", ""}) fs.append(v);
  std::uint8_t raw[16] = {0x61, 0xf0, 0xc4, 0x04, 0x5c, 0xb3, 0x11, 0xe7, 0x90, 0x7b, 0xa6, 0x00, 0x6a, 0xd3, 0xdb, 0xa0};
  column_as<UuidColumn>(b.add("id", "UUID")).append({Uuid::from_bytes(raw), Uuid{UINT64_MAX, UINT64_MAX}, Uuid{}});
  column_as<DateColumn>(b.add("d", "Date")).append({19675, 65535, 0});
  column_as<DateTimeColumn>(b.add("dt", "DateTime('UTC')")).append({1700000000, UINT32_MAX, 0});
  column_as<DateTime64Column>(b.add("dt64", "DateTime64(9, 'UTC')")).append({1700000000123456789, 1, 0});
  auto& lc = column_as<LowCardinalityColumn>(b.add("lc", "LowCardinality(String)"));
  for (const char* v : {"openat", "openat", ""}) lc.append(v);
  auto& lcn = column_as<LowCardinalityColumn>(b.add("lcn", "LowCardinality(Nullable(String))"));
  lcn.append("comm");
  lcn.append_null();
  lcn.append("");
  auto& ni = column_as<NullableColumn>(b.add("ni", "Nullable(Int32)"));
  column_as<Int32Column>(ni.nested()).append(-1);
  ni.mark_value();
  ni.append_null();
  column_as<Int32Column>(ni.nested()).append(0);
  ni.mark_value();
  auto& ns = column_as<NullableColumn>(b.add("ns", "Nullable(String)"));
  for (const char* v : {"x", ""}) {
    column_as<StringColumn>(ns.nested()).append(v);
    ns.mark_value();
  }
  ns.append_null();
  auto& au = column_as<ArrayColumn>(b.add("au", "Array(UInt32)"));
  column_as<UInt32Column>(au.nested()).append({1, 2, 3});
  au.end_row();
  au.end_row();
  column_as<UInt32Column>(au.nested()).append(UINT32_MAX);
  au.end_row();
  auto& as = column_as<ArrayColumn>(b.add("as", "Array(String)"));
  column_as<StringColumn>(as.nested()).append("a");
  column_as<StringColumn>(as.nested()).append("");
  as.end_row();
  as.end_row();
  column_as<StringColumn>(as.nested()).append("b");
  as.end_row();
  auto& an = column_as<ArrayColumn>(b.add("an", "Array(Nullable(UInt8))"));
  auto& an_inner = column_as<NullableColumn>(an.nested());
  an_inner.append_null();
  column_as<UInt8Column>(an_inner.nested()).append(1);
  an_inner.mark_value();
  an.end_row();
  an.end_row();
  an_inner.append_null();
  an.end_row();
  auto& al = column_as<ArrayColumn>(b.add("al", "Array(LowCardinality(String))"));
  for (const char* v : {"x", "y", "x"}) column_as<LowCardinalityColumn>(al.nested()).append(v);
  al.end_row();
  al.end_row();
  al.end_row();
  return b;
}

std::string temp_path(const char* name) {
  return (fs::temp_directory_path() / ("ior_native_" + std::to_string(::getpid()) + "_" + name)).string();
}

// chDB's text of every column: toString() per value, arrays element-wise,
// with NULL spelled out and zero bytes as \0, so it compares with Expected.
std::string chdb_text_select(const std::string& source) {
  std::string sql = "SELECT ";
  bool first = true;
  for (const auto& e : expected()) {
    if (!first) sql += ", ";
    first = false;
    std::string c = e.name;
    std::string t = e.type;
    std::string v;
    if (t.rfind("Array(", 0) == 0) {
      bool quoted = t.find("String") != std::string::npos;
      std::string elem = quoted ? "concat('\\'', toString(x), '\\'')" : "ifNull(toString(x), 'NULL')";
      v = "concat('[', arrayStringConcat(arrayMap(x -> " + elem + ", " + c + "), ','), ']')";
    } else if (t == "FixedString(4)") {
      v = "hex(" + c + ")";
    } else {
      v = "ifNull(toString(" + c + "), 'NULL')";
    }
    sql += v + " AS " + c + "_text, toTypeName(" + c + ") AS " + c + "_type";
  }
  return sql + " FROM " + source;
}

void expect_rows_match(const std::vector<std::string>& rows) {
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) {
    for (const auto& e : expected()) {
      EXPECT_EQ(testing::json_field(rows[r], std::string(e.name) + "_text"), e.text[r]) << e.name << " row " << r << ": " << rows[r];
      EXPECT_EQ(testing::json_field(rows[r], std::string(e.name) + "_type"), e.type) << e.name;
    }
  }
}

TEST(NativeChdbTest, ChdbReadsEveryColumnTypeIorEncodes) {
  IOR_REQUIRE_READERS();
  std::string path = temp_path("ior.native");
  {
    std::string bytes;
    wire::WireWriter w(bytes);
    write_block(ior_block(), w, {.with_info = false});
    std::ofstream(path, std::ios::binary) << bytes;
  }
  expect_rows_match(testing::reader_query("chdb", chdb_text_select("file('" + path + "', Native)")));
  fs::remove(path);
}

TEST(NativeChdbTest, IorDecodesWhatChdbWrites) {
  IOR_REQUIRE_READERS();
  // chDB re-writes ior's file through its own Native writer (its own
  // LowCardinality granules and dictionaries); ior decodes that.
  std::string in = temp_path("in.native");
  std::string out = temp_path("chdb.native");
  {
    std::string bytes;
    wire::WireWriter w(bytes);
    write_block(ior_block(), w, {.with_info = false});
    std::ofstream(in, std::ios::binary) << bytes;
  }
  fs::remove(out);
  testing::reader_query("chdb", "INSERT INTO FUNCTION file('" + out + "', Native) SELECT * FROM file('" + in +
                                    "', Native)");
  std::ifstream f(out, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string bytes = ss.str();
  ASSERT_FALSE(bytes.empty());
  wire::MemoryReader r(bytes);
  Block b = read_block(r, {.with_info = false}, {});
  EXPECT_TRUE(r.at_end());
  ASSERT_EQ(b.rows(), 3u);
  ASSERT_EQ(b.column_count(), expected().size());
  for (std::size_t c = 0; c < b.column_count(); ++c) {
    const Expected& e = expected()[c];
    EXPECT_EQ(b.at(c).name, e.name);
    // chDB's Native writer leaves the time zone out of DateTime('UTC').
    EXPECT_EQ(b.at(c).column->type().name, std::string(e.name) == "dt" ? "DateTime" : e.type);
  }
  // Values that text() renders the way toString() does.
  EXPECT_EQ(column_as<UInt64Column>(b.column("u64")).at(1), UINT64_MAX);
  EXPECT_EQ(column_as<Int64Column>(b.column("i64")).at(1), INT64_MIN);
  EXPECT_EQ(column_as<Float64Column>(b.column("f64")).at(1), -1e300);
  EXPECT_EQ(column_as<StringColumn>(b.column("s")).at(1), "it's \"quoted\"\\");
  EXPECT_EQ(column_as<FixedStringColumn>(b.column("fs")).at(1), std::string("ab\0\0", 4));
  EXPECT_EQ(column_as<UuidColumn>(b.column("id")).at(0).text(), "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
  EXPECT_EQ(column_as<DateColumn>(b.column("d")).at(0), 19675);
  EXPECT_EQ(column_as<DateTime64Column>(b.column("dt64")).at(0), 1700000000123456789);
  auto& lc = column_as<LowCardinalityColumn>(b.column("lc"));
  EXPECT_EQ(lc.at(0), "openat");
  EXPECT_EQ(lc.at(2), "");
  auto& lcn = column_as<LowCardinalityColumn>(b.column("lcn"));
  EXPECT_EQ(lcn.text(0), "comm");
  EXPECT_TRUE(lcn.is_null(1));
  EXPECT_FALSE(lcn.is_null(2));
  EXPECT_EQ(lcn.at(2), "");
  EXPECT_TRUE(column_as<NullableColumn>(b.column("ni")).is_null(1));
  EXPECT_TRUE(column_as<NullableColumn>(b.column("ns")).is_null(2));
  EXPECT_EQ(b.column("au").text(0), "[1,2,3]");
  EXPECT_EQ(b.column("au").text(2), "[4294967295]");
  EXPECT_EQ(b.column("as").text(0), "['a','']");
  EXPECT_EQ(b.column("an").text(0), "[NULL,1]");
  EXPECT_EQ(b.column("al").text(0), "['x','y','x']");
  fs::remove(in);
  fs::remove(out);
}

TEST(NativeChdbTest, ManyDistinctLowCardinalityValuesSurviveChdbsGranules) {
  IOR_REQUIRE_READERS();
  // 100 000 distinct values: chDB splits the dictionary into granules when
  // it writes; reading them back must give every value in order.
  std::string out = temp_path("lc.native");
  fs::remove(out);
  testing::reader_query("chdb", "INSERT INTO FUNCTION file('" + out +
                                    "', Native) SELECT toLowCardinality(toString(number % 100000)) AS v "
                                    "FROM numbers(300000)");
  std::ifstream f(out, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string bytes = ss.str();
  wire::MemoryReader r(bytes);
  std::size_t row = 0;
  while (!r.at_end()) {
    Block b = read_block(r, {.with_info = false}, {});
    auto& v = column_as<LowCardinalityColumn>(b.column("v"));
    for (std::size_t i = 0; i < v.size(); ++i, ++row) {
      ASSERT_EQ(v.at(i), std::to_string(row % 100000)) << "row " << row;
    }
  }
  EXPECT_EQ(row, 300000u);
  fs::remove(out);
}

}  // namespace
}  // namespace ior::clickhouse::columns
