#include <gtest/gtest.h>

#include "live/format.hpp"
#include "live/table.hpp"

namespace ior::live {
namespace {

Table sample() {
  Table t;
  t.columns = {{"NAME", false, true}, {"N", true, false}};
  t.rows.push_back({{Cell{"b", 0, {}}, Cell{"2", 2, {}}}, "b"});
  t.rows.push_back({{Cell{"a", 0, {}}, Cell{"10", 10, {}}}, "a"});
  t.rows.push_back({{Cell{"c,\"x\"\n", 0, {}}, Cell{"2", 2, {}}}, "c"});
  return t;
}

TEST(Table, SortsNumbersByValueAndNamesByBytes) {
  Table t = sample();
  sort_table(t, 1, true);
  EXPECT_EQ(t.rows[0].drill, "a");
  EXPECT_EQ(t.rows[1].drill, "b");  // tie on 2: by the first column
  EXPECT_EQ(t.rows[2].drill, "c");
  sort_table(t, 1, false);
  EXPECT_EQ(t.rows[2].drill, "a");
  sort_table(t, 0, false);
  EXPECT_EQ(t.rows[0].drill, "a");
  EXPECT_EQ(t.sort_column, 0u);
  EXPECT_FALSE(t.descending);
  EXPECT_EQ(t.column("N"), 1u);
  EXPECT_EQ(t.column("nope"), 2u);
}

TEST(Table, CsvQuotesWhatNeedsIt) {
  Table t = sample();
  t.rows[0].cells[1].csv = "2.000";
  EXPECT_EQ(table_csv(t), "NAME,N\nb,2.000\na,10\n\"c,\"\"x\"\"\\n\",2\n");
}

// The export is the view as on screen: a name's ESC sequence, line break or
// invalid UTF-8 is escaped as the view and the console escape it (written
// raw, it cleared the screen of whoever ran cat on the file, forged rows).
TEST(Table, CsvEscapesNamesAsTheScreenDoes) {
  Table t;
  t.columns = {{"FILE", false, true}, {"CONTAINER", false, false}};
  t.rows.push_back({{Cell{"/tmp/\x1b[2J\nx,y\xff\u00e9", 0, {}}, Cell{"c", 0, "id\r\x9b"}}, ""});
  EXPECT_EQ(table_csv(t), "FILE,CONTAINER\n\"/tmp/\\x1b[2J\\nx,y\\xff\u00e9\",id\\r\\x9b\n");
}

TEST(Format, Numbers) {
  EXPECT_EQ(format_count(1234567), "1234567");
  EXPECT_EQ(format_rate(0), "0");
  EXPECT_EQ(format_rate(12.345), "12.3");
  EXPECT_EQ(format_rate(1234.4), "1234");
  EXPECT_EQ(format_bytes(1023), "1023");
  EXPECT_EQ(format_bytes(1536), "1.5K");
  EXPECT_EQ(format_bytes(12u << 20), "12M");
  EXPECT_EQ(format_bytes(3ull << 30), "3.0G");
  EXPECT_EQ(format_duration(0), "0");
  EXPECT_EQ(format_duration(850), "850ns");
  EXPECT_EQ(format_duration(12'300), "12.3us");
  EXPECT_EQ(format_duration(1'200'000), "1.20ms");
  EXPECT_EQ(format_duration(2'500'000'000), "2.50s");
  EXPECT_EQ(errno_name(2), "ENOENT");
  EXPECT_EQ(errno_name(13), "EACCES");
  EXPECT_EQ(errno_name(512), "ERESTARTSYS");  // the kernel's, interrupted by a signal
  EXPECT_EQ(errno_name(515), "515");
  EXPECT_EQ(errno_name(4000), "4000");
}

TEST(Format, Sparkline) {
  EXPECT_EQ(sparkline({0, 1, 2, 4, 8}, false), " __-#");
  EXPECT_EQ(sparkline({}, false), "");
  EXPECT_EQ(sparkline({0, 0}, false), "  ");
  EXPECT_EQ(sparkline({1, 8}, true), "\u2581\u2588");
}

}  // namespace
}  // namespace ior::live
