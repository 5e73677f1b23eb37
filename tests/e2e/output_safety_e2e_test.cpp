// The files ior writes, attacked the way another local user can: in a
// world-writable sticky directory that user owns, links planted (as nobody)
// at the Parquet name (given and the predictable default), the flame graph's
// .collapsed and .svg and `ior flamegraph -o`, pointing at a root-owned 0600
// file or nowhere. ior refuses before tracing without -force, replaces the
// link itself with -force, never writes through it; every output is 0600;
// Parquet files read back by chDB and DuckDB after a timed run, a SIGINT and
// a rotation.
#include <gtest/gtest.h>
#include <time.h>

#include <filesystem>
#include <fstream>

#include "hostile_user.hpp"
#include "reader_runner.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::uint64_t rows_in(const std::string& engine, const std::string& path, const std::string& where = "") {
  std::string from = engine == "chdb" ? "file('" + path + "', Parquet)" : "read_parquet('" + path + "')";
  auto lines = reader_query(engine, "SELECT count(*) AS n FROM " + from + (where.empty() ? "" : " WHERE " + where));
  return std::stoull(json_field(lines.at(0), "n"));
}


class OutputSafetyE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    IOR_REQUIRE_ROOT();
    dir_ = std::make_unique<HostileDir>();
  }
  std::string at(const std::string& name) const { return dir_->path() + "/" + name; }
  void expect_secret_untouched() const {
    EXPECT_EQ(file_bytes(dir_->secret()), HostileDir::kSecretBytes);
    EXPECT_TRUE(is_root_owned_0600_file(dir_->secret()));
  }
  void expect_refused_before_tracing(const TracedRun& run, const std::string& message) const {
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_NE(run.err.find("ior: " + message), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("ior: tracing"), std::string::npos) << "must fail before tracing";
  }
  std::unique_ptr<HostileDir> dir_;
  TempDir work_;  // the workload's files, apart from the outputs
};

TEST_F(OutputSafetyE2E, ParquetFileNameTakenByALink) {
  IOR_REQUIRE_READERS();
  const std::string file = at("trace.parquet");
  dir_->plant_link(dir_->secret(), file);
  const std::vector<std::string> workload = {WORKLOAD_BINARY, "opens", work_.path(), "500"};

  auto refused = trace_around({"-duration", "60", "-parquet", "-parquet-file", file}, workload);
  expect_refused_before_tracing(refused, "parquet: " + file + " exists (a symbolic link); -force replaces it");
  EXPECT_EQ(dir_entries(dir_->path()), std::vector<std::string>{"trace.parquet"}) << "no temporary file left";
  EXPECT_TRUE(std::filesystem::is_symlink(file));

  auto run = trace_around({"-duration", "60", "-path", work_.path(), "-parquet", "-parquet-file", file, "-force"},
                          workload);  // stopped by SIGINT
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(is_root_owned_0600_file(file)) << "the link is replaced by ior's own file";
  expect_secret_untouched();
  EXPECT_EQ(dir_entries(dir_->path()), std::vector<std::string>{"trace.parquet"});
  for (const std::string engine : {"chdb", "duckdb"}) {
    EXPECT_GE(rows_in(engine, file, "syscall_name = 'openat'"), 500u) << engine;
  }
}

// The default name <-name>-<local time to the second>.parquet in the current
// directory is predictable: an attacker plants a link for every second ahead.
TEST_F(OutputSafetyE2E, PredictableDefaultParquetNameTakenByLinks) {
  IOR_REQUIRE_READERS();
  std::string plant;
  const time_t now = time(nullptr);
  for (time_t t = now - 2; t <= now + 60; ++t) {
    struct tm tm {};
    localtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%d_%H:%M:%S", &tm);
    plant += "ln -s " + dir_->secret() + " 'run-" + std::string(stamp) + ".parquet'; ";
  }
  run_as_nobody({"/bin/sh", "-c", "cd " + dir_->path() + " && " + plant});
  const auto links = dir_entries(dir_->path());
  ASSERT_EQ(links.size(), 63u);

  auto ior_in_shared_dir = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/env", "-C", dir_->path(), IOR_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess ior(argv);
    int rc = ior.wait(std::chrono::seconds(60));
    return std::make_pair(rc, ior.err());
  };
  auto [rc, err] = ior_in_shared_dir({"-duration", "2", "-name", "run", "-parquet"});
  EXPECT_EQ(rc, 1) << err;
  EXPECT_NE(err.find(".parquet exists (a symbolic link); -force replaces it"), std::string::npos) << err;
  EXPECT_EQ(dir_entries(dir_->path()), links);

  std::tie(rc, err) = ior_in_shared_dir({"-duration", "2", "-name", "run", "-parquet", "-force"});  // a timed run
  ASSERT_EQ(rc, 0) << err;
  std::vector<std::string> files;
  for (const auto& n : dir_entries(dir_->path())) {
    if (!std::filesystem::is_symlink(at(n))) files.push_back(n);
  }
  ASSERT_EQ(files.size(), 1u) << "one link replaced by the output";
  EXPECT_TRUE(is_root_owned_0600_file(at(files[0])));
  EXPECT_EQ(dir_entries(dir_->path()).size(), 63u) << "no temporary file left";
  expect_secret_untouched();
  for (const std::string engine : {"chdb", "duckdb"}) {
    EXPECT_GT(rows_in(engine, at(files[0])), 0u) << engine;
  }
}

TEST_F(OutputSafetyE2E, RotatedParquetNamesAreCheckedUpFrontAndEveryFileIsComplete) {
  IOR_REQUIRE_READERS();
  const std::string base = at("rot.parquet");
  run_as_nobody({"/bin/sh", "-c", "printf planted > " + at("rot.2.parquet")});
  const std::vector<std::string> workload = {WORKLOAD_BINARY, "opens", work_.path(), "3000"};
  const std::vector<std::string> args = {"-duration", "60", "-path", work_.path(), "-parquet",
                                         "-parquet-file", base, "-parquet-rotate", "1000"};

  auto refused = trace_around(args, workload);
  expect_refused_before_tracing(refused, "parquet: " + at("rot.2.parquet") + " exists; -force replaces it");
  EXPECT_EQ(dir_entries(dir_->path()), std::vector<std::string>{"rot.2.parquet"});

  auto with_force = args;
  with_force.push_back("-force");
  auto run = trace_around(with_force, workload);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_secret_untouched();
  std::size_t files = 0;
  for (const auto& n : dir_entries(dir_->path())) {
    ASSERT_NE(n.front(), '.') << "a temporary file was left: " << n;
    ++files;
    EXPECT_TRUE(is_root_owned_0600_file(at(n))) << n;
  }
  EXPECT_GE(files, 6u);  // 3000 opens and their closes in files of 1000 rows
  // One query over all files: a reader fails on any file without a footer.
  for (const std::string engine : {"chdb", "duckdb"}) {
    EXPECT_EQ(rows_in(engine, at("rot.*.parquet"), "syscall_name = 'openat'"), 3000u) << engine;
  }
}

TEST_F(OutputSafetyE2E, FlameGraphNamesTakenByLinks) {
  const std::string name = at("fg");
  dir_->plant_link(dir_->secret(), name + ".collapsed");
  dir_->plant_link(dir_->nowhere(), name + ".svg");
  const std::vector<std::string> workload = {WORKLOAD_BINARY, "opens", work_.path(), "100"};
  const std::vector<std::string> args = {"-duration", "60", "-path", work_.path(), "-flamegraph", "-name", name,
                                         "-fields", "tracepoint"};

  auto refused = trace_around(args, workload);
  expect_refused_before_tracing(refused, "flamegraph: " + name + ".collapsed exists (a symbolic link); -force replaces it");

  auto with_force = args;
  with_force.push_back("-force");
  auto run = trace_around(with_force, workload);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(is_root_owned_0600_file(name + ".collapsed"));
  EXPECT_TRUE(is_root_owned_0600_file(name + ".svg"));
  EXPECT_NE(file_bytes(name + ".collapsed").find("openat "), std::string::npos) << file_bytes(name + ".collapsed");
  EXPECT_NE(file_bytes(name + ".svg").find("<svg"), std::string::npos);
  expect_secret_untouched();
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir_->nowhere())));
  EXPECT_EQ(dir_entries(dir_->path()), (std::vector<std::string>{"fg.collapsed", "fg.svg"}));
}

TEST_F(OutputSafetyE2E, FlameGraphCommandOutputTakenByALink) {
  const std::string out = at("out.svg");
  dir_->plant_link(dir_->secret(), out);
  const std::string folded = dir_->nowhere() + ".folded";
  {
    std::ofstream(folded) << "a;b 3\na;c 1\n";
  }
  auto ior_flamegraph = [&](const std::string& extra) {
    Subprocess p({"/bin/sh", "-c", "exec " + std::string(IOR_BINARY) + " flamegraph -o " + out + extra + " < " + folded});
    int rc = p.wait(std::chrono::seconds(30));
    return std::make_pair(rc, p.err());
  };
  auto [rc, err] = ior_flamegraph("");
  EXPECT_EQ(rc, 1) << err;
  EXPECT_EQ(err, "ior: flamegraph: " + out + " exists (a symbolic link); -force replaces it\n");
  EXPECT_TRUE(std::filesystem::is_symlink(out));

  std::tie(rc, err) = ior_flamegraph(" -force");
  EXPECT_EQ(rc, 0) << err;
  EXPECT_TRUE(is_root_owned_0600_file(out));
  EXPECT_NE(file_bytes(out).find("<svg"), std::string::npos);
  expect_secret_untouched();
  EXPECT_EQ(dir_entries(dir_->path()), std::vector<std::string>{"out.svg"});
}

}  // namespace
}  // namespace ior::testing
