#pragma once
// Per-thread pairing state: the enter waiting for its exit, and the time of
// the thread's previous exit (for duration_to_prev_ns). String buffers are
// reused across syscalls, so steady state allocates nothing.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "ior_event.h"

namespace ior::event {

struct PendingEnter {
  std::uint16_t syscall = 0;
  std::uint64_t time_ns = 0;
  std::uint64_t args[3] = {0, 0, 0};
  char comm[IOR_COMM_LEN] = {};
  std::uint8_t comm_len = 0;
  std::uint8_t str_flags = 0;
  bool enter_unseen = false; ///< built at the exit from the registers (IOR_EVENT_EXIT_ARGS)
  /// pipe, pipe2, socketpair, socket, accept, accept4: the new fds and their
  /// inodes (from the exit record: struct ior_exit_fds_event); -1 and 0 for
  /// other syscalls.
  std::int32_t out_fds[2] = {-1, -1};
  std::uint64_t out_ino[2] = {0, 0};
  std::uint32_t uid = 0, gid = 0, ppid = 0;
  std::uint32_t mnt_ns = 0;  ///< syscalls with a string: the thread's mount namespace (0: not sent)
  std::uint64_t cgroup_id = 0;
  std::string str0;
  std::string str1;
};

struct ThreadState {
  std::uint32_t pid = 0;
  bool pending_valid = false;
  PendingEnter pending;
  std::uint64_t last_exit_ns = 0;  ///< 0: no exit seen yet
  std::uint64_t last_seen_ns = 0;  ///< last record of this thread (for sweeping)
  std::uint64_t next_check_ns = 0; ///< sweep: when to ask /proc again whether it lives
};

/// strnlen(comm, IOR_COMM_LEN), without the library call: it ran for every
/// record and was 4 % of the reader thread's time (perf). The first zero
/// byte of each 8-byte word is found with the carry trick (a borrow only
/// flags bytes above a real zero, never below it).
inline std::uint8_t comm_length(const char (&comm)[IOR_COMM_LEN]) {
  static_assert(IOR_COMM_LEN == 16 && std::endian::native == std::endian::little);
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHighs = 0x8080808080808080u;
  std::uint64_t words[2];
  std::memcpy(words, comm, sizeof words);
  for (unsigned i = 0; i < 2; ++i) {
    const std::uint64_t zero_bytes = (words[i] - kOnes) & ~words[i] & kHighs;
    if (zero_bytes != 0) return static_cast<std::uint8_t>(i * 8 + static_cast<unsigned>(std::countr_zero(zero_bytes)) / 8);
  }
  return IOR_COMM_LEN;
}

/// Heap bytes held by the pending strings (0 while they fit in the string).
inline std::size_t string_capacity(const ThreadState& t) {
  // libstdc++ keeps up to 15 chars inside the string; a library with a
  // larger inline buffer only makes this count high, never low.
  constexpr std::size_t kInline = 15;
  auto heap = [](const std::string& s) { return s.capacity() > kInline ? s.capacity() + 1 : 0; };
  return heap(t.pending.str0) + heap(t.pending.str1);
}

}  // namespace ior::event
