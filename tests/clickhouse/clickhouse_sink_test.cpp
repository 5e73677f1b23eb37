// The -clickhouse sink against real 18.16 servers: schema created or
// checked, rows streamed, a cluster of shards fed through a Distributed table.

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string_view>
#include <thread>

#include "base/error.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "clickhouse/net/tls_transport.hpp"
#include "clickhouse_server.hpp"
#include "schema/columns.hpp"
#include "stalling_server.hpp"
#include "synthetic_rows.hpp"

namespace ior::clickhouse {
namespace {

using namespace std::chrono_literals;

ClickHouseSinkOptions sink_options(std::uint16_t port, const std::string& db) {
  ClickHouseSinkOptions o;
  o.writer.client.port = port;
  o.writer.client.timeouts.receive = 10s;
  o.writer.batch_rows = 5000;
  o.writer.connections = 2;
  o.schema.database = db;
  o.drain_timeout = 30s;
  return o;
}

// An empty spool directory of this test process's own (not yet created).
std::string fresh_spool(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("ior_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  return d.string();
}

// A sink started while its server is down: the spool keeps the rows, and
// the retries come often enough for a test to see the server come back.
ClickHouseSinkOptions late_sink_options(std::uint16_t port, const std::string& db, const std::string& spool) {
  ClickHouseSinkOptions o = sink_options(port, db);
  o.writer.spool_dir = spool;
  o.writer.backoff_max = 300ms;
  return o;
}

std::uint64_t number(const testing::ClickHouseEndpoint& ep, const std::string& sql, std::uint16_t port = 0) {
  testing::ClickHouseClientOptions o;
  o.port = port;
  return std::stoull(testing::clickhouse_client_query(ep, sql, o));
}

// db.ior_events with every column of the schema, but fd wider than ior
// writes it: a table ior must refuse.
void create_table_with_a_wider_fd(const testing::ClickHouseEndpoint& ep, const std::string& db) {
  std::string ddl = "CREATE TABLE " + db + ".ior_events (";
  schema::for_each_column([&](const auto& c) {
    std::string type = c.name == std::string_view("fd") ? "Int64" : std::string(schema::clickhouse_type_name(c.type));
    ddl += std::string(c.name) + " " + type + ", ";
  });
  ddl.resize(ddl.size() - 2);
  ddl += ") ENGINE = MergeTree ORDER BY timestamp_ns";
  testing::ClickHouseClientOptions lc;
  lc.settings = {{"allow_experimental_low_cardinality_type", "1"}};
  testing::clickhouse_client_query(ep, ddl, lc);
}

TEST(ClickHouseSinkTest, CreatesTheSchemaStreamsRowsAndReportsThem) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  testing::clickhouse_client_query(ch, "DROP DATABASE IF EXISTS sink_plain");
  bench::SyntheticRows rows(23'456, 21);
  {
    ClickHouseSink sink(sink_options(ch.port, "sink_plain"));
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    auto report = sink.report();
    EXPECT_EQ(report.rows_written, rows.rows().size());
    EXPECT_EQ(report.rows_lost, 0u);
    EXPECT_FALSE(report.failed);
    ASSERT_FALSE(report.lines.empty());
    EXPECT_NE(report.lines[0].find("18.16"), std::string::npos) << report.lines[0];
  }
  EXPECT_EQ(number(ch, "SELECT count() FROM sink_plain.ior_events"), rows.rows().size());
  // A second run finds the table and appends.
  {
    ClickHouseSink sink(sink_options(ch.port, "sink_plain"));
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
  }
  EXPECT_EQ(number(ch, "SELECT count() FROM sink_plain.ior_events"), 2 * rows.rows().size());
  testing::clickhouse_client_query(ch, "DROP DATABASE sink_plain");
}

// users.xml <allow_databases>: the user may use its own database only, not
// `default`; ior named `default` in its Hello and could not log in.
TEST(ClickHouseSinkTest, AUserAllowedOnlyItsOwnDatabaseStreamsIntoIt) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  ClickHouseSinkOptions o = sink_options(ch.port, ch.own_db);
  o.writer.client.user = ch.own_db_user;
  o.writer.client.password = ch.password;
  bench::SyntheticRows rows(12'000, 41);
  {
    ClickHouseSink sink(o);  // without a spool: a failed login is an error here
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    auto report = sink.report();
    EXPECT_EQ(report.rows_written, rows.rows().size());
    EXPECT_FALSE(report.failed);
  }
  testing::ClickHouseClientOptions as_user;
  as_user.user = ch.own_db_user;
  as_user.password = ch.password;
  EXPECT_EQ(std::stoull(testing::clickhouse_client_query(ch, "SELECT count() FROM " + ch.own_db + ".ior_events", as_user)),
            rows.rows().size());
  testing::clickhouse_client_query(ch, "DROP DATABASE " + ch.own_db);
}

// A certificate that fails verification is a setup error like a refused
// login, even with a spool (was: every row spooled, exit 0).
TEST(ClickHouseSinkTest, ACertificateThatFailsVerificationStopsTheSinkEvenWithASpool) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  ASSERT_NE(ch.secure_port, 0);
  ClickHouseSinkOptions o = sink_options(ch.secure_port, "ior_tls_refused");
  o.writer.client.tls.enabled = true;
  o.writer.client.tls.ca_file = ch.ca_file.substr(0, ch.ca_file.rfind('/')) + "/server.crt";  // not its CA
  const std::string spool = fresh_spool("tls_spool");
  o.writer.spool_dir = spool;
  try {
    ClickHouseSink sink(o);
    FAIL() << "the sink started with a certificate it cannot verify";
  } catch (const net::TlsVerifyError& e) {
    EXPECT_NE(std::string(e.what()).find("failed verification against CA file"), std::string::npos) << e.what();
  }
  o.writer.client.tls.ca_file = ch.ca_file;  // the right CA: the same options work
  {
    ClickHouseSink sink(o);
    sink.close();
    EXPECT_FALSE(sink.report().failed);
  }
  std::filesystem::remove_all(spool);
  testing::clickhouse_client_query(ch, "DROP DATABASE ior_tls_refused");
}

// A port that is not ClickHouse's native one (its HTTP port, a common
// mistake) and a host name that does not exist fail every retry the same
// way: setup errors even with a spool (was: every row spooled for good,
// exit 0).
TEST(ClickHouseSinkTest, NotANativePortOrAnUnknownHostStopsTheSinkEvenWithASpool) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  testing::StallingServer http(testing::StallingServer::Mode::kHttp);
  const std::string spool = fresh_spool("wrong_port_spool");
  ClickHouseSinkOptions o = sink_options(http.port(), "ior_wrong_port");
  o.writer.spool_dir = spool;
  try {
    ClickHouseSink sink(o);
    FAIL() << "the sink started on an HTTP port";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(http.port())), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is this a ClickHouse native port?"), std::string::npos) << e.what();
  }
  o.writer.hosts = {{"ior-no-such-host.invalid", ch.port}};
  try {
    ClickHouseSink sink(o);
    FAIL() << "the sink started on a host name that does not exist";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot resolve ior-no-such-host.invalid"), std::string::npos) << e.what();
  }
  // A wrong host beside a right one: the right one takes the rows.
  o.writer.hosts = {{"127.0.0.1", http.port()}, {"127.0.0.1", ch.port}};
  {
    ClickHouseSink sink(o);
    sink.close();
    EXPECT_FALSE(sink.report().failed);
  }
  std::filesystem::remove_all(spool);
  testing::clickhouse_client_query(ch, "DROP DATABASE ior_wrong_port");
}

TEST(ClickHouseSinkTest, ATableOfAnotherStructureIsAClearErrorAndNothingIsWritten) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  testing::clickhouse_client_query(ch, "DROP DATABASE IF EXISTS sink_wrong");
  testing::clickhouse_client_query(ch, "CREATE DATABASE sink_wrong");
  create_table_with_a_wider_fd(ch, "sink_wrong");
  try {
    ClickHouseSink sink(sink_options(ch.port, "sink_wrong"));
    FAIL() << "a table of another structure was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("column fd is Int64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing written"), std::string::npos) << e.what();
  }
  EXPECT_EQ(number(ch, "SELECT count() FROM sink_wrong.ior_events"), 0u);
  testing::clickhouse_client_query(ch, "DROP DATABASE sink_wrong");
}

TEST(ClickHouseSinkTest, UnreachableAtStartWithASpoolPreparesTheSchemaWhenTheServerComes) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer server;
  const auto& ep = server.start(testing::own_clickhouse_dir("sink_late"));
  server.kill();
  const std::string spool = fresh_spool("sink_late");
  ClickHouseSinkOptions o = late_sink_options(ep.port, "late", spool);
  bench::SyntheticRows rows(30'000, 23);
  ClickHouseSink sink(o);  // no server: not fatal with a spool
  auto report = sink.report();
  ASSERT_FALSE(report.lines.empty());
  EXPECT_NE(report.lines[0].find("no server reachable"), std::string::npos) << report.lines[0];
  for (const auto& r : rows.rows()) sink.consume(r);
  server.restart();
  sink.close();
  report = sink.report();
  EXPECT_EQ(report.rows_written, rows.rows().size());
  EXPECT_EQ(report.rows_lost, 0u);
  EXPECT_EQ(number(server.endpoint(), "SELECT count() FROM late.ior_events"), rows.rows().size());
  std::filesystem::remove_all(spool);
}

// The same refusal as at the start, found only when the server comes (it was
// down at the start): the sink fails with the reason and keeps the rows in
// the spool (was: "ClickHouse is not answering (... column fd is Int64 ...)",
// retried until the end, exit 0).
TEST(ClickHouseSinkTest, ATableOfAnotherStructureFoundWhenTheServerComesLaterFailsTheSink) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer server;
  const auto& ep = server.start(testing::own_clickhouse_dir("sink_late_wrong"));
  testing::clickhouse_client_query(ep, "CREATE DATABASE late_wrong");
  create_table_with_a_wider_fd(ep, "late_wrong");
  server.kill();
  const std::string spool = fresh_spool("sink_late_wrong");
  ClickHouseSinkOptions o = late_sink_options(ep.port, "late_wrong", spool);
  bench::SyntheticRows rows(30'000, 29);
  ClickHouseSink sink(o);  // no server: not fatal with a spool
  for (const auto& r : rows.rows()) sink.consume(r);
  server.restart();
  for (int i = 0; i < 100 && sink.live_stats().refused.empty(); ++i) std::this_thread::sleep_for(50ms);
  const auto started = std::chrono::steady_clock::now();
  sink.close();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "nothing to wait for after a refusal";
  auto report = sink.report();
  EXPECT_TRUE(report.failed);
  std::string lines;
  for (const auto& l : report.lines) lines += l + "\n";
  EXPECT_NE(lines.find("column fd is Int64 in late_wrong.ior_events, ior writes Int32"), std::string::npos) << lines;
  EXPECT_NE(lines.find("found when a server first answered, after the start"), std::string::npos) << lines;
  EXPECT_EQ(report.rows_written, 0u);
  EXPECT_EQ(report.rows_spooled, rows.rows().size()) << "every row kept for a run that can write them";
  EXPECT_EQ(report.rows_lost + report.rows_dropped, 0u);
  EXPECT_EQ(number(server.endpoint(), "SELECT count() FROM late_wrong.ior_events"), 0u);
  std::filesystem::remove_all(spool);
}

TEST(ClickHouseSinkTest, AClusterOfThreeShardsGetsEveryRowThroughItsDistributedTable) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer cluster;
  const auto& ep = cluster.start(testing::own_clickhouse_dir("sink_cluster"), {"--shards", "3"});
  ASSERT_EQ(ep.shard_ports.size(), 3u);
  bench::SyntheticRows rows(90'000, 22);
  ClickHouseSinkOptions o = sink_options(ep.port, "ior");
  o.schema.cluster = "ior_cluster";
  o.discover_cluster = true;  // the other two shards come from system.clusters
  {
    ClickHouseSink sink(o);
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    EXPECT_EQ(sink.report().rows_written, rows.rows().size());
  }
  std::uint64_t sum = 0;
  for (auto port : ep.shard_ports) {
    std::uint64_t n = number(ep, "SELECT count() FROM ior.ior_events_local", port);
    EXPECT_GT(n, 0u) << "shard on port " << port << " got no rows";
    sum += n;
  }
  EXPECT_EQ(sum, rows.rows().size());
  EXPECT_EQ(number(ep, "SELECT count() FROM ior.ior_events"), rows.rows().size());
  // Exactly the rows sent: per-shard sums of a column add up to the source's.
  std::uint64_t want = 0;
  for (const auto& r : rows.rows()) want += r.duration_ns;
  EXPECT_EQ(number(ep, "SELECT sum(duration_ns) FROM ior.ior_events"), want);
}

// The shard ior was not given is a listener of the test's own on that
// shard's address: without -ch-cluster-discover ior never connects to it;
// with it, ior logs in there with its password (what the flag means).
TEST(ClickHouseSinkTest, AClusterWithoutDiscoveryTalksOnlyToTheGivenHosts) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer cluster;
  const auto& ep = cluster.start(testing::own_clickhouse_dir("sink_cluster_given"), {"--shards", "2"});
  ASSERT_EQ(ep.shard_ports.size(), 2u);
  const std::uint16_t unlisted = ep.shard_ports[1];
  cluster.kill(2);
  testing::StallingServer impostor(testing::StallingServer::Mode::kSilent, 100ms, unlisted);
  ClickHouseSinkOptions o = sink_options(ep.port, "ior");
  o.writer.hosts = {{"127.0.0.1"}};
  o.writer.client.user = ep.password_user;
  o.writer.client.password = ep.password;
  o.writer.client.deadlines.handshake = 1s;
  o.schema.cluster = "ior_cluster";
  {
    ClickHouseSink sink(o);
    sink.close();
    auto report = sink.report();
    std::string lines;
    for (const auto& l : report.lines) lines += l + "\n";
    EXPECT_NE(lines.find("127.0.0.1:" + std::to_string(unlisted) + " is not among -ch-host and was not prepared"),
              std::string::npos)
        << lines;
  }
  EXPECT_EQ(impostor.accepted(), 0) << "ior connected to a shard it was not given";
  EXPECT_EQ(number(ep, "SELECT count() FROM system.tables WHERE database = 'ior' AND name = 'ior_events_local'"), 1u);
  o.discover_cluster = true;
  EXPECT_THROW(ClickHouseSink{o}, Error);  // the impostor never answers: handshake deadline
  EXPECT_EQ(impostor.accepted(), 1);
  EXPECT_NE(impostor.received().find(ep.password), std::string::npos) << "discovery sends the password there";
}

}  // namespace
}  // namespace ior::clickhouse
