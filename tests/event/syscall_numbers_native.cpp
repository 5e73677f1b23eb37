#include <sys/syscall.h>

#include "syscall_numbers_tables.hpp"

namespace ior::testing {

std::map<std::string, long> native_syscall_numbers() {
  return {
#include "syscall_numbers_sys.inc"
  };
}

}  // namespace ior::testing
