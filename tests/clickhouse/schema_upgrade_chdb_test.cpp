// The modern upgrade statements in a current ClickHouse (chDB, 26.x): the
// ALTER TABLE that plan_columns_upgrade() derives from the columns chDB
// itself reports for ior 0.1.0's modern table (its frozen statements) and
// for a modern table missing the last columns runs, runs again as a no-op
// (IF NOT EXISTS), leaves the table equal to a new one (names, types, order,
// codecs, the added columns' DEFAULTs), rows from before read the defaults and rows after their values,
// the projection still answers. Every table the modern statements create is
// read back from them with the columns chDB reports. The Distributed and
// ON CLUSTER forms parse (chDB has no cluster; 18.16 runs them on shards).

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "clickhouse/schema_ddl.hpp"
#include "clickhouse/schema_upgrade.hpp"
#include "every_column_rows.hpp"
#include "old_schema.hpp"
#include "parquet/file_writer.hpp"
#include "reader_runner.hpp"
#include "schema/columns.hpp"
#include "schema/schema_version.hpp"
#include "subprocess.hpp"

namespace ior::clickhouse {
namespace {

using testing::ColumnList;
using testing::json_field;

constexpr std::uint64_t kOldTs = 1'767'225'600'000'000'000ull;
constexpr std::uint64_t kNewTs = kOldTs + 3'600'000'000'000ull;

std::string script(const std::vector<std::string>& statements) {
  std::string sql;
  for (const auto& s : statements) sql += s + ";\n";
  return sql;
}

std::string columns_query(const std::string& db, const std::string& table) {
  return "SELECT name, type, default_kind, compression_codec FROM system.columns WHERE database = '" + db +
         "' AND table = '" + table + "' ORDER BY position";
}

class SchemaUpgradeChdb : public ::testing::Test {
 protected:
  void SetUp() override { IOR_REQUIRE_READERS(); }
  std::vector<std::string> run(const std::string& sql) { return testing::reader_query("chdb", sql); }

  // What the modern `statements` create in `ior`, upgraded with the plan
  // made from chDB's own system.columns, checked against a new table.
  void upgrade_and_check(const std::vector<std::string>& statements, const ColumnList& old) {
    SchemaOptions o;
    std::vector<ExistingColumn> existing;
    for (const auto& l : run(script(statements) + columns_query("ior", "ior_events"))) {
      existing.push_back({json_field(l, "name"), json_field(l, "type"), !json_field(l, "default_kind").empty()});
    }
    ColumnsUpgrade plan = plan_columns_upgrade(SchemaVariant::kModern, o, RowTable::kStorage, existing);
    ASSERT_FALSE(plan.refusal) << *plan.refusal;
    EXPECT_EQ(plan.added, testing::columns_added_since(old));
    const std::string alter = plan.statement.empty() ? "" : plan.statement + ";\n";

    SchemaOptions now;
    now.database = "now";
    const std::string upgraded = script(statements) + testing::old_rows_insert("ior", "ior_events", old, kOldTs, 100) +
                                 ";\n" + alter + alter +  // twice: IF NOT EXISTS
                                 testing::old_rows_insert("ior", "ior_events", testing::current_columns(), kNewTs, 50) +
                                 ";\n" + script(schema_statements(SchemaVariant::kModern, now));

    // The table equals a new one, codecs included; added columns have a DEFAULT.
    auto got = run(upgraded + columns_query("ior", "ior_events"));
    auto want = run(upgraded + columns_query("now", "ior_events"));
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      SCOPED_TRACE(got[i]);
      const std::string name = json_field(got[i], "name");
      EXPECT_EQ(name, json_field(want[i], "name"));
      EXPECT_EQ(json_field(got[i], "type"), json_field(want[i], "type"));
      EXPECT_EQ(json_field(got[i], "compression_codec"), json_field(want[i], "compression_codec"));
      // Added columns get a DEFAULT (the one CREATE TABLE gives them); the others keep theirs.
      bool had_default = false;
      for (const auto& e : existing) had_default = had_default || (e.name == name && e.has_default);
      bool added = std::find(plan.added.begin(), plan.added.end(), name) != plan.added.end();
      EXPECT_EQ(json_field(got[i], "default_kind"), added || had_default ? "DEFAULT" : "");
      if (added) {
        EXPECT_EQ(json_field(got[i], "default_kind"), json_field(want[i], "default_kind"));
      }
    }

    // Every row, every column: the old ones with the defaults.
    auto rows = run(upgraded + "SELECT " + column_list() + " FROM ior.ior_events ORDER BY timestamp_ns");
    ASSERT_EQ(rows.size(), 150u);
    for (std::size_t n = 0; n < 150; ++n) {
      SCOPED_TRACE(rows[n]);
      const bool is_old = n < 100;
      auto want_row = is_old ? testing::expected_old_row(old, kOldTs, n)
                             : testing::expected_old_row(testing::current_columns(), kNewTs, n - 100);
      std::size_t k = 0;
      for (const auto& c : schema::kColumnInfo) EXPECT_EQ(json_field(rows[n], std::string(c.name)), want_row[k++]) << c.name;
    }

    // The projection (SELECT *) still serves a thread's rows, old and new parts.
    auto thread = run(upgraded + "SELECT count() AS n FROM ior.ior_events WHERE pid = " +
                      testing::old_value("pid", "UInt32", 1, kOldTs, 0) +
                      " SETTINGS force_optimize_projection = 1");
    ASSERT_EQ(thread.size(), 1u);
    EXPECT_NE(json_field(thread[0], "n"), "0");
  }
};

TEST_F(SchemaUpgradeChdb, AnIor010ModernTableIsUpgraded) {
  upgrade_and_check(testing::ior_0_1_0_statements("modern.sql", "ior"), testing::v1_columns());
}

TEST_F(SchemaUpgradeChdb, AModernTableMissingTheLastThreeColumnsIsUpgraded) {
  ColumnList old = testing::columns_without_last(3);
  upgrade_and_check(testing::without_last_columns(schema_statements(SchemaVariant::kModern, SchemaOptions{}), 3), old);
}

TEST_F(SchemaUpgradeChdb, ARowThatNamesOnlyTheTimeReadsWhatIorWritesWhenItKnowsNothing) {
  auto out = run(script(schema_statements(SchemaVariant::kModern, SchemaOptions{})) +
                 "INSERT INTO ior.ior_events (timestamp_ns) VALUES (42);\n"
                 "SELECT " + column_list() + " FROM ior.ior_events");
  ASSERT_EQ(out.size(), 1u);
  schema::EventRow unset;
  unset.timestamp_ns = 42;
  const auto want = testing::row_text(unset);
  std::size_t k = 0;
  for (const auto& c : schema::kColumnInfo) EXPECT_EQ(json_field(out[0], std::string(c.name)), want[k++]) << c.name;
}

TEST_F(SchemaUpgradeChdb, EveryGeneratedTableIsReadBackWithTheColumnsChdbReports) {
  SchemaOptions o;
  o.ttl_days = 7;
  const auto statements = schema_statements(SchemaVariant::kModern, o);
  for (const auto& t : generated_tables(statements)) {
    SCOPED_TRACE(t.name);
    ColumnList reported;
    for (const auto& l : run(script(statements) + columns_query("ior", t.name))) {
      reported.emplace_back(json_field(l, "name"), json_field(l, "type"));
    }
    EXPECT_EQ(t.columns, reported);
  }
}

TEST_F(SchemaUpgradeChdb, TheClusterFormsParse) {
  ColumnList old = testing::columns_without_last(2);
  std::vector<ExistingColumn> existing;
  for (const auto& [name, type] : old) existing.push_back({name, type, false});
  existing.push_back({"ingested_at", "DateTime64(3)", true});
  SchemaOptions o;
  o.cluster = "ior_cluster";
  std::string sql;
  for (bool on_cluster : {false, true}) {
    o.on_cluster = on_cluster;
    for (auto t : {RowTable::kStorage, RowTable::kDistributed}) {
      ColumnsUpgrade plan = plan_columns_upgrade(SchemaVariant::kModern, o, t, existing);
      ASSERT_EQ(plan.added.size(), 2u);
      sql += "EXPLAIN AST " + plan.statement + ";\n";
    }
  }
  auto out = run(sql + "SELECT 1 AS ok");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json_field(out[0], "ok"), "1");
}

// --- Parquet files of an earlier version

std::string old_parquet() { return std::string(IOR_DATA_0_1_0) + "/trace.parquet"; }

// The columns this version's table has and the file lacks, at their defaults,
// in every one of the `rows` rows of ior.ior_events: count of violations.
std::string defaults_query(const ColumnList& file_columns) {
  std::string sql = "SELECT count() AS n, 0";
  for (const auto& name : testing::columns_added_since(file_columns)) {
    for (const auto& c : schema::kColumnInfo) {
      if (c.name == name) sql += " + countIf(" + name + " != " + column_default(c) + ")";
    }
  }
  return sql + " AS not_default FROM ior.ior_events";
}

TEST_F(SchemaUpgradeChdb, AnIor010ParquetFileImportsIntoThisVersionsTable) {
  // The file ior 0.1.0 wrote: the 20 columns of schema version 1, no version key.
  ColumnList described;
  for (const auto& l : run("DESCRIBE file('" + old_parquet() + "', Parquet)")) {
    described.emplace_back(json_field(l, "name"), json_field(l, "type"));
  }
  ASSERT_EQ(described.size(), testing::v1_columns().size());
  for (std::size_t i = 0; i < described.size(); ++i) EXPECT_EQ(described[i].first, testing::v1_columns()[i].first);
  std::string v1_names;
  for (const auto& [name, type] : testing::v1_columns()) v1_names += (v1_names.empty() ? "" : ", ") + name;

  const std::string create = script(schema_statements(SchemaVariant::kModern, SchemaOptions{}));
  // (1) Naming the file's columns (docs/PARQUET.md: the list of its schema version).
  const std::string by_file_columns =
      "INSERT INTO ior.ior_events (" + v1_names + ") SELECT * FROM file('" + old_parquet() + "', Parquet);\n";
  // (2) As clickhouse-client and clickhouse-local import a file: columns matched by name.
  const std::string from_infile = "INSERT INTO ior.ior_events FROM INFILE '" + old_parquet() + "' FORMAT Parquet;\n";
  // Either way the columns the file lacks get the table's DEFAULT (a
  // structure argument to file() would give them the type's zero instead).
  for (const std::string& insert : {by_file_columns, from_infile}) {
    SCOPED_TRACE(insert);
    auto check = run(create + insert + defaults_query(testing::v1_columns()));
    ASSERT_EQ(check.size(), 1u);
    EXPECT_EQ(json_field(check[0], "n"), "3");
    EXPECT_EQ(json_field(check[0], "not_default"), "0");
    // The values the file holds (tests/data/ior-0.1.0/README.md).
    auto rows = run(create + insert +
                    "SELECT pid, tid, comm, syscall_name, ret_value, fd, filename, pathname, flags, notice, "
                    "duration_ns, duration_to_prev_ns, hostname, toString(collection_id) AS id FROM ior.ior_events "
                    "ORDER BY timestamp_ns");
    ASSERT_EQ(rows.size(), 3u);
    const std::vector<std::pair<std::string, std::string>> first = {
        {"pid", "70000"},       {"tid", "70100"},         {"comm", "old-ior"},        {"syscall_name", "read"},
        {"ret_value", "4096"},  {"fd", "3"},              {"filename", "/var/lib/db/a.dat"}, {"pathname", ""},
        {"flags", "32768"},     {"notice", "4"},          {"duration_ns", "1500"},    {"duration_to_prev_ns", "200"},
        {"hostname", "h010"},   {"id", "00000000-0000-0000-0000-000000000010"}};
    for (const auto& [key, value] : first) EXPECT_EQ(json_field(rows[0], key), value) << key;
    EXPECT_EQ(json_field(rows[1], "pathname"), "/etc/hosts");
    EXPECT_EQ(json_field(rows[2], "filename"), "/tmp/x y");
  }
}

TEST_F(SchemaUpgradeChdb, DuckDbReadsTheSchemaVersionAndFilesOfTwoVersionsByName) {
  auto dir = std::filesystem::temp_directory_path() / ("ior-upgrade-parquet-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string now = (dir / "now.parquet").string();
  testing::EveryColumnRows rows(5, kNewTs);
  {
    parquet::FileWriter w(now, parquet::WriterOptions{});
    for (const auto& r : rows.rows()) w.append(r);
    w.close();
  }
  auto kv = [&](const std::string& file) {
    std::map<std::string, std::string> out;
    for (const auto& l : testing::reader_query("duckdb", "SELECT decode(key) AS k, decode(value) AS v FROM "
                                                         "parquet_kv_metadata('" + file + "')")) {
      out[json_field(l, "k")] = json_field(l, "v");
    }
    return out;
  };
  EXPECT_EQ(kv(now)["ior.schema_version"], std::to_string(schema::kSchemaVersion));
  EXPECT_EQ(kv(old_parquet()).count("ior.schema_version"), 0u);  // 0.1.0 wrote none: version 1
  EXPECT_EQ(kv(old_parquet())["ior.version"], "0.1.0");

  // Both files in one query, columns matched by name: the old file's rows
  // have NULL in the columns it lacks, the new file's rows their values.
  const auto added = testing::columns_added_since(testing::v1_columns());
  std::string old_has_value = "false", new_has_value = "true";
  for (const auto& name : added) {
    old_has_value += " OR " + name + " IS NOT NULL";
    new_has_value += " AND " + name + " IS NOT NULL";
  }
  const std::string is_new = "timestamp_ns >= " + std::to_string(kNewTs);
  auto out = testing::reader_query(
      "duckdb", "SELECT count(*) AS n, count(*) FILTER (WHERE " + is_new + " AND (" + new_has_value + ")) AS new_rows, " +
                    "count(*) FILTER (WHERE NOT " + is_new + " AND (" + old_has_value + ")) AS in_old, " +
                    "max(pid) AS max_pid FROM read_parquet(['" + old_parquet() + "', '" + now + "'], union_by_name = true)");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json_field(out[0], "n"), "8");
  EXPECT_EQ(json_field(out[0], "new_rows"), "5");
  EXPECT_EQ(json_field(out[0], "in_old"), "0");
  EXPECT_EQ(json_field(out[0], "max_pid"), "70002");  // the new rows' pids are below 100
}

}  // namespace
}  // namespace ior::clickhouse
