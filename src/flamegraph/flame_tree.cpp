#include "flamegraph/flame_tree.hpp"

#include <algorithm>
#include <charconv>

#include "base/error.hpp"
#include "base/saturating.hpp"

namespace ior::flamegraph {
namespace {

const std::string kRootName = "all";

}  // namespace

FlameTree::FlameTree(std::size_t max_depth) : max_depth_(std::max<std::size_t>(max_depth, 1)) {
  nodes_.emplace_back();
  nodes_.front().name = &kRootName;
}

std::size_t FlameTree::child_index(std::size_t parent, std::string_view name) {
  auto& children = nodes_[parent].children;
  auto it = children.find(name);
  if (it != children.end()) return it->second;
  const std::size_t index = nodes_.size();
  it = children.emplace(std::string(name), index).first;
  // Map nodes never move, so the key stays where name points even when
  // nodes_ grows (moving a std::map keeps its nodes).
  FlameNode n;
  n.name = &it->first;
  n.depth = nodes_[parent].depth + 1;
  nodes_.push_back(std::move(n));
  depth_ = std::max(depth_, nodes_.back().depth);
  return index;
}

void FlameTree::add(std::string_view frames, std::uint64_t value) {
  auto grow = [&](std::size_t node) {
    auto& v = nodes_[node].value;
    if (value > UINT64_MAX - v) saturated_ = true;
    v = saturating_add(v, value);
  };
  grow(0);
  std::size_t node = 0;
  std::string_view rest = frames;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view frame = rest.substr(0, semi);
    if (nodes_[node].depth + 1 == max_depth_ && semi != std::string_view::npos) {
      frame = kTruncated;  // this frame and every one above it
      rest = {};
      ++truncated_stacks_;
    } else {
      rest.remove_prefix(semi == std::string_view::npos ? rest.size() : semi + 1);
    }
    node = child_index(node, frame);
    grow(node);
  }
}

const FlameNode* FlameTree::child(const FlameNode& parent, std::string_view name) const {
  auto it = parent.children.find(name);
  return it == parent.children.end() ? nullptr : &nodes_[it->second];
}

std::unique_ptr<FlameTree> build_tree(const std::vector<Stack>& stacks, std::size_t max_depth) {
  auto tree = std::make_unique<FlameTree>(max_depth);
  for (const auto& s : stacks) tree->add(s.frames, s.value);
  return tree;
}

std::vector<Stack> parse_folded(std::string_view text) {
  std::vector<Stack> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    auto space = line.rfind(' ');
    std::uint64_t v = 0;
    bool ok = space != std::string_view::npos && space > 0;
    if (ok) {
      auto num = line.substr(space + 1);
      auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      ok = ec == std::errc() && ptr == num.data() + num.size();
    }
    if (!ok) {
      throw FormatError("folded input line " + std::to_string(line_no) +
                        ": expected \"frame;frame;... <count>\"");
    }
    out.push_back({std::string(line.substr(0, space)), v});
  }
  return out;
}

}  // namespace ior::flamegraph
