// Which tables ior trusts to drop a resent INSERT by itself. engine_full
// strings as ClickHouse's system.tables words them (the modern DDL's own is
// read from a real ClickHouse in schema_ddl_chdb_test).

#include "clickhouse/insert_deduplication.hpp"

#include <gtest/gtest.h>

namespace ior::clickhouse {
namespace {

TEST(InsertDeduplication, TheTokenCameWith22Point2) {
  EXPECT_FALSE(server_takes_dedup_token(18, 16));
  EXPECT_FALSE(server_takes_dedup_token(22, 1));
  EXPECT_TRUE(server_takes_dedup_token(22, 2));
  EXPECT_TRUE(server_takes_dedup_token(26, 3));
}

TEST(InsertDeduplication, ReplicatedTablesUnlessTheirWindowIsZero) {
  EXPECT_TRUE(engine_deduplicates("ReplicatedMergeTree",
                                  "ReplicatedMergeTree('/clickhouse/tables/{shard}/t', '{replica}') ORDER BY ts "
                                  "SETTINGS index_granularity = 8192"));
  EXPECT_FALSE(engine_deduplicates("ReplicatedMergeTree",
                                   "ReplicatedMergeTree('/t', 'r') ORDER BY ts SETTINGS replicated_deduplication_window "
                                   "= 0, index_granularity = 8192"));
}

TEST(InsertDeduplication, PlainMergeTreeOnlyWithAWindow) {
  EXPECT_FALSE(engine_deduplicates("MergeTree", "MergeTree ORDER BY ts SETTINGS index_granularity = 8192"));
  EXPECT_TRUE(engine_deduplicates(
      "MergeTree", "MergeTree ORDER BY ts SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 1000"));
  EXPECT_FALSE(engine_deduplicates(
      "MergeTree", "MergeTree ORDER BY ts SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 0"));
  // Only the whole name: not the tail of a longer one.
  EXPECT_FALSE(engine_deduplicates("MergeTree",
                                   "MergeTree ORDER BY ts SETTINGS x_non_replicated_deduplication_window = 5"));
  // A column or partition expression that happens to name the setting.
  EXPECT_FALSE(engine_deduplicates("MergeTree",
                                   "MergeTree ORDER BY non_replicated_deduplication_window SETTINGS index_granularity = 1"));
}

TEST(InsertDeduplication, OtherEnginesDoNot) {
  EXPECT_FALSE(engine_deduplicates("Distributed", "Distributed('c', 'db', 't_local', rand())"));
  EXPECT_FALSE(engine_deduplicates("Null", "Null"));
  EXPECT_FALSE(engine_deduplicates("Log", "Log"));
}

}  // namespace
}  // namespace ior::clickhouse
