// -ch-host HOST:PORT,HOST:PORT against two real 18.16 shards listening on
// ports of their own: each host is reached on its port (was: the whole
// "127.0.0.1:PORT" taken for a host name, resolved and failed on -ch-port).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/sink_factory.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "clickhouse_server.hpp"
#include "synthetic_rows.hpp"

namespace ior::cli {
namespace {

TEST(ChHostsServerTest, EachShardGivenWithItsPortIsPreparedAndWritten) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer cluster;
  const auto& ep = cluster.start(testing::own_clickhouse_dir("cli_host_ports"), {"--shards", "2"});
  ASSERT_EQ(ep.shard_ports.size(), 2u);
  const std::string hosts = "127.0.0.1:" + std::to_string(ep.shard_ports[0]) + ",127.0.0.1:" +
                            std::to_string(ep.shard_ports[1]);
  // -ch-port points nowhere: only the ports given with the hosts can work.
  std::vector<const char*> args = {"ior",        "-clickhouse", "-ch-host", hosts.c_str(), "-ch-port", "1",
                                   "-ch-cluster", "ior_cluster", "-ch-spool", "none"};
  Options o = parse_options(static_cast<int>(args.size()), args.data());
  RunIdentity id;
  id.hostname = "host";
  SinkPlan plan = plan_sinks(o, id, {});
  ASSERT_TRUE(plan.clickhouse);
  bench::SyntheticRows rows(20'000, 43);
  {
    clickhouse::ClickHouseSink sink(std::move(*plan.clickhouse));
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    auto report = sink.report();
    EXPECT_EQ(report.rows_written, rows.rows().size());
    for (const auto& line : report.lines) {
      EXPECT_EQ(line.find("is not among -ch-host"), std::string::npos) << "both shards were given: " << line;
    }
  }
  std::uint64_t sum = 0;
  for (auto port : ep.shard_ports) {
    testing::ClickHouseClientOptions c;
    c.port = port;
    const std::uint64_t n = std::stoull(testing::clickhouse_client_query(ep, "SELECT count() FROM ior.ior_events_local", c));
    EXPECT_GT(n, 0u) << "shard on port " << port;
    sum += n;
  }
  EXPECT_EQ(sum, rows.rows().size());
}

}  // namespace
}  // namespace ior::cli
