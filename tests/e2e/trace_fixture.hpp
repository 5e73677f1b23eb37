#pragma once
// Runs the real ior binary (real BPF) around the test workload.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "console_rows.hpp"
#include "subprocess.hpp"
#include "workload_manifest.hpp"

namespace ior::testing {

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

// The summary's "top files by bytes" table: file -> bytes, read, written,
// transferred.
std::map<std::string, std::vector<std::uint64_t>> top_files_by_bytes(const std::string& err);

}  // namespace ior::testing
