// -cost-stage, the measurement switch of bench/capture_cost.sh: the stages
// that stop in the kernel send no syscall record, drain reads every record of the
// traced command (an enter and an exit per syscall with strings, one paired
// record per syscall without) and builds no row.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;

constexpr long kOpens = 20'000;  // openat (enter, exit) + close (paired): 3 records per open

// Records -cost-stage says it read, or -1 when the line is missing.
long long records_read(const std::string& err, const std::string& stage) {
  const std::string label = "ior: -cost-stage " + stage + ": ";
  auto at = err.find(label);
  if (at == std::string::npos) return -1;
  return std::stoll(err.substr(at + label.size()));
}

struct StageRun {
  int exit_code;
  std::string out, err;
};

StageRun run_stage(const std::string& stage, const std::string& dir) {
  Subprocess ior({IOR_BINARY, "-cost-stage", stage, "--", WORKLOAD_BINARY, "opens", dir, std::to_string(kOpens)});
  int rc = ior.wait(120s);
  return {rc, ior.out(), ior.err()};
}

TEST(CostStageE2E, DrainReadsEveryRecordOfTheCommandAndBuildsNoRow) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  StageRun r = run_stage("drain", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const long long n = records_read(r.err, "drain");
  // The command's start-up (loader, libc) adds a few hundred records at most.
  EXPECT_GE(n, 3 * kOpens) << r.err;
  EXPECT_LE(n, 3 * kOpens + 2000) << r.err;
  EXPECT_EQ(summary_value(r.err, "syscalls paired"), 0u) << r.err;
  EXPECT_EQ(r.out.find("openat"), std::string::npos);  // no console rows
}

TEST(CostStageE2E, StagesThatStopInTheKernelSendNothing) {
  IOR_REQUIRE_ROOT();
  for (const char* stage : {"attach", "filter", "copy"}) {
    SCOPED_TRACE(stage);
    TempDir dir;
    StageRun r = run_stage(stage, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Only the task programs still send: the command's exec and exit.
    const long long n = records_read(r.err, stage);
    EXPECT_GE(n, 0) << r.err;
    EXPECT_LE(n, 4) << r.err;
    EXPECT_EQ(summary_value(r.err, "ring-buffer drops"), 0u) << r.err;
  }
}

}  // namespace
}  // namespace ior::testing
