// arm64 has no table of its own: it takes the generic one with these
// switches (arch/arm64/include/uapi/asm/unistd.h).
#define __ARCH_WANT_RENAMEAT
#define __ARCH_WANT_NEW_STAT
#define __ARCH_WANT_SET_GET_RLIMIT
#define __ARCH_WANT_TIME32_SYSCALLS
#define __ARCH_WANT_SYS_CLONE3
#define __ARCH_WANT_MEMFD_SECRET
#include <asm-generic/unistd.h>

#include "syscall_numbers_tables.hpp"

namespace ior::testing {

std::map<std::string, long> arm64_syscall_numbers() {
  return {
#include "syscall_numbers_nr.inc"
  };
}

}  // namespace ior::testing
