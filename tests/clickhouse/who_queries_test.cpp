// The example queries of docs/CLICKHOUSE.md "Who did it" (bytes per
// container, slowest files per cgroup), taken from the document itself, run
// on the real 18.16 server over the legacy table and in chDB over the modern
// table, on rows with known values: every result row is compared.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clickhouse/client/connection.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse_server.hpp"
#include "reader_runner.hpp"

namespace ior::clickhouse {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The statements of the first ```sql block after the "## Who did it" heading.
std::vector<std::string> documented_queries(const std::string& table) {
  std::ifstream in(IOR_CLICKHOUSE_DOC);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  auto at = doc.find("## Who did it");
  if (at == std::string::npos) throw std::runtime_error("docs/CLICKHOUSE.md has no \"## Who did it\"");
  at = doc.find("```sql\n", at);
  auto end = doc.find("```\n", at + 7);
  std::string block = doc.substr(at + 7, end - at - 7);
  std::vector<std::string> out;
  for (std::size_t start = 0, semi; (semi = block.find(";\n", start)) != std::string::npos; start = semi + 2) {
    std::string q = block.substr(start, semi - start);
    for (std::size_t p = 0; (p = q.find("ior.ior_events", p)) != std::string::npos; p += table.size()) {
      q.replace(p, 14, table);
    }
    out.push_back(q);
  }
  return out;
}

const std::string kA = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const std::string kB = "b1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

// One INSERT ... SELECT per row (an INSERT with inline VALUES is parsed by
// clickhouse-client, not the server): ts, pid, uid, comm, cgroup,
// container_id, filename, bytes, byte_class, duration_ns.
std::vector<std::string> insert_rows(const std::string& table) {
  const std::string a = "'/system.slice/docker-" + kA + ".scope', '" + kA + "'";
  const std::string b = "'/machine.slice/libpod-" + kB + ".scope', '" + kB + "'";
  const std::string host = "'/user.slice', ''";
  const std::vector<std::string> values = {
      "1, 10, 0, 'db', " + a + ", '/data/a', 4096, 'read', 100",
      "2, 10, 0, 'db', " + a + ", '/data/a', 100, 'write', 300",
      "3, 10, 0, 'db', " + a + ", '/data/b', 1000, 'read', 5000",
      "4, 10, 0, 'db', " + a + ", '/data/c', 0, 'none', 50",
      "5, 11, 0, 'db', " + a + ", '/data/d', 64, 'transfer', 1",
      "6, 20, 1000, 'web', " + b + ", '/b/x', 7, 'write', 10",
      "7, 30, 1000, 'sh', " + host + ", '/etc/hosts', 999, 'read', 20",
      "8, 30, 1000, 'sh', " + host + ", '', 0, 'none', 70000"};
  std::vector<std::string> out;
  for (const auto& v : values) {
    out.push_back("INSERT INTO " + table +
                  " (timestamp_ns, pid, uid, comm, cgroup, container_id, filename, bytes, byte_class, duration_ns) "
                  "SELECT " + v);
  }
  return out;
}

const Rows kBytesPerContainer = {{kA, "5260", "5096", "100", "64", "5"}, {kB, "7", "0", "7", "0", "1"}};
const Rows kSlowestFiles = {{"/machine.slice/libpod-" + kB + ".scope", "/b/x", "10", "1"},
                            {"/system.slice/docker-" + kA + ".scope", "/data/b", "5000", "1"},
                            {"/system.slice/docker-" + kA + ".scope", "/data/a", "400", "2"},
                            {"/user.slice", "/etc/hosts", "20", "1"}};

TEST(WhoQueries, TheDocumentHasBothQueries) { EXPECT_EQ(documented_queries("t").size(), 2u); }

TEST(WhoQueries, RunOnThe1816ServerOverTheLegacyTable) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  ClientOptions o;
  o.host = ch.host;
  o.port = ch.port;
  Connection c(o);
  SchemaOptions s;
  s.database = "ior_who_queries";
  c.query("DROP DATABASE IF EXISTS ior_who_queries");
  QueryOptions q;
  for (const auto& [name, value] : schema_settings(SchemaVariant::kLegacy)) q.settings.push_back({name, value});
  for (const auto& st : schema_statements(SchemaVariant::kLegacy, s)) c.query(st, q);
  for (const auto& ins : insert_rows("ior_who_queries.ior_events")) c.query(ins, q);
  const auto queries = documented_queries("ior_who_queries.ior_events");
  ASSERT_EQ(queries.size(), 2u);
  const Rows want[] = {kBytesPerContainer, kSlowestFiles};
  for (std::size_t i = 0; i < 2; ++i) {
    Rows got;
    for (const auto& b : c.query(queries[i]).blocks) {
      for (std::size_t r = 0; r < b.rows(); ++r) {
        std::vector<std::string> row;
        for (const auto& col : b) row.push_back(col.column->text(r));
        got.push_back(std::move(row));
      }
    }
    EXPECT_EQ(got, want[i]) << queries[i];
  }
  c.query("DROP DATABASE ior_who_queries");
}

TEST(WhoQueries, RunInChdbOverTheModernTable) {
  IOR_REQUIRE_READERS();
  SchemaOptions s;
  std::string setup;
  for (const auto& st : schema_statements(SchemaVariant::kModern, s)) setup += st + ";\n";
  for (const auto& ins : insert_rows("ior.ior_events")) setup += ins + ";\n";
  const auto queries = documented_queries("ior.ior_events");
  ASSERT_EQ(queries.size(), 2u);
  const std::vector<std::vector<std::string>> keys = {
      {"container_id", "total_bytes", "read_bytes", "written_bytes", "transferred_bytes", "calls"},
      {"cgroup", "filename", "total_ns", "calls"}};
  const Rows want[] = {kBytesPerContainer, kSlowestFiles};
  for (std::size_t i = 0; i < 2; ++i) {
    Rows got;
    for (const auto& line : testing::reader_query("chdb", setup + queries[i])) {
      std::vector<std::string> row;
      for (const auto& k : keys[i]) row.push_back(testing::json_field(line, k));
      got.push_back(std::move(row));
    }
    EXPECT_EQ(got, want[i]) << queries[i];
  }
}

}  // namespace
}  // namespace ior::clickhouse
