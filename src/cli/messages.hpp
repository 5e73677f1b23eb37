#pragma once
// Lines ior prints on stderr. Their text comes from exceptions and sink
// reports that quote file names, host and server names and ClickHouse's
// exception messages, none of which ior controls: each is escaped
// (base/terminal_text.hpp) and stays one line.

#include <exception>
#include <string>
#include <string_view>

namespace ior::cli {

/// text escaped, plus '\n'.
std::string message_line(std::string_view text);

/// Writes message_line(text) to stderr.
void print_message(std::string_view text);

/// What ior prints for the exception that ends it: "ior: <what>\n", and for
/// a UsageError the hint to the help of `command` ("ior", "ior report").
std::string fatal_error_text(const std::exception& e, std::string_view command = "ior");

}  // namespace ior::cli
