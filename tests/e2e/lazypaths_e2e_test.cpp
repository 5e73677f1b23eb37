// Paths the kernel cannot read at a syscall's enter, end to end: the real ior
// with real BPF traces `ior_workload lazypaths`, whose paths sit in pages not
// mapped yet when each syscall starts (as a literal in a binary's rodata is
// at its first use). Every syscall of its manifest must be a row naming its
// file exactly, with no "unreadable" notice, in the Parquet file (read back
// by chDB) and on the console; the summary counts the strings read at the
// exit. One of the names holds a newline, CSV and quote bytes and an escape
// sequence, as any user may choose.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "manifest_rows.hpp"
#include "reader_runner.hpp"
#include "trace_fixture.hpp"
#include "workload_hex.hpp"

namespace ior::testing {
namespace {

// "FILENAME:PATHNAME:OLDNAME:NEWNAME", each in hex.
std::vector<std::string> fields_of(const std::string& s) {
  std::vector<std::string> f;
  std::size_t at = 0;
  for (;;) {
    auto colon = s.find(':', at);
    f.push_back(s.substr(at, colon - at));
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  return f;
}

TEST(LazyPathsE2E, PathsNotMappedAtTheEnterNameTheirRows) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  TempDir out;
  const std::string parquet = out.path() + "/trace.parquet";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-console", "-parquet", "-parquet-file", parquet},
                          {WORKLOAD_BINARY, "lazypaths", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto manifest = parse_manifest(run.workload_out);
  ASSERT_EQ(manifest.size(), 14u) << run.workload_out;

  const std::string sql =
      "SELECT tid, syscall_name AS s, ret_value AS r, lower(hex(filename)) AS f, lower(hex(pathname)) AS p, "
      "lower(hex(oldname)) AS o, lower(hex(newname)) AS n, notice FROM file('" +
      parquet + "', Parquet) WHERE comm = 'ior_workload' ORDER BY timestamp_ns";
  auto lines = reader_query("chdb", sql);
  std::size_t i = 0;
  for (const auto& m : manifest) {
    const std::string what = m.name + " = " + std::to_string(m.ret);
    i = find_manifest_row(lines, i, m);
    ASSERT_LT(i, lines.size()) << "no Parquet row for " << what;
    const std::string& l = lines[i++];
    const auto want = fields_of(m.file);
    ASSERT_EQ(want.size(), 4u) << m.file;
    EXPECT_EQ(json_field(l, "f"), want[0]) << what << ": " << workload_unhex(json_field(l, "f"));
    EXPECT_EQ(json_field(l, "p"), want[1]) << what << ": " << workload_unhex(json_field(l, "p"));
    EXPECT_EQ(json_field(l, "o"), want[2]) << what << ": " << workload_unhex(json_field(l, "o"));
    EXPECT_EQ(json_field(l, "n"), want[3]) << what << ": " << workload_unhex(json_field(l, "n"));
    EXPECT_EQ(json_field(l, "notice"), "0") << what;
  }

  // The console: the same names, and not one row of the workload unreadable.
  std::size_t named = 0;
  for (const auto& m : manifest) {
    const auto want = fields_of(m.file);
    const std::string file = workload_unhex(!want[0].empty() ? want[0] : !want[1].empty() ? want[1] : want[2]);
    for (const auto& r : run.rows) {
      if (r.tid == m.tid && r.name == m.name && r.ret == m.ret && r.file == file) {
        ++named;
        break;
      }
    }
  }
  EXPECT_EQ(named, manifest.size()) << run.out;
  for (const auto& r : run.rows) {
    EXPECT_EQ(r.notice.find("unreadable"), std::string::npos) << r.name << " " << r.raw_file;
  }
  // Six paths were read at their syscalls' exits (openat, rename's two,
  // mkdir, the relative openat, chdir), at least: the workload's own start
  // may add some.
  const auto at = run.err.find(", read at the exit ");
  ASSERT_NE(at, std::string::npos) << run.err;
  EXPECT_GE(std::stoull(run.err.substr(at + 19)), 6u) << run.err;
}

}  // namespace
}  // namespace ior::testing
