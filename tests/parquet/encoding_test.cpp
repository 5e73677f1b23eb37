// RLE/bit-packing hybrid and dictionary encoding, checked against vectors
// derived by hand from Encodings.md and by decoding with an independent
// decoder written here from the spec.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "parquet/encoding/dictionary.hpp"
#include "parquet/encoding/fixed_dictionary.hpp"
#include "parquet/encoding/rle_bitpack.hpp"

namespace ior::parquet::encoding {
namespace {

std::uint64_t read_varint(const std::string& s, std::size_t& pos) {
  std::uint64_t v = 0;
  int shift = 0;
  while (true) {
    auto b = static_cast<unsigned char>(s.at(pos++));
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
    shift += 7;
  }
}

// Decoder from the spec: <run> := (varint header) (rle value | bit-packed groups).
std::vector<std::uint32_t> decode(const std::string& s, int width, std::size_t count) {
  std::vector<std::uint32_t> out;
  std::size_t pos = 0;
  const std::size_t value_bytes = static_cast<std::size_t>((width + 7) / 8);
  while (out.size() < count) {
    std::uint64_t h = read_varint(s, pos);
    if ((h & 1) == 0) {
      std::uint32_t v = 0;
      for (std::size_t b = 0; b < value_bytes; ++b) {
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s.at(pos++))) << (8 * b);
      }
      out.insert(out.end(), h >> 1, v);
    } else {
      std::size_t n = (h >> 1) * 8;
      std::uint64_t acc = 0;
      int bits = 0;
      for (std::size_t k = 0; k < n; ++k) {
        while (bits < width) {
          acc |= static_cast<std::uint64_t>(static_cast<unsigned char>(s.at(pos++))) << bits;
          bits += 8;
        }
        out.push_back(static_cast<std::uint32_t>(acc & ((1ull << width) - 1)));
        acc >>= width;
        bits -= width;
      }
    }
  }
  out.resize(count);  // the last bit-packed group may be padded
  return out;
}

TEST(RleBitpackTest, SpecExampleBitPacksOneToSevenInThreeBits) {
  // Encodings.md: values 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  std::vector<std::uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  rle_bitpack_encode(v, 3, out);
  EXPECT_EQ(out, std::string("\x03\x88\xc6\xfa", 4));  // header (1 group << 1) | 1
}

TEST(RleBitpackTest, LongRepeatsBecomeRleRuns) {
  std::vector<std::uint32_t> v(100, 5);
  std::string out;
  rle_bitpack_encode(v, 3, out);
  EXPECT_EQ(out, std::string("\xc8\x01\x05", 3));  // header 100 << 1 = 200 (varint c8 01), value 5
}

TEST(RleBitpackTest, WideValuesUseEnoughBytesInRuns) {
  std::vector<std::uint32_t> v(10, 0x1234);
  std::string out;
  rle_bitpack_encode(v, 13, out);
  EXPECT_EQ(out, std::string("\x14\x34\x12", 3));
}

TEST(RleBitpackTest, RandomMixesRoundTrip) {
  std::mt19937 rng(42);
  for (int width : {1, 2, 3, 7, 8, 12, 17, 32}) {
    std::vector<std::uint32_t> v;
    std::uint64_t max = width == 32 ? 0xffffffffull : (1ull << width) - 1;
    while (v.size() < 5000) {
      auto x = static_cast<std::uint32_t>(rng() % (max + 1));
      std::size_t repeat = rng() % 3 == 0 ? rng() % 40 : 1;
      v.insert(v.end(), repeat + 1, x);
    }
    std::string out;
    rle_bitpack_encode(v, width, out);
    EXPECT_EQ(decode(out, width, v.size()), v) << "width " << width;
  }
}

// Runs are found eight values at a time: a run of any length, ending at any
// place in a block of eight or at the end, is one RLE run of exactly that
// length (its header), and the values after it follow.
TEST(RleBitpackTest, EveryRunLengthIsFoundExactly) {
  for (std::size_t len = 8; len <= 70; ++len) {
    for (bool at_end : {false, true}) {
      std::vector<std::uint32_t> v(len, 5);
      if (!at_end) v.insert(v.end(), {1, 2, 3});
      std::string out;
      rle_bitpack_encode(v, 3, out);
      std::size_t pos = 0;
      EXPECT_EQ(read_varint(out, pos), static_cast<std::uint64_t>(len) << 1) << "len " << len;
      EXPECT_EQ(decode(out, 3, v.size()), v) << "len " << len;
    }
  }
}

TEST(RleBitpackTest, BitWidths) {
  EXPECT_EQ(bit_width_for(0), 1);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(2), 2);
  EXPECT_EQ(bit_width_for(255), 8);
  EXPECT_EQ(bit_width_for(256), 9);
  EXPECT_EQ(bit_width_for(0xffffffffu), 32);
}

TEST(DictionaryTest, DistinctValuesInFirstSeenOrderAndIndices) {
  Dictionary d(1 << 20);
  for (const char* s : {"read", "write", "read", "", "write"}) ASSERT_TRUE(d.add(s));
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.indices(), (std::vector<std::uint32_t>{0, 1, 0, 2, 1}));
  EXPECT_EQ(d.plain_page(), std::string("\x04\0\0\0read\x05\0\0\0write\0\0\0\0", 21));
}

TEST(DictionaryTest, GivesUpPastTheLimitAndChangesNothing) {
  Dictionary d(20);
  EXPECT_TRUE(d.add("0123456789"));   // 14 bytes PLAIN
  EXPECT_TRUE(d.add("0123456789"));   // repeat: no growth
  EXPECT_FALSE(d.add("abcdefghij"));  // 28 > 20
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.indices(), (std::vector<std::uint32_t>{0, 0}));
  EXPECT_TRUE(d.add("0123456789"));   // known values still fit
  d.reset();
  EXPECT_EQ(d.size(), 0u);
  EXPECT_TRUE(d.indices().empty());
  EXPECT_TRUE(d.add("x"));
  EXPECT_EQ(d.value(0), "x");
}

// Repeats are only counted until the next add() or indices(): every mix of
// repeats with new values, a refused value, reads between them and a reset
// gives the indices of adding every value.
TEST(DictionaryTest, RepeatedValuesGiveTheIndicesOfAddingThem) {
  const std::vector<std::string> values = {"a", "bb", "", "a", "0123456789012345"};
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    Dictionary fast(48);
    Dictionary slow(48);
    std::uint32_t r = seed;
    const auto next = [&r] { return r = r * 1103515245u + 12345u, r >> 16; };
    std::string last;
    bool any = false;
    for (int i = 0; i < 300; ++i) {
      const std::uint32_t pick = next() % 8;
      if (pick == 7) {  // read between writes, start over (also unread)
        if (next() % 2 == 0) {
          ASSERT_EQ(fast.indices(), slow.indices()) << seed << " " << i;
        }
        if (next() % 3 == 0) {
          fast.reset();
          slow.reset();
          any = false;
        }
      } else if (pick >= 4 && any) {
        ASSERT_TRUE(fast.add_last_again());
        ASSERT_TRUE(slow.add(last));
      } else {
        const std::string v = pick == 3 ? "value-" + std::to_string(next() % 9) : values[pick % values.size()];
        const bool took = slow.add(v);  // a refusal changes nothing in either
        ASSERT_EQ(fast.add(v), took) << seed << " " << i;
        if (took) {
          last = v;
          any = true;
        }
      }
    }
    ASSERT_EQ(fast.indices(), slow.indices()) << seed;
    ASSERT_EQ(fast.plain_page(), slow.plain_page()) << seed;
  }
  Dictionary empty(48);
  EXPECT_FALSE(empty.add_last_again());
  EXPECT_TRUE(empty.indices().empty());
}

TEST(DictionaryTest, ManyValuesKeepTheirIdsAcrossTableGrowth) {
  Dictionary d(1 << 24);
  std::vector<std::string> values;
  for (int i = 0; i < 20000; ++i) values.push_back("/p/" + std::to_string(i * 7919 % 20000));
  values.push_back("");
  values.push_back(std::string("\0\xff", 2));
  for (int round = 0; round < 2; ++round) {
    for (const auto& v : values) ASSERT_TRUE(d.add(v));
  }
  ASSERT_EQ(d.size(), values.size());
  const auto& idx = d.indices();
  ASSERT_EQ(idx.size(), 2 * values.size());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    ASSERT_EQ(idx[i], i % values.size()) << i;
    ASSERT_EQ(d.value(idx[i]), values[i % values.size()]);
  }
}

TEST(DictionaryTest, ValuesDifferingInAnyOneByteAreDistinct) {
  Dictionary d(1 << 20);
  std::vector<std::string> values;
  for (std::size_t len = 1; len <= 40; ++len) {
    values.emplace_back(len, 'x');
    for (std::size_t p = 0; p < len; ++p) {
      values.push_back(std::string(len, 'x'));
      values.back()[p] = 'y';
    }
  }
  for (const auto& v : values) ASSERT_TRUE(d.add(v));
  for (const auto& v : values) ASSERT_TRUE(d.add(std::string(v)));  // same bytes elsewhere
  ASSERT_EQ(d.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(d.indices()[i], i);
    EXPECT_EQ(d.indices()[values.size() + i], i);
  }
}

TEST(DictionaryTest, MinAndMaxCompareBytesUnsigned) {
  Dictionary d(1 << 20);
  EXPECT_EQ(d.min(), "");
  for (const char* s : {"m", "\xff", "a", "ab", ""}) ASSERT_TRUE(d.add(s));
  EXPECT_EQ(d.min(), "");
  EXPECT_EQ(d.max(), "\xff");
  d.reset();
  ASSERT_TRUE(d.add("q"));
  EXPECT_EQ(d.min(), "q");
  EXPECT_EQ(d.max(), "q");
}

TEST(FixedDictionaryTest, DistinctValuesInFirstSeenOrderAsPlainBytes) {
  std::vector<std::int32_t> v = {5, 5, 7, 5, -1, INT32_MIN};
  FixedDictionary<std::int32_t> d;
  ASSERT_TRUE(d.build(v.data(), v.size(), 4));
  EXPECT_EQ(d.size(), 4u);
  EXPECT_EQ(d.indices(), (std::vector<std::uint32_t>{0, 0, 1, 0, 2, 3}));
  EXPECT_EQ(d.plain_page(), std::string("\x05\0\0\0\x07\0\0\0\xff\xff\xff\xff\0\0\0\x80", 16));
}

TEST(FixedDictionaryTest, GivesUpPastMaxDistinctAndCanBeRebuilt) {
  std::vector<std::int64_t> v = {1, 2, 3, 1};
  FixedDictionary<std::int64_t> d;
  EXPECT_FALSE(d.build(v.data(), v.size(), 2));
  EXPECT_FALSE(d.build(v.data(), v.size(), 0));
  ASSERT_TRUE(d.build(v.data(), v.size(), 3));
  EXPECT_EQ(d.indices(), (std::vector<std::uint32_t>{0, 1, 2, 0}));
}

// Values equal to the one before take its index without a lookup: in runs
// of every length, the indices must be those of first-seen order all the
// same, and the distinct count must still stop the build.
TEST(FixedDictionaryTest, RunsOfEqualValuesGetTheSameIndicesAsALookup) {
  std::mt19937 rng(3);
  std::vector<std::int64_t> v;
  while (v.size() < 20000) v.insert(v.end(), 1 + rng() % 12, static_cast<std::int64_t>(rng() % 50) - 25);
  std::map<std::int64_t, std::uint32_t> first_seen;
  std::vector<std::uint32_t> want;
  for (auto x : v) want.push_back(first_seen.try_emplace(x, static_cast<std::uint32_t>(first_seen.size())).first->second);
  FixedDictionary<std::int64_t> d;
  ASSERT_TRUE(d.build(v.data(), v.size(), first_seen.size()));
  EXPECT_EQ(d.indices(), want);
  EXPECT_EQ(d.size(), first_seen.size());
  EXPECT_FALSE(d.build(v.data(), v.size(), first_seen.size() - 1));
}

TEST(FixedDictionaryTest, ManyWideValuesRoundTrip) {
  std::mt19937_64 rng(7);
  std::vector<std::array<std::uint8_t, 16>> pool(5000), v;
  for (auto& u : pool) {
    for (auto& b : u) b = static_cast<std::uint8_t>(rng());
  }
  for (int i = 0; i < 40000; ++i) v.push_back(pool[rng() % pool.size()]);
  FixedDictionary<std::array<std::uint8_t, 16>> d;
  ASSERT_TRUE(d.build(v.data(), v.size(), 10000));
  std::string_view page = d.plain_page();
  ASSERT_EQ(page.size(), d.size() * 16u);
  for (std::size_t i = 0; i < v.size(); ++i) {
    ASSERT_EQ(page.substr(d.indices()[i] * 16u, 16),
              std::string_view(reinterpret_cast<const char*>(v[i].data()), 16)) << i;
  }
}

}  // namespace
}  // namespace ior::parquet::encoding
