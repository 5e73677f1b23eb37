#include "event/record_decoder.hpp"

#include <cstring>

#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

template <class T>
bool copy_fixed(std::span<const std::byte> record, T& out) {
  if (record.size() < sizeof(T)) return false;
  std::memcpy(&out, record.data(), sizeof(T));
  return true;
}

// The two strings that follow a fixed part of `fixed` bytes: exactly len0 +
// len1 bytes must be there.
bool strings_after(std::span<const std::byte> record, std::size_t fixed, std::size_t len0, std::size_t len1,
                   DecodedRecord& out) {
  if (record.size() < fixed + len0 + len1) return false;
  const char* strings = reinterpret_cast<const char*>(record.data()) + fixed;
  out.str0 = std::string_view(strings, len0);
  out.str1 = std::string_view(strings + len0, len1);
  return true;
}

}  // namespace

DecodeStatus decode_record(std::span<const std::byte> record, DecodedRecord& out) {
  if (!copy_fixed(record, out.hdr)) return DecodeStatus::kShort;
  switch (out.hdr.kind) {
    case IOR_EVENT_ENTER: {
      if (!copy_fixed(record, out.enter)) return DecodeStatus::kShort;
      if (!valid_syscall_id(out.hdr.syscall)) return DecodeStatus::kBadSyscall;
      return strings_after(record, sizeof(ior_enter_event), out.enter.str_len[0], out.enter.str_len[1], out)
                 ? DecodeStatus::kOk
                 : DecodeStatus::kShort;
    }
    case IOR_EVENT_PAIRED:
    case IOR_EVENT_EXIT_ARGS: {
      ior_paired_event p;
      if (!copy_fixed(record, p)) return DecodeStatus::kShort;
      if (!valid_syscall_id(out.hdr.syscall)) return DecodeStatus::kBadSyscall;
      out.enter = p.enter;
      // The kernel pairs only syscalls without strings: none follow.
      out.enter.str_len[0] = out.enter.str_len[1] = 0;
      out.str0 = {};
      out.str1 = {};
      out.exit.hdr = out.hdr;
      out.exit.hdr.kind = IOR_EVENT_EXIT;
      out.exit.hdr.time_ns = p.exit_time_ns;
      out.exit.ret = p.ret;
      return DecodeStatus::kOk;
    }
    case IOR_EVENT_EXIT:
      if (!copy_fixed(record, out.exit)) return DecodeStatus::kShort;
      return valid_syscall_id(out.hdr.syscall) ? DecodeStatus::kOk : DecodeStatus::kBadSyscall;
    case IOR_EVENT_EXIT_STR: {
      if (!copy_fixed(record, out.exit_str)) return DecodeStatus::kShort;
      if (!valid_syscall_id(out.hdr.syscall)) return DecodeStatus::kBadSyscall;
      out.exit = out.exit_str.exit;
      return strings_after(record, sizeof(ior_exit_str_event), out.exit_str.str_len[0], out.exit_str.str_len[1], out)
                 ? DecodeStatus::kOk
                 : DecodeStatus::kShort;
    }
    case IOR_EVENT_EXIT_FDS:
      if (!copy_fixed(record, out.exit_fds)) return DecodeStatus::kShort;
      out.exit = out.exit_fds.exit;
      return valid_syscall_id(out.hdr.syscall) ? DecodeStatus::kOk : DecodeStatus::kBadSyscall;
    case IOR_EVENT_FORK:
    case IOR_EVENT_TASK_EXIT:
    case IOR_EVENT_EXEC:
      return copy_fixed(record, out.task) ? DecodeStatus::kOk : DecodeStatus::kShort;
    default:
      return DecodeStatus::kUnknownKind;
  }
}

}  // namespace ior::event
