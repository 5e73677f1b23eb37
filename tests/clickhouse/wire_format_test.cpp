#include "clickhouse/wire/wire_format.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "base/error.hpp"

namespace ior::clickhouse::wire {
namespace {

// Delivers its input one byte per chunk, so every multi-byte value
// straddles chunk boundaries (what a slow socket does).
class OneByteChunks final : public ByteReader {
 public:
  explicit OneByteChunks(std::string in, std::size_t limit = 1u << 30)
      : ByteReader(limit), in_(std::move(in)) {}

 protected:
  bool next_chunk() override {
    if (pos_ == in_.size()) return false;
    auto* p = reinterpret_cast<const std::byte*>(in_.data()) + pos_++;
    set_chunk(p, p + 1);
    return true;
  }

 private:
  std::string in_;
  std::size_t pos_ = 0;
};

TEST(WireFormatTest, VarintsAreUnsignedLeb128) {
  std::string out;
  WireWriter w(out);
  w.varint(0);
  w.varint(127);
  w.varint(128);
  w.varint(300);
  w.varint(UINT64_MAX);
  EXPECT_EQ(out, std::string("\x00\x7f\x80\x01\xac\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 16));
  MemoryReader r(out);
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_EQ(r.varint(), 127u);
  EXPECT_EQ(r.varint(), 128u);
  EXPECT_EQ(r.varint(), 300u);
  EXPECT_EQ(r.varint(), UINT64_MAX);
  EXPECT_TRUE(r.at_end());
}

TEST(WireFormatTest, FixedAndStringsRoundTripAcrossChunks) {
  std::string out;
  WireWriter w(out);
  w.fixed<std::uint32_t>(54412);
  w.fixed<std::int64_t>(-2);
  w.fixed<double>(1.5);
  w.string("ClickHouse");
  w.string("");
  EXPECT_EQ(out.substr(0, 4), std::string("\x8c\xd4\x00\x00", 4));
  for (int chunked = 0; chunked < 2; ++chunked) {
    MemoryReader whole(out);
    OneByteChunks pieces(out);
    ByteReader& r = chunked ? static_cast<ByteReader&>(pieces) : whole;
    EXPECT_EQ(r.fixed<std::uint32_t>(), 54412u);
    EXPECT_EQ(r.fixed<std::int64_t>(), -2);
    EXPECT_EQ(r.fixed<double>(), 1.5);
    EXPECT_EQ(r.string(), "ClickHouse");
    EXPECT_EQ(r.string(), "");
    EXPECT_TRUE(r.at_end());
  }
}

TEST(WireFormatTest, ShortInputIsMalformedAndLimitsHold) {
  std::string out;
  WireWriter(out).string("abcdef");
  MemoryReader short_reader(std::string_view(out).substr(0, 4));
  EXPECT_THROW(short_reader.string(), ProtocolError);
  MemoryReader limited(out, 3);
  EXPECT_THROW(limited.string(), ProtocolError);
  std::string endless(11, '\x80');
  MemoryReader bad(endless);
  EXPECT_THROW(bad.varint(), ProtocolError);
}

TEST(WireFormatTest, ClaimedLengthDoesNotAllocateBeforeBytesArrive) {
  // A 1 GiB claim followed by 3 bytes: the reader fails at the end of the
  // data having grown its buffer by what it received only.
  std::string out;
  WireWriter(out).varint(1u << 30);
  out += "abc";
  OneByteChunks r(out);
  std::string into;
  EXPECT_THROW(r.string_into(into, 1u << 30), ProtocolError);
  EXPECT_EQ(into, "abc");
  EXPECT_LT(into.capacity(), 4096u);
}

TEST(WireFormatTest, ReadAndSkipSpanChunks) {
  OneByteChunks r("0123456789");
  char b[4];
  r.read(b, 4);
  EXPECT_EQ(std::string(b, 4), "0123");
  r.skip(3);
  EXPECT_EQ(static_cast<char>(r.byte()), '7');
  EXPECT_FALSE(r.at_end());
  r.skip(2);
  EXPECT_TRUE(r.at_end());
  EXPECT_THROW(r.byte(), ProtocolError);
}

}  // namespace
}  // namespace ior::clickhouse::wire
