#include "trace/syscall_numbers.hpp"

#include <sys/syscall.h>

namespace ior::trace {
namespace {

struct Entry {
  const char* name;  // as in bpf/syscalls.def (the kernel's name)
  long nr;
};

// Generated at build time from bpf/syscalls.def and the C library's
// <sys/syscall.h> (cmake/SyscallNumbers.cmake): a name this architecture
// has no number for is absent.
constexpr Entry kNumbers[] = {
#include "syscall_numbers_sys.inc"
};

}  // namespace

long native_syscall_nr(std::string_view name) {
  for (const auto& e : kNumbers) {
    if (name == e.name) return e.nr;
  }
  return -1;
}

}  // namespace ior::trace
