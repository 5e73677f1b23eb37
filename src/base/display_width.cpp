#include "base/display_width.hpp"

#include <utf8proc.h>

#include "base/utf8.hpp"

namespace ior {
namespace {

// Columns and bytes of the character at text[i].
struct Glyph {
  std::size_t width;
  std::size_t bytes;
};

Glyph glyph_at(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {1, 1};
  char32_t cp = 0;
  const std::size_t n = utf8_sequence(text, i, cp);
  if (n == 0) return {1, 1};
  const int w = utf8proc_charwidth(static_cast<utf8proc_int32_t>(cp));
  return {w < 0 ? 1u : static_cast<std::size_t>(w), n};
}

}  // namespace

std::size_t display_width(std::string_view text) {
  if ((ascii_bits(text) & kNonAsciiBits) == 0) return text.size();
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const Glyph g = glyph_at(text, i);
    width += g.width;
    i += g.bytes;
  }
  return width;
}

std::size_t display_prefix(std::string_view text, std::size_t max_width) {
  std::size_t width = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const Glyph g = glyph_at(text, i);
    if (width + g.width > max_width) break;
    width += g.width;
    i += g.bytes;
  }
  return i;
}

}  // namespace ior
