#include "flamegraph/folded_frame.hpp"

#include "base/terminal_text.hpp"

namespace ior::flamegraph {

void append_folded_frame(std::string& out, std::string_view name) {
  // ior's own frames ("[other]", "[no file]", "[truncated]") start with
  // '[': a name that does (a thread named "[other]") starts with \x5b, so
  // its rows never merge into one of them.
  if (name.starts_with('[')) {
    out += "\\x5b";
    name.remove_prefix(1);
  }
  const std::size_t start = out.size();
  append_terminal_text(out, name);
  for (std::size_t i = out.find(';', start); i != std::string::npos; i = out.find(';', i)) {
    out.replace(i, 1, "\\x3b");
  }
}

std::string folded_frame_bytes(std::string_view frame) {
  std::string out;
  return terminal_text_unescape(frame, out) ? out : std::string(frame);
}

}  // namespace ior::flamegraph
