// The upgrade rules without a server (src/clickhouse/schema_upgrade.*): what
// is added to a table of an earlier version and in which words per variant,
// what is refused and how the refusal reads, and the tables read back from
// the generated statements. The servers' side is in
// schema_upgrade_server_test.cpp (18.16) and schema_upgrade_chdb_test.cpp (26.x).

#include "clickhouse/schema_upgrade.hpp"

#include <algorithm>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "old_schema.hpp"
#include "schema/columns.hpp"

namespace ior::clickhouse {
namespace {

using testing::ColumnList;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<ExistingColumn> existing(const ColumnList& cols, bool with_ingested_at = true) {
  std::vector<ExistingColumn> out;
  for (const auto& [name, type] : cols) out.push_back({name, type, false});
  if (with_ingested_at) out.push_back({"ingested_at", "DateTime", true});
  return out;
}

ColumnList without_last(std::size_t n) { return testing::columns_without_last(n); }

std::string previous_column(const std::string& name) {
  ColumnList all = testing::current_columns();
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i].first == name) return all[i - 1].first;
  }
  return "";
}

std::string type_of(const std::string& name) {
  for (const auto& c : schema::kColumnInfo) {
    if (c.name == name) return std::string(schema::clickhouse_type_name(c.type));
  }
  return "";
}

TEST(SchemaUpgrade, ATableWithEveryColumnNeedsNothing) {
  for (auto v : {SchemaVariant::kLegacy, SchemaVariant::kModern}) {
    ColumnsUpgrade u = plan_columns_upgrade(v, SchemaOptions{}, RowTable::kStorage, existing(testing::current_columns()));
    EXPECT_FALSE(u.refusal) << *u.refusal;
    EXPECT_TRUE(u.added.empty());
    EXPECT_EQ(u.statement, "");
  }
}

// Every missing column is added in schema order, each AFTER the schema
// column before it; the list is derived, so it holds for any schema.
void expect_adds(SchemaVariant v, const SchemaOptions& o, RowTable t, const ColumnList& old) {
  const std::vector<std::string> want = testing::columns_added_since(old);
  ColumnsUpgrade u = plan_columns_upgrade(v, o, t, existing(old));
  ASSERT_FALSE(u.refusal) << *u.refusal;
  EXPECT_EQ(u.added, want);
  if (want.empty()) {
    EXPECT_EQ(u.statement, "");
    return;
  }
  const std::string table = t == RowTable::kStorage ? storage_table(o) : o.table;
  EXPECT_EQ(u.statement.rfind("ALTER TABLE " + quote_identifier(o.database) + "." + quote_identifier(table) + " ", 0), 0u)
      << u.statement;
  std::size_t pos = 0;
  for (const auto& name : want) {
    schema::ColumnInfo info{};
    for (const auto& c : schema::kColumnInfo) {
      if (c.name == name) info = c;
    }
    std::string clause = std::string("ADD COLUMN ") + (v == SchemaVariant::kModern ? "IF NOT EXISTS " : "") + "`" +
                         name + "` " + type_of(name) + " DEFAULT " + column_default(info) +
                         (t == RowTable::kStorage ? column_codec(v, info) : "") + " AFTER `" + previous_column(name) + "`";
    auto at = u.statement.find(clause, pos);
    ASSERT_NE(at, std::string::npos) << clause << "\nin\n" << u.statement;
    pos = at + clause.size();
  }
  EXPECT_EQ(pos, u.statement.size()) << u.statement;
}

TEST(SchemaUpgrade, AnIor010TableGetsEveryColumnAddedSince) {
  for (auto v : {SchemaVariant::kLegacy, SchemaVariant::kModern}) {
    expect_adds(v, SchemaOptions{}, RowTable::kStorage, testing::v1_columns());
  }
}

TEST(SchemaUpgrade, ATableMissingTheLastColumnsGetsThemInOrder) {
  for (std::size_t n : {1u, 2u, 5u}) {
    SCOPED_TRACE(n);
    for (auto v : {SchemaVariant::kLegacy, SchemaVariant::kModern}) expect_adds(v, SchemaOptions{}, RowTable::kStorage, without_last(n));
  }
}

// A table made by hand with ior's columns but not the server's insert time:
// an upgraded table equals a new one, so ingested_at is added last, as
// CREATE TABLE has it.
TEST(SchemaUpgrade, ATableWithoutIngestedAtGetsItLast) {
  const std::string last = testing::current_columns().back().first;
  const auto all_but = existing(testing::current_columns(), false);
  ColumnsUpgrade legacy = plan_columns_upgrade(SchemaVariant::kLegacy, SchemaOptions{}, RowTable::kStorage, all_but);
  EXPECT_EQ(legacy.added, std::vector<std::string>{"ingested_at"});
  EXPECT_EQ(legacy.statement,
            "ALTER TABLE `ior`.`ior_events` ADD COLUMN `ingested_at` DateTime DEFAULT now() AFTER `" + last + "`");
  ColumnsUpgrade modern = plan_columns_upgrade(SchemaVariant::kModern, SchemaOptions{}, RowTable::kStorage,
                                               existing(without_last(1), false));
  EXPECT_EQ(modern.added, (std::vector<std::string>{testing::last_columns(1).front(), "ingested_at"}));
  EXPECT_TRUE(contains(modern.statement, ", ADD COLUMN IF NOT EXISTS `ingested_at` DateTime64(3) DEFAULT now64(3) "
                                         "CODEC(DoubleDelta, ZSTD(3)) AFTER `" + last + "`"))
      << modern.statement;
}

TEST(SchemaUpgrade, TheVariantsWordTheStatementAsTheirServersAccept) {
  ColumnsUpgrade legacy = plan_columns_upgrade(SchemaVariant::kLegacy, SchemaOptions{}, RowTable::kStorage, existing(without_last(3)));
  ColumnsUpgrade modern = plan_columns_upgrade(SchemaVariant::kModern, SchemaOptions{}, RowTable::kStorage, existing(without_last(3)));
  // 18.16: "Syntax error ... EXISTS" for IF NOT EXISTS, and no CODEC.
  EXPECT_FALSE(contains(legacy.statement, "IF NOT EXISTS"));
  EXPECT_FALSE(contains(legacy.statement, "CODEC"));
  EXPECT_TRUE(contains(modern.statement, "ADD COLUMN IF NOT EXISTS"));
  EXPECT_TRUE(contains(modern.statement, "CODEC("));
  // A Distributed table stores nothing: no codec there.
  SchemaOptions c;
  c.cluster = "ior_cluster";
  c.on_cluster = false;
  ColumnsUpgrade dist = plan_columns_upgrade(SchemaVariant::kModern, c, RowTable::kDistributed, existing(without_last(3)));
  EXPECT_TRUE(contains(dist.statement, "ALTER TABLE `ior`.`ior_events` ADD COLUMN IF NOT EXISTS")) << dist.statement;
  EXPECT_FALSE(contains(dist.statement, "CODEC"));
  ColumnsUpgrade local = plan_columns_upgrade(SchemaVariant::kLegacy, c, RowTable::kStorage, existing(without_last(3)));
  EXPECT_TRUE(contains(local.statement, "ALTER TABLE `ior`.`ior_events_local` ADD COLUMN")) << local.statement;
  // ON CLUSTER when the caller runs it once for the cluster.
  c.on_cluster = true;
  ColumnsUpgrade on = plan_columns_upgrade(SchemaVariant::kLegacy, c, RowTable::kStorage, existing(without_last(3)));
  EXPECT_TRUE(contains(on.statement, "ALTER TABLE `ior`.`ior_events_local` ON CLUSTER `ior_cluster` ADD COLUMN"))
      << on.statement;
}

TEST(SchemaUpgrade, AColumnOfAnotherTypeIsRefusedWithTheFixAndNothingIsAdded) {
  ColumnList cols = without_last(2);
  for (auto& c : cols) {
    if (c.first == "fd") c.second = "Int64";
  }
  ColumnsUpgrade u = plan_columns_upgrade(SchemaVariant::kLegacy, SchemaOptions{}, RowTable::kStorage, existing(cols));
  ASSERT_TRUE(u.refusal);
  EXPECT_EQ(*u.refusal,
            "column fd is Int64 in ior.ior_events, ior writes Int32: ior changes no column's type; rename it "
            "(RENAME TABLE ior.ior_events TO ior.ior_events_old) and ior creates a new one, or write to another "
            "table with -ch-table");
  EXPECT_EQ(u.statement, "");
}

TEST(SchemaUpgrade, AnExtraColumnWithoutDefaultIsRefusedOneWithADefaultIsFine) {
  std::vector<ExistingColumn> cols = existing(without_last(1));
  cols.push_back({"legacy_flag", "UInt8", true});
  ColumnsUpgrade ok = plan_columns_upgrade(SchemaVariant::kModern, SchemaOptions{}, RowTable::kStorage, cols);
  EXPECT_FALSE(ok.refusal);
  EXPECT_EQ(ok.added.size(), 1u);
  cols.back().has_default = false;
  ColumnsUpgrade no = plan_columns_upgrade(SchemaVariant::kModern, SchemaOptions{}, RowTable::kStorage, cols);
  ASSERT_TRUE(no.refusal);
  EXPECT_EQ(*no.refusal,
            "column legacy_flag (UInt8) of ior.ior_events has no DEFAULT and ior does not write it: give it one "
            "(ALTER TABLE ior.ior_events MODIFY COLUMN legacy_flag UInt8 DEFAULT ...) or drop it (ALTER TABLE "
            "ior.ior_events DROP COLUMN legacy_flag), or write to another table with -ch-table");
  EXPECT_TRUE(no.added.empty());
  EXPECT_EQ(no.statement, "");
}

TEST(SchemaUpgrade, ATableWithoutTheFirstColumnIsNotIors) {
  ColumnList cols = testing::current_columns();
  const std::string first = cols.front().first;
  cols.erase(cols.begin());
  ColumnsUpgrade u = plan_columns_upgrade(SchemaVariant::kModern, SchemaOptions{}, RowTable::kStorage, existing(cols));
  ASSERT_TRUE(u.refusal);
  EXPECT_EQ(u.refusal->rfind("column " + first + ", the first of ior's columns, is missing in ior.ior_events: not a "
                             "table of ior; rename it",
                             0),
            0u)
      << *u.refusal;
  // An unrelated table with a few names in common is refused the same way.
  ColumnsUpgrade other = plan_columns_upgrade(SchemaVariant::kLegacy, SchemaOptions{}, RowTable::kStorage,
                                              {{"id", "UInt64", false}, {"pid", "UInt32", false}});
  ASSERT_TRUE(other.refusal);
  EXPECT_TRUE(contains(*other.refusal, "not a table of ior")) << *other.refusal;
}

TEST(SchemaUpgrade, EnginesThatCannotHoldTheRowsAreRefused) {
  SchemaOptions one;
  SchemaOptions cluster;
  cluster.cluster = "c1";
  EXPECT_FALSE(engine_refusal(one, RowTable::kStorage, "MergeTree"));
  EXPECT_FALSE(engine_refusal(one, RowTable::kStorage, "ReplicatedMergeTree"));
  EXPECT_FALSE(engine_refusal(cluster, RowTable::kStorage, "MergeTree"));
  EXPECT_FALSE(engine_refusal(cluster, RowTable::kDistributed, "Distributed"));
  EXPECT_EQ(engine_refusal(one, RowTable::kStorage, "Distributed"),
            "ior.ior_events is a Distributed table: run with -ch-cluster NAME (the table was made for a cluster), or "
            "rename it (RENAME TABLE ior.ior_events TO ior.ior_events_old) and ior creates a new one, or write to "
            "another table with -ch-table");
  EXPECT_EQ(engine_refusal(cluster, RowTable::kDistributed, "MergeTree"),
            "ior.ior_events is a MergeTree table; with -ch-cluster ior writes through a Distributed table over "
            "ior.ior_events_local: run without -ch-cluster (the table was made for one server), or rename it (RENAME "
            "TABLE ior.ior_events TO ior.ior_events_old) and ior creates a new one, or write to another table with "
            "-ch-table");
  for (const char* engine : {"SummingMergeTree", "ReplacingMergeTree", "Log", "Memory", "View", "MaterializedView"}) {
    auto why = engine_refusal(one, RowTable::kStorage, engine);
    ASSERT_TRUE(why) << engine;
    EXPECT_EQ(why->rfind(std::string("ior.ior_events is a ") + engine + " table, ior stores its rows in a MergeTree", 0), 0u)
        << *why;
  }
}

TEST(SchemaUpgrade, TheGeneratedTablesAreReadBackWithTheirColumns) {
  for (auto v : {SchemaVariant::kLegacy, SchemaVariant::kModern}) {
    for (bool cluster : {false, true}) {
      SchemaOptions o;
      if (cluster) o.cluster = "c1";
      auto tables = generated_tables(schema_statements(v, o));
      const std::string suffix = cluster ? "_local" : "";
      std::vector<std::string> names;
      for (const auto& t : tables) names.push_back(t.name);
      std::vector<std::string> want = {"ior_events" + suffix, "ior_events_thread_stats" + suffix,
                                       "ior_events_latency_minute" + suffix};
      if (cluster) want = {"ior_events_local", "ior_events", "ior_events_thread_stats_local", "ior_events_thread_stats",
                           "ior_events_latency_minute_local", "ior_events_latency_minute"};
      EXPECT_EQ(names, want);
      // The row table: the schema's columns, then ingested_at.
      ColumnList rows = testing::current_columns();
      rows.emplace_back("ingested_at", v == SchemaVariant::kModern ? "DateTime64(3)" : "DateTime");
      EXPECT_EQ(tables[0].columns, rows);
      EXPECT_EQ(tables[0].as, "");
      if (cluster) {
        EXPECT_EQ(tables[1].as, "ior_events_local");
        EXPECT_EQ(tables[1].columns, rows);
      }
      // A view table (its columns in full in the 18.16 and chDB tests).
      const auto& latency = tables[cluster ? 4 : 2];
      ASSERT_FALSE(latency.columns.empty());
      EXPECT_EQ(latency.columns.back(), std::make_pair(std::string("duration_quantiles"),
                                                       std::string("AggregateFunction(quantiles(0.5, 0.9, 0.99), UInt64)")));
    }
  }
}

TEST(SchemaUpgrade, AViewTableOfAnotherDefinitionIsDescribed) {
  GeneratedTable want{"t_stats", "", {{"day", "Date"}, {"event_count", "UInt64"}, {"total_bytes", "UInt64"}}};
  EXPECT_EQ(view_table_difference(want, {{"day", "Date", false}, {"event_count", "UInt64", false}, {"total_bytes", "UInt64", false}}),
            std::nullopt);
  EXPECT_EQ(view_table_difference(want, {{"day", "Date", false}, {"event_count", "UInt32", false}, {"old_metric", "UInt8", false}}),
            "lacks total_bytes UInt64; event_count is UInt32 (now UInt64); has old_metric (no longer defined)");
}

TEST(SchemaUpgradeTestData, WithoutLastColumnsLeavesOutExactlyThoseLines) {
  SchemaOptions o;
  auto full = schema_statements(SchemaVariant::kModern, o);
  auto cut = testing::without_last_columns(full, 3);
  ASSERT_EQ(cut.size(), full.size());
  ColumnList want = without_last(3);
  want.emplace_back("ingested_at", "DateTime64(3)");
  EXPECT_EQ(generated_tables(cut)[0].columns, want);
  for (std::size_t i = 2; i < cut.size(); ++i) EXPECT_EQ(cut[i], full[i]);  // views untouched
  // ior 0.1.0's frozen statements read back as schema version 1's columns.
  ColumnList v1 = testing::v1_columns();
  v1.emplace_back("ingested_at", "DateTime");
  EXPECT_EQ(generated_tables(testing::ior_0_1_0_statements("legacy.sql", "ior"))[0].columns, v1);
}

}  // namespace
}  // namespace ior::clickhouse
