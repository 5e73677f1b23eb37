#include "console_rows.hpp"

#include <stdexcept>

namespace ior::testing {

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  if (quoted) throw std::runtime_error("unterminated quote: " + std::string(line));
  return out;
}

namespace {

std::string unescape(std::string_view text, bool quote_escaped) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || (quote_escaped && c == '\'')) {
      throw std::runtime_error("raw byte " + std::to_string(c) + " in " + std::string(text));
    }
    if (c != '\\') {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (++i == text.size()) throw std::runtime_error("dangling backslash in " + std::string(text));
    switch (text[i]) {
      case '\\': out.push_back('\\'); break;
      case '\'':
        if (!quote_escaped) throw std::runtime_error("unknown escape in " + std::string(text));
        out.push_back('\'');
        break;
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'x': {
        if (i + 2 >= text.size()) throw std::runtime_error("short \\x in " + std::string(text));
        std::size_t used = 0;
        int v = std::stoi(std::string(text.substr(i + 1, 2)), &used, 16);
        if (used != 2) throw std::runtime_error("bad \\x in " + std::string(text));
        out.push_back(static_cast<char>(v));
        i += 2;
        break;
      }
      default: throw std::runtime_error("unknown escape in " + std::string(text));
    }
  }
  return out;
}

// 'old' -> 'new' (names escaped, so a raw ' only ever delimits them).
void split_two_names(std::string_view field, ConsoleRow& r) {
  auto end_of_name = [&](std::size_t from) {
    for (std::size_t i = from; i < field.size(); ++i) {
      if (field[i] == '\\') {
        ++i;
      } else if (field[i] == '\'') {
        return i;
      }
    }
    throw std::runtime_error("unterminated name in " + std::string(field));
  };
  std::size_t old_end = end_of_name(1);
  static constexpr std::string_view kArrow = "' -> '";
  if (field.substr(old_end, kArrow.size()) != kArrow) throw std::runtime_error("no ' -> ' in " + std::string(field));
  std::size_t new_start = old_end + kArrow.size();
  std::size_t new_end = end_of_name(new_start);
  if (new_end != field.size() - 1) throw std::runtime_error("text after the new name in " + std::string(field));
  r.file = unescape_console_text(field.substr(1, old_end - 1));
  r.new_file = unescape_console_text(field.substr(new_start, new_end - new_start));
  r.two_names = true;
}

}  // namespace

std::string unescape_console_text(std::string_view text) { return unescape(text, true); }

std::string unescape_terminal_text(std::string_view text) { return unescape(text, false); }

std::vector<ConsoleRow> parse_console(std::string_view text) {
  std::vector<ConsoleRow> rows;
  std::size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) throw std::runtime_error("last line not terminated");
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (header) {
      if (line != "durationToPrevNs,durationNs,comm,pid.tid,name,ret,notice,file") {
        throw std::runtime_error("bad header: " + std::string(line));
      }
      header = false;
      continue;
    }
    auto f = split_csv_line(line);
    if (f.size() != 8) throw std::runtime_error("not 8 fields: " + std::string(line));
    ConsoleRow r;
    r.duration_to_prev_ns = std::stoull(f[0]);
    r.duration_ns = std::stoull(f[1]);
    r.comm = unescape_console_text(f[2]);
    auto dot = f[3].find('.');
    if (dot == std::string::npos) throw std::runtime_error("bad pid.tid: " + f[3]);
    r.pid = static_cast<std::uint32_t>(std::stoul(f[3].substr(0, dot)));
    r.tid = static_cast<std::uint32_t>(std::stoul(f[3].substr(dot + 1)));
    r.name = f[4];
    r.ret = std::stoll(f[5]);
    r.notice = f[6];
    r.raw_file = f[7];
    if (!f[7].empty() && f[7][0] == '\'') {
      split_two_names(f[7], r);
    } else {
      r.file = unescape_console_text(f[7]);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace ior::testing
