#pragma once
// Which file each (process, fd) names, with its open flags. Keyed by pid:
// fd numbers are per process, and a process's whole table goes when it ends.
// Fds opened before tracing began are resolved once through /proc and cached
// (also when unresolvable, so a bad fd is not probed on every syscall).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "event/proc_fd_lookup.hpp"

namespace ior::event {

struct FdEntry {
  std::string name;
  std::int32_t flags = 0;
  bool from_proc = false;  ///< learned through /proc, not seen opened
  bool unknown = false;    ///< negative cache: /proc could not resolve it
  /// unknown, learned from a failing syscall: a later successful one proves the
  /// fd exists (made by an untraced syscall: socket, pipe, accept...), so /proc
  /// is asked once more.
  bool probe_on_success = false;
};

class FdTable {
 public:
  explicit FdTable(const ProcFdLookup& proc) : proc_(proc) {}

  void add(std::uint32_t pid, std::int32_t fd, std::string_view name, std::int32_t flags);
  /// The entry, asking /proc when the fd was never seen; nullptr for fd < 0.
  /// fd_valid: the syscall using the fd succeeded, so the fd exists.
  const FdEntry* resolve(std::uint32_t pid, std::int32_t fd, bool fd_valid);
  /// newfd becomes a copy of oldfd (dup, dup2, dup3, fcntl F_DUPFD*).
  void dup(std::uint32_t pid, std::int32_t oldfd, std::int32_t newfd, bool cloexec);
  /// fcntl(F_SETFL): only the flags Linux lets F_SETFL change.
  void set_status_flags(std::uint32_t pid, std::int32_t fd, std::int32_t flags);
  void set_cloexec(std::uint32_t pid, std::int32_t fd, bool on);
  void close(std::uint32_t pid, std::int32_t fd);
  /// close_range(lo, hi, flags): removes, or with CLOSE_RANGE_CLOEXEC marks.
  void close_range(std::uint32_t pid, std::uint32_t lo, std::uint32_t hi, std::uint32_t flags);
  /// A new process starts with a copy of its parent's table.
  void fork(std::uint32_t parent, std::uint32_t child);
  /// exec closes the O_CLOEXEC fds.
  void exec(std::uint32_t pid);
  /// The process ended.
  void drop_process(std::uint32_t pid) { procs_.erase(pid); }

  std::size_t process_count() const { return procs_.size(); }
  /// Entry as stored, without /proc (for tests).
  const FdEntry* find(std::uint32_t pid, std::int32_t fd) const;

 private:
  using Fds = std::unordered_map<std::int32_t, FdEntry>;
  const ProcFdLookup& proc_;
  std::unordered_map<std::uint32_t, Fds> procs_;
};

}  // namespace ior::event
