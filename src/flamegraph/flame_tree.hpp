#pragma once
// Collapsed stacks as a tree: the root holds the total, each child one frame
// of the stacks below it; children in name order (as flamegraph.pl draws).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flamegraph/stack_aggregator.hpp"

namespace ior::flamegraph {

struct FlameNode {
  std::string name;
  std::uint64_t value = 0;
  std::map<std::string, std::unique_ptr<FlameNode>, std::less<>> children;
};

/// Builds the tree ("all" at the root).
std::unique_ptr<FlameNode> build_tree(const std::vector<Stack>& stacks);

/// Parses folded text ("a;b;c 123" per line; blank lines skipped). Throws
/// FormatError naming the line for anything else.
std::vector<Stack> parse_folded(std::string_view text);

std::size_t tree_depth(const FlameNode& n);

}  // namespace ior::flamegraph
