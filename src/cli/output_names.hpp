#pragma once
// Two outputs given one file name would each write it whole, and the one
// renamed into place last would silently replace the other's rows (a
// Parquet recording replaced by JSON lines, "written" in the account). So
// every output file a run will write is named here first, and a name two
// of them share is a usage error before tracing.

#include <string>
#include <vector>

namespace ior::cli {

struct OutputName {
  std::string path;
  std::string flag;           ///< the flag that names it, e.g. "-json-file"
  bool rotated_set = false;   ///< path stands for NAME.1.parquet, NAME.2.parquet, ...
};

/// Throws UsageError naming the two flags of the first name two outputs share.
void refuse_shared_output_names(const std::vector<OutputName>& outputs);

}  // namespace ior::cli
