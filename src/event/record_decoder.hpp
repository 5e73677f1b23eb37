#pragma once
// Checks and unpacks one ring-buffer record. Records are not guaranteed to be
// aligned, so the fixed part is memcpy'd; strings are views into the record.

#include <cstddef>
#include <span>
#include <string_view>

#include "ior_event.h"

namespace ior::event {

enum class DecodeStatus { kOk, kShort, kUnknownKind, kBadSyscall };

struct DecodedRecord {
  ior_event_header hdr{};
  ior_enter_event enter{};   ///< valid for IOR_EVENT_ENTER
  std::string_view str0;     ///< enter, exit_str: string argument 0 (no NUL)
  std::string_view str1;     ///< enter, exit_str: string argument 1
  ior_exit_event exit{};     ///< valid for IOR_EVENT_EXIT, IOR_EVENT_EXIT_FDS and IOR_EVENT_EXIT_STR
  ior_exit_fds_event exit_fds{};  ///< valid for IOR_EVENT_EXIT_FDS
  /// valid for IOR_EVENT_EXIT_STR: which strings were read again at the exit
  /// (reread) and how that went (str_flags); str0/str1 hold them.
  ior_exit_str_event exit_str{};
  ior_task_event task{};     ///< valid for FORK / TASK_EXIT / EXEC
};

/// Fills out for a well-formed record; any other status leaves it partial.
/// IOR_EVENT_PAIRED fills `enter` (hdr: the enter's header, kind PAIRED) and
/// `exit` (its hdr: kind EXIT, the exit's time): the two records the kernel
/// paired, each as it would have been decoded alone. IOR_EVENT_EXIT_ARGS
/// (an exit whose enter was unseen) fills them the same way, kind kept.
DecodeStatus decode_record(std::span<const std::byte> record, DecodedRecord& out);

}  // namespace ior::event
