#pragma once
// The ClickHouse DDL of ior's table, generated from the one column table
// (src/schema/columns.hpp) and from what the server supports:
//
//  - modern (22.3 and later): the plan's optimized table, corrected: codecs,
//    skip indices, daily partitions, optional TTL, the projection
//    proj_by_thread, ingested_at DateTime64(3), and two materialized views
//    (per-thread hourly counts, per-minute latency quantiles);
//  - legacy (what Debian's 18.16 accepts): the same columns and views with no
//    codecs, skip indices, TTL, projection or DateTime64.
//
// With a cluster the rows live in <table>_local on every shard and <table> is
// a Distributed table over them. ior runs the statements on every host itself
// (schema_prepare.hpp), without ON CLUSTER: distributed DDL needs ZooKeeper or
// Keeper, which many clusters (and 18.16 test shards) do not have.
// docs/CLICKHOUSE.md explains every choice and the plan's errors it fixes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/columns.hpp"

namespace ior::clickhouse {

struct ServerVersion {
  std::uint64_t major = 0, minor = 0, patch = 0;
};

enum class SchemaVariant { kLegacy, kModern };

/// The first version that gets the modern variant: 22.3 (an LTS release).
/// It needs projections in CREATE TABLE (21.6+, experimental until 22.x) and
/// fromUnixTimestamp64Nano() accepting UInt64 (22.1+; before, Int64 only).
inline constexpr ServerVersion kModernSince{22, 3, 0};

struct SchemaOptions {
  std::string database = "ior";
  std::string table = "ior_events";
  /// Empty: one server. Else: <table>_local on every shard and a Distributed
  /// <table> over them.
  std::string cluster;
  /// With a cluster: true adds ON CLUSTER to every statement, for a caller
  /// that runs them once through distributed DDL (ZooKeeper or Keeper).
  /// prepare_tables() sets it false and runs them on every host.
  bool on_cluster = true;
  int ttl_days = 0;                 ///< 0: no TTL. Modern only (18.16 has no TTL).
  bool materialized_views = true;   ///< the per-thread and latency views
};

SchemaVariant choose_variant(const ServerVersion& v);

/// "modern (ClickHouse 22.3+)" or "legacy (ClickHouse 18.16 subset)".
std::string_view variant_name(SchemaVariant v);

/// Settings to send with every DDL statement of the variant (18.16 creates
/// LowCardinality columns only with allow_experimental_low_cardinality_type).
std::vector<std::pair<std::string, std::string>> schema_settings(SchemaVariant v);

/// CREATE DATABASE / TABLE / MATERIALIZED VIEW ... IF NOT EXISTS, in the
/// order to run them; each one statement without a trailing semicolon.
/// Throws ior::UsageError for empty names or a negative TTL.
std::vector<std::string> schema_statements(SchemaVariant v, const SchemaOptions& o);

/// What the variant leaves out of what the options ask for (e.g. a TTL on
/// 18.16), one sentence each; empty when everything asked for is there.
std::vector<std::string> schema_notes(SchemaVariant v, const SchemaOptions& o);

/// `db`.`table`: the table to INSERT into (the Distributed one with a cluster).
std::string insert_target(const SchemaOptions& o);

/// The table that stores the rows: <table>, or <table>_local with a cluster.
std::string storage_table(const SchemaOptions& o);

/// Names of the views' target tables (query these; Distributed with a
/// cluster): <table>_thread_stats and <table>_latency_minute.
std::string thread_stats_table(const SchemaOptions& o);
std::string latency_table(const SchemaOptions& o);

/// "INSERT INTO `db`.`t` (timestamp_ns, pid, ...) VALUES" with the schema's
/// columns in schema order; a server-side column such as ingested_at is not
/// named, so it gets its DEFAULT.
std::string insert_sql(const SchemaOptions& o);

/// The schema's column names, comma separated, in schema order.
std::string column_list();

/// "`name` Type, ..." for every schema column in schema order (no codecs):
/// the column part of a plain CREATE TABLE (tests, benchmarks).
std::string column_definitions();

/// The DEFAULT of a schema column: what ior writes when it knows nothing,
/// i.e. the member's value in an EventRow nobody has set ("0", "-1" for an
/// fd, "''", the nil UUID). Rows written before an upgrade added the column,
/// rows of an older ior or an older Parquet file that lack it read this.
std::string column_default(const schema::ColumnInfo& c);

/// " CODEC(...)" of a schema column in a MergeTree table of the variant, as
/// CREATE TABLE declares it ("" on legacy servers, which have no codecs).
std::string column_codec(SchemaVariant v, const schema::ColumnInfo& c);

/// 'text' as an SQL string literal (quotes and backslashes escaped).
std::string quote_literal(std::string_view s);

/// `name` with backquotes (backquotes and backslashes escaped).
std::string quote_identifier(std::string_view name);

/// Compares an existing table's columns (name, type as system.columns reports
/// them) with the schema: nullopt when every schema column exists with
/// exactly its type, else one line naming the first difference, e.g.
/// "column fd is Int64 in ior.ior_events, ior writes Int32". Extra columns are
/// fine (an INSERT that does not name them fills them with their DEFAULT, or
/// the type's default value) unless named in `extra_without_default`, the
/// extra columns whose system.columns default_kind is empty: those are
/// reported, since the table then holds values nobody wrote.
std::optional<std::string> structure_difference(const std::vector<std::pair<std::string, std::string>>& existing,
                                                const SchemaOptions& o,
                                                const std::vector<std::string>& extra_without_default = {});

}  // namespace ior::clickhouse
