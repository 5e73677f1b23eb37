#pragma once
// Finding the workload's syscalls among the rows a reader read back.

#include <cstddef>
#include <string>
#include <vector>

#include "workload_manifest.hpp"

namespace ior::testing {

/// The index of the first row at or after `from` of a reader's JSON lines
/// (with fields tid, s: the syscall's name, r: its return value) that is the
/// manifest line's row, or lines.size() when none is.
std::size_t find_manifest_row(const std::vector<std::string>& lines, std::size_t from, const ManifestLine& m);

}  // namespace ior::testing
