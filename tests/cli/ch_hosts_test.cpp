// -ch-host entries with ports of their own: HOST:PORT and [IPV6]:PORT
// override -ch-port for that host (was: "127.0.0.1:9001" taken for a name).
#include "cli/ch_hosts.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace ior::cli {
namespace {

using clickhouse::HostPort;

TEST(ChHostsTest, APortGivenWithAHostIsThatHostsOwn) {
  auto h = parse_ch_hosts("ch1,127.0.0.1:9001,[::1]:9002,[fe80::1],::1,db.example:19000");
  ASSERT_EQ(h.size(), 6u);
  EXPECT_EQ(h[0].host, "ch1");
  EXPECT_EQ(h[0].port, 0) << "no port: -ch-port's";
  EXPECT_EQ(h[1].host, "127.0.0.1");
  EXPECT_EQ(h[1].port, 9001);
  EXPECT_EQ(h[2].host, "::1");
  EXPECT_EQ(h[2].port, 9002);
  EXPECT_EQ(h[3].host, "fe80::1");
  EXPECT_EQ(h[3].port, 0);
  EXPECT_EQ(h[4].host, "::1") << "a bare IPv6 address: its colons are no port";
  EXPECT_EQ(h[4].port, 0);
  EXPECT_EQ(h[5].host, "db.example");
  EXPECT_EQ(h[5].port, 19000);
}

TEST(ChHostsTest, BadEntriesAreUsageErrors) {
  for (const char* bad : {"", "a,,b", "a,", "h:", "h:0", "h:65536", "h:90x", ":9000", "[::1", "[]:9000", "[::1]9000",
                          "[::1]:"}) {
    EXPECT_THROW(parse_ch_hosts(bad), UsageError) << bad;
  }
  try {
    parse_ch_hosts("127.0.0.1:99999");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "flag -ch-host: \"127.0.0.1:99999\": the port must be a number from 1 to 65535");
  }
}

TEST(ChHostsTest, TheSpoolNamesAHostWithItsPortOnlyWhenItIsNotTheDefault) {
  EXPECT_EQ(host_text({"ch1", 0}, 9000), "ch1");
  EXPECT_EQ(host_text({"ch1", 9000}, 9000), "ch1");
  EXPECT_EQ(host_text({"ch1", 9001}, 9000), "ch1:9001");
  EXPECT_EQ(host_text({"::1", 9001}, 9000), "[::1]:9001");
}

}  // namespace
}  // namespace ior::cli
