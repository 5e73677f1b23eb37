// Page and row-group boundaries, dictionary fallback and statistics, checked
// by walking the written bytes with a small compact-protocol reader written
// here from the Thrift spec (independent of the writer's code).
#include <gtest/gtest.h>

#include <cstring>

#include "parquet/column_chunk_writer.hpp"
#include "parquet/statistics.hpp"

namespace ior::parquet {
namespace {

struct PageInfo {
  std::int32_t type = -1, uncompressed = 0, compressed = 0, num_values = 0, encoding = -1;
  std::size_t header_bytes = 0;
};

class MiniReader {
 public:
  MiniReader(const std::string& s, std::size_t pos) : s_(s), pos_(pos) {}
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      auto b = static_cast<unsigned char>(s_.at(pos_++));
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  std::int64_t zigzag() {
    std::uint64_t v = varint();
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  }
  // Reads a struct; calls f(path_of_field_ids, value) for integer fields.
  template <class F>
  void read_struct(std::vector<int>& path, F&& f) {
    int last = 0;
    while (true) {
      auto b = static_cast<unsigned char>(s_.at(pos_++));
      if (b == 0) return;
      int type = b & 0x0f;
      int delta = b >> 4;
      int id = delta ? last + delta : static_cast<int>(zigzag());
      last = id;
      path.push_back(id);
      if (type == 5 || type == 6) f(path, zigzag());
      else if (type == 12) read_struct(path, f);
      else if (type == 8) pos_ += varint();
      else if (type == 3) ++pos_;
      else if (type != 1 && type != 2) throw std::runtime_error("mini reader: unhandled type");
      path.pop_back();
    }
  }
  std::size_t pos() const { return pos_; }

 private:
  const std::string& s_;
  std::size_t pos_;
};

std::uint64_t le_of(const std::string& s) {
  std::uint64_t v = 0;
  std::memcpy(&v, s.data(), std::min<std::size_t>(8, s.size()));
  return v;
}

std::vector<PageInfo> walk_pages(const std::string& out) {
  std::vector<PageInfo> pages;
  std::size_t pos = 0;
  while (pos < out.size()) {
    PageInfo p;
    MiniReader r(out, pos);
    std::vector<int> path;
    r.read_struct(path, [&](const std::vector<int>& at, std::int64_t v) {
      auto x = static_cast<std::int32_t>(v);
      if (at.size() == 1 && at[0] == 1) p.type = x;
      if (at.size() == 1 && at[0] == 2) p.uncompressed = x;
      if (at.size() == 1 && at[0] == 3) p.compressed = x;
      if (at.size() == 2 && (at[0] == 5 || at[0] == 7) && at[1] == 1) p.num_values = x;
      if (at.size() == 2 && (at[0] == 5 || at[0] == 7) && at[1] == 2) p.encoding = x;
    });
    p.header_bytes = r.pos() - pos;
    pos = r.pos() + static_cast<std::size_t>(p.compressed);
    pages.push_back(p);
  }
  EXPECT_EQ(pos, out.size());
  return pages;
}

TEST(ColumnChunkTest, PlainPagesAreCutAtTheConfiguredSize) {
  WriterOptions o;
  o.data_page_bytes = 4000;  // 1000 INT32 values per page
  o.compression = Compression::kNone;
  ColumnChunkWriter w("pid", schema::ColumnType::kUInt32, o);
  ColumnData d;
  for (std::uint32_t i = 0; i < 2500; ++i) d.append(i);
  Compressor c(Compression::kNone, 0);
  std::string out;
  auto chunk = w.write(d, 2500, c, out, 4);
  auto pages = walk_pages(out);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].num_values, 1000);
  EXPECT_EQ(pages[1].num_values, 1000);
  EXPECT_EQ(pages[2].num_values, 500);
  std::int64_t total = 0;
  for (const auto& p : pages) {
    EXPECT_EQ(p.type, 0);      // DATA_PAGE
    EXPECT_EQ(p.encoding, 0);  // PLAIN
    total += static_cast<std::int64_t>(p.header_bytes) + p.compressed;
  }
  EXPECT_EQ(chunk.meta_data.total_compressed_size, total);  // headers included
  EXPECT_EQ(chunk.meta_data.num_values, 2500);
  EXPECT_EQ(chunk.file_offset, 4);
  EXPECT_EQ(chunk.meta_data.data_page_offset, 4);
  EXPECT_FALSE(chunk.meta_data.dictionary_page_offset.has_value());
}

TEST(ColumnChunkTest, LowCardinalityIntegersGetADictionaryHighCardinalityStayPlain) {
  WriterOptions o;
  o.compression = Compression::kNone;
  Compressor c(Compression::kNone, 0);
  ColumnChunkWriter fd_writer("fd", schema::ColumnType::kInt32, o);
  ColumnData fds;
  for (int i = 0; i < 1000; ++i) fds.append(std::int32_t{3 + i % 5});
  std::string out;
  auto chunk = fd_writer.write(fds, 1000, c, out, 0);
  auto pages = walk_pages(out);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].type, 2);  // DICTIONARY_PAGE: 5 values
  EXPECT_EQ(pages[0].num_values, 5);
  EXPECT_EQ(pages[0].uncompressed, 20);
  EXPECT_EQ(pages[1].encoding, 8);  // RLE_DICTIONARY
  EXPECT_EQ(chunk.meta_data.dictionary_page_offset, 0);
  EXPECT_EQ(le_of(chunk.meta_data.statistics.min_value), 3u);
  EXPECT_EQ(le_of(chunk.meta_data.statistics.max_value), 7u);

  ColumnChunkWriter ts_writer("timestamp_ns", schema::ColumnType::kUInt64, o);
  ColumnData ts;
  for (std::uint64_t i = 0; i < 1000; ++i) ts.append(i * 1000 + i % 7);
  out.clear();
  chunk = ts_writer.write(ts, 1000, c, out, 0);
  pages = walk_pages(out);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].encoding, 0);  // PLAIN
  EXPECT_FALSE(chunk.meta_data.dictionary_page_offset.has_value());
}

TEST(ColumnChunkTest, StringsGetADictionaryPageThenIndexPages) {
  WriterOptions o;
  ColumnChunkWriter w("syscall_name", schema::ColumnType::kLowCardinalityString, o);
  ColumnData d(o.dictionary_limit_bytes);
  for (int i = 0; i < 1000; ++i) d.append(std::string_view(i % 3 ? "read" : "write"));
  Compressor c(Compression::kZstd, 3);
  std::string out;
  auto chunk = w.write(d, 1000, c, out, 100);
  auto pages = walk_pages(out);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].type, 2);  // DICTIONARY_PAGE
  EXPECT_EQ(pages[0].num_values, 2);
  EXPECT_EQ(pages[1].encoding, 8);  // RLE_DICTIONARY
  EXPECT_EQ(pages[1].num_values, 1000);
  EXPECT_EQ(chunk.meta_data.dictionary_page_offset, 100);
  EXPECT_EQ(chunk.meta_data.data_page_offset,
            100 + static_cast<std::int64_t>(pages[0].header_bytes) + pages[0].compressed);
  EXPECT_FALSE(w.fell_back());
}

// Repeated values not yet written out as indices when the dictionary
// overflows become PLAIN strings too, in their places.
TEST(ColumnChunkTest, RepeatedValuesSurviveTheFallBackToPlain) {
  ColumnData d(100);
  std::vector<std::string> want;
  for (int i = 0; i < 40; ++i) {
    const std::string v = "/data/f-" + std::to_string(i);
    d.append(std::string_view(v));
    want.push_back(v);
    for (int k = 0; k < i % 3; ++k) {
      d.append_repeated(v);
      want.push_back(v);
    }
  }
  ASSERT_FALSE(d.dictionary_encoded());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(d.string_at(i), want[i]) << i;
  d.append_repeated(want.back());  // after the spill: stored again, PLAIN
  EXPECT_EQ(d.string_at(want.size()), want.back());
}

TEST(ColumnChunkTest, DictionaryFallsBackToPlainPastTheLimit) {
  WriterOptions o;
  o.dictionary_limit_bytes = 1000;
  ColumnChunkWriter w("filename", schema::ColumnType::kString, o);
  ColumnData d(o.dictionary_limit_bytes);
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back("/data/file-" + std::to_string(i));
  for (const auto& n : names) d.append(std::string_view(n));
  Compressor c(Compression::kNone, 0);
  std::string out;
  EXPECT_FALSE(d.dictionary_encoded());  // spilled after ~60 values
  auto chunk = w.write(d, names.size(), c, out, 0);
  EXPECT_TRUE(w.fell_back());
  auto pages = walk_pages(out);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].encoding, 0);  // PLAIN
  EXPECT_EQ(pages[0].num_values, 200);
  EXPECT_FALSE(chunk.meta_data.dictionary_page_offset.has_value());
  // Every value, in order: those from before the spill and after it.
  std::string want;
  for (const auto& n : names) {
    auto len = static_cast<std::uint32_t>(n.size());
    want.append(reinterpret_cast<const char*>(&len), 4);
    want += n;
  }
  EXPECT_EQ(out.substr(pages[0].header_bytes), want);
  EXPECT_EQ(chunk.meta_data.statistics.min_value, "/data/file-0");
  EXPECT_EQ(chunk.meta_data.statistics.max_value, "/data/file-99");

  // The next row group starts with a dictionary again.
  d.clear();
  for (int i = 0; i < 10; ++i) d.append(std::string_view(names[0]));
  EXPECT_TRUE(d.dictionary_encoded());
  out.clear();
  w.write(d, 10, c, out, 0);
  EXPECT_FALSE(w.fell_back());
  EXPECT_EQ(walk_pages(out).size(), 2u);
}

std::uint64_t u64_of(const std::string& s) {
  std::uint64_t v = 0;
  std::memcpy(&v, s.data(), std::min<std::size_t>(8, s.size()));
  return v;
}

TEST(StatisticsTest, UnsignedColumnsCompareUnsigned) {
  ColumnData d;
  d.append(std::uint32_t{5});
  d.append(std::uint32_t{4'000'000'000u});  // negative as int32
  d.append(std::uint32_t{7});
  auto s = column_statistics(d, Physical::kInt32, false, 3);
  ASSERT_TRUE(s.has_min_max);
  EXPECT_EQ(u64_of(s.min_value), 5u);
  EXPECT_EQ(u64_of(s.max_value), 4'000'000'000u);
  auto signed_stats = column_statistics(d, Physical::kInt32, true, 3);
  EXPECT_EQ(static_cast<std::int32_t>(u64_of(signed_stats.min_value)),
            static_cast<std::int32_t>(4'000'000'000u));
}

TEST(StatisticsTest, StringsCompareAsUnsignedBytes) {
  ColumnData d;
  d.append(std::string_view("\xff"));
  d.append(std::string_view("a"));
  d.append(std::string_view(""));
  auto s = column_statistics(d, Physical::kByteArray, false, 3);
  EXPECT_EQ(s.min_value, "");
  EXPECT_EQ(s.max_value, "\xff");
  EXPECT_EQ(s.null_count, 0);
}

}  // namespace
}  // namespace ior::parquet
