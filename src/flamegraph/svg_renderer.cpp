#include "flamegraph/svg_renderer.hpp"

#include <cstdio>

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

std::string label(std::string_view name, double w) {
  auto chars = static_cast<long>((w - 6) / kCharWidth);
  if (chars < 3) return "";
  if (static_cast<long>(name.size()) <= chars) return std::string(name);
  return std::string(name.substr(0, static_cast<std::size_t>(chars - 2))) + "..";
}

struct Emitter {
  const SvgOptions& o;
  double total;
  double height;
  std::string& out;

  void frame(const FlameNode& n, double x, std::size_t depth) {
    double w = (o.width - 2 * kXPad) * static_cast<double>(n.value) / total;
    if (w < o.min_frame_width) return;
    double y = height - kBottom - static_cast<double>(depth + 1) * o.frame_height;
    std::string color = o.color ? o.color(n.name, depth) : warm_color(n.name);
    std::string name = xml_escape(n.name);
    double pct = 100.0 * static_cast<double>(n.value) / total;
    out += "<g class=\"f\" data-n=\"" + name + "\" data-x=\"" + fmt(4, x) + "\" data-w=\"" +
           fmt(4, w) + "\" data-d=\"" + std::to_string(depth) + "\" data-c=\"" + color + "\">";
    out += "<title>" + name + " (" + std::to_string(n.value) + " " + xml_escape(o.value_unit) + ", " +
           fmt(2, pct) + "%)</title>";
    out += "<rect x=\"" + fmt(2, kXPad + x) + "\" y=\"" + fmt(1, y) + "\" width=\"" +
           fmt(2, w) + "\" height=\"" + fmt(1, o.frame_height - 1) + "\" fill=\"" + color +
           "\" rx=\"2\"/>";
    out += "<text x=\"" + fmt(2, kXPad + x + 3) + "\" y=\"" + fmt(1, y + o.frame_height - 4.5) +
           "\">" + xml_escape(label(n.name, w)) + "</text></g>\n";
    double cx = x;
    for (const auto& [k, c] : n.children) {
      frame(*c, cx, depth + 1);
      cx += (o.width - 2 * kXPad) * static_cast<double>(c->value) / total;
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

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control bytes are not allowed in XML 1.0; bytes >= 0x80 may not be
        // valid UTF-8: both are shown as '?', so the document always parses.
        out.push_back(c < 0x20 || c >= 0x80 ? '?' : ch);
    }
  }
  return out;
}

std::string render_svg(const FlameNode& root, const SvgOptions& o) {
  std::size_t depth = tree_depth(root) + 1;
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
  e.frame(root, 0, 0);
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace ior::flamegraph
