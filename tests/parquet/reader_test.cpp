// ior's Parquet reader against files of ior's writer: every column reads
// back as written (each codec, dictionary and PLAIN string chunks, several
// row groups), projection leaves other columns at their defaults, min/max
// statistics skip exactly the row groups that cannot match, ior 0.1.0's
// file reads with its missing columns absent, and truncated or corrupted
// files end in one FormatError, never a crash.
#include "parquet/reader/file_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base/error.hpp"
#include "parquet/file_writer.hpp"
#include "parquet/thrift/compact_reader.hpp"
#include "schema/columns.hpp"

namespace ior::parquet::reader {
namespace {

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ior-rd-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

// Rows that use every column; strings live in the deque.
struct Rows {
  std::deque<std::string> text;
  std::vector<schema::EventRow> rows;

  std::string_view keep(std::string s) { return text.emplace_back(std::move(s)); }

  void make(std::size_t n, std::size_t distinct_paths) {
    for (std::size_t i = 0; i < n; ++i) {
      schema::EventRow r;
      r.timestamp_ns = 1'767'225'600'000'000'000ull + i * 1000;
      r.pid = static_cast<std::uint32_t>(1000 + i % 5);
      r.tid = static_cast<std::uint32_t>(2000 + i % 11);
      r.ppid = 1;
      r.uid = static_cast<std::uint32_t>(i % 2 ? 0 : 4'000'000'000u);  // above INT32_MAX
      r.gid = 7;
      r.comm = i % 3 ? "worker" : "main";
      r.cgroup_id = 0xfedcba9876543210ull + i % 2;
      r.cgroup = "/system.slice/x.service";
      r.container_id = i % 4 ? "" : "abc123";
      r.syscall_name = i % 2 ? "read" : "openat";
      r.trace_id = static_cast<std::uint16_t>(i % 2 ? 1 : 60000);
      r.event_type = static_cast<std::uint8_t>(i % 9);
      r.ret_value = i % 7 ? static_cast<std::int64_t>(i) : -2;
      r.ret_type = static_cast<std::uint8_t>(i % 7 ? 2 : 3);
      r.bytes = i * 4096;
      r.byte_class = i % 2 ? "read" : "none";
      r.fd = static_cast<std::int32_t>(i % 13) - 1;
      r.filename = keep("/data/f" + std::to_string(i % distinct_paths) + (i % 17 == 0 ? ",\"q\"\n" : ""));
      r.fd2 = -1;
      r.filename2 = "";
      r.pathname = i % 5 ? "" : keep(std::string("/bin\xff\x01") + std::to_string(i));
      r.oldname = "";
      r.newname = i % 19 ? "" : "/n";
      r.passed_name = "rel";
      r.passed_newname = "";
      r.flags = static_cast<std::int32_t>(0x80000 | (i % 3));
      r.notice = static_cast<std::uint8_t>(i % 64);
      r.duration_ns = 100 + (i * 7919) % 100'000;
      r.duration_to_prev_ns = i;
      r.hostname = "host";
      for (std::size_t b = 0; b < 16; ++b) r.collection_id[b] = static_cast<std::uint8_t>(b * 17 + i % 2);
      rows.push_back(r);
    }
  }
};

void write_file(const std::string& p, const std::vector<schema::EventRow>& rows, WriterOptions o) {
  FileWriter w(p, std::move(o));
  for (const auto& r : rows) w.append(r);
  w.close();
}

std::vector<std::string_view> all_columns() {
  std::vector<std::string_view> c;
  for (const auto& i : schema::kColumnInfo) c.push_back(i.name);
  return c;
}

// Each row as text, column by column, so a mismatch names its column.
std::string describe(const schema::EventRow& r) {
  std::ostringstream o;
  schema::for_each_column([&](const auto& c) {
    const auto& v = r.*c.member;
    using T = std::decay_t<decltype(v)>;
    o << c.name << "=";
    if constexpr (std::is_same_v<T, std::string_view>) {
      o << std::string(v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      for (auto b : v) o << static_cast<int>(b) << ".";
    } else {
      o << +v;
    }
    o << " ";
  });
  return o.str();
}

std::vector<std::string> read_all(const std::string& p, const std::vector<std::string_view>& cols,
                                  const std::vector<RangeCondition>& where = {}, ReadStats* stats = nullptr) {
  FileReader r(std::make_unique<FileSource>(p));
  std::vector<std::string> out;
  r.read(cols, where, [&](std::span<const schema::EventRow> rows) {
    for (const auto& row : rows) out.push_back(describe(row));
  });
  if (stats) *stats = r.stats();
  return out;
}

TEST_F(ReaderTest, EveryColumnReadsBackAsWrittenWithEachCodec) {
  Rows rows;
  rows.make(2500, 40);
  for (auto codec : {Compression::kZstd, Compression::kSnappy, Compression::kNone}) {
    WriterOptions o;
    o.compression = codec;
    o.row_group_rows = 1000;
    o.data_page_bytes = 4096;  // many pages per chunk
    std::string p = path("c" + std::to_string(static_cast<int>(codec)) + ".parquet");
    write_file(p, rows.rows, o);
    auto got = read_all(p, all_columns());
    ASSERT_EQ(got.size(), rows.rows.size());
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], describe(rows.rows[i])) << "row " << i;
  }
}

TEST_F(ReaderTest, PlainStringChunksWhenTheDictionaryOverflows) {
  Rows rows;
  rows.make(3000, 3000);  // every path distinct
  WriterOptions o;
  o.row_group_rows = 1500;
  o.dictionary_limit_bytes = 2048;  // string chunks fall back to PLAIN
  std::string p = path("plain.parquet");
  write_file(p, rows.rows, o);
  auto got = read_all(p, all_columns());
  ASSERT_EQ(got.size(), rows.rows.size());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], describe(rows.rows[i])) << "row " << i;
}

TEST_F(ReaderTest, ProjectionLeavesOtherColumnsAtTheirDefaults) {
  Rows rows;
  rows.make(10, 3);
  std::string p = path("p.parquet");
  write_file(p, rows.rows, {});
  FileReader r(std::make_unique<FileSource>(p));
  std::vector<schema::EventRow> got;
  std::vector<std::string> names;
  r.read({"pid", "filename"}, {}, [&](std::span<const schema::EventRow> b) {
    for (const auto& row : b) {
      got.push_back(row);
      names.emplace_back(row.filename);
    }
  });
  ASSERT_EQ(got.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(got[i].pid, rows.rows[i].pid);
    EXPECT_EQ(names[i], rows.rows[i].filename);
    EXPECT_EQ(got[i].timestamp_ns, 0u);
    EXPECT_EQ(got[i].fd, -1);
    EXPECT_TRUE(got[i].comm.empty());
  }
}

// The writer stores a row with a name that is not UTF-8 escaped, with
// notice bit 64 (docs/PARQUET.md, "Text columns"); the reader gives the
// traced bytes back and clears the bit, also when notice is not asked for
// (then it stays at its default). A row flagged by someone else whose
// strings are no escape is one FormatError naming the column.
TEST_F(ReaderTest, EscapedRowsComeBackAsTracedAndAForgedEscapeIsRefused) {
  Rows rows;
  schema::EventRow odd;
  odd.comm = "back\\slash";
  odd.filename = rows.keep("/tmp/\\xff is text, \xff\xfe\x80 are bytes \xc3");
  odd.oldname = rows.keep(std::string("/n\0ul", 5));
  odd.notice = schema::kNoticeTruncated;
  schema::EventRow plain;
  plain.comm = "c";
  plain.filename = "/tmp/\\xff";  // valid UTF-8: stored as it is, never unescaped
  plain.notice = schema::kNoticeCwdFromProc;
  for (int i = 0; i < 1500; ++i) rows.rows.push_back(i % 3 ? plain : odd);
  const std::string p = path("e.parquet");
  WriterOptions o;
  o.row_group_rows = 700;
  write_file(p, rows.rows, o);
  auto got = read_all(p, all_columns());
  ASSERT_EQ(got.size(), rows.rows.size());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], describe(rows.rows[i])) << "row " << i;

  FileReader r(std::make_unique<FileSource>(p));
  std::size_t n = 0;
  r.read({"filename"}, {}, [&](std::span<const schema::EventRow> b) {
    for (const auto& row : b) {
      EXPECT_EQ(row.filename, rows.rows[n].filename) << n;
      EXPECT_EQ(row.notice, 0) << n;
      ++n;
    }
  });
  EXPECT_EQ(n, rows.rows.size());

  schema::EventRow forged;
  forged.filename = "/tmp/not\\an escape";
  forged.notice = schema::kNoticeEscaped;
  const std::string f = path("f.parquet");
  write_file(f, {forged}, {});
  FileReader fr(std::make_unique<FileSource>(f));
  try {
    fr.read({"pid", "filename"}, {}, [](std::span<const schema::EventRow>) {});
    ADD_FAILURE() << "read";
  } catch (const FormatError& e) {
    EXPECT_EQ(std::string(e.what()),
              "column filename: a row marked escaped (notice bit 64) holds a backslash that starts no escape "
              "(\\\\ or \\xNN)");
  }
}

TEST_F(ReaderTest, StatisticsSkipExactlyTheRowGroupsOutsideTheRange) {
  Rows rows;
  rows.make(1000, 5);  // timestamps 1000 ns apart, row groups of 100 rows
  WriterOptions o;
  o.row_group_rows = 100;
  std::string p = path("s.parquet");
  write_file(p, rows.rows, o);
  const std::uint64_t t0 = rows.rows[0].timestamp_ns;
  ReadStats st;
  // Rows 250..449: row groups 2, 3, 4 can hold them.
  auto got = read_all(p, {"timestamp_ns"}, {{"timestamp_ns", t0 + 250 * 1000, t0 + 449 * 1000}}, &st);
  EXPECT_EQ(st.row_groups, 10u);
  EXPECT_EQ(st.row_groups_skipped, 7u);
  EXPECT_EQ(st.rows_read, 300u);
  EXPECT_EQ(got.size(), 300u);
  // pid 1000..1004 in every group: an absent pid skips all of them.
  read_all(p, {"pid"}, {{"pid", 7, 7}}, &st);
  EXPECT_EQ(st.row_groups_skipped, 10u);
  EXPECT_EQ(st.rows_read, 0u);
  // uid holds 4e9 (unsigned order): a range above INT32_MAX keeps every group.
  read_all(p, {"uid"}, {{"uid", 3'000'000'000u, 4'000'000'000u}}, &st);
  EXPECT_EQ(st.row_groups_skipped, 0u);
  FileReader r(std::make_unique<FileSource>(p));
  EXPECT_EQ(r.min_from_statistics("timestamp_ns"), t0);
}

TEST_F(ReaderTest, Ior010FileReadsWithTheColumnsItLacksAbsent) {
  const std::string p = std::string(IOR_TEST_DATA_DIR) + "/ior-0.1.0/trace.parquet";
  FileReader r(std::make_unique<FileSource>(p));
  EXPECT_FALSE(r.info().schema_version.has_value());
  EXPECT_EQ(r.info().ior_version, "0.1.0");
  std::vector<std::string_view> missing = r.info().missing_columns;
  for (auto c : {"bytes", "byte_class", "fd2", "filename2", "passed_name", "ppid", "uid", "cgroup", "container_id"}) {
    EXPECT_NE(std::find(missing.begin(), missing.end(), c), missing.end()) << c;
  }
  std::vector<std::string> got;
  r.read(all_columns(), {}, [&](std::span<const schema::EventRow> rows) {
    for (const auto& row : rows) {
      got.push_back(std::to_string(row.timestamp_ns) + " " + std::to_string(row.pid) + " " + std::string(row.comm) +
                    " " + std::string(row.syscall_name) + " " + std::to_string(row.ret_value) + " " +
                    std::string(row.filename) + " " + std::to_string(row.duration_ns) + " " +
                    std::to_string(row.bytes) + " [" + std::string(row.byte_class) + "] " + std::to_string(row.fd2));
    }
  });
  std::vector<std::string> want = {
      "1767225600000000000 70000 old-ior read 4096 /var/lib/db/a.dat 1500 0 [] -1",
      "1767225600000001000 70001 old-ior openat 8192 /etc/hosts 1501 0 [] -1",
      "1767225600000002000 70002 old-ior read 12288 /tmp/x y 1502 0 [] -1",
  };
  EXPECT_EQ(got, want);
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads every column of bytes; true when it read, false on FormatError /
// CompressionError (anything else fails the test by escaping).
bool try_read(const std::string& bytes, std::string* why = nullptr) {
  try {
    FileReader r(std::make_unique<MemorySource>(bytes));
    r.read(all_columns(), {}, [](std::span<const schema::EventRow>) {});
    return true;
  } catch (const FormatError& e) {
    if (why) *why = e.what();
    return false;
  } catch (const CompressionError& e) {
    if (why) *why = e.what();
    return false;
  }
}

TEST_F(ReaderTest, EveryTruncationIsOneFormatError) {
  Rows rows;
  rows.make(300, 10);
  WriterOptions o;
  o.row_group_rows = 100;
  std::string p = path("t.parquet");
  write_file(p, rows.rows, o);
  const std::string bytes = slurp(p);
  ASSERT_TRUE(try_read(bytes));
  for (std::size_t n = 0; n < bytes.size(); n += 1 + n / 64) {
    std::string why;
    EXPECT_FALSE(try_read(bytes.substr(0, n), &why)) << n;
    EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  }
  std::string why;
  try_read(bytes.substr(0, bytes.size() - 1), &why);
  EXPECT_EQ(why, "not a Parquet file, or truncated (no PAR1 magic at both ends)");
}

TEST_F(ReaderTest, CorruptedBytesNeverCrash) {
  Rows rows;
  rows.make(300, 10);
  for (auto codec : {Compression::kZstd, Compression::kNone}) {
    WriterOptions o;
    o.row_group_rows = 100;
    o.compression = codec;
    std::string p = path("x.parquet");
    std::filesystem::remove(p);
    write_file(p, rows.rows, o);
    const std::string bytes = slurp(p);
    std::mt19937 rng(42);
    int refused = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string b = bytes;
      for (int k = 0; k < 1 + round % 4; ++k) b[rng() % b.size()] = static_cast<char>(rng());
      if (!try_read(b)) ++refused;
    }
    EXPECT_GT(refused, 0);
  }
}

TEST(CompactReader, HostileLengthsAndNestingAreRefused) {
  using thrift::CompactReader;
  using thrift::CType;
  // A list claiming 2^60 elements in 10 bytes.
  std::string list = "\x19\xfc\xff\xff\xff\xff\xff\xff\xff\xff\x0f";
  CompactReader r(list);
  r.struct_begin();
  std::int16_t id;
  CType t;
  ASSERT_TRUE(r.next_field(id, t));
  EXPECT_THROW(r.read_list_header(), FormatError);
  // Structs nested 1000 deep.
  std::string deep(1000, '\x1c');
  CompactReader d(deep);
  EXPECT_THROW(d.skip(CType::kStruct), FormatError);
  // A string longer than the input.
  std::string s = "\x18\x7f" "abc";
  CompactReader sr(s);
  sr.struct_begin();
  ASSERT_TRUE(sr.next_field(id, t));
  EXPECT_THROW(sr.read_binary(), FormatError);
}

}  // namespace
}  // namespace ior::parquet::reader
