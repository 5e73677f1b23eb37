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
    r.comm = f[2];
    auto dot = f[3].find('.');
    if (dot == std::string::npos) throw std::runtime_error("bad pid.tid: " + f[3]);
    r.pid = static_cast<std::uint32_t>(std::stoul(f[3].substr(0, dot)));
    r.tid = static_cast<std::uint32_t>(std::stoul(f[3].substr(dot + 1)));
    r.name = f[4];
    r.ret = std::stoll(f[5]);
    r.notice = f[6];
    r.file = f[7];
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace ior::testing
