#pragma once
// -tps / -tpsExclude: which syscalls to trace. Each is a comma-separated list
// of ECMAScript regexes searched (unanchored) in the tracepoint names
// sys_enter_<name> and sys_exit_<name> (the Go tool's per-syscall tracepoint
// names, kept for its users). The tracer enters only the selected syscalls in
// map syscall_specs, so the programs drop an excluded one at their first
// lookup, as they drop every syscall ior does not trace.

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace ior::event {

class SyscallSelector {
 public:
  /// Throws ior::UsageError naming an invalid regex.
  SyscallSelector(const std::string& tps, const std::string& tps_exclude);
  bool selects(std::string_view syscall) const;

 private:
  std::vector<std::regex> include_;
  std::vector<std::regex> exclude_;
};

}  // namespace ior::event
