#pragma once
// Parses the console sink's CSV lines back into fields, for end-to-end tests.
// Written from the format's description (README.md "Output format"), not
// from the sink's code: CSV (RFC 4180) fields; comm and file escaped
// (\\ \' \n \t \r \xNN); file is one name, or 'old' -> 'new'.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ior::testing {

struct ConsoleRow {
  std::uint64_t duration_to_prev_ns = 0;
  std::uint64_t duration_ns = 0;
  std::string comm;       ///< unescaped
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::string name;
  std::int64_t ret = 0;
  std::string notice;
  std::string file;       ///< unescaped: the one name, or a rename's or link's old name
  std::string new_file;   ///< unescaped: a rename's or link's new name
  bool two_names = false; ///< the field was 'old' -> 'new'
  std::string raw_file;   ///< the field as printed (after CSV unquoting)

  /// file, or "old -> new" (as the workload's manifest writes them).
  std::string manifest_file() const { return two_names ? file + " -> " + new_file : file; }
};

/// Splits one CSV line (RFC 4180 quoting); throws on malformed input.
std::vector<std::string> split_csv_line(std::string_view line);

/// Reverses the escapes of text ior prints (\\ \n \t \r \xNN); throws on a
/// raw control byte or an unknown escape.
std::string unescape_terminal_text(std::string_view text);

/// The same for the console's comm and file, where ' is escaped too (\')
/// and a raw ' is an error.
std::string unescape_console_text(std::string_view text);

/// Parses ior's console output; the first line must be the header.
std::vector<ConsoleRow> parse_console(std::string_view text);

}  // namespace ior::testing
