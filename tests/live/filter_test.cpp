#include <gtest/gtest.h>

#include "live/filter.hpp"

namespace ior::live {
namespace {

ActivityKey key(std::uint32_t pid = 1, std::string_view comm = "cat", std::string_view syscall = "read",
                std::string_view file = "/etc/passwd", std::int32_t err = 0, std::uint8_t decade = 0,
                std::string_view container = "") {
  ActivityKey k;
  k.pid = pid;
  k.comm = comm;
  k.syscall = syscall;
  k.file = file;
  k.err = err;
  k.decade = decade;
  k.container = container;
  return k;
}

Filter parse(std::string_view text) {
  std::string error;
  auto f = Filter::parse(text, error);
  EXPECT_TRUE(f.has_value()) << text << ": " << error;
  return f ? *f : Filter{};
}

std::string parse_error(std::string_view text) {
  std::string error;
  auto f = Filter::parse(text, error);
  EXPECT_FALSE(f.has_value()) << text;
  return error;
}

TEST(Filter, EmptyMatchesEverything) {
  EXPECT_TRUE(parse("").matches(key()));
  EXPECT_TRUE(parse("   ").matches(key()));
  EXPECT_TRUE(parse("   ").empty());
}

TEST(Filter, BareRegexSearchesFileCommAndSyscall) {
  EXPECT_TRUE(parse("passwd").matches(key()));
  EXPECT_TRUE(parse("^ca").matches(key()));      // comm
  EXPECT_TRUE(parse("rea[d]$").matches(key()));  // syscall
  EXPECT_FALSE(parse("shadow").matches(key()));
  EXPECT_FALSE(parse("PASSWD").matches(key()));  // case-sensitive
}

TEST(Filter, FieldRegexesLookAtTheirFieldOnly) {
  EXPECT_TRUE(parse("path=^/etc/").matches(key()));
  EXPECT_FALSE(parse("path=cat").matches(key()));
  EXPECT_TRUE(parse("comm=^cat$").matches(key()));
  EXPECT_FALSE(parse("comm=read").matches(key()));
  EXPECT_TRUE(parse("syscall=read|write").matches(key()));
  EXPECT_FALSE(parse("syscall=open").matches(key()));
}

TEST(Filter, PidContainerErrorsLatency) {
  EXPECT_TRUE(parse("pid=1").matches(key()));
  EXPECT_FALSE(parse("pid=12").matches(key()));
  EXPECT_TRUE(parse("container=ab").matches(key(1, "c", "r", "/f", 0, 0, "abcd")));
  EXPECT_FALSE(parse("container=b").matches(key(1, "c", "r", "/f", 0, 0, "abcd")));
  EXPECT_FALSE(parse("container=ab").matches(key()));
  EXPECT_TRUE(parse("errors").matches(key(1, "c", "r", "/f", 2)));
  EXPECT_FALSE(parse("errors").matches(key()));
  EXPECT_TRUE(parse("latency>=1ms").matches(key(1, "c", "r", "/f", 0, 4)));
  EXPECT_TRUE(parse("latency>=1ms").matches(key(1, "c", "r", "/f", 0, 7)));
  EXPECT_FALSE(parse("latency>=1ms").matches(key(1, "c", "r", "/f", 0, 3)));
  EXPECT_TRUE(parse("latency>=1us").matches(key(1, "c", "r", "/f", 0, 1)));
  EXPECT_FALSE(parse("latency>=1us").matches(key(1, "c", "r", "/f", 0, 0)));
  EXPECT_TRUE(parse("latency>=1000us").matches(key(1, "c", "r", "/f", 0, 4)));
  EXPECT_FALSE(parse("latency>=1s").matches(key(1, "c", "r", "/f", 0, 6)));
}

TEST(Filter, AllTermsMustHold) {
  auto f = parse("pid=1 passwd errors");
  EXPECT_FALSE(f.matches(key()));
  EXPECT_TRUE(f.matches(key(1, "cat", "read", "/etc/passwd", 13)));
  EXPECT_FALSE(f.matches(key(2, "cat", "read", "/etc/passwd", 13)));
  EXPECT_EQ(f.text(), "pid=1 passwd errors");
}

TEST(Filter, ErrorsNameTheTerm) {
  EXPECT_NE(parse_error("pid=x").find("pid=x"), std::string::npos);
  EXPECT_NE(parse_error("pid=").find("pid="), std::string::npos);
  EXPECT_NE(parse_error("pid=99999999999").find("not a process id"), std::string::npos);
  EXPECT_NE(parse_error("latency>=2ms").find("power of ten"), std::string::npos);
  EXPECT_NE(parse_error("latency>=1ks").find("power of ten"), std::string::npos);
  EXPECT_NE(parse_error("latency>=10s").find("power of ten"), std::string::npos);
  EXPECT_NE(parse_error("path=(").find("("), std::string::npos);
  EXPECT_NE(parse_error("comm=").find("regular expression"), std::string::npos);
}

TEST(Filter, LatencyThresholds) {
  EXPECT_EQ(parse_latency_decade("1us"), 1);
  EXPECT_EQ(parse_latency_decade("1000ns"), 1);
  EXPECT_EQ(parse_latency_decade("100ms"), 6);
  EXPECT_EQ(parse_latency_decade("1s"), 7);
  EXPECT_FALSE(parse_latency_decade("1").has_value());
  EXPECT_FALSE(parse_latency_decade("ms").has_value());
  EXPECT_FALSE(parse_latency_decade("5ms").has_value());
  EXPECT_FALSE(parse_latency_decade("1.0ms").has_value());
}

TEST(Filter, CopiesShareTheCompiledRegex) {
  Filter a = parse("passwd");
  Filter b = a;
  a = Filter{};
  EXPECT_TRUE(b.matches(key()));
  EXPECT_FALSE(b.matches(key(1, "x", "y", "/z")));
}

}  // namespace
}  // namespace ior::live
