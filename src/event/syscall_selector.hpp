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
  /// Whether its rows are output.
  bool selects(std::string_view syscall) const;
  /// Whether the kernel records it: the selected syscalls, and always those
  /// that change the fd table or the cwd (open*, creat, close, close_range,
  /// dup*, fcntl, pipe*, memfd_create, chdir, fchdir, rename*, unshare, setns, ...): without them the
  /// selected rows would name the file an fd had before ior started, or an
  /// old directory. Their rows are dropped unless selected (Pipeline's
  /// no_rows_of).
  bool traces(std::string_view syscall) const;
  /// Traced only for what it does to the fd table or the cwd: no rows.
  bool traced_for_names_only(std::string_view syscall) const { return traces(syscall) && !selects(syscall); }

 private:
  std::vector<std::regex> include_;
  std::vector<std::regex> exclude_;
};

}  // namespace ior::event
