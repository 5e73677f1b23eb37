#include "cli/flamegraph_command.hpp"

#include <iostream>
#include <iterator>
#include <string>

#include "base/error.hpp"
#include "cli/flag_parser.hpp"
#include "cli/syscall_colors.hpp"
#include "flamegraph/flame_tree.hpp"
#include "flamegraph/flamegraph_sink.hpp"
#include "flamegraph/svg_renderer.hpp"

namespace ior::cli {

int run_flamegraph_command(int argc, const char* const* argv) {
  std::string out = "-";
  std::string title = "Flame Graph";
  std::string unit = "samples";
  bool help = false;
  FlagParser p;
  p.add_string("o", &out, "output SVG file (default: standard output)");
  p.add_string("title", &title, "title of the graph");
  p.add_string("unit", &unit, "what the counts are (samples, calls, ns, bytes)");
  p.add_bool("help", &help, "this help");
  auto rest = p.parse(argc, argv, 2);
  if (help) {
    std::cout << "usage: ior flamegraph [-o out.svg] [--title T] < folded.txt\n" << p.usage();
    return 0;
  }
  if (!rest.empty()) throw UsageError("ior flamegraph: unexpected argument \"" + rest.front() + "\"");
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto stacks = flamegraph::parse_folded(text);
  auto tree = flamegraph::build_tree(stacks);
  flamegraph::SvgOptions o;
  o.title = title;
  o.value_unit = unit;
  o.subtitle = std::to_string(stacks.size()) + " stacks, " + std::to_string(tree->value) + " " + unit;
  o.color = syscall_class_color;
  std::string svg = flamegraph::render_svg(*tree, o);
  if (out == "-") {
    std::cout << svg;
  } else {
    flamegraph::write_file(out, svg);
  }
  return 0;
}

}  // namespace ior::cli
