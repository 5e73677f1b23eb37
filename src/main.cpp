// ior: traces every file-I/O syscall with eBPF; see README.md.
#include <cstdio>
#include <exception>
#include <string_view>

#include "base/error.hpp"
#include "cli/app.hpp"
#include "cli/flamegraph_command.hpp"
#include "cli/messages.hpp"
#include "cli/options.hpp"
#include "cli/report_command.hpp"
#include "cli/version.hpp"

int main(int argc, char** argv) {
  try {
    if (argc > 1 && std::string_view(argv[1]) == "flamegraph") {
      return ior::cli::run_flamegraph_command(argc, argv);
    }
    if (argc > 1 && std::string_view(argv[1]) == "report") {
      return ior::cli::run_report_command(argc, argv);
    }
    auto options = ior::cli::parse_options(argc, argv);
    if (options.help) {
      std::fputs(ior::cli::usage_text().c_str(), stdout);
      return 0;
    }
    if (options.version) {
      std::printf("ior %s\n", ior::cli::kVersion);
      return 0;
    }
    return ior::cli::run_trace(options);
  } catch (const ior::UsageError& e) {
    std::fputs(ior::cli::fatal_error_text(e).c_str(), stderr);
    return 2;
  } catch (const std::exception& e) {
    std::fputs(ior::cli::fatal_error_text(e).c_str(), stderr);
    return 1;
  }
}
