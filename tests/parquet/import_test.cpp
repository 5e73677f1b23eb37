// The plan's import path, corrected: an ior Parquet file goes into the
// ior_events table of a modern ClickHouse (chDB) with no cast, every column
// type equal to the table's, and the plan's example queries answer what the
// rows say.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "parquet/file_writer.hpp"
#include "reader_runner.hpp"
#include "schema/columns.hpp"
#include "subprocess.hpp"

namespace ior::parquet {
namespace {

std::string table_columns_ddl() {
  std::string out;
  for (const auto& c : schema::kColumnInfo) {
    out += "  " + std::string(c.name) + " " + std::string(schema::clickhouse_type_name(c.type)) + ",\n";
  }
  return out + "  ingested_at DateTime64(3) DEFAULT now64(3)\n";
}

std::string column_list() {
  std::string out;
  for (const auto& c : schema::kColumnInfo) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

TEST(ImportTest, ParquetImportsIntoTheTableWithEqualTypesAndThePlansQueriesAgree) {
  IOR_REQUIRE_READERS();
  auto dir = std::filesystem::temp_directory_path() / ("ior-import-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "trace.parquet").string();

  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  const std::uint64_t now = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull;
  const char* syscalls[] = {"read", "write", "openat"};
  const char* files[] = {"/a", "/b", "/c", "/d", ""};
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> per_syscall;  // count, sum
  std::map<std::uint32_t, std::uint64_t> per_pid;
  std::map<std::string, std::uint64_t> per_file;
  schema::Uuid id{};
  id[15] = 7;
  {
    FileWriter w(path, WriterOptions{});
    for (std::uint32_t i = 0; i < 3000; ++i) {
      schema::EventRow r;
      r.timestamp_ns = now - 1'000'000ull * i;  // the last 3 seconds
      r.pid = 100 + i % 4;
      r.tid = 70000 + i % 4;  // above UInt16: a narrowing import would wrap it
      r.comm = "proc";
      r.syscall_name = syscalls[i % 3];
      r.filename = files[i % 5];
      r.duration_ns = 100 + i;
      r.hostname = "h";
      r.collection_id = id;
      w.append(r);
      auto& s = per_syscall[std::string(r.syscall_name)];
      ++s.first;
      s.second += r.duration_ns;
      ++per_pid[r.pid];
      if (!r.filename.empty()) ++per_file[std::string(r.filename)];
    }
    w.close();
  }
  const std::string create = "CREATE TABLE ior_events (\n" + table_columns_ddl() +
                             ") ENGINE = MergeTree PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp_ns)) "
                             "ORDER BY (timestamp_ns, pid, tid);\n";
  // The plan's `INSERT INTO ior_events SELECT * FROM file(...)` fails: the table
  // has one column more (ingested_at). Naming the columns is the working form.
  const std::string insert = "INSERT INTO ior_events (" + column_list() + ") SELECT * FROM file('" +
                             path + "', Parquet);\n";
  auto run = [&](const std::string& q) { return testing::reader_query("chdb", create + insert + q); };

  // Same type for every column: table (LowCardinality aside) vs. the file.
  auto table = run("SELECT name, type FROM system.columns WHERE table = 'ior_events' "
                   "AND name != 'ingested_at' ORDER BY position");
  auto file = testing::reader_query("chdb", "DESCRIBE file('" + path + "', Parquet)");
  ASSERT_EQ(table.size(), schema::kColumnCount);
  ASSERT_EQ(file.size(), schema::kColumnCount);
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::string t = testing::json_field(table[i], "type");
    if (t == "LowCardinality(String)") t = "String";  // same values, dictionary storage
    EXPECT_EQ(testing::json_field(table[i], "name"), testing::json_field(file[i], "name"));
    EXPECT_EQ(t, testing::json_field(file[i], "type")) << testing::json_field(table[i], "name");
  }

  // Top syscalls in the last hour (corrected: timestamp_ns is nanoseconds).
  auto top = run("SELECT syscall_name, count() AS total, sum(duration_ns) AS sum_ns, "
                 "avg(duration_ns) AS avg_duration, quantile(0.99)(duration_ns) AS p99 FROM ior_events "
                 "WHERE fromUnixTimestamp64Nano(timestamp_ns) > now64() - INTERVAL 1 HOUR "
                 "GROUP BY syscall_name ORDER BY avg_duration DESC LIMIT 10");
  ASSERT_EQ(top.size(), 3u);
  for (const auto& l : top) {
    SCOPED_TRACE(l);
    const auto& want = per_syscall.at(testing::json_field(l, "syscall_name"));
    EXPECT_EQ(std::stoull(testing::json_field(l, "total")), want.first);
    EXPECT_EQ(std::stoull(testing::json_field(l, "sum_ns")), want.second);
  }

  auto procs = run("SELECT pid, comm, count() AS total_events, sum(duration_ns) / 1e9 AS sec FROM ior_events "
                   "WHERE collection_id = '00000000-0000-0000-0000-000000000007' GROUP BY pid, comm "
                   "ORDER BY total_events DESC, pid");
  ASSERT_EQ(procs.size(), per_pid.size());
  for (const auto& l : procs) {
    SCOPED_TRACE(l);
    EXPECT_EQ(std::stoull(testing::json_field(l, "total_events")),
              per_pid.at(static_cast<std::uint32_t>(std::stoul(testing::json_field(l, "pid")))));
  }

  auto threads = run("SELECT uniqExact(tid) AS n, max(tid) AS hi FROM ior_events");
  EXPECT_EQ(testing::json_field(threads[0], "n"), "4");
  EXPECT_EQ(testing::json_field(threads[0], "hi"), "70003");  // not wrapped to 4467

  auto files_q = run("SELECT filename, count() AS access_count FROM ior_events WHERE filename != '' "
                     "GROUP BY filename ORDER BY access_count DESC, filename LIMIT 20");
  ASSERT_EQ(files_q.size(), per_file.size());
  for (const auto& l : files_q) {
    SCOPED_TRACE(l);
    EXPECT_EQ(std::stoull(testing::json_field(l, "access_count")),
              per_file.at(testing::json_field(l, "filename")));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ior::parquet
