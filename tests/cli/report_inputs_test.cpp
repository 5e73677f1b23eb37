// Which files `ior report` reads, and in which order.
#include "cli/report_inputs.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ior::cli {
namespace {

class ReportInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ior_report_inputs_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void touch(const std::string& name) { std::ofstream(dir_ + "/" + name) << "x"; }
  std::vector<std::string> names(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& in : expand_report_inputs(args)) out.push_back(std::filesystem::path(in.path).filename());
    return out;
  }
  std::string dir_;
};

// A glob over a rotated set reads its files in the order they were written
// (rows in time order), not r.1, r.10, r.11, r.2 as glob sorts them.
TEST_F(ReportInputsTest, AGlobReadsNumberedFilesInTheirNumbersOrder) {
  for (const char* n : {"r.10.parquet", "r.2.parquet", "r.1.parquet", "r.11.parquet", "r.9.parquet", "r.02b.parquet"}) {
    touch(n);
  }
  EXPECT_EQ(names({dir_ + "/r.*.parquet"}),
            (std::vector<std::string>{"r.1.parquet", "r.2.parquet", "r.02b.parquet", "r.9.parquet", "r.10.parquet",
                                      "r.11.parquet"}));
  // The rotated set's own expansion: in order, until the first gap.
  EXPECT_EQ(names({dir_ + "/r.parquet"}), (std::vector<std::string>{"r.1.parquet", "r.2.parquet"}));
}

}  // namespace
}  // namespace ior::cli
