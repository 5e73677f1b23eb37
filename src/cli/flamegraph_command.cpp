#include "cli/flamegraph_command.hpp"

#include <iostream>
#include <iterator>
#include <string>

#include "base/error.hpp"
#include "base/output_file.hpp"
#include "cli/flag_parser.hpp"
#include "cli/messages.hpp"
#include "cli/standard_output.hpp"
#include "cli/syscall_colors.hpp"
#include "flamegraph/flame_tree.hpp"
#include "flamegraph/svg_renderer.hpp"

namespace ior::cli {

int run_flamegraph_command(int argc, const char* const* argv) {
  std::string out = "-";
  std::string title = "Flame Graph";
  std::string unit = "samples";
  std::uint64_t max_depth = flamegraph::FlameTree::kDefaultMaxDepth;
  bool help = false;
  bool force = false;
  FlagParser p;
  p.add_string("o", &out, "output SVG file, mode 0600 (default: standard output)");
  p.add_bool("force", &force, "replace an existing -o file (a symbolic link there is replaced, not followed)");
  p.add_string("title", &title, "title of the graph");
  p.add_string("unit", &unit, "what the counts are (samples, calls, ns, bytes)");
  p.add_uint("max-depth", &max_depth,
             "frames drawn per stack; deeper ones end in one [truncated] frame (default " +
                 std::to_string(max_depth) + ")",
             1, 100'000'000);
  p.add_bool("help", &help, "this help");
  p.add_bool("h", &help, "same as -help");
  auto rest = p.parse(argc, argv, 2);
  if (help) {
    write_stdout("usage: ior flamegraph [-o out.svg [-force]] [--title T] [-max-depth N] < folded.txt\n" + p.usage());
    return 0;
  }
  if (!rest.empty()) throw UsageError("ior flamegraph: unexpected argument \"" + rest.front() + "\"");
  const OutputOptions output{.label = "flamegraph",
                             .existing = force ? ExistingOutput::kReplace : ExistingOutput::kRefuse,
                             .durable = true};
  if (out != "-") check_output_path(out, output);  // before reading all of standard input
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto stacks = flamegraph::parse_folded(text);
  auto tree = flamegraph::build_tree(stacks, max_depth);
  if (tree->truncated_stacks() != 0) {
    print_message("ior flamegraph: " + std::to_string(tree->truncated_stacks()) +
                  " stacks deeper than " + std::to_string(max_depth) + " frames end in " +
                  std::string(flamegraph::FlameTree::kTruncated) + " (-max-depth)");
  }
  if (tree->saturated()) {
    print_message("ior flamegraph: the counts add up to more than 18446744073709551615 (2^64 - 1): "
                  "those sums are shown as 18446744073709551615");
  }
  flamegraph::SvgOptions o;
  o.title = title;
  o.value_unit = unit;
  o.subtitle = std::to_string(stacks.size()) + " stacks, " + std::to_string(tree->root().value) + " " + unit;
  o.color = syscall_class_color;
  std::string svg = flamegraph::render_svg(*tree, o);
  if (out == "-") {
    write_stdout(svg);
  } else {
    write_output_file(out, svg, output);
  }
  return 0;
}

}  // namespace ior::cli
