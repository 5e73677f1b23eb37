// plan_sinks(): every sink flag parsed once into the sinks' option structs.
#include "cli/output_names.hpp"
#include "cli/sink_factory.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "base/error.hpp"

namespace ior::cli {
namespace {

Options parse(std::vector<const char*> args) {
  args.insert(args.begin(), "ior");
  return parse_options(static_cast<int>(args.size()), args.data());
}

RunIdentity identity() {
  RunIdentity id;
  id.hostname = "host";
  return id;
}

// Two outputs on one file: refused by name, by directory (the same one by
// another path), and for the names a rotation writes; names no output
// shares, and names the rotation never writes, are not.
TEST(OutputNamesTest, OnlyAFileTwoOutputsWouldBothWriteIsRefused) {
  const auto refused = [](std::vector<OutputName> names) {
    try {
      refuse_shared_output_names(names);
      return std::string();
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(refused({{"same.out", "-parquet-file", false}, {"same.out", "-json-file", false}}),
            "-parquet-file and -json-file both write same.out: give each output a file of its own");
  EXPECT_NE(refused({{"/tmp/x.json", "-parquet-file", false}, {"/tmp/../tmp/x.json", "-json-file", false}}), "");
  EXPECT_NE(refused({{"r.parquet", "-parquet-file", true}, {"r.12.parquet", "-json-file", false}}), "");
  EXPECT_NE(refused({{"r", "-parquet-file", true}, {"r.3.parquet", "-json-file", false}}), "");
  EXPECT_EQ(refused({{"r.parquet", "-parquet-file", true}, {"r.01.parquet", "-json-file", false}}), "");
  EXPECT_EQ(refused({{"r.parquet", "-parquet-file", true}, {"r.parquet", "-json-file", false}}), "");
  EXPECT_EQ(refused({{"r.parquet", "-parquet-file", true}, {"r.x.parquet", "-json-file", false}}), "");
  EXPECT_EQ(refused({{"a.parquet", "-parquet-file", false}, {"fg.svg", "-flamegraph", false},
                     {"fg.collapsed", "-flamegraph", false}, {"a.json", "-json-file", false}}),
            "");
}

TEST(SinkPlanTest, TheClickHouseFlagsLandInTheSinksOptions) {
  auto o = parse({"-clickhouse", "-ch-host", "a,b", "-ch-port", "9001", "-ch-on-full", "drop", "-ch-compression",
                  "zstd", "-ch-cluster", "c", "-ch-cluster-discover", "-ch-password", "pw"});
  auto cancel = std::make_shared<clickhouse::net::Cancellation>();
  auto plan = plan_sinks(o, identity(), {.cancel = cancel, .warn = [](const std::string&) {}});
  ASSERT_TRUE(plan.clickhouse);
  EXPECT_FALSE(plan.parquet);
  EXPECT_FALSE(plan.flamegraph);
  EXPECT_FALSE(plan.console);
  const auto& c = *plan.clickhouse;
  EXPECT_EQ(c.writer.hosts, (std::vector<clickhouse::HostPort>{{"a"}, {"b"}}));
  EXPECT_EQ(c.writer.client.port, 9001);
  EXPECT_EQ(c.writer.client.database, "") << "the Hello names no database: the user's default";
  EXPECT_EQ(c.writer.on_full, clickhouse::writer::OnFull::kDrop);
  EXPECT_EQ(c.writer.client.compression.method, clickhouse::wire::CompressionMethod::kZstd);
  EXPECT_EQ(c.schema.cluster, "c");
  EXPECT_TRUE(c.discover_cluster);
  EXPECT_EQ(c.writer.client.password, "pw");
  EXPECT_EQ(c.writer.client.cancel, cancel);
  EXPECT_TRUE(c.writer.client.on_cleartext_password);
}

TEST(SinkPlanTest, TheWritersMemoryGrowsWithTheBatchUnlessItIsGiven) {
  auto plan_of = [](std::vector<const char*> args) {
    args.insert(args.begin(), "-clickhouse");
    auto o = parse(args);
    auto cancel = std::make_shared<clickhouse::net::Cancellation>();
    return *plan_sinks(o, identity(), {.cancel = cancel, .warn = [](const std::string&) {}}).clickhouse;
  };
  EXPECT_EQ(plan_of({}).writer.memory_bytes, 16u << 20);
  EXPECT_EQ(plan_of({"-ch-batch", "5000"}).writer.memory_bytes, 16u << 20);
  EXPECT_EQ(plan_of({"-ch-batch", "100000"}).writer.memory_bytes, 160u << 20);
  EXPECT_EQ(plan_of({"-ch-batch", "1000000"}).writer.memory_bytes, 1u << 30);
  EXPECT_EQ(plan_of({"-ch-batch", "100000", "-ch-memory", "20M"}).writer.memory_bytes, 20u << 20);
}

TEST(SinkPlanTest, BadFlagsAreUsageErrorsWhetherOrNotTheirSinkIsOn) {
  for (auto args : {std::vector<const char*>{"-clickhouse", "-ch-on-full", "maybe"},
                    std::vector<const char*>{"-clickhouse", "-ch-host", "a,,b"},
                    std::vector<const char*>{"-clickhouse", "-ch-cluster-discover"},
                    std::vector<const char*>{"-clickhouse", "-ch-insecure"},
                    std::vector<const char*>{"-live", "-fields", "nope"},
                    std::vector<const char*>{"-parquet-rotate", "0"}}) {
    EXPECT_THROW(plan_sinks(parse(args), identity(), {}), UsageError) << args.back();
  }
}

// A CA file that cannot be loaded is a usage error before anything is
// traced (was: every connection failed, rows spooled, exit 0).
TEST(SinkPlanTest, ACaFileThatCannotBeLoadedIsAUsageError) {
  const std::string dir = "/tmp/ior_sink_plan_ca_" + std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0700);
  const std::string text = dir + "/not-a-ca.pem";
  std::ofstream(text) << "not a certificate\n";
  auto message = [](const std::string& ca) {
    try {
      plan_sinks(parse({"-clickhouse", "-ch-secure", "-ch-ca-file", ca.c_str()}), identity(), {});
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("/nonexistent/ca.pem"), "flag -ch-ca-file: cannot read /nonexistent/ca.pem: No such file or directory");
  EXPECT_EQ(message(dir), "flag -ch-ca-file: " + dir + " is not a regular file");
  EXPECT_EQ(message(text).rfind("flag -ch-ca-file: " + text + " holds no PEM certificate to trust (", 0), 0u)
      << message(text);
  ::unlink(text.c_str());
  ::rmdir(dir.c_str());
}

TEST(SinkPlanTest, ThePasswordFileIsReadOnceAndOnlyItsFirstLine) {
  // A FIFO delivers its contents once: a second read would find nothing
  // (or block) and the plan would hold no password.
  std::string fifo = "/tmp/ior_sink_plan_" + std::to_string(::getpid());
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "first-line\r\nsecond-line\n"; });
  auto plan = plan_sinks(parse({"-clickhouse", "-ch-password-file", fifo.c_str()}), identity(), {});
  writer.join();
  ::unlink(fifo.c_str());
  ASSERT_TRUE(plan.clickhouse);
  EXPECT_EQ(plan.clickhouse->writer.client.password, "first-line");
}

TEST(SinkPlanTest, APasswordFileOthersCanReadIsWarnedAbout) {
  const std::string file = "/tmp/ior_sink_plan_pw_" + std::to_string(::getpid());
  std::ofstream(file) << "secret\n";
  std::vector<std::string> warnings;
  ClickHouseHooks hooks;
  hooks.warn = [&](const std::string& line) { warnings.push_back(line); };
  ::chmod(file.c_str(), 0644);
  auto plan = plan_sinks(parse({"-clickhouse", "-ch-password-file", file.c_str()}), identity(), hooks);
  EXPECT_EQ(plan.clickhouse->writer.client.password, "secret");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "ior: warning: -ch-password-file " + file + " can be read by other users (mode 0644; chmod 600 it)");
  warnings.clear();
  ::chmod(file.c_str(), 0600);
  plan_sinks(parse({"-clickhouse", "-ch-password-file", file.c_str()}), identity(), hooks);
  EXPECT_TRUE(warnings.empty());
  ::unlink(file.c_str());
}

TEST(SinkPlanDeathTest, APasswordMakesTheProcessNotDumpable) {
  EXPECT_EXIT(
      {
        ::setenv("IOR_CH_PASSWORD", "from-env", 1);
        auto plan = plan_sinks(parse({"-clickhouse"}), identity(), {});
        std::exit(plan.clickhouse->writer.client.password == "from-env" && prctl(PR_GET_DUMPABLE) == 0 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        ::unsetenv("IOR_CH_PASSWORD");
        plan_sinks(parse({"-clickhouse"}), identity(), {});
        std::exit(prctl(PR_GET_DUMPABLE) == 1 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace ior::cli
