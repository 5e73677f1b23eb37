// Upgrading tables of an earlier ior on Debian's real ClickHouse 18.16,
// through the -clickhouse sink itself: ior 0.1.0's own tables (its frozen
// statements) and tables missing the last columns of this schema are
// upgraded, rows from before and after the upgrade read back with every
// column (the added ones at their defaults in older rows), views of another
// definition are reported and left alone (a table at a view table's name
// without its view is refused); a cluster of two shards in
// different states is upgraded shard by shard, Distributed tables last; what
// cannot be upgraded is refused before anything changes on any shard.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse_server.hpp"
#include "every_column_rows.hpp"
#include "schema/schema_version.hpp"
#include "old_schema.hpp"
#include "schema/columns.hpp"

namespace ior::clickhouse {
namespace {

using namespace std::chrono_literals;
using Rows = std::vector<std::vector<std::string>>;
using testing::ColumnList;

constexpr std::uint64_t kOldTs = 1'767'225'600'000'000'000ull;  // 2026-01-01, before every new row
constexpr std::uint64_t kNewTs = kOldTs + 3'600'000'000'000ull;

ClientOptions options_for(const std::string& host, std::uint16_t port) {
  ClientOptions o;
  o.host = host;
  o.port = port;
  o.timeouts.connect = 3s;
  o.timeouts.receive = 20s;
  return o;
}

Rows rows_of(Connection& c, const std::string& sql) {
  Rows out;
  for (const auto& b : c.query(sql).blocks) {
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

void run_all(Connection& c, const std::vector<std::string>& statements) {
  QueryOptions q;
  for (const auto& [name, value] : schema_settings(SchemaVariant::kLegacy)) q.settings.push_back({name, value});
  for (const auto& s : statements) c.query(s, q);
}

ColumnList columns_of(Connection& c, const std::string& db, const std::string& table) {
  ColumnList out;
  for (const auto& r : rows_of(c, "SELECT name, type FROM system.columns WHERE database = " + quote_literal(db) +
                                      " AND table = " + quote_literal(table))) {
    out.emplace_back(r.at(0), r.at(1));
  }
  return out;
}

ColumnList without_ingested_at(ColumnList cols) {
  std::erase_if(cols, [](const auto& c) { return c.first == "ingested_at"; });
  return cols;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

SchemaOptions options_of(const std::string& db) {
  SchemaOptions o;
  o.database = db;
  return o;
}

ClickHouseSinkOptions sink_options(std::uint16_t port, const std::string& db) {
  ClickHouseSinkOptions o;
  o.writer.client.port = port;
  o.writer.client.timeouts.receive = 20s;
  o.writer.batch_rows = 1000;
  o.writer.connections = 1;
  o.schema.database = db;
  o.drain_timeout = 30s;
  return o;
}

// Writes the rows through a sink; returns its report lines.
std::vector<std::string> write_with_sink(const ClickHouseSinkOptions& o, const testing::EveryColumnRows& rows) {
  ClickHouseSink sink(o);
  for (const auto& r : rows.rows()) sink.consume(r);
  sink.close();
  auto report = sink.report();
  EXPECT_EQ(report.rows_written, rows.rows().size());
  EXPECT_FALSE(report.failed);
  return report.lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string all_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Every row of `table`, time-ordered: n_old rows of old_rows_insert() (the
// columns the old table lacked at their defaults), then the sink's rows.
void expect_rows(Connection& c, const std::string& table, const ColumnList& old, std::size_t n_old,
                 const testing::EveryColumnRows& fresh) {
  Rows got = rows_of(c, "SELECT " + column_list() + " FROM " + table + " ORDER BY timestamp_ns");
  ASSERT_EQ(got.size(), n_old + fresh.rows().size());
  for (std::size_t n = 0; n < n_old; ++n) EXPECT_EQ(got[n], testing::expected_old_row(old, kOldTs, n)) << "old row " << n;
  for (std::size_t i = 0; i < fresh.rows().size(); ++i) EXPECT_EQ(got[n_old + i], fresh.text(i)) << "new row " << i;
}

class SchemaUpgradeServer : public ::testing::Test {
 protected:
  void SetUp() override {
    IOR_REQUIRE_CLICKHOUSE(ch);
    endpoint_ = ch;
  }
  Connection connect() { return Connection(options_for(endpoint_.host, endpoint_.port)); }

  // The table `statements` create in db holds the `old` columns and 100 rows;
  // the sink upgrades it and writes 50 rows of every column; everything
  // reads back, the table equals a new one, and the view tables that differ
  // from this version's are named in the report and left unchanged.
  void upgrade_and_check(const std::string& db, const std::vector<std::string>& statements, const ColumnList& old) {
    Connection c = connect();
    const std::string now_db = db + "_now";
    c.query("DROP DATABASE IF EXISTS " + db);
    c.query("DROP DATABASE IF EXISTS " + now_db);
    run_all(c, statements);
    ASSERT_EQ(without_ingested_at(columns_of(c, db, "ior_events")), old);
    c.query(testing::old_rows_insert(db, "ior_events", old, kOldTs, 100));
    run_all(c, schema_statements(SchemaVariant::kLegacy, options_of(now_db)));  // this version's tables, to compare
    const std::vector<std::string> views = {"ior_events_thread_stats", "ior_events_latency_minute"};
    std::map<std::string, ColumnList> view_columns;
    for (const auto& v : views) view_columns[v] = columns_of(c, db, v);

    testing::EveryColumnRows fresh(50, kNewTs);
    auto lines = write_with_sink(sink_options(endpoint_.port, db), fresh);
    const std::vector<std::string> added = testing::columns_added_since(old);
    ASSERT_FALSE(lines.empty());
    if (added.empty()) {
      EXPECT_TRUE(lines[0].ends_with("(existing, structure checked)")) << all_lines(lines);
      EXPECT_FALSE(has_line(lines, "added columns")) << all_lines(lines);
    } else {
      EXPECT_TRUE(lines[0].ends_with("(upgraded)")) << all_lines(lines);
      EXPECT_EQ(lines.at(1), "clickhouse: added columns " + joined(added) + " to " + db +
                                 ".ior_events (earlier rows read 0 or '' in them)");
    }
    expect_rows(c, db + ".ior_events", old, 100, fresh);
    EXPECT_EQ(columns_of(c, db, "ior_events"), columns_of(c, now_db, "ior_events"));
    for (const auto& v : views) {
      SCOPED_TRACE(v);
      EXPECT_EQ(columns_of(c, db, v), view_columns[v]) << "ior changed a view's table";
      bool differs = view_columns[v] != columns_of(c, now_db, v);
      EXPECT_EQ(has_line(lines, "clickhouse: view " + db + "." + v + "_mv writes to a table of an earlier ior"), differs)
          << all_lines(lines);
    }
    // The views (of whichever definition) saw every row.
    EXPECT_EQ(scalar(c, "SELECT sum(event_count) FROM " + db + ".ior_events_thread_stats"), "150");
    // The next run finds nothing to add.
    testing::EveryColumnRows none(0, kNewTs);
    auto again = write_with_sink(sink_options(endpoint_.port, db), none);
    EXPECT_TRUE(again.at(0).ends_with("(existing, structure checked)")) << all_lines(again);
    c.query("DROP DATABASE " + db);
    c.query("DROP DATABASE " + now_db);
  }

  testing::ClickHouseEndpoint endpoint_;
};

TEST_F(SchemaUpgradeServer, AnIor010TableIsUpgradedAndEveryRowReadsBack) {
  upgrade_and_check("ior_up_010", testing::ior_0_1_0_statements("legacy.sql", "ior_up_010"), testing::v1_columns());
}

// The table this ior's previous schema version created: this version's
// statements without the columns added since (tests/schema/versions), which
// need not be the last ones (who-did-it columns sit after tid and comm).
TEST_F(SchemaUpgradeServer, ATableOfThePreviousSchemaVersionIsUpgraded) {
  const ColumnList previous = testing::version_columns(schema::kSchemaVersion - 1);
  const auto added = testing::columns_added_since(previous);
  ASSERT_FALSE(added.empty());
  upgrade_and_check("ior_up_prev",
                    testing::without_columns(schema_statements(SchemaVariant::kLegacy, options_of("ior_up_prev")), added),
                    previous);
}

TEST_F(SchemaUpgradeServer, ATableMissingTheLastColumnIsUpgraded) {
  upgrade_and_check("ior_up_last1",
                    testing::without_last_columns(schema_statements(SchemaVariant::kLegacy, options_of("ior_up_last1")), 1),
                    testing::columns_without_last(1));
}

TEST_F(SchemaUpgradeServer, ATableMissingTheLastThreeColumnsIsUpgraded) {
  upgrade_and_check("ior_up_last3",
                    testing::without_last_columns(schema_statements(SchemaVariant::kLegacy, options_of("ior_up_last3")), 3),
                    testing::columns_without_last(3));
}

// A MergeTree made by hand with only ior's first column (and one of its
// own, with a DEFAULT): every column is added, ingested_at too, so the
// table equals a new one but for the column of its own.
TEST_F(SchemaUpgradeServer, ATableWithOnlyTheFirstColumnGetsEveryOtherIngestedAtToo) {
  Connection c = connect();
  const std::string db = "ior_up_first";
  c.query("DROP DATABASE IF EXISTS " + db);
  c.query("DROP DATABASE IF EXISTS " + db + "_now");
  c.query("CREATE DATABASE " + db);
  c.query("CREATE TABLE " + db + ".ior_events (timestamp_ns UInt64, junk String DEFAULT 'a') ENGINE = MergeTree "
          "ORDER BY timestamp_ns");
  SchemaOptions now = options_of(db + "_now");
  now.materialized_views = false;
  run_all(c, schema_statements(SchemaVariant::kLegacy, now));
  ClickHouseSinkOptions o = sink_options(endpoint_.port, db);
  o.schema.materialized_views = false;
  testing::EveryColumnRows fresh(10, kNewTs);
  write_with_sink(o, fresh);
  ColumnList got = columns_of(c, db, "ior_events");
  std::erase_if(got, [](const auto& col) { return col.first == "junk"; });
  EXPECT_EQ(got, columns_of(c, db + "_now", "ior_events"));
  EXPECT_EQ(scalar(c, "SELECT count() FROM " + db + ".ior_events WHERE ingested_at > toDateTime('2026-01-01 00:00:00')"),
            "10");
  c.query("DROP DATABASE " + db);
  c.query("DROP DATABASE " + db + "_now");
}

TEST_F(SchemaUpgradeServer, ARowThatNamesOnlyTheTimeReadsWhatIorWritesWhenItKnowsNothing) {
  Connection c = connect();
  c.query("DROP DATABASE IF EXISTS ior_up_defaults");
  run_all(c, schema_statements(SchemaVariant::kLegacy, options_of("ior_up_defaults")));
  c.query("INSERT INTO ior_up_defaults.ior_events (timestamp_ns) SELECT 42");
  schema::EventRow unset;
  unset.timestamp_ns = 42;
  EXPECT_EQ(rows_of(c, "SELECT " + column_list() + " FROM ior_up_defaults.ior_events"), Rows{testing::row_text(unset)});
  c.query("DROP DATABASE ior_up_defaults");
}

// The sink's constructor must throw an Error whose message contains `want`
// and "nothing written".
void expect_refused(const ClickHouseSinkOptions& o, const std::string& want) {
  try {
    ClickHouseSink sink(o);
    FAIL() << "accepted; wanted: " << want;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("; nothing written"), std::string::npos) << e.what();
  }
}

TEST_F(SchemaUpgradeServer, AColumnOfAnotherTypeIsRefusedBeforeAnythingChanges) {
  Connection c = connect();
  const std::string db = "ior_up_type";
  c.query("DROP DATABASE IF EXISTS " + db);
  // Missing the last two columns (an upgrade would add them) and fd wider.
  auto statements = testing::without_last_columns(schema_statements(SchemaVariant::kLegacy, options_of(db)), 2);
  testing::replace_all(statements[1], "`fd` Int32 DEFAULT -1,", "`fd` Int64 DEFAULT -1,");
  run_all(c, statements);
  ColumnList old = testing::columns_without_last(2);
  for (auto& col : old) {
    if (col.first == "fd") col.second = "Int64";
  }
  c.query(testing::old_rows_insert(db, "ior_events", old, kOldTs, 10));
  const ColumnList before = columns_of(c, db, "ior_events");
  expect_refused(sink_options(endpoint_.port, db),
                 "clickhouse: column fd is Int64 in " + db + ".ior_events, ior writes Int32: ior changes no column's "
                 "type; rename it (RENAME TABLE " + db + ".ior_events TO " + db + ".ior_events_old) and ior creates "
                 "a new one, or write to another table with -ch-table; nothing written");
  EXPECT_EQ(columns_of(c, db, "ior_events"), before);  // the missing columns were not added
  EXPECT_EQ(scalar(c, "SELECT count() FROM " + db + ".ior_events"), "10");
  c.query("DROP DATABASE " + db);
}

TEST_F(SchemaUpgradeServer, OtherTablesThatCannotHoldTheRowsAreRefused) {
  Connection c = connect();
  const std::string db = "ior_up_refused";
  c.query("DROP DATABASE IF EXISTS " + db);
  c.query("CREATE DATABASE " + db);
  // A column ior does not write, without a DEFAULT, on an ior table.
  SchemaOptions extra = options_of(db);
  extra.table = "with_extra";
  extra.materialized_views = false;
  run_all(c, schema_statements(SchemaVariant::kLegacy, extra));
  c.query("ALTER TABLE " + db + ".with_extra ADD COLUMN legacy_flag UInt8");
  ClickHouseSinkOptions o = sink_options(endpoint_.port, db);
  o.schema.table = "with_extra";
  o.schema.materialized_views = false;
  expect_refused(o, "column legacy_flag (UInt8) of " + db + ".with_extra has no DEFAULT and ior does not write it: "
                    "give it one (ALTER TABLE " + db + ".with_extra MODIFY COLUMN legacy_flag UInt8 DEFAULT ...)");
  // A table of another engine with ior's columns.
  run_all(c, {"CREATE TABLE " + db + ".as_log (" + column_definitions() + ") ENGINE = Log"});
  o.schema.table = "as_log";
  expect_refused(o, db + ".as_log is a Log table, ior stores its rows in a MergeTree");
  // (Distributed tables and -ch-cluster: in the cluster test, this server has no cluster.)
  EXPECT_EQ(scalar(c, "SELECT count() FROM " + db + ".as_log"), "0");
  // A table at a view table's name, without the view: someone else's. A
  // view over it would fail every INSERT into the row table.
  c.query("CREATE TABLE " + db + ".theirs_thread_stats (x UInt8) ENGINE = Log");
  o.schema.table = "theirs";
  o.schema.materialized_views = true;
  expect_refused(o, db + ".theirs_thread_stats exists on 127.0.0.1:" + std::to_string(endpoint_.port) +
                        " without its view " + db + ".theirs_thread_stats_mv and is not the table ior would make (");
  EXPECT_EQ(scalar(c, "SELECT count() FROM system.tables WHERE database = '" + db + "' AND name LIKE 'theirs%'"), "1");
  c.query("DROP DATABASE " + db);
}

TEST(SchemaUpgradeCluster, TwoShardsAreUpgradedEachAsItNeedsAndRefusalsComeFirst) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer server;
  const auto& ep = server.start(testing::own_clickhouse_dir("schema_upgrade_cluster"), {"--shards", "2"});
  ASSERT_EQ(ep.shard_ports.size(), 2u);
  SchemaOptions o;
  o.database = "ior";
  o.cluster = "ior_cluster";
  o.on_cluster = false;
  // Shard 1 lacks the last two columns, shard 2 the last three: an earlier
  // upgrade stopped halfway, say. Each shard's Distributed table is made AS
  // its own local table, so it lacks the same columns.
  const std::size_t lacks[] = {2, 3};
  std::vector<std::string> hosts;
  for (std::size_t s = 0; s < 2; ++s) {
    Connection c(options_for(ep.host, ep.shard_ports[s]));
    run_all(c, testing::without_last_columns(schema_statements(SchemaVariant::kLegacy, o), lacks[s]));
    c.query(testing::old_rows_insert("ior", "ior_events_local", testing::columns_without_last(lacks[s]),
                                     kOldTs + s * 1000, 40));
    hosts.push_back(ep.host + ":" + std::to_string(ep.shard_ports[s]));
  }
  ClickHouseSinkOptions so = sink_options(ep.port, "ior");
  so.schema.cluster = "ior_cluster";
  so.discover_cluster = true;  // shard 2 comes from system.clusters (both shards share a host)

  // First, in another database: shard 1 could be upgraded, but shard 2 has a
  // column of another type. Refused, and shard 1 is left as it was.
  SchemaOptions bad = o;
  bad.database = "ior_bad";
  ColumnList bad_before;
  for (std::size_t s = 0; s < 2; ++s) {
    Connection c(options_for(ep.host, ep.shard_ports[s]));
    auto statements = testing::without_last_columns(schema_statements(SchemaVariant::kLegacy, bad), 2);
    if (s == 1) testing::replace_all(statements[1], "`pid` UInt32 DEFAULT 0,", "`pid` UInt64 DEFAULT 0,");
    run_all(c, statements);
    if (s == 0) bad_before = columns_of(c, "ior_bad", "ior_events_local");
  }
  ClickHouseSinkOptions bad_sink = so;
  bad_sink.schema.database = "ior_bad";
  expect_refused(bad_sink, "column pid is UInt64 in ior_bad.ior_events_local, ior writes UInt32");
  {
    Connection c(options_for(ep.host, ep.shard_ports[0]));
    EXPECT_EQ(columns_of(c, "ior_bad", "ior_events_local"), bad_before);
    EXPECT_EQ(without_ingested_at(columns_of(c, "ior_bad", "ior_events")), testing::columns_without_last(2));
  }

  // Now the cluster that can be upgraded.
  testing::EveryColumnRows fresh(300, kNewTs);
  auto lines = write_with_sink(so, fresh);
  const auto last2 = testing::last_columns(2), last3 = testing::last_columns(3);
  const std::string note = " (earlier rows read 0 or '' in them) on ";
  EXPECT_TRUE(lines.at(0).ends_with("(upgraded)")) << all_lines(lines);
  EXPECT_EQ(lines.at(1), "clickhouse: added columns " + joined(last2) + " to ior.ior_events_local" + note + hosts[0]);
  EXPECT_EQ(lines.at(2), "clickhouse: added columns " + joined(last3) + " to ior.ior_events_local" + note + hosts[1]);
  EXPECT_EQ(lines.at(3), "clickhouse: added columns " + joined(last2) + " to ior.ior_events" + note + hosts[0]);
  EXPECT_EQ(lines.at(4), "clickhouse: added columns " + joined(last3) + " to ior.ior_events" + note + hosts[1]);
  std::uint64_t total = 0;
  for (std::size_t s = 0; s < 2; ++s) {
    Connection c(options_for(ep.host, ep.shard_ports[s]));
    EXPECT_EQ(without_ingested_at(columns_of(c, "ior", "ior_events_local")), testing::current_columns());
    EXPECT_EQ(without_ingested_at(columns_of(c, "ior", "ior_events")), testing::current_columns());
    std::uint64_t n = std::stoull(scalar(c, "SELECT count() FROM ior.ior_events_local WHERE timestamp_ns >= " +
                                              std::to_string(kNewTs)));
    EXPECT_GT(n, 50u) << "rand() should spread rows over both shards";
    total += n;
  }
  EXPECT_EQ(total, fresh.rows().size());
  // Through either shard's Distributed table: every row, with every column.
  for (std::size_t s = 0; s < 2; ++s) {
    Connection c(options_for(ep.host, ep.shard_ports[s]));
    Rows got = rows_of(c, "SELECT " + column_list() + " FROM ior.ior_events ORDER BY timestamp_ns");
    ASSERT_EQ(got.size(), 80u + fresh.rows().size());
    // Old rows: shard 1's at kOldTs.., shard 2's at kOldTs + 1000..
    for (std::size_t n = 0; n < 40; ++n) {
      EXPECT_EQ(got[n], testing::expected_old_row(testing::columns_without_last(2), kOldTs, n));
      EXPECT_EQ(got[40 + n], testing::expected_old_row(testing::columns_without_last(3), kOldTs + 1000, n));
    }
    for (std::size_t i = 0; i < fresh.rows().size(); ++i) EXPECT_EQ(got[80 + i], fresh.text(i)) << "new row " << i;
  }

  // The cluster's tables written without -ch-cluster, and a one-server
  // table written with it: each refused with its fix.
  ClickHouseSinkOptions single = sink_options(ep.port, "ior");
  expect_refused(single, "clickhouse: ior.ior_events is a Distributed table: run with -ch-cluster NAME (the table was "
                         "made for a cluster)");
  {
    Connection c(options_for(ep.host, ep.shard_ports[0]));
    run_all(c, schema_statements(SchemaVariant::kLegacy, options_of("ior_single")));
  }
  ClickHouseSinkOptions clustered = so;
  clustered.schema.database = "ior_single";
  expect_refused(clustered, "clickhouse: ior_single.ior_events is a MergeTree table; with -ch-cluster ior writes "
                            "through a Distributed table over ior_single.ior_events_local: run without -ch-cluster");
  server.stop();
}

}  // namespace
}  // namespace ior::clickhouse
