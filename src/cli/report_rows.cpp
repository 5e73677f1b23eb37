#include "cli/report_rows.hpp"

#include <charconv>
#include <type_traits>

#include "base/csv_field.hpp"
#include "base/terminal_text.hpp"
#include "base/uuid_text.hpp"
#include "schema/columns.hpp"

namespace ior::cli {
namespace {

template <class T>
void append_number(std::string& out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Length of the well-formed UTF-8 sequence at s[i], or 0 (RFC 3629).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xc0) == 0x80; };
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xe0 && b(i + 1) < 0xa0) return 0;  // overlong
    if (c == 0xed && b(i + 1) >= 0xa0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xf0 && b(i + 1) < 0x90) return 0;
    if (c == 0xf4 && b(i + 1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

std::uint32_t code_point(std::string_view s) {
  auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[k])); };
  if (s.size() == 2) return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
  if (s.size() == 3) return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
}

// Characters that act on a terminal or reorder the line: C1 controls, line
// and paragraph separators, bidirectional marks, embeddings and isolates.
bool moves_text(std::string_view utf8) {
  std::uint32_t cp = code_point(utf8);
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

void append_json_string(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < v.size();) {
    auto c = static_cast<unsigned char>(v[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
      }
      ++i;
    } else if (std::size_t n = utf8_length(v, i); n != 0) {
      if (n >= 2 && moves_text(v.substr(i, n))) {
        out += "\\u";
        std::uint32_t cp = code_point(v.substr(i, n));
        for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 15]);
      } else {
        out.append(v.substr(i, n));
      }
      i += n;
    } else {
      out += "\\\\x";  // the text \xNN for a byte that is not UTF-8
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
    }
  }
  out.push_back('"');
}

std::string csv_header() {
  std::string out;
  for (const auto& c : schema::kColumnInfo) {
    if (!out.empty()) out.push_back(',');
    out.append(c.name);
  }
  out += "\r\n";
  return out;
}

void append_csv_row(std::string& out, const schema::EventRow& row, bool for_terminal) {
  bool first = true;
  schema::for_each_column([&](const auto& c) {
    if (!first) out.push_back(',');
    first = false;
    const auto& v = row.*c.member;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (for_terminal) {
        append_csv_field(out, terminal_text(v));
      } else {
        append_csv_field(out, v);
      }
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      out += uuid_text(v);
    } else {
      append_number(out, v);
    }
  });
  out += "\r\n";
}

void append_json_row(std::string& out, const schema::EventRow& row) {
  bool first = true;
  out.push_back('{');
  schema::for_each_column([&](const auto& c) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(c.name);
    out += "\":";
    const auto& v = row.*c.member;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      append_json_string(out, v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      out.push_back('"');
      out += uuid_text(v);
      out.push_back('"');
    } else {
      append_number(out, v);
    }
  });
  out += "}\n";
}

}  // namespace ior::cli
