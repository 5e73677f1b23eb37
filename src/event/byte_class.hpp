#pragma once
// Which way a syscall moves file bytes, from the ret column of
// bpf/syscalls.def (READ, WRITE, TRANSFER): the bytes and byte_class columns.

#include <cstdint>

#include "event/syscall_table.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

/// The class of a syscall (kNone for syscalls that move no bytes, and for unknown ids).
schema::ByteClass byte_class_of(const SyscallInfo& info);

/// The bytes a call of class c with return value ret moved: ret when it moved
/// any (c != kNone, ret > 0), else 0.
constexpr std::uint64_t bytes_moved(schema::ByteClass c, std::int64_t ret) {
  return c != schema::ByteClass::kNone && ret > 0 ? static_cast<std::uint64_t>(ret) : 0;
}

}  // namespace ior::event
