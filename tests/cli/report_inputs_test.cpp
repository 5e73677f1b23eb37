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
}

// The rotated set's own expansion: every file of it in order, past a gap,
// which is named (it had stopped at the first gap without a word, so a
// set missing its fifth file read four files of 26).
TEST_F(ReportInputsTest, ARotatedSetIsReadPastAMissingFileWhichIsNamed) {
  for (const char* n : {"r.10.parquet", "r.2.parquet", "r.1.parquet", "r.11.parquet", "r.9.parquet", "r.02b.parquet",
                        "r.03.parquet", "rx.3.parquet"}) {
    touch(n);
  }
  std::vector<std::string> notes;
  std::vector<std::string> got;
  for (const auto& in : expand_report_inputs({dir_ + "/r.parquet"}, &notes)) {
    got.push_back(std::filesystem::path(in.path).filename());
    EXPECT_EQ(in.rotated_set, dir_ + "/r.parquet");
  }
  EXPECT_EQ(got, (std::vector<std::string>{"r.1.parquet", "r.2.parquet", "r.9.parquet", "r.10.parquet",
                                           "r.11.parquet"}));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "ior report: the rotated set " + dir_ + "/r.parquet lacks 6 of 11 files (" + dir_ +
                          "/r.3.parquet, " + dir_ + "/r.4.parquet, " + dir_ + "/r.5.parquet, " + dir_ +
                          "/r.6.parquet, " + dir_ + "/r.7.parquet, " + dir_ + "/r.8.parquet): their rows are not in "
                          "this report");
  // Without its first file the set is still found.
  std::filesystem::remove(dir_ + "/r.1.parquet");
  notes.clear();
  EXPECT_EQ(expand_report_inputs({dir_ + "/r.parquet"}, &notes).size(), 4u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("lacks 7 of 11 files (" + dir_ + "/r.1.parquet, "), std::string::npos) << notes[0];
  // A set complete but for nothing says nothing.
  notes.clear();
  touch("s.1.parquet");
  touch("s.2.parquet");
  EXPECT_EQ(expand_report_inputs({dir_ + "/s.parquet"}, &notes).size(), 2u);
  EXPECT_TRUE(notes.empty());
  EXPECT_THROW(expand_report_inputs({dir_ + "/t.parquet"}, &notes), std::exception);
}

}  // namespace
}  // namespace ior::cli
