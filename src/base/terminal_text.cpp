#include "base/terminal_text.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

#include "base/display_width.hpp"
#include "base/utf8.hpp"

namespace ior {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char c) {
  const char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
  out.append(esc, sizeof esc);
}

// Which bytes can be copied as they are. This runs for every name of every
// console row, so it tests eight bytes at a time (the exact "has a byte
// below n / equal to c" word tests) and keeps a bit table for single bytes.
class PlainAscii {
 public:
  explicit PlainAscii(const TerminalTextOptions& o) {
    set(0x7f);
    if (!o.keep_backslashes) set('\\');
    for (char c : o.also_escape) set(static_cast<unsigned char>(c));
  }

  bool byte(unsigned char c) const { return c < 0x80 && ((bits_[c >> 6] >> (c & 63)) & 1) == 0; }

  bool word(std::uint64_t x) const {
    if (n_ > sizeof also_) return false;  // too many to test per word: bytewise
    if ((x & kHighs) != 0 || ((x - kOnes * 0x20) & ~x & kHighs) != 0) return false;  // >= 0x80, < 0x20
    for (std::size_t i = 0; i < n_; ++i) {
      const std::uint64_t y = x ^ (kOnes * also_[i]);
      if (((y - kOnes) & ~y & kHighs) != 0) return false;
    }
    return true;
  }

 private:
  static constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  static constexpr std::uint64_t kHighs = 0x8080808080808080ull;

  void set(unsigned char c) {
    if (c >= 0x80) return;  // never plain anyway
    bits_[c >> 6] |= std::uint64_t{1} << (c & 63);
    if (c < 0x20) return;
    if (n_ < sizeof also_) also_[n_] = c;
    ++n_;
  }

  std::uint64_t bits_[2] = {0xffffffffu, 0};  // C0 controls
  unsigned char also_[8] = {};                 // escaped bytes >= 0x20 (DEL, backslash, also_escape)
  std::size_t n_ = 0;
};

}  // namespace

void append_terminal_text(std::string& out, std::string_view text, const TerminalTextOptions& o) {
  const PlainAscii plain(o);
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of ordinary ASCII (nearly every name) are appended at once.
    std::size_t run = i;
    for (std::uint64_t word = 0; run + sizeof word <= text.size(); run += sizeof word) {
      std::memcpy(&word, text.data() + run, sizeof word);
      if (!plain.word(word)) break;
    }
    while (run < text.size() && plain.byte(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;

    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n') {
        out.append(o.keep_newlines ? "\n" : "\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c >= 0x20 && c < 0x7f) {  // the backslash or one of also_escape
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else {
        append_hex_byte(out, c);
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n == 0) {
      append_hex_byte(out, c);  // one byte at a time: the rest may start a valid character
      ++i;
    } else if (moves_terminal_text(cp)) {
      for (std::size_t k = 0; k < n; ++k) append_hex_byte(out, static_cast<unsigned char>(text[i + k]));
      i += n;
    } else {
      out.append(text.data() + i, n);
      i += n;
    }
  }
}

bool terminal_text_unescape(std::string_view escaped, std::string& out) {
  const auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  out.reserve(out.size() + escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      out.push_back(escaped[i]);
      continue;
    }
    if (i + 1 == escaped.size()) return false;
    const char e = escaped[++i];
    if (e == 'x') {
      if (i + 2 >= escaped.size() || hex(escaped[i + 1]) < 0 || hex(escaped[i + 2]) < 0) return false;
      out.push_back(static_cast<char>(hex(escaped[i + 1]) * 16 + hex(escaped[i + 2])));
      i += 2;
    } else if (e == 'n' || e == 't' || e == 'r') {
      out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : '\r');
    } else if (static_cast<unsigned char>(e) >= 0x20 && static_cast<unsigned char>(e) < 0x7f) {
      out.push_back(e);  // a doubled backslash, or one of also_escape
    } else {
      return false;
    }
  }
  return true;
}

std::string terminal_text(std::string_view text, const TerminalTextOptions& options) {
  std::string out;
  out.reserve(text.size());
  append_terminal_text(out, text, options);
  return out;
}

std::size_t terminal_width(std::string_view escaped) { return display_width(escaped); }

std::string terminal_text_tail(std::string_view text, std::size_t max_width) {
  std::string escaped = terminal_text(text);
  if (terminal_width(escaped) <= max_width) return escaped;
  static constexpr std::string_view kEllipsis = "...";
  if (max_width <= kEllipsis.size()) return std::string(kEllipsis.substr(0, max_width));
  // Start of every unit (an escape or one character) of the escaped text.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < escaped.size();) {
    starts.push_back(i);
    const auto c = static_cast<unsigned char>(escaped[i]);
    if (c == '\\') {
      i += escaped[i + 1] == 'x' ? 4u : 2u;
    } else if (c < 0x80) {
      i += 1;
    } else {
      i += c >= 0xf0 ? 4u : c >= 0xe0 ? 3u : 2u;
    }
  }
  const std::size_t budget = max_width - kEllipsis.size();
  std::size_t cut = escaped.size();
  std::size_t width = 0;
  for (auto it = starts.rbegin(); it != starts.rend(); ++it) {
    const std::size_t unit_width = terminal_width(std::string_view(escaped).substr(*it, cut - *it));
    if (width + unit_width > budget) break;
    width += unit_width;
    cut = *it;
  }
  return std::string(kEllipsis) + escaped.substr(cut);
}

std::size_t terminal_text_prefix(std::string_view escaped, std::size_t max_width) {
  const std::size_t cut = display_prefix(escaped, max_width);
  // Walk the escapes up to the cut: one that straddles it goes whole.
  std::size_t i = 0;
  while (i < cut) {
    if (escaped[i] != '\\') {
      ++i;
      continue;
    }
    const std::size_t len = i + 1 < escaped.size() && escaped[i + 1] == 'x' ? 4 : 2;
    if (i + len > cut) return i;
    i += len;
  }
  return cut;
}

}  // namespace ior
