#include "clickhouse/schema_ddl.hpp"

#include <algorithm>
#include <type_traits>

#include "base/error.hpp"
#include "clickhouse/insert_deduplication.hpp"
#include "schema/columns.hpp"

namespace ior::clickhouse {
namespace {

using schema::ColumnType;

// --- columns the DDL refers to by name, checked against the schema at compile time

void column_not_in_schema() {}  // not constexpr: reaching it stops compilation

constexpr schema::ColumnInfo column(std::string_view name) {
  for (const auto& c : schema::kColumnInfo) {
    if (c.name == name) return c;
  }
  column_not_in_schema();
  return {};
}

constexpr schema::ColumnInfo kTime = column("timestamp_ns");
constexpr schema::ColumnInfo kPid = column("pid");
constexpr schema::ColumnInfo kTid = column("tid");
constexpr schema::ColumnInfo kComm = column("comm");
constexpr schema::ColumnInfo kSyscall = column("syscall_name");
constexpr schema::ColumnInfo kDuration = column("duration_ns");
constexpr schema::ColumnInfo kFilename = column("filename");
constexpr schema::ColumnInfo kHostname = column("hostname");
constexpr schema::ColumnInfo kCollectionId = column("collection_id");
static_assert(kTime.type == ColumnType::kUInt64, "the time expressions take UInt64 nanoseconds");
static_assert(kDuration.type == ColumnType::kUInt64, "the quantile states are declared over UInt64");
static_assert(kFilename.type == ColumnType::kString, "tokenbf_v1 indexes a String");

std::string type_of(const schema::ColumnInfo& c) { return std::string(schema::clickhouse_type_name(c.type)); }

// --- names and quoting

struct Names {
  std::string db;            // `db`
  std::string on_cluster;    // " ON CLUSTER `c`" or ""
  bool cluster = false;
  std::string cluster_name;  // raw
  std::string database;      // raw
  std::string table;         // raw queryable name
  std::string local_suffix;  // "_local" with a cluster
};

Names names_of(const SchemaOptions& o) {
  if (o.database.empty()) throw UsageError("clickhouse: the database name is empty");
  if (o.table.empty()) throw UsageError("clickhouse: the table name is empty");
  if (o.ttl_days < 0) throw UsageError("clickhouse: the TTL must be 0 (none) or a number of days");
  Names n;
  n.database = o.database;
  n.table = o.table;
  n.db = quote_identifier(o.database);
  n.cluster = !o.cluster.empty();
  n.cluster_name = o.cluster;
  if (n.cluster) {
    n.local_suffix = "_local";
    if (o.on_cluster) n.on_cluster = " ON CLUSTER " + quote_identifier(o.cluster);
  }
  return n;
}

std::string qualified(const Names& n, const std::string& table) { return n.db + "." + quote_identifier(table); }

// --- per-variant expressions

// The event time as a date-time value, for partitions, TTL and the views.
std::string event_time(SchemaVariant v) {
  std::string ts(kTime.name);
  return v == SchemaVariant::kModern ? "fromUnixTimestamp64Nano(" + ts + ")"
                                     : "toDateTime(intDiv(" + ts + ", 1000000000))";
}

// Codecs, chosen by the column's type and role (measured in docs/CLICKHOUSE.md):
// the sorted time column DoubleDelta, other integers T64 (drops unused high
// bits; Delta makes unsorted durations larger), everything else ZSTD alone.
std::string codec(const schema::ColumnInfo& c) {
  if (c.name == kTime.name) return " CODEC(DoubleDelta, ZSTD(3))";
  switch (c.type) {
    case ColumnType::kUInt8:
    case ColumnType::kUInt16:
    case ColumnType::kUInt32:
    case ColumnType::kUInt64:
    case ColumnType::kInt32:
    case ColumnType::kInt64:
      return " CODEC(T64, ZSTD(3))";
    case ColumnType::kString:
    case ColumnType::kLowCardinalityString:
    case ColumnType::kUuid:
      return " CODEC(ZSTD(3))";
  }
  return "";
}

std::string sorting_key() {
  return "(" + std::string(kTime.name) + ", " + std::string(kPid.name) + ", " + std::string(kTid.name) + ")";
}

std::string events_table(SchemaVariant v, const SchemaOptions& o, const Names& n) {
  const bool modern = v == SchemaVariant::kModern;
  std::string sql = "CREATE TABLE IF NOT EXISTS " + qualified(n, n.table + n.local_suffix) + n.on_cluster + " (\n";
  for (const auto& c : schema::kColumnInfo) {
    sql += "  " + quote_identifier(c.name) + " " + type_of(c) + " DEFAULT " + column_default(c) + (modern ? codec(c) : "") +
           ",\n";
  }
  if (modern) {
    sql += "  `ingested_at` DateTime64(3) DEFAULT now64(3) CODEC(DoubleDelta, ZSTD(3)),\n";
    sql += "  INDEX idx_pid " + std::string(kPid.name) + " TYPE bloom_filter(0.01) GRANULARITY 4,\n";
    sql += "  INDEX idx_tid " + std::string(kTid.name) + " TYPE bloom_filter(0.01) GRANULARITY 4,\n";
    sql += "  INDEX idx_duration " + std::string(kDuration.name) + " TYPE minmax GRANULARITY 2,\n";
    sql += "  INDEX idx_syscall " + std::string(kSyscall.name) + " TYPE set(100) GRANULARITY 4,\n";
    sql += "  INDEX idx_filename_token " + std::string(kFilename.name) + " TYPE tokenbf_v1(256, 2, 0) GRANULARITY 4,\n";
    sql += "  PROJECTION proj_by_thread (SELECT * ORDER BY (" + std::string(kPid.name) + ", " +
           std::string(kTid.name) + ", " + std::string(kTime.name) + "))\n";
  } else {
    sql += "  `ingested_at` DateTime DEFAULT now()\n";
  }
  sql += ") ENGINE = MergeTree\n";
  sql += "PARTITION BY toYYYYMMDD(" + event_time(v) + ")\n";
  sql += "ORDER BY " + sorting_key() + "\n";
  if (modern && o.ttl_days > 0) {
    // toDateTime(): TTL takes Date or DateTime (DateTime64 only on newer servers).
    sql += "TTL toDateTime(" + event_time(v) + ") + INTERVAL " + std::to_string(o.ttl_days) + " DAY DELETE\n";
  }
  sql += "SETTINGS index_granularity = 8192";
  // Keeps the ids of the last blocks, so that an INSERT resent under its
  // deduplication token is stored once (insert_deduplication.hpp).
  if (modern) sql += ", non_replicated_deduplication_window = " + std::to_string(kDeduplicationWindow);
  return sql;
}

std::string distributed_over(const Names& n, const std::string& table, const std::string& sharding_key) {
  std::string local = table + n.local_suffix;
  return "CREATE TABLE IF NOT EXISTS " + qualified(n, table) + n.on_cluster + " AS " + qualified(n, local) +
         " ENGINE = Distributed(" + quote_literal(n.cluster_name) + ", " + quote_literal(n.database) + ", " +
         quote_literal(local) + (sharding_key.empty() ? "" : ", " + sharding_key) + ")";
}

std::string ttl_clause(SchemaVariant v, const SchemaOptions& o, const std::string& time_column) {
  if (v != SchemaVariant::kModern || o.ttl_days <= 0) return "";
  return "TTL " + time_column + " + INTERVAL " + std::to_string(o.ttl_days) + " DAY DELETE\n";
}

// The host and run of a view's rows: the table may hold several hosts'
// rows (a central server) and overlapping runs of one host (two SREs'
// traces), whose pids and syscalls would otherwise add up in one row.
std::string run_columns_ddl() {
  return "  " + quote_identifier(std::string(kHostname.name)) + " " + type_of(kHostname) + ",\n" + "  " +
         quote_identifier(std::string(kCollectionId.name)) + " " + type_of(kCollectionId) + ",\n";
}

std::string run_columns() { return std::string(kHostname.name) + ", " + std::string(kCollectionId.name); }

// (1) Per thread and hour: counts and summed durations. comm is part of the
// key: a SummingMergeTree keeps one arbitrary value of a non-key column when
// it merges rows, so a thread that renamed itself would lose a name.
void thread_stats(SchemaVariant v, const SchemaOptions& o, const Names& n, std::vector<std::string>& out) {
  const std::string target = n.table + "_thread_stats";
  const std::string time = event_time(v);
  std::string pid(kPid.name), tid(kTid.name), comm(kComm.name), sc(kSyscall.name), dur(kDuration.name);
  out.push_back("CREATE TABLE IF NOT EXISTS " + qualified(n, target + n.local_suffix) + n.on_cluster + " (\n" +
                "  `day` Date,\n  `hour` DateTime,\n" + run_columns_ddl() +
                "  " + quote_identifier(pid) + " " + type_of(kPid) + ",\n" +
                "  " + quote_identifier(tid) + " " + type_of(kTid) + ",\n" +
                "  " + quote_identifier(comm) + " " + type_of(kComm) + ",\n" +
                "  " + quote_identifier(sc) + " " + type_of(kSyscall) + ",\n" +
                "  `event_count` UInt64,\n  `total_duration_ns` UInt64\n" +
                ") ENGINE = SummingMergeTree((event_count, total_duration_ns))\n" +
                "PARTITION BY toYYYYMM(day)\n" +
                "ORDER BY (day, hour, " + run_columns() + ", " + pid + ", " + tid + ", " + comm + ", " + sc + ")\n" +
                ttl_clause(v, o, "hour") + "SETTINGS index_granularity = 8192");
  if (n.cluster) out.push_back(distributed_over(n, target, ""));
  out.push_back("CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(n, target + "_mv") + n.on_cluster + " TO " +
                qualified(n, target + n.local_suffix) + " AS SELECT\n" +
                "  toDate(" + time + ") AS day,\n  toStartOfHour(" + time + ") AS hour,\n" +
                "  " + run_columns() + ", " + pid + ", " + tid + ", " + comm + ", " + sc + ",\n" +
                "  count() AS event_count,\n  sum(" + dur + ") AS total_duration_ns\n" +
                "FROM " + qualified(n, n.table + n.local_suffix) + "\n" +
                "GROUP BY day, hour, " + run_columns() + ", " + pid + ", " + tid + ", " + comm + ", " + sc);
}

// (2) Per minute and syscall: latency quantiles as mergeable states. Summing
// quantiles (the plan's SummingMergeTree) adds the p99 of every insert block.
void latency(SchemaVariant v, const SchemaOptions& o, const Names& n, std::vector<std::string>& out) {
  const std::string target = n.table + "_latency_minute";
  std::string sc(kSyscall.name), dur(kDuration.name);
  out.push_back("CREATE TABLE IF NOT EXISTS " + qualified(n, target + n.local_suffix) + n.on_cluster + " (\n" +
                "  `minute` DateTime,\n" + run_columns_ddl() +
                "  " + quote_identifier(sc) + " " + type_of(kSyscall) + ",\n" +
                "  `event_count` AggregateFunction(count),\n" +
                "  `duration_quantiles` AggregateFunction(quantiles(0.5, 0.9, 0.99), " + type_of(kDuration) + ")\n" +
                ") ENGINE = AggregatingMergeTree\n" +
                "PARTITION BY toYYYYMM(minute)\n" +
                "ORDER BY (minute, " + run_columns() + ", " + sc + ")\n" +
                ttl_clause(v, o, "minute") + "SETTINGS index_granularity = 8192");
  if (n.cluster) out.push_back(distributed_over(n, target, ""));
  out.push_back("CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(n, target + "_mv") + n.on_cluster + " TO " +
                qualified(n, target + n.local_suffix) + " AS SELECT\n" +
                "  toStartOfMinute(" + event_time(v) + ") AS minute,\n" +
                "  " + run_columns() + ", " + sc + ",\n" +
                "  countState() AS event_count,\n" +
                "  quantilesState(0.5, 0.9, 0.99)(" + dur + ") AS duration_quantiles\n" +
                "FROM " + qualified(n, n.table + n.local_suffix) + "\n" +
                "GROUP BY minute, " + run_columns() + ", " + sc);
}

}  // namespace

SchemaVariant choose_variant(const ServerVersion& v) {
  if (v.major != kModernSince.major) return v.major > kModernSince.major ? SchemaVariant::kModern : SchemaVariant::kLegacy;
  return v.minor >= kModernSince.minor ? SchemaVariant::kModern : SchemaVariant::kLegacy;
}

std::string_view variant_name(SchemaVariant v) {
  return v == SchemaVariant::kModern ? "modern (ClickHouse 22.3+)" : "legacy (ClickHouse 18.16 subset)";
}

std::vector<std::pair<std::string, std::string>> schema_settings(SchemaVariant v) {
  if (v == SchemaVariant::kLegacy) return {{"allow_experimental_low_cardinality_type", "1"}};
  return {};
}

std::vector<std::string> schema_statements(SchemaVariant v, const SchemaOptions& o) {
  const Names n = names_of(o);
  std::vector<std::string> out;
  out.push_back("CREATE DATABASE IF NOT EXISTS " + n.db + n.on_cluster);
  out.push_back(events_table(v, o, n));
  if (n.cluster) out.push_back(distributed_over(n, n.table, "rand()"));
  if (o.materialized_views) {
    thread_stats(v, o, n, out);
    latency(v, o, n, out);
  }
  return out;
}

std::vector<std::string> schema_notes(SchemaVariant v, const SchemaOptions& o) {
  std::vector<std::string> notes;
  if (v == SchemaVariant::kLegacy && o.ttl_days > 0) {
    notes.push_back("no TTL of " + std::to_string(o.ttl_days) +
                    " days: the server has no TTL (ClickHouse 19.6+); drop old partitions yourself");
  }
  if (v == SchemaVariant::kLegacy) {
    notes.push_back("no codecs, skip indices or projection on this server; ingested_at is DateTime (seconds)");
  }
  return notes;
}

std::string insert_target(const SchemaOptions& o) {
  const Names n = names_of(o);
  return qualified(n, n.table);
}

std::string storage_table(const SchemaOptions& o) { return o.cluster.empty() ? o.table : o.table + "_local"; }

std::string thread_stats_table(const SchemaOptions& o) { return o.table + "_thread_stats"; }

std::string latency_table(const SchemaOptions& o) { return o.table + "_latency_minute"; }

std::string column_list() {
  std::string out;
  for (const auto& c : schema::kColumnInfo) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

std::string column_definitions() {
  std::string out;
  for (const auto& c : schema::kColumnInfo) {
    out += (out.empty() ? "" : ", ") + quote_identifier(c.name) + " " + type_of(c);
  }
  return out;
}

std::string column_default(const schema::ColumnInfo& c) {
  const schema::EventRow unset{};
  std::string out;
  schema::for_each_column([&](const auto& col) {
    if (col.name != c.name) return;
    const auto& v = unset.*(col.member);
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      out = quote_literal(v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string text;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
        text += kHex[v[i] >> 4];
        text += kHex[v[i] & 0xf];
      }
      out = "toUUID('" + text + "')";
    } else {
      out = std::to_string(+v);
    }
  });
  return out;
}

std::string column_codec(SchemaVariant v, const schema::ColumnInfo& c) {
  return v == SchemaVariant::kModern ? codec(c) : "";
}

std::string quote_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string insert_sql(const SchemaOptions& o) {
  return "INSERT INTO " + insert_target(o) + " (" + column_list() + ") VALUES";
}

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  return out + "`";
}

std::optional<std::string> structure_difference(const std::vector<std::pair<std::string, std::string>>& existing,
                                                const SchemaOptions& o,
                                                const std::vector<std::string>& extra_without_default) {
  const std::string where = o.database + "." + storage_table(o);
  for (const auto& c : schema::kColumnInfo) {
    auto it = std::find_if(existing.begin(), existing.end(), [&](const auto& e) { return e.first == c.name; });
    const std::string want = type_of(c);
    if (it == existing.end()) {
      return "column " + std::string(c.name) + " is missing in " + where + ", ior writes " + want;
    }
    if (it->second != want) {
      return "column " + std::string(c.name) + " is " + it->second + " in " + where + ", ior writes " + want;
    }
  }
  for (const auto& [name, type] : existing) {
    bool in_schema = std::any_of(schema::kColumnInfo.begin(), schema::kColumnInfo.end(),
                                 [&](const auto& c) { return c.name == name; });
    if (in_schema) continue;
    if (std::find(extra_without_default.begin(), extra_without_default.end(), name) != extra_without_default.end()) {
      return "column " + name + " (" + type + ") of " + where + " has no DEFAULT and ior does not write it";
    }
  }
  return std::nullopt;
}

}  // namespace ior::clickhouse
