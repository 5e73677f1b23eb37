// ior: traces every file-I/O syscall with eBPF; see README.md.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "cli/app.hpp"
#include "cli/flamegraph_command.hpp"
#include "cli/messages.hpp"
#include "cli/options.hpp"
#include "cli/report_command.hpp"
#include "cli/standard_output.hpp"
#include "cli/version.hpp"

int main(int argc, char** argv) {
  // glibc gives threads that allocate at once arenas of their own (up to 8
  // per core). ior's threads hand blocks to each other (pipeline -> sinks ->
  // ClickHouse senders -> spool), so freed memory piles up in arenas that
  // do not reuse it: with a server slower than 300 000 syscalls/s, RSS rose
  // to 203 MiB at the defaults, against 128 MiB with two arenas and the same
  // rows. MALLOC_ARENA_MAX in the environment still decides.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  // A closed pipe on standard output (`ior report x | head`) is a write
  // error every command reports (one line, exit 1), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  const std::string_view sub = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  // A usage error points to the help of the command that was run.
  const char* command = sub == "flamegraph" ? "ior flamegraph" : sub == "report" ? "ior report" : "ior";
  try {
    if (sub == "flamegraph") return ior::cli::run_flamegraph_command(argc, argv);
    if (sub == "report") return ior::cli::run_report_command(argc, argv);
    auto options = ior::cli::parse_options(argc, argv);
    if (options.help) {
      ior::cli::write_stdout(ior::cli::usage_text());
      return 0;
    }
    if (options.version) {
      ior::cli::write_stdout("ior " + std::string(ior::cli::kVersion) + "\n");
      return 0;
    }
    return ior::cli::run_trace(options);
  } catch (const ior::UsageError& e) {
    std::fputs(ior::cli::fatal_error_text(e, command).c_str(), stderr);
    return 2;
  } catch (const std::exception& e) {
    std::fputs(ior::cli::fatal_error_text(e, command).c_str(), stderr);
    return 1;
  }
}
