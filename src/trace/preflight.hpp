#pragma once
// What must be true before BPF programs can load, checked up front so the
// user gets one line naming what is missing and how to fix it, not a libbpf
// error code.

#include <string>

namespace ior::trace {

/// Checks privileges, kernel BTF and tracefs (mounting tracefs when it is
/// not mounted); returns the tracefs "events" directory. Throws ior::Error.
std::string preflight();

/// True when events/syscalls/sys_enter_<name> and sys_exit_<name> exist.
bool tracepoint_exists(const std::string& events_dir, const char* syscall);

}  // namespace ior::trace
