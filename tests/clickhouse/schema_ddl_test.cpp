// The DDL generator without a server: every statement is derived from the
// schema's column table (src/schema/columns.hpp), the variants differ where
// the servers differ, the INSERT names the schema's columns in order, and
// structure_difference() names the first column that differs.

#include "clickhouse/schema_ddl.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "base/error.hpp"
#include "schema/columns.hpp"

namespace ior::clickhouse {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<std::pair<std::string, std::string>> schema_columns() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : schema::kColumnInfo) {
    out.emplace_back(std::string(c.name), std::string(schema::clickhouse_type_name(c.type)));
  }
  return out;
}

// The column definitions of a CREATE TABLE: lines "  `name` type ..." up to
// the first INDEX/PROJECTION line or the closing parenthesis.
std::vector<std::pair<std::string, std::string>> defined_columns(const std::string& create) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = create.find("(\n");
  EXPECT_NE(pos, std::string::npos) << create;
  pos += 2;
  while (pos < create.size() && create.compare(pos, 3, "  `") == 0) {
    std::size_t eol = create.find('\n', pos);
    std::string line = create.substr(pos + 3, eol - pos - 3);
    std::size_t close = line.find('`');
    std::string name = line.substr(0, close);
    std::string rest = line.substr(close + 2);
    if (!rest.empty() && rest.back() == ',') rest.pop_back();
    out.emplace_back(name, rest);
    pos = eol + 1;
  }
  return out;
}

const std::string& events_create(const std::vector<std::string>& stmts) {
  for (const auto& s : stmts) {
    if (contains(s, "ENGINE = MergeTree")) return s;
  }
  throw Error("no MergeTree table");
}

TEST(SchemaDdl, ChoosesTheModernVariantFrom22Point3) {
  EXPECT_EQ(choose_variant({18, 16, 1}), SchemaVariant::kLegacy);
  EXPECT_EQ(choose_variant({21, 8, 15}), SchemaVariant::kLegacy);
  EXPECT_EQ(choose_variant({22, 2, 99}), SchemaVariant::kLegacy);
  EXPECT_EQ(choose_variant({22, 3, 0}), SchemaVariant::kModern);
  EXPECT_EQ(choose_variant({22, 12, 1}), SchemaVariant::kModern);
  EXPECT_EQ(choose_variant({23, 1, 0}), SchemaVariant::kModern);
  EXPECT_EQ(choose_variant({26, 7, 2}), SchemaVariant::kModern);
  EXPECT_EQ(choose_variant({0, 0, 0}), SchemaVariant::kLegacy);
  EXPECT_EQ(variant_name(SchemaVariant::kModern), "modern (ClickHouse 22.3+)");
  EXPECT_EQ(variant_name(SchemaVariant::kLegacy), "legacy (ClickHouse 18.16 subset)");
}

TEST(SchemaDdl, OnlyTheLegacyVariantNeedsTheLowCardinalitySetting) {
  auto legacy = schema_settings(SchemaVariant::kLegacy);
  ASSERT_EQ(legacy.size(), 1u);
  EXPECT_EQ(legacy[0].first, "allow_experimental_low_cardinality_type");
  EXPECT_EQ(legacy[0].second, "1");
  EXPECT_TRUE(schema_settings(SchemaVariant::kModern).empty());
}

TEST(SchemaDdl, EveryStatementIsOneStatementWithoutASemicolon) {
  for (auto v : {SchemaVariant::kModern, SchemaVariant::kLegacy}) {
    for (const std::string cluster : {"", "c"}) {
      SchemaOptions o;
      o.cluster = cluster;
      auto stmts = schema_statements(v, o);
      // database, events (+ Distributed), 2 x (target (+ Distributed), view)
      EXPECT_EQ(stmts.size(), cluster.empty() ? 6u : 9u);
      EXPECT_EQ(stmts[0], "CREATE DATABASE IF NOT EXISTS `ior`" + std::string(cluster.empty() ? "" : " ON CLUSTER `c`"));
      for (const auto& s : stmts) {
        EXPECT_EQ(s.find(';'), std::string::npos) << s;
        EXPECT_TRUE(s.starts_with("CREATE ")) << s;
        EXPECT_TRUE(contains(s, " IF NOT EXISTS ")) << s;
      }
    }
  }
}

TEST(SchemaDdl, TheEventsTableHasEverySchemaColumnWithItsTypeInSchemaOrder) {
  for (auto v : {SchemaVariant::kModern, SchemaVariant::kLegacy}) {
    auto cols = defined_columns(events_create(schema_statements(v, {})));
    ASSERT_EQ(cols.size(), schema::kColumnCount + 1);  // + ingested_at
    std::size_t i = 0;
    schema::for_each_column([&](const auto& c) {
      EXPECT_EQ(cols[i].first, c.name);
      std::string type = std::string(schema::clickhouse_type_name(c.type)) + " DEFAULT " +
                         column_default({c.name, c.type});
      // the type and its DEFAULT, then nothing or a codec
      EXPECT_TRUE(cols[i].second == type || cols[i].second.starts_with(type + " CODEC(")) << cols[i].second;
      ++i;
    });
    EXPECT_EQ(cols.back().first, "ingested_at");
    EXPECT_EQ(cols.back().second, v == SchemaVariant::kModern ? "DateTime64(3) DEFAULT now64(3) CODEC(DoubleDelta, ZSTD(3))"
                                                              : "DateTime DEFAULT now()");
  }
}

TEST(SchemaDdl, EveryColumnDefaultsToWhatIorWritesWhenItKnowsNothing) {
  auto default_of = [](std::string_view name) {
    for (const auto& c : schema::kColumnInfo) {
      if (c.name == name) return column_default(c);
    }
    return std::string("?");
  };
  EXPECT_EQ(default_of("timestamp_ns"), "0");
  EXPECT_EQ(default_of("pid"), "0");
  EXPECT_EQ(default_of("fd"), "-1");  // EventRow::fd: no fd
  EXPECT_EQ(default_of("comm"), "''");
  EXPECT_EQ(default_of("filename"), "''");
  EXPECT_EQ(default_of("collection_id"), "toUUID('00000000-0000-0000-0000-000000000000')");
  // The servers' side: a row that names only the time reads EventRow{}'s
  // values (schema_upgrade_server_test, schema_upgrade_chdb_test).
}

TEST(SchemaDdl, TheModernTableHasThePlansOptimizationsCorrected) {
  SchemaOptions o;
  const std::string t = events_create(schema_statements(SchemaVariant::kModern, o));
  EXPECT_TRUE(contains(t, "CREATE TABLE IF NOT EXISTS `ior`.`ior_events` (\n")) << t;
  EXPECT_TRUE(contains(t, "`timestamp_ns` UInt64 DEFAULT 0 CODEC(DoubleDelta, ZSTD(3))")) << t;
  EXPECT_TRUE(contains(t, "`duration_ns` UInt64 DEFAULT 0 CODEC(T64, ZSTD(3))")) << t;  // not Delta: unsorted
  EXPECT_TRUE(contains(t, "`filename` String DEFAULT '' CODEC(ZSTD(3))")) << t;
  EXPECT_TRUE(contains(t, "INDEX idx_pid pid TYPE bloom_filter(0.01) GRANULARITY 4")) << t;
  EXPECT_TRUE(contains(t, "INDEX idx_tid tid TYPE bloom_filter(0.01) GRANULARITY 4")) << t;
  EXPECT_TRUE(contains(t, "INDEX idx_duration duration_ns TYPE minmax")) << t;
  EXPECT_TRUE(contains(t, "INDEX idx_syscall syscall_name TYPE set(100)")) << t;
  EXPECT_TRUE(contains(t, "INDEX idx_filename_token filename TYPE tokenbf_v1(256, 2, 0)")) << t;
  EXPECT_TRUE(contains(t, "PROJECTION proj_by_thread (SELECT * ORDER BY (pid, tid, timestamp_ns))")) << t;
  EXPECT_TRUE(contains(t, "PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp_ns))")) << t;
  EXPECT_TRUE(contains(t, "ORDER BY (timestamp_ns, pid, tid)")) << t;
  EXPECT_FALSE(contains(t, "TTL")) << t;  // ttl_days = 0
  for (int days : {1, 90}) {
    o.ttl_days = days;
    for (const auto& s : schema_statements(SchemaVariant::kModern, o)) {
      // The plan's `timestamp_ns + INTERVAL 90 DAY` adds an interval to a UInt64.
      EXPECT_FALSE(contains(s, "timestamp_ns + INTERVAL")) << s;
    }
    EXPECT_TRUE(contains(events_create(schema_statements(SchemaVariant::kModern, o)),
                         "TTL toDateTime(fromUnixTimestamp64Nano(timestamp_ns)) + INTERVAL " + std::to_string(days) +
                             " DAY DELETE"));
  }
}

TEST(SchemaDdl, TheLegacyTableUsesOnlyWhat18Point16Accepts) {
  SchemaOptions o;
  o.ttl_days = 30;
  for (const auto& s : schema_statements(SchemaVariant::kLegacy, o)) {
    for (const char* absent : {"CODEC", "INDEX ", "PROJECTION", "TTL", "DateTime64", "now64", "fromUnixTimestamp64Nano"}) {
      EXPECT_FALSE(contains(s, absent)) << absent << " in " << s;
    }
  }
  const std::string t = events_create(schema_statements(SchemaVariant::kLegacy, o));
  EXPECT_TRUE(contains(t, "PARTITION BY toYYYYMMDD(toDateTime(intDiv(timestamp_ns, 1000000000)))")) << t;
  EXPECT_TRUE(contains(t, "ORDER BY (timestamp_ns, pid, tid)")) << t;
  auto notes = schema_notes(SchemaVariant::kLegacy, o);
  ASSERT_FALSE(notes.empty());
  EXPECT_TRUE(contains(notes[0], "no TTL of 30 days")) << notes[0];
  EXPECT_TRUE(schema_notes(SchemaVariant::kModern, o).empty());
}

TEST(SchemaDdl, TheViewsKeepCommInTheKeyAndMergeQuantileStates) {
  for (auto v : {SchemaVariant::kModern, SchemaVariant::kLegacy}) {
    auto stmts = schema_statements(v, {});
    ASSERT_EQ(stmts.size(), 6u);
    const std::string& stats = stmts[2];
    const std::string& stats_mv = stmts[3];
    const std::string& lat = stmts[4];
    const std::string& lat_mv = stmts[5];
    EXPECT_TRUE(stats.starts_with("CREATE TABLE IF NOT EXISTS `ior`.`ior_events_thread_stats` (")) << stats;
    EXPECT_TRUE(contains(stats, "SummingMergeTree((event_count, total_duration_ns))")) << stats;
    // Host and run in the key: a central server's hosts, overlapping runs.
    EXPECT_TRUE(contains(stats, "ORDER BY (day, hour, hostname, collection_id, pid, tid, comm, syscall_name)")) << stats;
    // The key columns have exactly the schema's types (a UInt16 tid would wrap).
    auto cols = defined_columns(stats);
    for (const auto& [name, type] : cols) {
      for (const auto& c : schema::kColumnInfo) {
        if (c.name == name) {
          EXPECT_EQ(type, schema::clickhouse_type_name(c.type)) << name;
        }
      }
    }
    EXPECT_EQ(cols.size(), 10u);
    EXPECT_TRUE(stats_mv.starts_with("CREATE MATERIALIZED VIEW IF NOT EXISTS `ior`.`ior_events_thread_stats_mv` TO "
                                     "`ior`.`ior_events_thread_stats` AS SELECT"))
        << stats_mv;
    EXPECT_TRUE(contains(stats_mv, "FROM `ior`.`ior_events`\nGROUP BY day, hour, hostname, collection_id, pid, tid, comm, syscall_name")) << stats_mv;

    EXPECT_TRUE(contains(lat, "ENGINE = AggregatingMergeTree")) << lat;
    EXPECT_FALSE(contains(lat, "Summing")) << lat;
    EXPECT_TRUE(contains(lat, "`duration_quantiles` AggregateFunction(quantiles(0.5, 0.9, 0.99), UInt64)")) << lat;
    EXPECT_TRUE(contains(lat, "`event_count` AggregateFunction(count)")) << lat;
    EXPECT_TRUE(contains(lat_mv, "quantilesState(0.5, 0.9, 0.99)(duration_ns) AS duration_quantiles")) << lat_mv;
    EXPECT_TRUE(contains(lat_mv, "countState() AS event_count")) << lat_mv;
    EXPECT_TRUE(contains(lat, "ORDER BY (minute, hostname, collection_id, syscall_name)")) << lat;
    EXPECT_TRUE(contains(lat_mv, "GROUP BY minute, hostname, collection_id, syscall_name")) << lat_mv;
  }
  SchemaOptions none;
  none.materialized_views = false;
  EXPECT_EQ(schema_statements(SchemaVariant::kModern, none).size(), 2u);
}

TEST(SchemaDdl, AClusterGetsLocalTablesOnClusterAndADistributedTable) {
  SchemaOptions o;
  o.cluster = "ior_cluster";
  for (auto v : {SchemaVariant::kModern, SchemaVariant::kLegacy}) {
    auto stmts = schema_statements(v, o);
    for (const auto& s : stmts) EXPECT_TRUE(contains(s, " ON CLUSTER `ior_cluster`")) << s;
    EXPECT_TRUE(stmts[1].starts_with("CREATE TABLE IF NOT EXISTS `ior`.`ior_events_local` ON CLUSTER `ior_cluster` (\n"))
        << stmts[1];
    EXPECT_EQ(stmts[2],
              "CREATE TABLE IF NOT EXISTS `ior`.`ior_events` ON CLUSTER `ior_cluster` AS `ior`.`ior_events_local` "
              "ENGINE = Distributed('ior_cluster', 'ior', 'ior_events_local', rand())");
    EXPECT_TRUE(stmts[3].starts_with("CREATE TABLE IF NOT EXISTS `ior`.`ior_events_thread_stats_local` ON CLUSTER"));
    EXPECT_EQ(stmts[4],
              "CREATE TABLE IF NOT EXISTS `ior`.`ior_events_thread_stats` ON CLUSTER `ior_cluster` AS "
              "`ior`.`ior_events_thread_stats_local` ENGINE = Distributed('ior_cluster', 'ior', "
              "'ior_events_thread_stats_local')");
    // Views run on every shard, from its local rows into its local target.
    EXPECT_TRUE(contains(stmts[5], "TO `ior`.`ior_events_thread_stats_local` AS SELECT")) << stmts[5];
    EXPECT_TRUE(contains(stmts[5], "FROM `ior`.`ior_events_local`\n")) << stmts[5];
    EXPECT_TRUE(contains(stmts[8], "TO `ior`.`ior_events_latency_minute_local` AS SELECT")) << stmts[8];
  }
  EXPECT_EQ(insert_target(o), "`ior`.`ior_events`");
  EXPECT_EQ(storage_table(o), "ior_events_local");
  EXPECT_EQ(thread_stats_table(o), "ior_events_thread_stats");
  EXPECT_EQ(latency_table(o), "ior_events_latency_minute");
  o.on_cluster = false;
  for (const auto& s : schema_statements(SchemaVariant::kModern, o)) EXPECT_FALSE(contains(s, "ON CLUSTER")) << s;
}

TEST(SchemaDdl, InsertNamesTheSchemaColumnsInSchemaOrder) {
  std::string cols;
  schema::for_each_column([&](const auto& c) { cols += (cols.empty() ? "" : ", ") + std::string(c.name); });
  EXPECT_EQ(column_list(), cols);
  EXPECT_EQ(insert_sql({}), "INSERT INTO `ior`.`ior_events` (" + cols + ") VALUES");
  EXPECT_FALSE(contains(insert_sql({}), "ingested_at"));
  SchemaOptions o;
  o.database = "db";
  o.table = "t";
  o.cluster = "c";
  EXPECT_EQ(insert_sql(o), "INSERT INTO `db`.`t` (" + cols + ") VALUES");  // the Distributed table
  EXPECT_TRUE(insert_sql(o).starts_with("INSERT INTO `db`.`t` (timestamp_ns, pid, tid, ppid, uid, gid, comm, "));
}

TEST(SchemaDdl, NamesAreQuotedAndBadOptionsRefused) {
  EXPECT_EQ(quote_identifier("a`b\\c"), "`a\\`b\\\\c`");
  SchemaOptions o;
  o.database = "my db";
  o.table = "x`y";
  EXPECT_EQ(insert_target(o), "`my db`.`x\\`y`");
  o.cluster = "it's";
  auto stmts = schema_statements(SchemaVariant::kModern, o);
  EXPECT_TRUE(contains(stmts[2], "Distributed('it\\'s', 'my db', 'x`y_local', rand())")) << stmts[2];
  SchemaOptions bad;
  bad.table = "";
  EXPECT_THROW(schema_statements(SchemaVariant::kModern, bad), UsageError);
  bad = {};
  bad.database = "";
  EXPECT_THROW(insert_sql(bad), UsageError);
  bad = {};
  bad.ttl_days = -1;
  EXPECT_THROW(schema_statements(SchemaVariant::kModern, bad), UsageError);
}

TEST(SchemaDdl, StructureDifferenceNamesTheFirstDifferingColumn) {
  SchemaOptions o;
  auto cols = schema_columns();
  EXPECT_EQ(structure_difference(cols, o), std::nullopt);
  // A server-side extra column with a default, and another column order: fine.
  auto extra = cols;
  extra.emplace_back("ingested_at", "DateTime64(3)");
  std::swap(extra[0], extra[5]);
  EXPECT_EQ(structure_difference(extra, o), std::nullopt);
  // ...unless the caller says it has no default.
  EXPECT_EQ(structure_difference(extra, o, {"ingested_at"}),
            "column ingested_at (DateTime64(3)) of ior.ior_events has no DEFAULT and ior does not write it");

  auto wrong = cols;
  for (auto& [name, type] : wrong) {
    if (name == "fd") type = "Int64";
  }
  EXPECT_EQ(structure_difference(wrong, o), "column fd is Int64 in ior.ior_events, ior writes Int32");

  auto narrow = cols;
  for (auto& [name, type] : narrow) {
    if (name == "tid") type = "UInt16";
    if (name == "comm") type = "String";
  }
  EXPECT_EQ(structure_difference(narrow, o), "column tid is UInt16 in ior.ior_events, ior writes UInt32");

  auto missing = cols;
  missing.erase(std::find_if(missing.begin(), missing.end(), [](const auto& c) { return c.first == "syscall_name"; }));
  EXPECT_EQ(structure_difference(missing, o),
            "column syscall_name is missing in ior.ior_events, ior writes LowCardinality(String)");

  o.cluster = "c";
  EXPECT_EQ(structure_difference(wrong, o), "column fd is Int64 in ior.ior_events_local, ior writes Int32");
}

}  // namespace
}  // namespace ior::clickhouse
