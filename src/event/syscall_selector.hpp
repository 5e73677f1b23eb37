#pragma once
// -tps / -tpsExclude: which syscalls to trace. Each is a comma-separated list
// of ECMAScript regexes searched (unanchored) in the tracepoint names
// sys_enter_<name> and sys_exit_<name>. The tracer attaches only the selected
// syscalls, so excluded ones cost nothing in the kernel.

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
