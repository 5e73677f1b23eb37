#pragma once
// Well-formed UTF-8 (Unicode 15, table 3-7), shared by the terminal escape
// (base/terminal_text) and the text-column escape (base/utf8_escape).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ior {

/// The bytes of s OR-ed together, in one word's high bits: (result &
/// 0x8080808080808080) is zero exactly when s is ASCII. Inline and without
/// a branch per word (the tail is one overlapping load), so checking the
/// dozen strings of a row costs a few nanoseconds when they are ASCII.
inline std::uint64_t ascii_bits(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t any = 0;
  if (n >= 8) {
    std::uint64_t w;
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&w, p + i, 8);
      any |= w;
    }
    std::memcpy(&w, p + n - 8, 8);
    any |= w;
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    any = a | b;
  } else if (n > 0) {
    any = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) |
          static_cast<unsigned char>(p[n - 1]);
  }
  return any;
}

/// Mask of ascii_bits() results: a set bit means a byte >= 0x80.
inline constexpr std::uint64_t kNonAsciiBits = 0x8080808080808080ull;

/// Length of the well-formed UTF-8 sequence of a non-ASCII lead byte at s[i],
/// with its code point in cp; 0 when the bytes there are not one (so overlong
/// forms, surrogates, values past U+10FFFF and sequences cut by the end of
/// the text are all 0).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    n = 2;
  } else if (lead == 0xe0) {
    n = 3, lo = 0xa0;
  } else if ((lead >= 0xe1 && lead <= 0xec) || lead == 0xee || lead == 0xef) {
    n = 3;
  } else if (lead == 0xed) {
    n = 3, hi = 0x9f;
  } else if (lead == 0xf0) {
    n = 4, lo = 0x90;
  } else if (lead >= 0xf1 && lead <= 0xf3) {
    n = 4;
  } else if (lead == 0xf4) {
    n = 4, hi = 0x8f;
  } else {
    return 0;
  }
  if (s.size() - i < n || byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return 0;
  }
  cp = lead & (0x7f >> n);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (byte(k) & 0x3f);
  return n;
}

/// Characters that are valid UTF-8 but print as nothing at all, so that a
/// name holding one looks like another ("/etc/pass" U+200B "wd" shows as
/// /etc/passwd): zero-width spaces and joiners, the word joiner and
/// invisible operators, the BOM, the soft hyphen, fillers, musical and
/// language tag formats. (Variation selectors are left: emoji need them.)
constexpr bool invisible_text(char32_t cp) noexcept {
  return cp == 0x00ad                           // soft hyphen
         || cp == 0x034f                        // combining grapheme joiner
         || cp == 0x115f || cp == 0x1160        // Hangul choseong/jungseong fillers
         || cp == 0x17b4 || cp == 0x17b5        // Khmer inherent vowels
         || (cp >= 0x180b && cp <= 0x180f)      // Mongolian free variation selectors, vowel separator
         || (cp >= 0x200b && cp <= 0x200d)      // zero-width space, non-joiner, joiner
         || (cp >= 0x2060 && cp <= 0x2064)      // word joiner, invisible operators
         || (cp >= 0x206a && cp <= 0x206f)      // deprecated format controls
         || cp == 0x3164 || cp == 0xffa0        // Hangul fillers
         || cp == 0xfeff                        // zero-width no-break space (BOM)
         || (cp >= 0xfff9 && cp <= 0xfffb)      // interlinear annotation
         || (cp >= 0x1d173 && cp <= 0x1d17a)    // musical formatting
         || (cp >= 0xe0000 && cp <= 0xe007f);   // language tags
}

/// Characters that are valid UTF-8 but act on a terminal or on the layout of
/// the rest of the line, or print as nothing, which every text output meant
/// for one escapes (base/terminal_text, the JSON lines output).
constexpr bool moves_terminal_text(char32_t cp) noexcept {
  return (cp >= 0x80 && cp <= 0x9f)         // C1 controls (0x9b is CSI)
         || cp == 0x061c                    // Arabic letter mark
         || cp == 0x200e || cp == 0x200f    // left-to-right / right-to-left marks
         || (cp >= 0x2028 && cp <= 0x202e)  // line and paragraph separators, embeddings, overrides
         || (cp >= 0x2066 && cp <= 0x2069)  // isolates
         || invisible_text(cp);
}

}  // namespace ior
