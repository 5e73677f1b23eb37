#pragma once
// The syscall numbers generated from bpf/syscalls.def (cmake/SyscallNumbers.cmake)
// as each header defines them, by name; a name the header has no number for
// is absent. Each table is built in its own file: the two headers define the
// same macros with other numbers.

#include <map>
#include <string>

namespace ior::testing {

/// From the C library's <sys/syscall.h>: the numbers the tracer uses.
std::map<std::string, long> native_syscall_numbers();
/// From <asm-generic/unistd.h> configured as arm64 configures it.
std::map<std::string, long> arm64_syscall_numbers();

}  // namespace ior::testing
