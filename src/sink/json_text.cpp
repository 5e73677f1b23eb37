#include "sink/json_text.hpp"

#include <array>

#include "base/utf8.hpp"

namespace ior::sink {
namespace {

// For bytes below 0x80: 0 copied as it is; otherwise the character after
// the backslash ('u': \u00XX).
constexpr std::array<char, 128> kEscape = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 'u';
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  t[0x7f] = 'u';  // DEL: harmless to JSON, not to every terminal
  return t;
}();

constexpr char kHex[] = "0123456789abcdef";

void append_u16(std::string& out, char32_t unit) {
  const char u[6] = {'\\', 'u', kHex[(unit >> 12) & 0xf], kHex[(unit >> 8) & 0xf], kHex[(unit >> 4) & 0xf],
                     kHex[unit & 0xf]};
  out.append(u, sizeof u);
}

// Above the Basic Multilingual Plane (the language tags), a surrogate pair.
void append_u(std::string& out, char32_t cp) {
  if (cp < 0x10000) {
    append_u16(out, cp);
    return;
  }
  cp -= 0x10000;
  append_u16(out, 0xd800 + (cp >> 10));
  append_u16(out, 0xdc00 + (cp & 0x3ff));
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const char e = kEscape[c];
      if (e == 0) {
        ++i;
        continue;
      }
      out.append(text.substr(run, i - run));
      if (e == 'u') {
        append_u(out, c);
      } else {
        const char two[2] = {'\\', e};
        out.append(two, sizeof two);
      }
      run = ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n != 0 && !moves_terminal_text(cp)) {
      i += n;
      continue;
    }
    out.append(text.substr(run, i - run));
    // Not UTF-8 (a caller that skipped sink::TextRow): U+FFFD keeps the
    // line valid JSON. Otherwise a character that acts on a terminal or
    // prints as nothing, as \uXXXX.
    append_u(out, n == 0 ? char32_t{0xfffd} : cp);
    i += n == 0 ? 1 : n;
    run = i;
  }
  out.append(text.substr(run));
  out.push_back('"');
}

}  // namespace ior::sink
