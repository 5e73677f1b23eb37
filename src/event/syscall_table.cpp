#include "event/syscall_table.hpp"

#include <array>

namespace ior::event {
namespace {

constexpr std::array<SyscallInfo, IOR_SC_COUNT> kTable = {{
    {"unknown", 0},
#define IOR_SYSCALL(name, cls, s0, s1, n0, n1, n2) {#name, IOR_CLASS_##cls},
#include "syscalls.def"
#undef IOR_SYSCALL
}};

}  // namespace

const SyscallInfo& syscall_info(std::uint16_t id) {
  return valid_syscall_id(id) ? kTable[id] : kTable[0];
}

std::optional<std::uint16_t> syscall_id(std::string_view name) {
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    if (kTable[id].name == name) return id;
  }
  return std::nullopt;
}

}  // namespace ior::event
