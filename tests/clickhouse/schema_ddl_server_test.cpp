// The legacy DDL against Debian's real ClickHouse 18.16 (the shared fixture
// server, through ior's own Connection): the statements run and run again
// as no-ops, a row inserted with insert_sql() gets ingested_at and reaches
// both views, structure_difference() agrees with system.columns; and the
// cluster variant on two real shards of a server of the test's own.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clickhouse/client/connection.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse_server.hpp"
#include "schema/columns.hpp"

namespace ior::clickhouse {
namespace {

using Rows = std::vector<std::vector<std::string>>;

ClientOptions options_for(const std::string& host, std::uint16_t port) {
  ClientOptions o;
  o.host = host;
  o.port = port;
  o.timeouts.connect = std::chrono::milliseconds(3000);
  o.timeouts.receive = std::chrono::milliseconds(20000);
  return o;
}

Rows rows_of(Connection& c, const std::string& sql, const QueryOptions& q = {}) {
  Rows out;
  for (const auto& b : c.query(sql, q).blocks) {
    for (std::size_t r = 0; r < b.rows(); ++r) {
      std::vector<std::string> row;
      for (const auto& col : b) row.push_back(col.column->text(r));
      out.push_back(std::move(row));
    }
  }
  return out;
}

std::string scalar(Connection& c, const std::string& sql) {
  Rows r = rows_of(c, sql);
  if (r.empty() || r[0].empty()) throw Error("no rows from: " + sql);
  return r[0][0];
}

QueryOptions ddl_settings(SchemaVariant v) {
  QueryOptions q;
  for (const auto& [name, value] : schema_settings(v)) q.settings.push_back({name, value});
  return q;
}

void run_statements(Connection& c, const SchemaOptions& o) {
  SchemaVariant v = choose_variant({c.server().major, c.server().minor, c.server().patch});
  QueryOptions q = ddl_settings(v);
  for (const auto& s : schema_statements(v, o)) c.query(s, q);
}

std::vector<std::pair<std::string, std::string>> columns_of(Connection& c, const std::string& db, const std::string& t) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : rows_of(c, "SELECT name, type FROM system.columns WHERE database = '" + db + "' AND table = '" +
                                      t + "'")) {
    out.emplace_back(r.at(0), r.at(1));
  }
  return out;
}

schema::EventRow row_at(std::uint64_t ts_ns, std::uint32_t tid, std::string_view comm, std::uint64_t duration) {
  schema::EventRow r;
  r.timestamp_ns = ts_ns;
  r.pid = 4242;
  r.tid = tid;
  r.comm = comm;
  r.syscall_name = "openat";
  r.fd = 3;
  r.filename = "/etc/hosts";
  r.duration_ns = duration;
  r.hostname = "h1";
  r.collection_id[15] = 1;
  return r;
}

void insert_rows(Connection& c, const SchemaOptions& o, const std::vector<schema::EventRow>& rows,
                 const QueryOptions& q = {}) {
  const columns::Block& header = c.begin_insert(insert_sql(o), q);
  EXPECT_EQ(header.column_count(), schema::kColumnCount);  // ingested_at not named: the server fills it
  EventBlock block;
  for (const auto& r : rows) block.append(r);
  c.send_block(block.block());
  c.end_insert();
}

class SchemaDdlServer : public ::testing::Test {
 protected:
  void SetUp() override {
    IOR_REQUIRE_CLICKHOUSE(ch);
    endpoint_ = ch;
  }
  testing::ClickHouseEndpoint endpoint_;
};

TEST_F(SchemaDdlServer, LegacyStatementsRunTwiceAndARowGetsIngestedAtAndReachesTheViews) {
  Connection c(options_for(endpoint_.host, endpoint_.port));
  ASSERT_EQ(choose_variant({c.server().major, c.server().minor, c.server().patch}), SchemaVariant::kLegacy);
  SchemaOptions o;
  o.database = "ior_ddl_legacy";
  c.query("DROP DATABASE IF EXISTS ior_ddl_legacy");
  run_statements(c, o);

  const std::uint64_t now_ns = std::stoull(scalar(c, "SELECT toUInt64(now())")) * 1'000'000'000ull;
  insert_rows(c, o, {row_at(now_ns, 70001, "worker", 1500)});
  // A second run changes nothing and keeps the row.
  run_statements(c, o);
  Rows tables = rows_of(c, "SELECT name, engine FROM system.tables WHERE database = 'ior_ddl_legacy' ORDER BY name");
  EXPECT_EQ(tables, (Rows{{"ior_events", "MergeTree"},
                          {"ior_events_latency_minute", "AggregatingMergeTree"},
                          {"ior_events_latency_minute_mv", "MaterializedView"},
                          {"ior_events_thread_stats", "SummingMergeTree"},
                          {"ior_events_thread_stats_mv", "MaterializedView"}}));

  Rows row = rows_of(c, "SELECT count(), any(tid), any(comm), any(filename), "
                        "toUInt32(now()) - toUInt32(any(ingested_at)) <= 60, any(ingested_at) > toDateTime(0) "
                        "FROM ior_ddl_legacy.ior_events");
  EXPECT_EQ(row, (Rows{{"1", "70001", "worker", "/etc/hosts", "1", "1"}}));
  EXPECT_EQ(rows_of(c, "SELECT pid, tid, comm, syscall_name, sum(event_count), sum(total_duration_ns) FROM "
                       "ior_ddl_legacy.ior_events_thread_stats GROUP BY pid, tid, comm, syscall_name"),
            (Rows{{"4242", "70001", "worker", "openat", "1", "1500"}}));
  EXPECT_EQ(rows_of(c, "SELECT syscall_name, countMerge(event_count), quantilesMerge(0.5, 0.9, 0.99)(duration_quantiles) "
                       "FROM ior_ddl_legacy.ior_events_latency_minute GROUP BY syscall_name"),
            (Rows{{"openat", "1", "[1500,1500,1500]"}}));
  // Another host's row and another run's, same pid, tid, name and syscall:
  // rows of their own in both views (they had been summed into one).
  schema::EventRow other_host = row_at(now_ns, 70001, "worker", 1000);
  other_host.hostname = "h2";
  schema::EventRow other_run = row_at(now_ns, 70001, "worker", 1000);
  other_run.collection_id[15] = 2;
  insert_rows(c, o, {other_host, other_run});
  EXPECT_EQ(rows_of(c, "SELECT hostname, sum(event_count) AS n, sum(total_duration_ns) AS d FROM "
                       "ior_ddl_legacy.ior_events_thread_stats GROUP BY hostname, collection_id "
                       "ORDER BY hostname, d DESC"),
            (Rows{{"h1", "1", "1500"}, {"h1", "1", "1000"}, {"h2", "1", "1000"}}));
  EXPECT_EQ(rows_of(c, "SELECT hostname, countMerge(event_count) AS n FROM "
                       "ior_ddl_legacy.ior_events_latency_minute GROUP BY hostname, collection_id "
                       "ORDER BY hostname"),
            (Rows{{"h1", "1"}, {"h1", "1"}, {"h2", "1"}}));
  // The day partition is the event's.
  EXPECT_EQ(scalar(c, "SELECT any(partition) = toString(toYYYYMMDD(now())) FROM system.parts "
                      "WHERE database = 'ior_ddl_legacy' AND table = 'ior_events' AND active"),
            "1");

  // structure_difference agrees with what 18.16 reports.
  auto cols = columns_of(c, "ior_ddl_legacy", "ior_events");
  EXPECT_EQ(cols.size(), schema::kColumnCount + 1);
  EXPECT_EQ(structure_difference(cols, o), std::nullopt);
  c.query("DROP DATABASE ior_ddl_legacy");
}

TEST_F(SchemaDdlServer, StructureDifferenceNamesAColumnOfAnotherType) {
  Connection c(options_for(endpoint_.host, endpoint_.port));
  SchemaOptions o;
  o.database = "ior_ddl_wrong";
  o.materialized_views = false;
  c.query("DROP DATABASE IF EXISTS ior_ddl_wrong");
  // The generated table with fd widened to Int64: what an older tool may have created.
  auto stmts = schema_statements(SchemaVariant::kLegacy, o);
  ASSERT_EQ(stmts.size(), 2u);
  std::string create = stmts[1];
  const std::string fd = "`fd` Int32 DEFAULT -1,";
  ASSERT_NE(create.find(fd), std::string::npos) << create;
  create.replace(create.find(fd), fd.size(), "`fd` Int64 DEFAULT -1,");
  QueryOptions q = ddl_settings(SchemaVariant::kLegacy);
  c.query(stmts[0], q);
  c.query(create, q);
  EXPECT_EQ(structure_difference(columns_of(c, "ior_ddl_wrong", "ior_events"), o),
            "column fd is Int64 in ior_ddl_wrong.ior_events, ior writes Int32");
  // And an INSERT of the schema's block is refused before anything is sent.
  EXPECT_THROW(insert_rows(c, o, {row_at(1, 1, "x", 1)}), Error);
  c.abandon_insert();
  Connection again(options_for(endpoint_.host, endpoint_.port));
  EXPECT_EQ(scalar(again, "SELECT count() FROM ior_ddl_wrong.ior_events"), "0");
  again.query("DROP DATABASE ior_ddl_wrong");
}

TEST(SchemaDdlCluster, TheClusterVariantOnTwoShardsSplitsRowsAndAggregatesPerShard) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer server;
  const auto& ep = server.start(testing::own_clickhouse_dir("schema_ddl_cluster"), {"--shards", "2"});
  ASSERT_EQ(ep.shard_ports.size(), 2u);
  SchemaOptions o;
  o.cluster = "ior_cluster";

  // ON CLUSTER needs distributed DDL (ZooKeeper); this cluster has none.
  {
    Connection c(options_for(ep.host, ep.shard_ports[0]));
    QueryOptions q = ddl_settings(SchemaVariant::kLegacy);
    try {
      c.query(schema_statements(SchemaVariant::kLegacy, o)[0], q);
      FAIL() << "ON CLUSTER ran without ZooKeeper";
    } catch (const protocol::ServerException& e) {
      EXPECT_NE(e.message().find("DDL background thread is not initialized"), std::string::npos) << e.what();
    }
  }
  // So: the same statements without ON CLUSTER, on every shard.
  o.on_cluster = false;
  for (auto port : ep.shard_ports) {
    Connection c(options_for(ep.host, port));
    run_statements(c, o);
  }
  Connection c(options_for(ep.host, ep.shard_ports[0]));
  std::vector<schema::EventRow> rows;
  const std::uint64_t now_ns = std::stoull(scalar(c, "SELECT toUInt64(now())")) * 1'000'000'000ull;
  for (std::uint32_t i = 0; i < 2000; ++i) rows.push_back(row_at(now_ns + i, 70000 + i % 8, "w", 100 + i % 10));
  QueryOptions sync;
  sync.settings = {{"insert_distributed_sync", "1"}};
  insert_rows(c, o, rows, sync);

  std::uint64_t total = 0;
  for (auto port : ep.shard_ports) {
    Connection shard(options_for(ep.host, port));
    std::uint64_t n = std::stoull(scalar(shard, "SELECT count() FROM ior.ior_events_local"));
    EXPECT_GT(n, 500u) << "rand() should spread rows over both shards";
    EXPECT_EQ(scalar(shard, "SELECT sum(event_count) FROM ior.ior_events_thread_stats_local"), std::to_string(n));
    total += n;
  }
  EXPECT_EQ(total, 2000u);
  EXPECT_EQ(scalar(c, "SELECT count() FROM ior.ior_events"), "2000");
  EXPECT_EQ(rows_of(c, "SELECT sum(event_count), sum(total_duration_ns), uniqExact(tid) FROM ior.ior_events_thread_stats"),
            (Rows{{"2000", std::to_string(2000 * 100 + 200 * 45), "8"}}));
  // Quantile states merge across shards: equal to quantiles over all rows.
  EXPECT_EQ(scalar(c, "SELECT quantilesMerge(0.5, 0.9, 0.99)(duration_quantiles) FROM ior.ior_events_latency_minute"),
            scalar(c, "SELECT quantiles(0.5, 0.9, 0.99)(duration_ns) FROM ior.ior_events"));
  EXPECT_EQ(structure_difference(columns_of(c, "ior", storage_table(o)), o), std::nullopt);
  server.stop();
}

}  // namespace
}  // namespace ior::clickhouse
