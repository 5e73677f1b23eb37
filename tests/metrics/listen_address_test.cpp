// -metrics addresses: loopback unless a host is named.
#include "metrics/listen_address.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace ior::metrics {
namespace {

TEST(ListenAddressTest, WithoutAHostItIsLoopback) {
  for (const char* text : {"9464", ":9464", "localhost:9464"}) {
    const auto a = parse_listen_address(text);
    EXPECT_EQ(address_text(a.addr), "127.0.0.1:9464") << text;
    EXPECT_TRUE(is_loopback(a.addr)) << text;
  }
  EXPECT_FALSE(parse_listen_address(":9464").explicit_host);
  EXPECT_TRUE(parse_listen_address("localhost:9464").explicit_host);
}

TEST(ListenAddressTest, NamedAddressesAreTakenAsGiven) {
  auto a = parse_listen_address("0.0.0.0:9464");
  EXPECT_EQ(address_text(a.addr), "0.0.0.0:9464");
  EXPECT_FALSE(is_loopback(a.addr));
  EXPECT_TRUE(a.explicit_host);
  a = parse_listen_address("[::1]:0");
  EXPECT_EQ(address_text(a.addr), "[::1]:0");
  EXPECT_TRUE(is_loopback(a.addr));
  a = parse_listen_address("[::]:9464");
  EXPECT_FALSE(is_loopback(a.addr));
  EXPECT_TRUE(is_loopback(parse_listen_address("127.1.2.3:1").addr));
}

TEST(ListenAddressTest, BadAddressesAreUsageErrors) {
  for (const char* text : {"", ":", "host:9464", "1.2.3.4:65536", "1.2.3.4:-1", "::1:9464", "[::1]9464",
                           "[nope]:1", "1.2.3.4:80x", "1.2.3:80"}) {
    EXPECT_THROW(parse_listen_address(text), UsageError) << text;
  }
  try {
    parse_listen_address("example:9464");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("flag -metrics"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ior::metrics
