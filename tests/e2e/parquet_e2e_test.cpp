// ior -parquet end to end: real BPF, the test workload, the file read back by
// chDB and DuckDB; a signal mid-trace and a full disk still leave valid files.
#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>

#include "reader_runner.hpp"
#include "summary_account.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::string count_sql(const std::string& engine, const std::string& path, const std::string& where) {
  std::string from = engine == "chdb" ? "file('" + path + "', Parquet)" : "read_parquet('" + path + "')";
  return "SELECT count(*) AS n FROM " + from + (where.empty() ? "" : " WHERE " + where);
}

std::uint64_t count(const std::string& engine, const std::string& path, const std::string& where = "") {
  auto lines = reader_query(engine, count_sql(engine, path, where));
  return std::stoull(json_field(lines.at(0), "n"));
}

// The bytes and byte_class the row of a scenario syscall must have: the
// read/write family moved what it returned, everything else none.
std::string bytes_where(const ManifestLine& m) {
  std::string cls = "none";
  if (m.name == "read" || m.name == "pread64") cls = "read";
  if (m.name == "write" || m.name == "writev") cls = "write";
  std::int64_t bytes = cls != "none" && m.ret > 0 ? m.ret : 0;
  return " AND bytes = " + std::to_string(bytes) + " AND byte_class = '" + cls + "'";
}

TEST(ParquetE2E, TracedWorkloadIsInTheFileForBothReaders) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  std::string file = dir.path() + "/trace.parquet";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-parquet", "-parquet-file", file},
                          {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.empty()) << "no console rows when only -parquet is on";
  auto manifest = parse_manifest(run.workload_out);
  for (const std::string engine : {"chdb", "duckdb"}) {
    SCOPED_TRACE(engine);
    // The file-name columns are bytes (BLOB in DuckDB): compare through hex.
    auto hexeq = [&](const std::string& col, const std::string& value) {
      std::string h;
      static const char* d = "0123456789ABCDEF";
      for (char ch : value) {
        auto c = static_cast<unsigned char>(ch);
        h += d[c >> 4];
        h += d[c & 15];
      }
      return "hex(" + col + ") = '" + h + "'";
    };
    for (const auto& m : manifest) {
      if (m.name == "rename" || m.name == "link") continue;  // two names: checked below
      std::string file_col = (m.name == "mkdir" || m.name == "rmdir" || m.name == "unlink" || m.name == "statx")
                                 ? "pathname" : "filename";
      std::string where = "pid = " + std::to_string(m.pid) + " AND tid = " + std::to_string(m.tid) +
                          " AND syscall_name = '" + m.name + "' AND ret_value = " + std::to_string(m.ret) +
                          " AND " + hexeq(file_col, m.file) + " AND duration_ns > 0" + bytes_where(m);
      EXPECT_GE(count(engine, file, where), 1u) << m.name << " " << m.file;
    }
    EXPECT_EQ(count(engine, file, "syscall_name = 'rename' AND " + hexeq("oldname", dir.path() + "/data.bin") +
                                      " AND " + hexeq("newname", dir.path() + "/renamed.bin")), 1u);
  }
}

TEST(ParquetE2E, SigtermMidTraceLeavesAValidFile) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  std::string file = dir.path() + "/sig.parquet";
  Subprocess ior({IOR_BINARY, "-duration", "600", "-parquet", "-parquet-file", file});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  run_and_capture({WORKLOAD_BINARY, "opens", dir.path(), "2000"});
  ior.signal(SIGTERM);
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  EXPECT_NE(ior.err().find("stopped by signal"), std::string::npos);
  for (const std::string engine : {"chdb", "duckdb"}) {
    EXPECT_GE(count(engine, file, "syscall_name = 'openat'"), 2000u) << engine;
  }
}

// "2026-11-25T04:22:01.123456789Z" back to Unix nanoseconds.
std::uint64_t utc_ns(const std::string& text) {
  struct tm tm {};
  unsigned long long frac = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%9lluZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac),
            7)
      << text;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::uint64_t>(timegm(&tm)) * 1'000'000'000ull + frac;
}

// Rows reach the sink a little after their syscalls: files rotated by time
// change at the whole periods of the rows' own time, and each file's
// ior.start_time/ior.end_time bound every row in it (enter to exit), with
// no gap between one file and the next.
TEST(ParquetE2E, TimeRotatedFilesFollowTheRowsTimeAndBoundEveryRow) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  const std::string base = dir.path() + "/rot.parquet";
  const std::string loop = "i=0; while [ $i -lt 14 ]; do " + std::string(WORKLOAD_BINARY) + " opens " + dir.path() +
                           " 300 >/dev/null; sleep 0.25; i=$((i+1)); done";
  Subprocess ior({IOR_BINARY, "-duration", "120", "-parquet", "-parquet-file", base, "-parquet-rotate", "1s", "--",
                  "/bin/sh", "-c", loop});
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  const std::string glob = dir.path() + "/rot.*.parquet";
  struct File {
    std::uint64_t start = 0, end = 0, lo = 0, hi = 0, rows = 0;
  };
  std::map<std::uint64_t, File> files;  // by ior.file_index
  std::map<std::string, std::uint64_t> index_of;
  auto kv = reader_query("duckdb", "SELECT file_name AS f, decode(key) AS k, decode(value) AS v FROM "
                                   "parquet_kv_metadata('" + glob + "')");
  for (const auto& l : kv) {
    if (json_field(l, "k") == "ior.file_index") index_of[json_field(l, "f")] = std::stoull(json_field(l, "v"));
  }
  for (const auto& l : kv) {
    File& f = files[index_of.at(json_field(l, "f"))];
    if (json_field(l, "k") == "ior.start_time") f.start = utc_ns(json_field(l, "v"));
    if (json_field(l, "k") == "ior.end_time") f.end = utc_ns(json_field(l, "v"));
  }
  for (const auto& l : reader_query("duckdb", "SELECT source_file AS f, min(timestamp_ns) AS lo, "
                                              "max(timestamp_ns + duration_ns) AS hi, count(*) AS n FROM "
                                              "read_parquet('" + glob + "', filename = 'source_file') GROUP BY source_file")) {
    File& f = files[index_of.at(json_field(l, "f"))];
    f.lo = std::stoull(json_field(l, "lo"));
    f.hi = std::stoull(json_field(l, "hi"));
    f.rows = std::stoull(json_field(l, "n"));
  }
  ASSERT_GE(files.size(), 3u) << ior.err();
  const std::uint64_t run_start = files.begin()->second.start;
  std::uint64_t rows = 0, index = 0;
  for (const auto& [n, f] : files) {
    SCOPED_TRACE("file " + std::to_string(n));
    EXPECT_EQ(n, ++index);
    EXPECT_GT(f.rows, 0u);
    rows += f.rows;
    EXPECT_LE(f.start, f.lo);
    EXPECT_LE(f.hi, f.end);
    if (n > 1) {
      EXPECT_EQ(f.start, std::min(files[n - 1].end, f.lo));
    }
    // Every file but the last ends at a whole period of the run.
    if (n < files.size()) {
      EXPECT_EQ((f.end - run_start) % 1'000'000'000ull, 0u) << f.end - run_start;
    }
  }
  EXPECT_GE(rows, 14u * 300u);
  const auto account = parse_account(ior.err());
  EXPECT_EQ(rows, account_term(account, "sink parquet", "written")) << ior.err();
  EXPECT_EQ(account_term(account, "sink parquet", "lost"), 0u);
}

// The console writes into a pipe nobody reads (as a terminal paused with
// Ctrl-S): only the console's own rows are dropped, counted; the Parquet
// file beside it gets every row, the ring buffer loses nothing, and a stop
// signal still ends ior promptly although its console write never completes.
TEST(ParquetE2E, AStalledConsoleDropsOnlyItsOwnRowsAndDoesNotHoldTheStop) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  std::string fifo = dir.path() + "/stdout";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // held open, never read
  ASSERT_GE(reader, 0);
  std::string file = dir.path() + "/beside.parquet";
  Subprocess ior({"/bin/sh", "-c",
                  "exec \"$0\" \"$@\" > " + fifo, IOR_BINARY, "-duration", "600", "-comm", "ior_workload",
                  "-console", "-parquet", "-parquet-file", file});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  // 600 000 rows: more than the console's default queue (32 MiB) holds. In
  // bursts of 50 000 with pauses, so that the Parquet sink, which shares
  // the two cores with the workload and the ring reader, keeps up: on a fast
  // machine one unpaced burst outran it ("queue full" in its own account).
  run_and_capture({WORKLOAD_BINARY, "preads", dir.path(), "12", "50000", "150"});
  auto stop = std::chrono::steady_clock::now();
  ior.signal(SIGINT);
  EXPECT_EQ(ior.wait(std::chrono::seconds(60)), 1) << ior.err();  // the console failed
  EXPECT_LT(std::chrono::steady_clock::now() - stop, std::chrono::seconds(15)) << "the stop waited for the console";
  close(reader);
  auto account = parse_account(ior.err());
  EXPECT_EQ(account_imbalance(account), "") << ior.err();
  EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << ior.err();
  EXPECT_GT(account_term(account, "sink console", "queue full"), 0u) << ior.err();
  const std::uint64_t rows = account_line(account, "sink parquet").total;
  EXPECT_GE(rows, 600'000u);  // 12 x 50 000 pread64
  EXPECT_EQ(account_term(account, "sink parquet", "written"), rows) << ior.err();
  for (const std::string engine : {"chdb", "duckdb"}) {
    EXPECT_EQ(count(engine, file), rows) << engine;
  }
}

// A full disk: a clear message, lost rows counted, exit 1, and the file cut
// back to its last complete row group stays readable.
TEST(ParquetE2E, FullDiskIsReportedAndTheFileStaysReadable) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  std::string mnt = dir.path() + "/small";
  std::filesystem::create_directories(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k"), 0);
  std::string file = mnt + "/full.parquet";
  {
    Subprocess ior({IOR_BINARY, "-duration", "600", "-parquet", "-parquet-file", file,
                    "-parquet-rowgroup", "2000", "-parquet-compression", "none"});
    ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
    run_and_capture({WORKLOAD_BINARY, "opens", dir.path(), "20000"});
    ior.signal(SIGINT);
    EXPECT_EQ(ior.wait(std::chrono::seconds(60)), 1) << ior.err();
    EXPECT_NE(ior.err().find("No space left on device"), std::string::npos) << ior.err();
    EXPECT_NE(ior.err().find("FAILED"), std::string::npos) << ior.err();
    auto account = parse_account(ior.err());
    EXPECT_EQ(account_imbalance(account), "") << ior.err();
    EXPECT_GT(account_term(account, "sink parquet", "written"), 0u);  // rows that made it
    EXPECT_GT(account_term(account, "sink parquet", "lost"), 0u);
    for (const std::string engine : {"chdb", "duckdb"}) {
      EXPECT_GT(count(engine, file), 0u) << engine;
    }
  }
  umount2(mnt.c_str(), MNT_DETACH);
}

}  // namespace
}  // namespace ior::testing

namespace ior::testing {
namespace {

TEST(ParquetE2E, UncreatableFileIsOneClearErrorBeforeTracing) {
  IOR_REQUIRE_ROOT();
  Subprocess ior({IOR_BINARY, "-duration", "5", "-parquet", "-parquet-file", "/nonexistent-ior-dir/x.parquet"});
  EXPECT_EQ(ior.wait(std::chrono::seconds(30)), 1);
  EXPECT_NE(ior.err().find("ior: parquet: cannot create /nonexistent-ior-dir/x.parquet: No such file"),
            std::string::npos)
      << ior.err();
  EXPECT_EQ(ior.err().find("ior: tracing"), std::string::npos) << "must fail before tracing";
}

}  // namespace
}  // namespace ior::testing
