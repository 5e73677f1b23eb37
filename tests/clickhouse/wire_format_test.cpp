#include "clickhouse/wire/wire_format.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace ior::clickhouse::wire {
namespace {

std::span<const std::byte> bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(WireFormatTest, VarintsAreUnsignedLeb128) {
  std::string out;
  WireWriter w(out);
  w.varint(0);
  w.varint(127);
  w.varint(128);
  w.varint(300);
  w.varint(UINT64_MAX);
  EXPECT_EQ(out, std::string("\x00\x7f\x80\x01\xac\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 16));
  WireReader r(bytes(out));
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_EQ(r.varint(), 127u);
  EXPECT_EQ(r.varint(), 128u);
  EXPECT_EQ(r.varint(), 300u);
  EXPECT_EQ(r.varint(), UINT64_MAX);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(WireFormatTest, FixedAndStringsRoundTrip) {
  std::string out;
  WireWriter w(out);
  w.fixed<std::uint32_t>(54412);
  w.fixed<std::int64_t>(-2);
  w.fixed<double>(1.5);
  w.string("ClickHouse");
  w.string("");
  EXPECT_EQ(out.substr(0, 4), std::string("\x8c\xd4\x00\x00", 4));
  WireReader r(bytes(out));
  EXPECT_EQ(r.fixed<std::uint32_t>(), 54412u);
  EXPECT_EQ(r.fixed<std::int64_t>(), -2);
  EXPECT_EQ(r.fixed<double>(), 1.5);
  EXPECT_EQ(r.string(), "ClickHouse");
  EXPECT_EQ(r.string(), "");
}

TEST(WireFormatTest, ShortInputAsksForMoreAndLimitsHold) {
  std::string out;
  WireWriter(out).string("abcdef");
  WireReader short_reader(bytes(out.substr(0, 4)));
  EXPECT_THROW(short_reader.string(), NeedMore);
  WireReader limited(bytes(out), 3);
  EXPECT_THROW(limited.string(), ProtocolError);
  std::string endless(11, '\x80');
  WireReader bad(bytes(endless));
  EXPECT_THROW(bad.varint(), ProtocolError);
}

}  // namespace
}  // namespace ior::clickhouse::wire
