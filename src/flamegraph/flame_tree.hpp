#pragma once
// Collapsed stacks as a tree: the root ("all") holds the total, each child
// one frame of the stacks below it; children in name order (as flamegraph.pl
// draws). Nodes live in one vector and refer to each other by index, so no
// operation (building, walking, destroying) recurses: any depth is safe for
// the stack. A stack deeper than max_depth keeps its first max_depth - 1
// frames and the rest becomes one "[truncated]" frame. Sums saturate at
// 2^64 - 1.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flamegraph/stack_aggregator.hpp"

namespace ior::flamegraph {

struct FlameNode {
  const std::string* name = nullptr;  ///< the key of this node in its parent's children
  std::uint64_t value = 0;
  std::size_t depth = 0;              ///< 0 for the root
  /// Name -> index in FlameTree::nodes(); ordered by name.
  std::map<std::string, std::size_t, std::less<>> children;
};

class FlameTree {
 public:
  static constexpr std::size_t kDefaultMaxDepth = 512;
  static constexpr std::string_view kTruncated = "[truncated]";

  /// max_depth: frames below the root, at least 1.
  explicit FlameTree(std::size_t max_depth = kDefaultMaxDepth);
  // Nodes point at their names in the parents' maps: a copy would point
  // into the original.
  FlameTree(const FlameTree&) = delete;
  FlameTree& operator=(const FlameTree&) = delete;
  FlameTree(FlameTree&&) = default;
  FlameTree& operator=(FlameTree&&) = default;

  /// Adds one stack ("a;b;c") with its value.
  void add(std::string_view frames, std::uint64_t value);

  const FlameNode& root() const { return nodes_.front(); }
  const FlameNode& node(std::size_t index) const { return nodes_[index]; }
  std::size_t size() const { return nodes_.size(); }
  /// Deepest frame below the root (0 for an empty tree).
  std::size_t depth() const { return depth_; }
  std::size_t max_depth() const { return max_depth_; }
  /// Stacks that were cut at max_depth.
  std::uint64_t truncated_stacks() const { return truncated_stacks_; }
  /// Whether a frame's sum reached 2^64 - 1 and stopped there (values
  /// saturate instead of wrapping around to a small number).
  bool saturated() const { return saturated_; }

  /// The child of node `parent` named `name`, or nullptr.
  const FlameNode* child(const FlameNode& parent, std::string_view name) const;

 private:
  std::size_t child_index(std::size_t parent, std::string_view name);

  std::vector<FlameNode> nodes_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::uint64_t truncated_stacks_ = 0;
  bool saturated_ = false;
};

/// Builds the tree of the stacks.
std::unique_ptr<FlameTree> build_tree(const std::vector<Stack>& stacks,
                                      std::size_t max_depth = FlameTree::kDefaultMaxDepth);

/// Parses folded text ("a;b;c 123" per line; blank lines skipped). Throws
/// FormatError naming the line for anything else.
std::vector<Stack> parse_folded(std::string_view text);

}  // namespace ior::flamegraph
