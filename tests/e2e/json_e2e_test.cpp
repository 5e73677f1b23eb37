// JSON lines end to end: the real ior with real BPF traces a workload whose
// names hold a newline, quotes, commas and bytes that are not UTF-8, with
// -json (standard output), -json-file and -parquet in the same run. Every
// line of both JSON outputs is parsed by Python's json module (strict,
// tests/readers/json_lines.py) and every row is compared, value by value,
// with the Parquet file's rows as DuckDB reads them.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "reader_runner.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> python_canonical(const std::string& path) {
  return lines_of(run_and_capture({IOR_PYTHON3, std::string(IOR_READERS_DIR) + "/json_lines.py", path}));
}

// The same canonical lines as json_lines.py prints, computed by DuckDB from
// `from` (the Parquet file, or the JSON file through DuckDB's own JSON
// reader): integers in decimal, strings "s:" + hex of their UTF-8.
std::vector<std::string> duckdb_canonical(const std::string& from, std::string* keys) {
  auto described = reader_query("duckdb", "DESCRIBE SELECT * FROM " + from);
  std::string parts;
  *keys = "keys ";
  for (const auto& d : described) {
    const std::string name = json_field(d, "column_name");
    const std::string type = json_field(d, "column_type");
    *keys += name + ",";
    if (!parts.empty()) parts += ", ";
    if (type == "VARCHAR") {
      parts += "'s:' || hex(" + name + ")";
    } else if (type == "UUID") {
      parts += "'s:' || hex(CAST(" + name + " AS VARCHAR))";
    } else {
      parts += "CAST(" + name + " AS VARCHAR)";
    }
  }
  keys->pop_back();
  std::vector<std::string> out;
  for (const auto& l : reader_query("duckdb", "SELECT concat_ws('|', " + parts + ") AS line FROM " + from)) {
    out.push_back(json_field(l, "line"));
  }
  return out;
}

TEST(JsonE2E, BothJsonOutputsParseAndEqualTheParquetRowsOfTheSameRun) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  TempDir out;
  const std::string parquet = out.path() + "/trace.parquet";
  const std::string json = out.path() + "/trace.json";
  Subprocess ior({IOR_BINARY, "-duration", "120", "-comm", "ior_workload", "-path", dir.path(), "-json", "-json-file",
                  json, "-parquet", "-parquet-file", parquet});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  run_and_capture({WORKLOAD_BINARY, "abspaths", dir.path()});
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();

  struct stat st {};
  ASSERT_EQ(::lstat(json.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  const std::string stdout_copy = out.path() + "/stdout.json";
  std::ofstream(stdout_copy) << ior.out();

  auto from_file = python_canonical(json);
  auto from_stdout = python_canonical(stdout_copy);
  std::string keys;
  auto from_parquet = duckdb_canonical("read_parquet('" + parquet + "')", &keys);
  ASSERT_GT(from_file.size(), 30u);  // the keys line and the workload's rows
  EXPECT_EQ(from_file[0], keys);
  from_file.erase(from_file.begin());
  EXPECT_EQ(from_stdout.size(), from_file.size() + 1);
  if (!from_stdout.empty()) from_stdout.erase(from_stdout.begin());
  EXPECT_EQ(from_stdout, from_file);  // the same rows in the same order

  EXPECT_EQ(from_file.size(), from_parquet.size());
  std::sort(from_file.begin(), from_file.end());
  std::sort(from_parquet.begin(), from_parquet.end());
  EXPECT_EQ(from_file, from_parquet);

  // A second JSON parser, as docs/JSON.md suggests: DuckDB's read_json of
  // the file infers the same columns and reads the same values.
  std::string json_keys;
  auto from_duck_json =
      duckdb_canonical("read_json('" + json + "', format = 'newline_delimited')", &json_keys);
  EXPECT_EQ(json_keys, keys);
  std::sort(from_duck_json.begin(), from_duck_json.end());
  EXPECT_EQ(from_duck_json, from_parquet);
  // And ClickHouse's JSONEachRow (chDB): the same rows, the same names.
  auto ch = reader_query("chdb", "SELECT count() AS n, countIf(bitAnd(notice, 64) != 0) AS escaped, "
                                 "hex(groupBitXor(cityHash64(filename, oldname, passed_name, comm))) AS h FROM file('" +
                                     json + "', JSONEachRow)");
  auto ch_parquet = reader_query("chdb", "SELECT count() AS n, countIf(bitAnd(notice, 64) != 0) AS escaped, "
                                           "hex(groupBitXor(cityHash64(filename, oldname, passed_name, comm))) AS h "
                                           "FROM file('" + parquet + "', Parquet)");
  ASSERT_EQ(ch.size(), 1u);
  ASSERT_EQ(ch_parquet.size(), 1u);
  EXPECT_EQ(json_field(ch[0], "n"), std::to_string(from_parquet.size()));
  EXPECT_EQ(json_field(ch[0], "escaped"), "3");
  EXPECT_EQ(ch[0], ch_parquet[0]);

  // The workload's odd name: its rows are escaped (notice bit 64) in both.
  auto escaped = reader_query("duckdb", "SELECT count(*) AS n FROM read_parquet('" + parquet +
                                            "') WHERE (notice & 64) != 0 AND filename || oldname LIKE '%line2 \\xff\\xfe%'");
  ASSERT_EQ(escaped.size(), 1u);
  EXPECT_EQ(json_field(escaped[0], "n"), "3");  // its open, close and rename
  EXPECT_NE(ior.err().find("json-file"), std::string::npos) << ior.err();
}

// A command after -- shares ior's standard output: with -json its output
// can land inside the JSON lines, and ior says so before it starts.
TEST(JsonE2E, ACommandSharingStandardOutputWithJsonIsWarnedAbout) {
  IOR_REQUIRE_ROOT();
  Subprocess ior({IOR_BINARY, "-json", "-duration", "60", "--", "/bin/echo", "not json"});
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  EXPECT_NE(ior.err().find("ior: warning: the command writes to the standard output that -json writes rows to"),
            std::string::npos)
      << ior.err();
  EXPECT_NE(ior.out().find("not json\n"), std::string::npos);
  // Without a command, or with -json-file, nothing to warn about.
  TempDir out;
  Subprocess file({IOR_BINARY, "-json-file", out.path() + "/rows.json", "-duration", "60", "--", "/bin/true"});
  ASSERT_EQ(file.wait(std::chrono::seconds(60)), 0) << file.err();
  EXPECT_EQ(file.err().find("ior: warning"), std::string::npos) << file.err();
}

}  // namespace
}  // namespace ior::testing
