#pragma once
// Runs the real ior binary (real BPF) around the test workload.

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "console_rows.hpp"
#include "subprocess.hpp"

namespace ior::testing {

/// One line of the workload's manifest: what it did, independently of ior.
struct ManifestLine {
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::string name;
  std::int64_t ret = 0;
  std::string file;
};

std::vector<ManifestLine> parse_manifest(const std::string& text);

/// A fresh directory under /tmp, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Skips (or, under CI=true, fails) unless the test runs as root.
#define IOR_REQUIRE_ROOT()                                                          \
  do {                                                                              \
    if (geteuid() != 0) {                                                           \
      if (::ior::testing::in_ci()) FAIL() << "BPF tests must run as root in CI";     \
      GTEST_SKIP() << "needs root to load BPF programs";                            \
    }                                                                               \
  } while (0)

/// Result of one traced run.
struct TracedRun {
  int exit_code = -1;
  std::string out;  ///< ior's stdout (console rows)
  std::string err;  ///< ior's stderr (messages, summary)
  std::vector<ConsoleRow> rows;
  std::string workload_out;
};

/// Starts ior with args, waits until it traces, runs the workload command
/// line, then stops ior with SIGINT and collects everything.
TracedRun trace_around(const std::vector<std::string>& ior_args,
                       const std::vector<std::string>& workload);

/// Extracts "label   N" from the summary (first number after the label).
std::uint64_t summary_value(const std::string& err, const std::string& label);

}  // namespace ior::testing
