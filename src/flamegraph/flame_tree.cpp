#include "flamegraph/flame_tree.hpp"

#include <charconv>

#include "base/error.hpp"

namespace ior::flamegraph {

std::unique_ptr<FlameNode> build_tree(const std::vector<Stack>& stacks) {
  auto root = std::make_unique<FlameNode>();
  root->name = "all";
  for (const auto& s : stacks) {
    root->value += s.value;
    FlameNode* node = root.get();
    std::string_view rest = s.frames;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view frame = rest.substr(0, semi);
      auto it = node->children.find(frame);
      if (it == node->children.end()) {
        auto child = std::make_unique<FlameNode>();
        child->name = std::string(frame);
        it = node->children.emplace(child->name, std::move(child)).first;
      }
      node = it->second.get();
      node->value += s.value;
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return root;
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

std::size_t tree_depth(const FlameNode& n) {
  std::size_t d = 0;
  for (const auto& [k, c] : n.children) d = std::max(d, 1 + tree_depth(*c));
  return d;
}

}  // namespace ior::flamegraph
