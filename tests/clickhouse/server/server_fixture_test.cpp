// The ClickHouse test fixture itself: the shared server is the 18.16 we
// target, its users and TLS port behave as the other tests assume, and an
// own server survives SIGKILL with its MergeTree data.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "clickhouse_server.hpp"

namespace ior::testing {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The message of the exception `query` throws ("" when it does not throw).
template <typename F>
std::string error_of(F query) {
  try {
    query();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(ClickHouseServer, SharedServerIs18_16) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  EXPECT_EQ(ch.host, "127.0.0.1");
  std::string version = trim(clickhouse_client_query(ch, "SELECT version()"));
  EXPECT_EQ(version.rfind("18.16.", 0), 0u) << version;
  // Plain HTTP is configured too (CH_HTTP_PORT) and differs from the others.
  EXPECT_NE(ch.http_port, 0);
  EXPECT_NE(ch.http_port, ch.port);
}

TEST(ClickHouseServer, PasswordUserNeedsItsPassword) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  ASSERT_EQ(ch.password_user, "ior_test");
  ASSERT_FALSE(ch.password.empty());
  ClickHouseClientOptions with;
  with.password_user = true;
  // 18.16 has no currentUser(): the user of the one running query that
  // holds this marker, which is this one (other tests share the server).
  const std::string whoami = "SELECT user FROM system.processes WHERE query LIKE '%ior-whoami-marker%'";
  EXPECT_EQ(trim(clickhouse_client_query(ch, whoami, with)), "ior_test");

  ClickHouseClientOptions without;
  without.user = ch.password_user;
  std::string err = error_of([&] { clickhouse_client_query(ch, "SELECT 1", without); });
  EXPECT_NE(err.find("Password required for user ior_test"), std::string::npos) << err;

  ClickHouseClientOptions wrong = without;
  wrong.password = ch.password + "x";
  err = error_of([&] { clickhouse_client_query(ch, "SELECT 1", wrong); });
  EXPECT_NE(err.find("Wrong password for user ior_test"), std::string::npos) << err;

  // `default` has no password.
  EXPECT_EQ(trim(clickhouse_client_query(ch, whoami)), "default");
}

TEST(ClickHouseServer, SecurePortTrustsOnlyItsCa) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  ASSERT_NE(ch.secure_port, 0) << "the fixture starts the shared server with --secure";
  ASSERT_TRUE(std::filesystem::exists(ch.ca_file)) << ch.ca_file;
  ClickHouseClientOptions tls;
  tls.secure = true;
  tls.password_user = true;
  EXPECT_EQ(trim(clickhouse_client_query(ch, "SELECT 'over tls'", tls)), "over tls");

  // The same client trusting only the system CAs must refuse the
  // certificate: proof that the check above verified it.
  auto config = std::filesystem::path(ch.dir).parent_path() / "own" / "client-system-ca.xml";
  std::filesystem::create_directories(config.parent_path());
  std::ofstream(config) << "<config><openSSL><client><loadDefaultCAFile>true</loadDefaultCAFile>"
                           "<verificationMode>strict</verificationMode><invalidCertificateHandler>"
                           "<name>RejectCertificateHandler</name></invalidCertificateHandler>"
                           "</client></openSSL></config>\n";
  tls.config_file = config.string();
  std::string err = error_of([&] { clickhouse_client_query(ch, "SELECT 1", tls); });
  EXPECT_NE(err.find("certificate verify failed"), std::string::npos) << err;
}

TEST(ClickHouseServer, LowCardinalityIsAllowedPerQuery) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  const std::string table = "fixture_lowcard";
  clickhouse_client_query(ch, "DROP TABLE IF EXISTS " + table);
  std::string create = "CREATE TABLE " + table + " (s LowCardinality(String)) ENGINE = Memory";
  std::string err = error_of([&] { clickhouse_client_query(ch, create); });
  EXPECT_NE(err.find("allow_experimental_low_cardinality_type"), std::string::npos) << err;
  ClickHouseClientOptions o;
  o.password_user = true;
  o.settings = {{"allow_experimental_low_cardinality_type", "1"}};
  clickhouse_client_query(ch, create, o);
  EXPECT_EQ(trim(clickhouse_client_query(
                ch, "SELECT type FROM system.columns WHERE table = '" + table + "'")),
            "LowCardinality(String)");
  clickhouse_client_query(ch, "DROP TABLE " + table);
}

TEST(ClickHouseServer, OwnServerKeepsMergeTreeDataAcrossKill) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  OwnClickHouseServer server;
  const ClickHouseEndpoint ep = server.start(own_clickhouse_dir("kill_restart"));
  EXPECT_NE(ep.port, ep.http_port);
  EXPECT_EQ(ep.secure_port, 0);
  const pid_t first_pid = server.pid();
  ASSERT_GT(first_pid, 0);

  clickhouse_client_query(ep, "CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x");
  clickhouse_client_query(ep, "INSERT INTO t SELECT number FROM system.numbers LIMIT 100000");

  server.kill();
  EXPECT_EQ(server.pid(), 0);
  std::string err = error_of([&] { clickhouse_client_query(ep, "SELECT 1"); });
  EXPECT_NE(err.find("Connection refused"), std::string::npos) << err;

  server.restart();
  EXPECT_EQ(server.endpoint().port, ep.port);
  EXPECT_EQ(server.endpoint().http_port, ep.http_port);
  EXPECT_GT(server.pid(), 0);
  EXPECT_NE(server.pid(), first_pid);
  EXPECT_EQ(trim(clickhouse_client_query(ep, "SELECT count(), sum(x) FROM t")), "100000\t4999950000");

  server.stop();
  EXPECT_FALSE(clickhouse_server_in(ep.dir, nullptr).has_value());
}

TEST(ClickHouseServer, OwnShardsFormIorCluster) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  OwnClickHouseServer server;
  const ClickHouseEndpoint ep = server.start(own_clickhouse_dir("shards"), {"--shards", "2"});
  ASSERT_EQ(ep.shard_ports.size(), 2u);
  EXPECT_EQ(ep.shard_ports[0], ep.port);
  EXPECT_EQ(trim(clickhouse_client_query(
                ep, "SELECT shard_num, host_address, port FROM system.clusters "
                    "WHERE cluster = 'ior_cluster' ORDER BY shard_num")),
            "1\t127.0.0.1\t" + std::to_string(ep.shard_ports[0]) + "\n2\t127.0.0.1\t" +
                std::to_string(ep.shard_ports[1]));
  for (uint16_t port : ep.shard_ports) {
    ClickHouseClientOptions on;
    on.port = port;
    clickhouse_client_query(ep, "CREATE TABLE l (x UInt64) ENGINE = MergeTree ORDER BY x", on);
    clickhouse_client_query(ep, "INSERT INTO l VALUES (" + std::to_string(port) + ")", on);
  }
  clickhouse_client_query(ep, "CREATE TABLE d AS l ENGINE = Distributed(ior_cluster, default, l)");
  EXPECT_EQ(trim(clickhouse_client_query(ep, "SELECT sum(x) FROM d")),
            std::to_string(ep.shard_ports[0] + ep.shard_ports[1]));

  // The second shard down and back: the cluster answers in full again.
  server.kill(2);
  EXPECT_FALSE(error_of([&] { clickhouse_client_query(ep, "SELECT sum(x) FROM d"); }).empty());
  server.restart(2);
  EXPECT_EQ(trim(clickhouse_client_query(ep, "SELECT sum(x) FROM d")),
            std::to_string(ep.shard_ports[0] + ep.shard_ports[1]));
}

}  // namespace
}  // namespace ior::testing
