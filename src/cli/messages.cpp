#include "cli/messages.hpp"

#include <cstdio>

#include "base/error.hpp"
#include "base/terminal_text.hpp"

namespace ior::cli {

std::string message_line(std::string_view text) { return terminal_text(text) + "\n"; }

void print_message(std::string_view text) { std::fputs(message_line(text).c_str(), stderr); }

std::string fatal_error_text(const std::exception& e, std::string_view command) {
  std::string out = "ior: " + message_line(e.what());
  if (dynamic_cast<const UsageError*>(&e) != nullptr) {
    out += "Run '" + std::string(command) + " -help' for the list of flags.\n";
  }
  return out;
}

}  // namespace ior::cli
