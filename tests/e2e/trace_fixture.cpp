#include "trace_fixture.hpp"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

namespace ior::testing {

std::vector<ManifestLine> parse_manifest(const std::string& text) {
  std::vector<ManifestLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    ManifestLine m;
    std::string pid, tid, ret;
    std::getline(f, pid, '\t');
    std::getline(f, tid, '\t');
    std::getline(f, m.name, '\t');
    std::getline(f, ret, '\t');
    std::getline(f, m.file);
    m.pid = static_cast<std::uint32_t>(std::stoul(pid));
    m.tid = static_cast<std::uint32_t>(std::stoul(tid));
    m.ret = std::stoll(ret);
    out.push_back(std::move(m));
  }
  return out;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/ior-e2e-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

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

}  // namespace ior::testing
