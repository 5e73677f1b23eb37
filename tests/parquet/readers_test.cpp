// Files written by ior's Parquet writer, read back by two independent real
// readers (chDB = ClickHouse 26.x, DuckDB): schema, row count, every value of
// every column, extremes, several row groups, rotated files, and row-group
// skipping through the statistics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "base/uuid_text.hpp"
#include "parquet/file_writer.hpp"
#include "parquet/parquet_sink.hpp"
#include "file_size_limit.hpp"
#include "reader_runner.hpp"
#include "schema/columns.hpp"
#include "schema/schema_version.hpp"
#include "sink/row_chunk.hpp"
#include "subprocess.hpp"
#include "thrift_reader.hpp"

namespace ior::parquet {
namespace {

using testing::reader_query;

// Owns the bytes the rows' string views point at.
struct TestRows {
  std::deque<std::string> strings;  // never moves its elements: views stay valid
  std::vector<schema::EventRow> rows;
  std::vector<schema::EventRow> written;  // rows as the file holds them (escaped text)
  std::string_view keep(std::string s) {
    strings.push_back(std::move(s));
    return strings.back();
  }
};

// Row 0 holds every column's minimum, row 1 every maximum and the awkward
// strings; the others ordinary values. timestamp_ns orders them.
TestRows make_rows(std::size_t n) {
  TestRows t;
  schema::EventRow lo;  // all zero / empty; signed ones at their minimum
  lo.ret_value = INT64_MIN;
  lo.fd = INT32_MIN;
  lo.flags = INT32_MIN;
  t.rows.push_back(lo);
  schema::EventRow hi;
  hi.timestamp_ns = UINT64_MAX;
  hi.pid = UINT32_MAX;
  hi.tid = UINT32_MAX;
  hi.trace_id = UINT16_MAX;
  hi.event_type = UINT8_MAX;
  hi.ret_value = INT64_MAX;
  hi.ret_type = UINT8_MAX;
  hi.fd = INT32_MAX;
  hi.flags = INT32_MAX;
  hi.notice = UINT8_MAX;
  hi.duration_ns = UINT64_MAX;
  hi.duration_to_prev_ns = UINT64_MAX;
  hi.comm = "max-comm";
  hi.syscall_name = "openat";
  hi.filename = t.keep("/" + std::string(4094, 'p'));             // a 4095-byte path
  hi.pathname = t.keep(std::string("/tmp/\xff\xfe\x80 not utf-8", 18));
  hi.oldname = t.keep(std::string("a\0b", 3));                     // an embedded NUL byte
  hi.newname = "x,y|\"z\"";
  hi.hostname = "host-b";
  hi.collection_id.fill(0xff);
  t.rows.push_back(hi);
  // Its pathname is not UTF-8: the row's strings are escaped (docs/PARQUET.md,
  // "Text columns"); the others have no invalid byte and no backslash. Its
  // notice has every bit already.
  schema::EventRow hi_written = hi;
  hi_written.pathname = "/tmp/\\xff\\xfe\\x80 not utf-8";
  t.written = t.rows;
  t.written.back() = hi_written;
  for (std::size_t i = 2; i < n; ++i) {
    schema::EventRow r;
    r.timestamp_ns = 1'700'000'000'000'000'000ull + i * 1000;
    r.pid = static_cast<std::uint32_t>(1000 + i % 3);
    r.tid = static_cast<std::uint32_t>(2000 + i % 5);
    r.comm = i % 2 ? "postgres" : "nginx";
    r.syscall_name = i % 3 ? "read" : "write";
    r.trace_id = static_cast<std::uint16_t>(i % 100);
    r.event_type = 4;
    r.ret_value = static_cast<std::int64_t>(i * 512);
    r.ret_type = 2;
    r.fd = static_cast<std::int32_t>(3 + i % 4);
    r.filename = t.keep("/var/lib/data/file-" + std::to_string(i % 7));
    r.flags = 02;
    r.duration_ns = 1000 + i;
    r.duration_to_prev_ns = 10 * i;
    r.hostname = "host-a";
    r.collection_id[0] = static_cast<std::uint8_t>(i);
    t.rows.push_back(r);
    t.written.push_back(r);
  }
  return t;
}

std::string hex(std::string_view s) {
  static const char* d = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

// The expected canonical line: integers in decimal, strings in hex, UUID as text.
std::string expected_line(const schema::EventRow& r) {
  std::string out;
  schema::for_each_column([&](const auto& c) {
    if (!out.empty()) out += '|';
    const auto& v = r.*c.member;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      out += hex(v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      out += uuid_text(v);
    } else {
      out += std::to_string(+v);
    }
  });
  return out;
}

// The same canonical line computed by the reader.
std::string line_sql(const std::string& engine, const std::string& from) {
  std::string parts;
  for (const auto& c : schema::kColumnInfo) {
    if (!parts.empty()) parts += ", ";
    std::string col(c.name);
    bool text = c.type == schema::ColumnType::kString ||
                c.type == schema::ColumnType::kLowCardinalityString;
    if (text) {
      parts += "hex(" + col + ")";
    } else {
      parts += engine == "chdb" ? "toString(" + col + ")" : "CAST(" + col + " AS VARCHAR)";
    }
  }
  return "SELECT concat_ws('|', " + parts + ") AS line FROM " + from + " ORDER BY timestamp_ns";
}

std::string from_clause(const std::string& engine, const std::string& path) {
  return engine == "chdb" ? "file('" + path + "', Parquet)" : "read_parquet('" + path + "')";
}

class ReadersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ior-parquet-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void expect_all_values(const std::string& from, const std::vector<schema::EventRow>& rows) {
    auto lines = reader_query(GetParam(), line_sql(GetParam(), from));
    ASSERT_EQ(lines.size(), rows.size());
    std::vector<schema::EventRow> sorted = rows;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.timestamp_ns < b.timestamp_ns; });
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      EXPECT_EQ(testing::json_field(lines[i], "line"), expected_line(sorted[i])) << "row " << i;
    }
  }

  std::filesystem::path dir_;
};

TEST_P(ReadersTest, EveryValueOfEveryColumnInSeveralRowGroups) {
  IOR_REQUIRE_READERS();
  auto t = make_rows(23);
  WriterOptions o;
  o.row_group_rows = 5;  // 5 row groups
  std::string path = (dir_ / "values.parquet").string();
  FileWriter w(path, o);
  for (const auto& r : t.rows) w.append(r);
  w.close();
  expect_all_values(from_clause(GetParam(), path), t.written);
}

TEST_P(ReadersTest, EveryCodecAndThePlainFallbackReadBack) {
  IOR_REQUIRE_READERS();
  auto t = make_rows(40);
  for (auto codec : {Compression::kNone, Compression::kSnappy, Compression::kZstd}) {
    WriterOptions o;
    o.compression = codec;
    o.dictionary_limit_bytes = 64;  // most string chunks fall back to PLAIN
    o.data_page_bytes = 100;        // many small pages
    std::string path = (dir_ / ("codec" + std::to_string(static_cast<int>(codec)) + ".parquet")).string();
    FileWriter w(path, o);
    for (const auto& r : t.rows) w.append(r);
    w.close();
    expect_all_values(from_clause(GetParam(), path), t.written);
  }
}

// Larger row groups: the low-cardinality integer and UUID columns are
// dictionary-encoded (with the extremes among their values), the others PLAIN.
TEST_P(ReadersTest, DictionaryEncodedFixedWidthColumnsReadBack) {
  IOR_REQUIRE_READERS();
  auto t = make_rows(1000);
  for (std::size_t i = 2; i < t.rows.size(); ++i) {
    t.rows[i].collection_id[0] = static_cast<std::uint8_t>(i % 4);
    t.written[i].collection_id[0] = static_cast<std::uint8_t>(i % 4);
  }
  WriterOptions o;
  o.row_group_rows = 500;
  std::string path = (dir_ / "dict.parquet").string();
  FileWriter w(path, o);
  for (const auto& r : t.rows) w.append(r);
  w.close();
  auto f = testkit::read_parquet(path);
  std::set<std::string> dictionary_columns;
  for (const auto& chunk : f.meta[4].elems.at(0)[1].elems) {
    if (chunk[3].has(11)) dictionary_columns.insert(chunk[3][3].elems.at(0).bin);
  }
  for (const char* c : {"pid", "tid", "trace_id", "event_type", "fd", "flags", "collection_id", "comm"}) {
    EXPECT_EQ(dictionary_columns.count(c), 1u) << c;
  }
  for (const char* c : {"timestamp_ns", "ret_value", "duration_ns"}) EXPECT_EQ(dictionary_columns.count(c), 0u) << c;
  expect_all_values(from_clause(GetParam(), path), t.written);
}

TEST_P(ReadersTest, SchemaTypesAreTheTablesTypes) {
  IOR_REQUIRE_READERS();
  auto t = make_rows(3);
  std::string path = (dir_ / "schema.parquet").string();
  FileWriter w(path, WriterOptions{});
  for (const auto& r : t.rows) w.append(r);
  w.close();
  bool chdb = GetParam() == "chdb";
  auto lines = reader_query(GetParam(), chdb ? "DESCRIBE file('" + path + "', Parquet)"
                                             : "DESCRIBE SELECT * FROM read_parquet('" + path + "')");
  ASSERT_EQ(lines.size(), schema::kColumnCount);
  // DuckDB's names for the ClickHouse types (every string column is text, docs/PARQUET.md).
  const std::map<schema::ColumnType, std::string> duck = {
      {schema::ColumnType::kUInt8, "UTINYINT"},   {schema::ColumnType::kUInt16, "USMALLINT"},
      {schema::ColumnType::kUInt32, "UINTEGER"},  {schema::ColumnType::kUInt64, "UBIGINT"},
      {schema::ColumnType::kInt32, "INTEGER"},    {schema::ColumnType::kInt64, "BIGINT"},
      {schema::ColumnType::kString, "VARCHAR"},      {schema::ColumnType::kLowCardinalityString, "VARCHAR"},
      {schema::ColumnType::kUuid, "UUID"}};
  for (std::size_t i = 0; i < schema::kColumnCount; ++i) {
    const auto& c = schema::kColumnInfo[i];
    EXPECT_EQ(testing::json_field(lines[i], chdb ? "name" : "column_name"), c.name);
    std::string want = chdb ? (c.type == schema::ColumnType::kLowCardinalityString
                                   ? "String"
                                   : std::string(schema::clickhouse_type_name(c.type)))
                            : duck.at(c.type);
    EXPECT_EQ(testing::json_field(lines[i], chdb ? "type" : "column_type"), want) << c.name;
  }
}

// Every string column is text to both readers: LIKE, strpos (position) and
// regular expressions on filename need no cast. A name that is not UTF-8 is
// found through its escape and notice bit 64 and comes back byte-exact
// through the reversal docs/PARQUET.md gives for each reader; a valid name
// holding "\xff" as four characters is stored as it is.
TEST_P(ReadersTest, TextColumnsAreQueriedWithoutCastsAndEscapedNamesReverse) {
  IOR_REQUIRE_READERS();
  const bool chdb = GetParam() == "chdb";
  const std::vector<std::string> names = {"/var/lib/pg/base.db", "/var/lib/pg/wal.log", "/home/u/caf\xc3\xa9.db",
                                          "/tmp/bad\xff\xfe" ".db", "/tmp/back\\slash\\xff", "/tmp/lit\\x41"};
  std::string path = (dir_ / "text.parquet").string();
  {
    FileWriter w(path, WriterOptions{});
    for (std::size_t i = 0; i < names.size(); ++i) {
      schema::EventRow r;
      r.timestamp_ns = i;
      r.comm = "c";
      r.filename = names[i];
      r.passed_name = names[i];
      w.append(r);
    }
    w.close();
  }
  const std::string from = from_clause(GetParam(), path);
  auto one = [&](const std::string& sql, const std::string& key) {
    auto lines = reader_query(GetParam(), sql);
    EXPECT_EQ(lines.size(), 1u) << sql;
    return lines.empty() ? std::string() : testing::json_field(lines[0], key);
  };
  EXPECT_EQ(one("SELECT count(*) AS n FROM " + from + " WHERE filename LIKE '%.db'", "n"), "3");
  EXPECT_EQ(one("SELECT count(*) AS n FROM " + from + " WHERE " +
                    (chdb ? "position(filename, '/var/lib') = 1" : "strpos(filename, '/var/lib') = 1"), "n"),
            "2");
  EXPECT_EQ(one("SELECT count(*) AS n FROM " + from + " WHERE " +
                    (chdb ? "match(filename, '/pg/[a-z]+[.](db|log)$')"
                          : "regexp_matches(filename, '/pg/[a-z]+[.](db|log)$')"), "n"),
            "2");
  // Characters, not bytes: é is one (ClickHouse's length() counts bytes).
  EXPECT_EQ(one(std::string("SELECT max(") + (chdb ? "lengthUTF8" : "length") + "(filename)) AS n FROM " + from +
                    " WHERE filename LIKE '/home/%'", "n"),
            "15");
  // The name that is not UTF-8: escaped, flagged, and reversible.
  const std::string bit = chdb ? "bitAnd(notice, 64) != 0" : "(notice & 64) != 0";
  // docs/PARQUET.md's reversals, whole: every row's name comes back, the
  // valid ones too (DuckDB's VARCHAR -> BLOB cast, which the docs had used
  // for them, reads a valid "\x41" as one byte and refuses é).
  const std::string reverse =
      chdb ? "if(" + bit +
                 ", arrayStringConcat(arrayMap(t -> multiIf(t = '\\\\\\\\', '\\\\', startsWith(t, '\\\\x'), "
                 "unhex(substring(t, 3)), t), extractAll(filename, '\\\\\\\\\\\\\\\\|\\\\\\\\x[0-9a-f]{2}|[^\\\\\\\\]+'))), "
                 "filename)"
           : "CASE WHEN (notice & 64) = 0 THEN encode(filename) ELSE list_reduce(list_transform("
             "regexp_extract_all(filename, '\\\\\\\\|\\\\x[0-9a-f]{2}|[^\\\\]+'), t -> CASE WHEN t = '\\\\' THEN "
             "encode('\\') WHEN t[1:2] = '\\x' THEN unhex(t[3:]) ELSE encode(t) END), (a, b) -> a || b, "
             "''::BLOB) END";
  auto originals = reader_query(GetParam(), "SELECT hex(" + reverse + ") AS original FROM " + from +
                                                " ORDER BY timestamp_ns");
  ASSERT_EQ(originals.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(testing::json_field(originals[i], "original"), hex(names[i])) << i;
  }
  auto escaped = reader_query(GetParam(), "SELECT hex(filename) AS f, hex(passed_name) AS p FROM " + from +
                                              " WHERE " + bit);
  ASSERT_EQ(escaped.size(), 1u);
  EXPECT_EQ(testing::json_field(escaped[0], "f"), hex("/tmp/bad\\xff\\xfe.db"));
  EXPECT_EQ(testing::json_field(escaped[0], "p"), hex("/tmp/bad\\xff\\xfe.db"));
  EXPECT_EQ(one("SELECT hex(filename) AS f FROM " + from + " WHERE filename LIKE '%slash%' AND NOT " + bit, "f"),
            hex(names[4]));
}

// Rows as the sink's thread gets them: from a chunk, with the strings equal to
// the previous row's marked, which the writer stores by repeating the
// previous dictionary index. Every way that could store a wrong value is
// here: a row group cut inside a run, a run across an escaped row (escaping
// is per row and changes the backslash), a row the writer never got before
// a repeat of it, and a dictionary that overflows into PLAIN mid-run.
TEST_P(ReadersTest, RepeatedStringsFromChunksReadBackExactly) {
  IOR_REQUIRE_READERS();
  const std::string slash = "/tmp/back\\slash";
  std::vector<schema::EventRow> rows(21);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    schema::EventRow& r = rows[i];
    r.timestamp_ns = 1'000 + i;
    r.comm = "a";
    r.hostname = "h";
    r.filename = i < 6 ? std::string_view(slash) : i < 8 ? "/x/one" : i < 11 ? "/x/two" : "/x/three";
  }
  rows[2].pathname = "\xff bad";  // not UTF-8: row 2's strings are escaped
  const std::size_t skipped = 8;  // the first row of "/x/two", never given to the writer

  std::vector<schema::EventRow> expected;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == skipped) continue;
    expected.push_back(rows[i]);
  }
  expected[2].filename = "/tmp/back\\\\slash";
  expected[2].pathname = "\\xff bad";
  expected[2].notice = schema::kNoticeEscaped;

  const std::size_t filename = schema::column_index("filename");
  ASSERT_LT(filename, schema::kColumnCount);
  for (std::size_t limit : {std::size_t{1} << 20, std::size_t{30}}) {
    sink::RowChunk chunk;
    for (const auto& r : rows) chunk.append(r);
    WriterOptions o;
    // Groups of 5 rows: the rows around the skipped one share a group.
    o.row_group_rows = 5;
    // 30: the dictionaries of filename overflow at rows 2 and 9, inside runs.
    o.dictionary_limit_bytes = limit;
    std::string path = (dir_ / ("repeats-" + std::to_string(limit) + ".parquet")).string();
    FileWriter w(path, o);
    std::set<std::uint32_t> marked;
    chunk.for_each_row([&](const schema::EventRow& r, const schema::RowRepeats& repeats) {
      if (repeats.same(filename)) marked.insert(repeats.row);
      if (repeats.row != skipped) w.append(r, repeats);
    });
    w.close();
    // The cases above happened: runs across the escaped row and after the skipped one.
    EXPECT_TRUE(marked.count(3) && marked.count(9) && marked.count(12)) << "limit " << limit;
    expect_all_values(from_clause(GetParam(), path), expected);
  }
}

TEST_P(ReadersTest, RotatedFilesAreEachCompleteAndTogetherHoldEveryRow) {
  IOR_REQUIRE_READERS();
  auto t = make_rows(10);
  ParquetSinkOptions o;
  o.path = (dir_ / "rot.parquet").string();
  o.rotate_rows = 4;
  {
    ParquetSink sink(o);
    for (const auto& r : t.rows) sink.consume(r);
    sink.close();
    EXPECT_EQ(sink.report().rows_written, 10u);
  }
  std::size_t total = 0;
  for (int n = 1; n <= 3; ++n) {
    std::string path = ParquetSink::rotated_path(o.path, static_cast<std::uint64_t>(n));
    auto lines = reader_query(GetParam(), "SELECT count(*) AS n FROM " + from_clause(GetParam(), path));
    ASSERT_EQ(lines.size(), 1u);
    total += std::stoul(testing::json_field(lines[0], "n"));
  }
  EXPECT_EQ(total, 10u);
  expect_all_values(from_clause(GetParam(), (dir_ / "rot.*.parquet").string()), t.written);
}

// Proof of skipping: every row group but one is overwritten with garbage
// (the footer stays intact). A query whose timestamp range only the intact
// group's statistics admit must still succeed; a full scan must fail.
TEST_P(ReadersTest, StatisticsLetReadersSkipRowGroupsOnATimestampRange) {
  IOR_REQUIRE_READERS();
  std::string path = (dir_ / "skip.parquet").string();
  std::vector<std::pair<std::int64_t, std::int64_t>> groups;  // [start, end) per row group
  {
    WriterOptions o;
    o.row_group_rows = 1000;
    FileWriter w(path, o);
    std::int64_t start = 4;
    for (int i = 0; i < 10000; ++i) {
      schema::EventRow r;
      r.timestamp_ns = 1'000'000u + static_cast<std::uint64_t>(i);
      r.comm = "c";
      w.append(r);
      if (w.rows_buffered() == 0) {
        groups.emplace_back(start, static_cast<std::int64_t>(w.bytes_written()));
        start = static_cast<std::int64_t>(w.bytes_written());
      }
    }
    w.close();
  }
  ASSERT_EQ(groups.size(), 10u);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (g == 5) continue;
      f.seekp(groups[g].first);
      std::string junk(static_cast<std::size_t>(groups[g].second - groups[g].first), '\xab');
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  auto from = from_clause(GetParam(), path);
  auto lines = reader_query(GetParam(), "SELECT count(*) AS n, min(timestamp_ns) AS lo FROM " + from +
                                            " WHERE timestamp_ns BETWEEN 1005100 AND 1005199");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(testing::json_field(lines[0], "n"), "100");
  EXPECT_EQ(testing::json_field(lines[0], "lo"), "1005100");
  EXPECT_THROW(reader_query(GetParam(), "SELECT count(*) FROM " + from + " WHERE comm = 'c'"),
               std::runtime_error);
}

// A write error part way (here EFBIG from a file-size limit; a full disk is
// the same to the writer) leaves a file both readers read: every row of the
// complete row groups, exactly.
TEST_P(ReadersTest, AFileCutShortByAWriteErrorHoldsItsCompleteRowGroups) {
  IOR_REQUIRE_READERS();
  auto t = make_rows(2000);
  ParquetSinkOptions o;
  o.writer.row_group_rows = 500;
  o.writer.compression = Compression::kNone;
  o.path = (dir_ / "probe.parquet").string();
  std::uint64_t end_of_group_4 = 0;
  {
    FileWriter w(o.path, o.writer);
    for (const auto& r : t.rows) w.append(r);
    end_of_group_4 = w.bytes_written();
  }
  o.path = (dir_ / "cut.parquet").string();
  sink::SinkReport report;
  {
    testkit::FileSizeLimit limit(end_of_group_4 - 1);  // the 4th row group does not fit
    ParquetSink sink(o);
    for (const auto& r : t.rows) sink.consume(r);
    sink.close();
    report = sink.report();
  }
  EXPECT_TRUE(report.failed);
  EXPECT_EQ(report.rows_written, 1500u);
  EXPECT_EQ(report.rows_lost, 500u);
  expect_all_values(from_clause(GetParam(), o.path),
                    std::vector<schema::EventRow>(t.written.begin(), t.written.begin() + 1500));
}

TEST(ReadersMetadata, DuckDbReadsTheKeyValueMetadata) {
  IOR_REQUIRE_READERS();
  auto dir = std::filesystem::temp_directory_path() / ("ior-kv-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  ParquetSinkOptions o;
  o.path = (dir / "kv.parquet").string();
  o.writer.metadata = {{"ior.version", "1.2.3"}, {"ior.collection_id", "00000000-0000-0000-0000-000000000007"}};
  {
    ParquetSink sink(o);
    sink.consume(make_rows(3).rows[2]);
    sink.close();
  }
  auto lines = reader_query("duckdb", "SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('" +
                                          o.path + "') ORDER BY k");
  std::map<std::string, std::string> kv;
  for (const auto& l : lines) kv[testing::json_field(l, "k")] = testing::json_field(l, "v");
  EXPECT_EQ(kv["ior.version"], "1.2.3");
  EXPECT_EQ(kv["ior.schema_version"], std::to_string(schema::kSchemaVersion));  // written by every FileWriter
  EXPECT_EQ(kv["ior.collection_id"], "00000000-0000-0000-0000-000000000007");
  EXPECT_EQ(kv.count("ior.start_time"), 1u);
  EXPECT_EQ(kv.count("ior.end_time"), 1u);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Readers, ReadersTest, ::testing::Values("chdb", "duckdb"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace ior::parquet
