#pragma once
// Builds ring-buffer records byte for byte as the BPF programs do, so tests
// and benchmarks can feed the event pipeline without a kernel.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "ior_event.h"

namespace ior::testing {

using Record = std::vector<std::byte>;

template <class T>
Record bytes_of(const T& fixed, std::string_view s0 = {}, std::string_view s1 = {}) {
  Record r;
  r.reserve(sizeof(T) + s0.size() + s1.size());
  auto append = [&r](const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    r.insert(r.end(), b, b + n);
  };
  append(&fixed, sizeof(T));
  append(s0.data(), s0.size());
  append(s1.data(), s1.size());
  return r;
}

inline ior_event_header header(std::uint16_t kind, std::uint16_t syscall, std::uint32_t pid,
                               std::uint32_t tid, std::uint64_t time_ns) {
  ior_event_header h{};
  h.kind = kind;
  h.syscall = syscall;
  h.pid = pid;
  h.tid = tid;
  h.time_ns = time_ns;
  return h;
}

struct EnterSpec {
  std::uint16_t syscall = 0;
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::uint64_t time_ns = 0;
  std::array<std::uint64_t, 3> args{};
  std::string_view comm = "worker";
  std::string_view str0;
  std::string_view str1;
  std::uint8_t str_flags = 0;
  std::uint32_t uid = 0, gid = 0, ppid = 0;
  std::uint64_t cgroup_id = 0;
  std::uint32_t mnt_ns = 0;  ///< sent with syscalls that carry a string
};

inline EnterSpec spec(std::uint16_t syscall, std::uint32_t pid, std::uint32_t tid,
                      std::uint64_t time_ns) {
  EnterSpec s;
  s.syscall = syscall;
  s.pid = pid;
  s.tid = tid;
  s.time_ns = time_ns;
  return s;
}

inline Record enter_record(const EnterSpec& s) {
  ior_enter_event e{};
  e.hdr = header(IOR_EVENT_ENTER, s.syscall, s.pid, s.tid, s.time_ns);
  for (std::size_t i = 0; i < 3; ++i) e.args[i] = s.args[i];
  std::memcpy(e.comm, s.comm.data(), std::min(s.comm.size(), sizeof e.comm));
  e.str_len[0] = static_cast<std::uint16_t>(s.str0.size());
  e.str_len[1] = static_cast<std::uint16_t>(s.str1.size());
  e.str_flags = s.str_flags;
  e.uid = s.uid;
  e.gid = s.gid;
  e.ppid = s.ppid;
  e.cgroup_id = s.cgroup_id;
  e.mnt_ns = s.mnt_ns;
  return bytes_of(e, s.str0, s.str1);
}

// A syscall without strings as the kernel pairs it: its enter (no strings)
// and its exit in one record.
inline Record paired_record(const EnterSpec& s, std::uint64_t exit_time_ns, std::int64_t ret) {
  ior_paired_event p{};
  const Record enter = enter_record(s);
  std::memcpy(&p.enter, enter.data(), sizeof p.enter);
  p.enter.hdr.kind = IOR_EVENT_PAIRED;
  p.enter.str_len[0] = p.enter.str_len[1] = 0;
  p.exit_time_ns = exit_time_ns;
  p.ret = ret;
  return bytes_of(p);
}

// The exit of a syscall whose enter tracepoint never ran (seccomp refused
// it): its enter fields from the registers, timed at the exit.
inline Record exit_args_record(EnterSpec s, std::int64_t ret) {
  Record r = paired_record(s, s.time_ns, ret);
  const std::uint16_t kind = IOR_EVENT_EXIT_ARGS;
  std::memcpy(r.data(), &kind, sizeof kind);
  return r;
}

inline Record exit_record(std::uint16_t syscall, std::uint32_t pid, std::uint32_t tid,
                          std::uint64_t time_ns, std::int64_t ret) {
  ior_exit_event e{};
  e.hdr = header(IOR_EVENT_EXIT, syscall, pid, tid, time_ns);
  e.ret = ret;
  return bytes_of(e);
}

// The exit of a PIPE- or SOCKET-class syscall: the new fds and their
// inodes (ino1: fd1's, when it differs from fd0's: a socketpair's).
inline Record exit_fds_record(std::uint16_t syscall, std::uint32_t pid, std::uint32_t tid,
                              std::uint64_t time_ns, std::int64_t ret, std::int32_t fd0,
                              std::int32_t fd1, std::uint64_t ino, std::uint64_t ino1 = 0) {
  ior_exit_fds_event e{};
  e.exit.hdr = header(IOR_EVENT_EXIT_FDS, syscall, pid, tid, time_ns);
  e.exit.ret = ret;
  e.fd[0] = fd0;
  e.fd[1] = fd1;
  e.ino[0] = ino;
  e.ino[1] = ino1 != 0 ? ino1 : fd1 >= 0 ? ino : 0;
  return bytes_of(e);
}

// The exit of a syscall with strings the enter could not read: reread says
// which ones were read again, str_flags how that went.
inline Record exit_str_record(std::uint16_t syscall, std::uint32_t pid, std::uint32_t tid, std::uint64_t time_ns,
                              std::int64_t ret, std::uint8_t reread, std::string_view s0, std::string_view s1,
                              std::uint8_t str_flags = 0, std::uint64_t ino = 0) {
  ior_exit_str_event e{};
  e.ino = ino;
  e.exit.hdr = header(IOR_EVENT_EXIT_STR, syscall, pid, tid, time_ns);
  e.exit.ret = ret;
  e.str_len[0] = static_cast<std::uint16_t>(s0.size());
  e.str_len[1] = static_cast<std::uint16_t>(s1.size());
  e.str_flags = str_flags;
  e.reread = reread;
  return bytes_of(e, s0, s1);
}

/// parent_tid: FORK's forking thread, EXEC's tid before the exec; by default
/// the parent's main thread and the exec'ing thread's own tid.
inline Record task_record(std::uint16_t kind, std::uint32_t pid, std::uint32_t tid,
                          std::uint64_t time_ns, std::uint32_t parent_pid = 0,
                          std::uint32_t flags = 0, std::optional<std::uint32_t> parent_tid = std::nullopt,
                          std::uint32_t mnt_ns = 0) {
  ior_task_event e{};
  e.mnt_ns = mnt_ns;
  e.hdr = header(kind, 0, pid, tid, time_ns);
  e.parent_pid = parent_pid;
  e.flags = flags;
  e.parent_tid = parent_tid ? *parent_tid : kind == IOR_EVENT_FORK ? parent_pid : kind == IOR_EVENT_EXEC ? tid : 0;
  std::memcpy(e.comm, "task", 4);
  return bytes_of(e);
}

/// mnt_ns: the child's mount namespace as the kernel sends it (0: none sent).
inline Record fork_record(std::uint32_t child_pid, std::uint32_t child_tid, std::uint64_t time_ns,
                          std::uint32_t parent_pid, std::uint32_t mnt_ns = 0) {
  return task_record(IOR_EVENT_FORK, child_pid, child_tid, time_ns, parent_pid, 0, std::nullopt, mnt_ns);
}

/// A thread created by parent_tid without CLONE_FS: its cwd is its own.
inline Record own_fs_thread_record(std::uint32_t pid, std::uint32_t tid, std::uint64_t time_ns,
                                   std::uint32_t parent_tid) {
  return task_record(IOR_EVENT_FORK, pid, tid, time_ns, pid, IOR_TASK_OWN_FS, parent_tid);
}

inline Record exec_record(std::uint32_t pid, std::uint32_t tid, std::uint64_t time_ns) {
  return task_record(IOR_EVENT_EXEC, pid, tid, time_ns);
}

/// A thread ended; last_thread: the whole process is gone (IOR_TASK_GROUP_DEAD).
inline Record task_exit_record(std::uint32_t pid, std::uint32_t tid, std::uint64_t time_ns,
                               bool last_thread) {
  return task_record(IOR_EVENT_TASK_EXIT, pid, tid, time_ns, 0,
                     last_thread ? IOR_TASK_GROUP_DEAD : 0u);
}

/// The first `size` bytes of a record (a short record when size < its length).
inline Record truncated(Record r, std::size_t size) {
  r.resize(std::min(size, r.size()));
  return r;
}

/// `size` pseudo-random bytes whose first two (the kind) are `kind`:
/// a record the decoder has to reject or survive.
inline Record garbage_record(std::size_t size, std::uint16_t kind, std::uint32_t seed = 1) {
  Record r(size);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : r) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::byte>(x & 0xff);
  }
  if (size >= 2) std::memcpy(r.data(), &kind, sizeof kind);
  return r;
}

}  // namespace ior::testing
