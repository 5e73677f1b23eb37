#include "trace_fixture.hpp"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

namespace ior::testing {

TracedRun trace_around(const std::vector<std::string>& ior_args,
                       const std::vector<std::string>& workload) {
  std::vector<std::string> argv = {IOR_BINARY};
  argv.insert(argv.end(), ior_args.begin(), ior_args.end());
  Subprocess ior(argv);
  TracedRun run;
  if (!ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) {
    run.exit_code = ior.wait(std::chrono::seconds(5));
    run.err = ior.err();
    return run;
  }
  run.workload_out = run_and_capture(workload);
  ior.signal(SIGINT);
  run.exit_code = ior.wait(std::chrono::seconds(60));
  run.out = ior.out();
  run.err = ior.err();
  if (run.exit_code == 0) run.rows = parse_console(run.out);
  return run;
}

std::uint64_t summary_value(const std::string& err, const std::string& label) {
  auto pos = err.find("  " + label + " ");
  if (pos == std::string::npos) throw std::runtime_error("summary lacks " + label + ":\n" + err);
  pos += label.size() + 2;
  while (pos < err.size() && err[pos] == ' ') ++pos;
  return std::stoull(err.substr(pos));
}

std::map<std::string, std::vector<std::uint64_t>> top_files_by_bytes(const std::string& err) {
  std::map<std::string, std::vector<std::uint64_t>> out;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line) && line != "top files by bytes:") {
  }
  std::getline(in, line);  // header
  while (std::getline(in, line) && line.starts_with("  ")) {
    std::istringstream cells(line);
    std::string file;
    std::vector<std::uint64_t> v(4);
    cells >> file >> v[0] >> v[1] >> v[2] >> v[3];
    out[file] = v;
  }
  return out;
}

}  // namespace ior::testing
