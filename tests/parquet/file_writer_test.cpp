// Whole files from FileWriter, decoded with the tests' own footer reader:
// schema and logical types, row-group boundaries (by rows and by bytes),
// contiguous column chunks whose offsets point at page headers, statistics
// per row group, key-value metadata, option checks and creation errors.
#include "parquet/file_writer.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "base/error.hpp"
#include "file_size_limit.hpp"
#include "schema/columns.hpp"
#include "thrift_reader.hpp"

namespace ior::parquet {
namespace {

using testkit::ParquetFile;
using testkit::TValue;

class FileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ior-fw-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

schema::EventRow row(std::uint64_t i, std::string_view file = "/var/log/x") {
  schema::EventRow r;
  r.timestamp_ns = 1'000'000 + i * 10;
  r.pid = static_cast<std::uint32_t>(100 + i % 3);
  r.tid = static_cast<std::uint32_t>(200 + i % 7);
  r.comm = i % 2 ? "a" : "b";
  r.syscall_name = "read";
  r.filename = file;
  r.ret_value = -static_cast<std::int64_t>(i);
  r.hostname = "h";
  return r;
}

std::uint64_t le64(const std::string& s) {
  std::uint64_t v = 0;
  std::memcpy(&v, s.data(), std::min<std::size_t>(8, s.size()));
  return v;
}

struct Expected {
  int physical, converted, logical, bits;  // -1: absent
  bool is_signed;
};

// From parquet.thrift, written out independently of src/parquet/schema_mapping.
Expected expected(schema::ColumnType t) {
  using schema::ColumnType;
  switch (t) {
    case ColumnType::kUInt8: return {1, 11, 10, 8, false};
    case ColumnType::kUInt16: return {1, 12, 10, 16, false};
    case ColumnType::kUInt32: return {1, 13, 10, 32, false};
    case ColumnType::kUInt64: return {2, 14, 10, 64, false};
    case ColumnType::kInt32: return {1, 17, 10, 32, true};
    case ColumnType::kInt64: return {2, 18, 10, 64, true};
    case ColumnType::kString: return {6, 0, 1, -1, false};  // text: invalid UTF-8 is escaped
    case ColumnType::kLowCardinalityString: return {6, 0, 1, -1, false};
    case ColumnType::kUuid: return {7, -1, 14, -1, false};
  }
  return {};
}

TEST_F(FileWriterTest, SchemaHasEveryColumnWithItsLogicalType) {
  FileWriter w(path("s.parquet"), WriterOptions{});
  w.append(row(1));
  w.close();
  auto f = testkit::read_parquet(path("s.parquet"));
  EXPECT_EQ(f.meta[1].i, 1);  // version
  const auto& s = f.meta[2].elems;
  ASSERT_EQ(s.size(), schema::kColumnCount + 1);
  EXPECT_EQ(s[0][5].i, static_cast<std::int64_t>(schema::kColumnCount));
  for (std::size_t k = 0; k < schema::kColumnCount; ++k) {
    const auto& c = schema::kColumnInfo[k];
    const TValue& e = s[k + 1];
    SCOPED_TRACE(std::string(c.name));
    auto want = expected(c.type);
    EXPECT_EQ(e[4].bin, c.name);
    EXPECT_EQ(e[1].i, want.physical);
    EXPECT_EQ(e[3].i, 0);  // REQUIRED
    EXPECT_EQ(e.has(6) ? e[6].i : -1, want.converted);
    EXPECT_EQ(e.has(2) ? e[2].i : -1, want.physical == 7 ? 16 : -1);
    if (want.logical < 0) {
      EXPECT_FALSE(e.has(10));
      continue;
    }
    ASSERT_TRUE(e.has(10));
    ASSERT_EQ(e[10].fields.size(), 1u);
    ASSERT_TRUE(e[10].has(want.logical));
    if (want.bits > 0) {
      EXPECT_EQ(e[10][want.logical][1].i, want.bits);
      EXPECT_EQ(e[10][want.logical][2].i, want.is_signed ? 1 : 0);
    }
  }
  ASSERT_TRUE(f.meta.has(7));  // column_orders: TypeDefinedOrder for each leaf
  EXPECT_EQ(f.meta[7].elems.size(), schema::kColumnCount);
}

TEST_F(FileWriterTest, RowGroupsAreCutEveryNRowsAndChunksAreContiguous) {
  WriterOptions o;
  o.row_group_rows = 5;
  o.metadata = {{"ior.version", "test"}};
  FileWriter w(path("g.parquet"), o);
  for (std::uint64_t i = 0; i < 23; ++i) w.append(row(i));
  EXPECT_EQ(w.rows_committed(), 20u);
  EXPECT_EQ(w.rows_buffered(), 3u);
  w.close({{"ior.end_time", "later"}});
  auto f = testkit::read_parquet(path("g.parquet"));
  EXPECT_EQ(f.meta[3].i, 23);
  const auto& groups = f.meta[4].elems;
  ASSERT_EQ(groups.size(), 5u);
  std::int64_t expected_offset = 4;  // after "PAR1"
  for (std::size_t g = 0; g < groups.size(); ++g) {
    SCOPED_TRACE("row group " + std::to_string(g));
    const auto rows = g < 4 ? 5 : 3;
    EXPECT_EQ(groups[g][3].i, rows);
    EXPECT_EQ(groups[g][5].i, expected_offset);
    std::int64_t compressed = 0;
    const auto& chunks = groups[g][1].elems;
    ASSERT_EQ(chunks.size(), schema::kColumnCount);
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      const TValue& m = chunks[k][3];
      EXPECT_EQ(chunks[k][2].i, expected_offset);
      EXPECT_EQ(m[3].elems.at(0).bin, schema::kColumnInfo[k].name);
      EXPECT_EQ(m[5].i, rows);
      // The chunk starts with its dictionary page, or else its first data page.
      std::int64_t first = m.has(11) ? m[11].i : m[9].i;
      EXPECT_EQ(first, expected_offset);
      EXPECT_EQ(f.page_header(first)[1].i, m.has(11) ? 2 : 0);
      EXPECT_EQ(f.page_header(m[9].i)[1].i, 0);  // DATA_PAGE
      EXPECT_EQ(m[12][3].i, 0);                  // null_count
      expected_offset += m[7].i;
      compressed += m[7].i;
    }
    EXPECT_EQ(groups[g][6].i, compressed);
    // timestamp_ns statistics are this group's own range.
    const TValue& ts = chunks[0][3][12];
    EXPECT_EQ(le64(ts[6].bin), row(g * 5).timestamp_ns);
    EXPECT_EQ(le64(ts[5].bin), row(g * 5 + static_cast<std::uint64_t>(rows) - 1).timestamp_ns);
  }
  EXPECT_EQ(static_cast<std::size_t>(expected_offset), f.footer_start);
  auto kv = f.key_values();
  EXPECT_EQ(kv["ior.version"], "test");
  EXPECT_EQ(kv["ior.end_time"], "later");
  EXPECT_EQ(f.meta[6].bin, "ior");
}

TEST_F(FileWriterTest, PagesOfAChunkAddUpToItsSizes) {
  WriterOptions o;
  o.data_page_bytes = 256;  // many pages per chunk
  FileWriter w(path("p.parquet"), o);
  for (std::uint64_t i = 0; i < 1000; ++i) w.append(row(i));
  w.close();
  auto f = testkit::read_parquet(path("p.parquet"));
  for (const auto& chunk : f.meta[4].elems.at(0)[1].elems) {
    const TValue& m = chunk[3];
    SCOPED_TRACE(m[3].elems.at(0).bin);
    std::int64_t pos = chunk[2].i, end = pos + m[7].i, values = 0, uncompressed = 0;
    int pages = 0;
    while (pos < end) {
      std::size_t header_end = 0;
      TValue h = f.page_header(pos, &header_end);
      auto header = static_cast<std::int64_t>(header_end) - pos;
      if (h[1].i == 0) values += h[5][1].i;
      uncompressed += header + h[2].i;
      pos += header + h[3].i;
      ++pages;
    }
    EXPECT_EQ(pos, end);
    EXPECT_EQ(values, 1000);
    EXPECT_EQ(uncompressed, m[6].i);  // totals include the page headers
    if (m[1].i != 6) {
      EXPECT_GT(pages, 1);  // fixed-width columns: 1000 values > 256 bytes
    }
  }
}

TEST_F(FileWriterTest, RowGroupsAreAlsoCutByBufferedBytes) {
  WriterOptions o;
  o.row_group_max_bytes = 64 * 1024;
  std::vector<std::string> paths;
  for (int i = 0; i < 100; ++i) paths.push_back("/" + std::to_string(i) + std::string(4090, 'x'));
  FileWriter w(path("b.parquet"), o);
  for (std::uint64_t i = 0; i < 100; ++i) {
    auto r = row(i, paths[i]);
    r.pathname = paths[i];
    w.append(r);
  }
  w.close();
  auto f = testkit::read_parquet(path("b.parquet"));
  const auto& groups = f.meta[4].elems;
  EXPECT_EQ(groups.size(), 13u);  // 8 rows of ~8.3 KB reach 64 KiB
  std::int64_t rows = 0;
  for (const auto& g : groups) {
    EXPECT_LE(g[3].i, 8);
    rows += g[3].i;
  }
  EXPECT_EQ(rows, 100);
}

TEST_F(FileWriterTest, OptionsOutOfRangeAreUsageErrors) {
  auto with = [](auto change) {
    WriterOptions o;
    change(o);
    return o;
  };
  EXPECT_THROW(FileWriter(path("x"), with([](auto& o) { o.row_group_rows = 0; })), UsageError);
  EXPECT_THROW(FileWriter(path("x"), with([](auto& o) { o.data_page_bytes = 0; })), UsageError);
  EXPECT_THROW(FileWriter(path("x"), with([](auto& o) { o.row_group_max_bytes = kMaxBufferBytes + 1; })),
               UsageError);
  EXPECT_THROW(FileWriter(path("x"), with([](auto& o) { o.zstd_level = 23; })), UsageError);
  EXPECT_FALSE(std::filesystem::exists(path("x")));
  EXPECT_THROW(parse_compression("lz4"), UsageError);
  EXPECT_EQ(parse_compression("none"), Compression::kNone);
}

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST_F(FileWriterTest, FilesThatCannotBeCreatedOrWrittenThrowNamingThePath) {
  auto fds = open_fds();
  try {
    FileWriter w(path("no/such/dir/t.parquet"), WriterOptions{});
    FAIL() << "created a file in a missing directory";
  } catch (const SystemError& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/dir/t.parquet"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), ENOENT);
  }
  // The first write ("PAR1") fails: the temporary file goes with the error.
  try {
    testkit::FileSizeLimit limit(2);
    FileWriter w(path("t.parquet"), WriterOptions{});
    FAIL() << "wrote past the file size limit";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), EFBIG) << e.what();
    EXPECT_NE(std::string(e.what()).find("parquet: writing " + path("t.parquet")), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_)) << "no temporary file left behind";
  // A device is never an output, not even to be replaced (a rename would
  // swap /dev/full for a regular file).
  for (auto existing : {ExistingOutput::kRefuse, ExistingOutput::kReplace}) {
    try {
      FileWriter w("/dev/full", WriterOptions{}, existing);
      FAIL() << "opened /dev/full";
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "parquet: /dev/full is not a regular file");
    }
  }
  EXPECT_EQ(open_fds(), fds);  // nothing leaked
}

}  // namespace
}  // namespace ior::parquet
