#pragma once
// Names and classes of the traced syscalls, by id, from bpf/syscalls.def (the
// same table the BPF programs are generated from).

#include <cstdint>
#include <optional>
#include <string_view>

#include "ior_event.h"

namespace ior::event {

struct SyscallInfo {
  std::string_view name;  ///< tracepoint name, e.g. "openat"
  std::uint8_t cls;       ///< enum ior_syscall_class
};

/// Info for a valid id (1 .. IOR_SC_COUNT-1); id 0 gives {"unknown", 0}.
const SyscallInfo& syscall_info(std::uint16_t id);
inline std::string_view syscall_name(std::uint16_t id) { return syscall_info(id).name; }
std::optional<std::uint16_t> syscall_id(std::string_view name);
constexpr bool valid_syscall_id(std::uint16_t id) { return id > 0 && id < IOR_SC_COUNT; }

}  // namespace ior::event
