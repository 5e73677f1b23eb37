#pragma once
// Renders collapsed stacks as an interactive SVG flame graph, in the manner
// of flamegraph.pl: a tooltip (title) with value and percentage per frame,
// click to zoom into a frame, "Reset Zoom" (or Escape), "Search" (or Ctrl-F)
// that highlights frames matching a regex and shows the matched percentage.
// Self-contained: the script is embedded, no external resources.

#include <functional>
#include <string>
#include <string_view>

#include "flamegraph/flame_tree.hpp"

namespace ior::flamegraph {

struct SvgOptions {
  std::string title = "Flame Graph";
  std::string subtitle;             ///< e.g. host, fields, value
  std::string value_unit = "samples";
  double width = 1200;
  double frame_height = 16;
  double min_frame_width = 0.1;     ///< narrower frames are not drawn
  /// Fill colour of a frame ("rgb(r,g,b)"); default: warm colours by name.
  std::function<std::string(std::string_view name, std::size_t depth)> color;
};

std::string render_svg(const FlameTree& tree, const SvgOptions& options);

/// flamegraph.pl-like warm colour derived from the name (stable across runs).
std::string warm_color(std::string_view name);

/// XML-escapes text; valid UTF-8 stays readable, control bytes, invalid
/// UTF-8 and characters XML forbids become the text \xNN (as on the terminal).
std::string xml_escape(std::string_view s);

}  // namespace ior::flamegraph
