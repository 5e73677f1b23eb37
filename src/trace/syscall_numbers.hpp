#pragma once
// Syscall numbers of the running architecture, for the raw sys_enter/sys_exit
// programs' syscall_specs table.

#include <string_view>

namespace ior::trace {

/// The native syscall number of a syscalls.def name, or -1 when this
/// architecture has no such syscall (e.g. open on arm64).
long native_syscall_nr(std::string_view name);

}  // namespace ior::trace
