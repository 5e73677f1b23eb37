#include "flamegraph/svg_renderer.hpp"

#include <cstdio>

#include "base/terminal_text.hpp"
#include "flamegraph/folded_frame.hpp"
#include "flamegraph/svg_script.hpp"

namespace ior::flamegraph {
namespace {

constexpr double kXPad = 10;
constexpr double kTop = 60;     // title, subtitle, buttons
constexpr double kBottom = 30;  // details line
constexpr double kCharWidth = 7;

// Fixed-point text of v with the given decimals (SVG coordinates).
std::string fmt(int decimals, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Text for a label or tooltip: valid UTF-8 kept readable; controls, invalid
// UTF-8 and the two code points XML forbids (U+FFFE, U+FFFF) as \xNN.
std::string display_text(std::string_view s) {
  TerminalTextOptions o;
  o.keep_backslashes = true;  // shown, never parsed back
  std::string text = terminal_text(s, o);
  for (std::size_t i = text.find("\xef\xbf"); i != std::string::npos; i = text.find("\xef\xbf", i + 1)) {
    if (i + 2 < text.size() && (text[i + 2] == '\xbe' || text[i + 2] == '\xbf')) {
      const std::string bytes = text[i + 2] == '\xbe' ? "\\xef\\xbf\\xbe" : "\\xef\\xbf\\xbf";
      text.replace(i, 3, bytes);
    }
  }
  return text;
}

std::string entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(ch);
    }
  }
  return out;
}

// The label that fits a frame w wide: the text, or its start and "..",
// cut between characters.
std::string label(const std::string& text, double w) {
  auto chars = static_cast<long>((w - 6) / kCharWidth);
  if (chars < 3) return "";
  if (static_cast<long>(terminal_width(text)) <= chars) return text;
  std::size_t keep = static_cast<std::size_t>(chars - 2);
  std::size_t end = 0;
  while (end < text.size() && keep > 0) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) ++end;
    --keep;
  }
  return text.substr(0, end) + "..";
}

struct Emitter {
  const SvgOptions& o;
  double total;
  double height;
  std::string& out;

  double width_of(const FlameNode& n) const {
    return (o.width - 2 * kXPad) * static_cast<double>(n.value) / total;
  }

  void frame(const FlameNode& n, double x, double w) {
    const std::string& raw = *n.name;
    double y = height - kBottom - static_cast<double>(n.depth + 1) * o.frame_height;
    std::string color = o.color ? o.color(raw, n.depth) : warm_color(raw);
    // The name as it is, not in the folded file's escaping (a ';' shown as
    // \x3b would not match a search for it).
    const std::string text = display_text(folded_frame_bytes(raw));
    const std::string name = entities(text);
    double pct = 100.0 * static_cast<double>(n.value) / total;
    out += "<g class=\"f\" data-n=\"" + name + "\" data-x=\"" + fmt(4, x) + "\" data-w=\"" +
           fmt(4, w) + "\" data-d=\"" + std::to_string(n.depth) + "\" data-c=\"" + color + "\">";
    out += "<title>" + name + " (" + std::to_string(n.value) + " " + xml_escape(o.value_unit) + ", " +
           fmt(2, pct) + "%)</title>";
    out += "<rect x=\"" + fmt(2, kXPad + x) + "\" y=\"" + fmt(1, y) + "\" width=\"" +
           fmt(2, w) + "\" height=\"" + fmt(1, o.frame_height - 1) + "\" fill=\"" + color +
           "\" rx=\"2\"/>";
    out += "<text x=\"" + fmt(2, kXPad + x + 3) + "\" y=\"" + fmt(1, y + o.frame_height - 4.5) +
           "\">" + entities(label(text, w)) + "</text></g>\n";
  }

  // Depth first, parents before children, children left to right (the
  // order flamegraph.pl writes), with an explicit stack: any depth.
  void frames(const FlameTree& tree) {
    struct Pending {
      const FlameNode* node;
      double x;
    };
    std::vector<Pending> todo = {{&tree.root(), 0}};
    std::vector<Pending> children;
    while (!todo.empty()) {
      const Pending p = todo.back();
      todo.pop_back();
      const double w = width_of(*p.node);
      if (w < o.min_frame_width) continue;  // and so are its children
      frame(*p.node, p.x, w);
      children.clear();
      double cx = p.x;
      for (const auto& [name, index] : p.node->children) {
        const FlameNode& c = tree.node(index);
        children.push_back({&c, cx});
        cx += width_of(c);
      }
      todo.insert(todo.end(), children.rbegin(), children.rend());
    }
  }
};

}  // namespace

std::string warm_color(std::string_view name) {
  std::uint32_t h = 2166136261u;  // FNV-1a: stable colours per name
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  unsigned r = 205 + (h % 50), g = (h >> 8) % 230, b = (h >> 16) % 55;
  return "rgb(" + std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ")";
}

std::string xml_escape(std::string_view s) { return entities(display_text(s)); }

std::string render_svg(const FlameTree& tree, const SvgOptions& o) {
  const FlameNode& root = tree.root();
  std::size_t depth = tree.depth() + 1;
  double height = kTop + kBottom + static_cast<double>(depth) * o.frame_height;
  double total = root.value == 0 ? 1 : static_cast<double>(root.value);
  std::string out;
  out += "<?xml version=\"1.0\" standalone=\"no\"?>\n";
  out += "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(0, o.width) +
         "\" height=\"" + fmt(0, height) + "\" viewBox=\"0 0 " + fmt(0, o.width) + " " +
         fmt(0, height) + "\" data-width=\"" + fmt(0, o.width) + "\" data-xpad=\"" +
         fmt(0, kXPad) + "\" data-total=\"" + std::to_string(root.value) + "\" onload=\"init()\">\n";
  out += "<style>text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}"
         "g.f:hover rect{stroke:#000;stroke-width:0.5}.btn{cursor:pointer}"
         "#title{font-size:17px;text-anchor:middle}#subtitle{text-anchor:middle;fill:#555}</style>\n";
  out += "<script type=\"text/ecmascript\"><![CDATA[" + std::string(kSvgScript) + "]]></script>\n";
  out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#f8f8f8\"/>\n";
  out += "<text id=\"title\" x=\"" + fmt(0, o.width / 2) + "\" y=\"22\">" + xml_escape(o.title) + "</text>\n";
  out += "<text id=\"subtitle\" x=\"" + fmt(0, o.width / 2) + "\" y=\"40\">" + xml_escape(o.subtitle) +
         "</text>\n";
  out += "<text id=\"unzoom\" class=\"btn\" x=\"10\" y=\"22\" style=\"opacity:0.1\">Reset Zoom</text>\n";
  out += "<text id=\"search\" class=\"btn\" x=\"" + fmt(0, o.width - 70) + "\" y=\"22\">Search</text>\n";
  out += "<text id=\"matched\" x=\"" + fmt(0, o.width - 140) + "\" y=\"" + fmt(0, height - 10) +
         "\"> </text>\n";
  out += "<text id=\"details\" x=\"10\" y=\"" + fmt(0, height - 10) + "\"> </text>\n";
  out += "<g id=\"frames\">\n";
  Emitter e{o, total, height, out};
  e.frames(tree);
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace ior::flamegraph
