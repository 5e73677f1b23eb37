#pragma once
// Parses the console sink's CSV lines back into fields, for end-to-end tests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ior::testing {

struct ConsoleRow {
  std::uint64_t duration_to_prev_ns = 0;
  std::uint64_t duration_ns = 0;
  std::string comm;
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::string name;
  std::int64_t ret = 0;
  std::string notice;
  std::string file;
};

/// Splits one CSV line (RFC 4180 quoting); throws on malformed input.
std::vector<std::string> split_csv_line(std::string_view line);

/// Parses ior's console output; the first line must be the header.
std::vector<ConsoleRow> parse_console(std::string_view text);

}  // namespace ior::testing
