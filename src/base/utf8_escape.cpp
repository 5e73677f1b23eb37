#include "base/utf8_escape.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#include "base/utf8.hpp"

namespace ior {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The validation proper, for text with a byte >= 0x80 somewhere.
bool valid_utf8_non_ascii(std::string_view s) noexcept {
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      const std::uint64_t high = w & kHighBits;
      if (high == 0) {
        i += 8;
        continue;
      }
      i += static_cast<std::size_t>(std::countr_zero(high)) / 8;  // little-endian: first non-ASCII byte
    } else if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const std::size_t len = utf8_sequence(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace

bool valid_utf8(std::string_view s) noexcept {
  // Nearly every value is ASCII: test that first, without a branch per word.
  if ((ascii_bits(s) & kNonAsciiBits) == 0) return true;
  return valid_utf8_non_ascii(s);
}

void append_utf8_escaped(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      out.append("\\\\", 2);
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      char32_t cp;
      const std::size_t len = utf8_sequence(s, i, cp);
      if (len != 0) {
        out.append(s.substr(i, len));
        i += len;
      } else {
        const char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
        out.append(esc, sizeof esc);
        ++i;
      }
    }
  }
}

bool utf8_unescape(std::string_view escaped, std::string& out) {
  out.reserve(out.size() + escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < escaped.size() && escaped[i + 1] == '\\') {
      out.push_back('\\');
      i += 1;
      continue;
    }
    if (i + 3 < escaped.size() && escaped[i + 1] == 'x') {
      const int hi = hex_value(escaped[i + 2]);
      const int lo = hex_value(escaped[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 3;
        continue;
      }
    }
    return false;
  }
  return true;
}

}  // namespace ior
