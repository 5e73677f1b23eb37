#pragma once
// Which files `ior report` reads: each argument is a file, a glob pattern
// (expanded by ior, so a quoted pattern works too; sorted, like a shell's),
// or the base name of a rotated set: NAME.parquet that does not exist while
// NAME.1.parquet does stands for NAME.1.parquet, NAME.2.parquet, ... in order.

#include <string>
#include <vector>

namespace ior::cli {

/// Throws UsageError naming an argument that matches nothing.
std::vector<std::string> expand_report_inputs(const std::vector<std::string>& args);

}  // namespace ior::cli
