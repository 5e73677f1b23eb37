#pragma once
// Resolves a file descriptor that was opened before tracing began, through
// /proc/PID/fd/N (the name) and /proc/PID/fdinfo/N (the open flags), and the
// current directory of a process that ran before tracing (/proc/PID/cwd). The
// root is configurable so tests can use a fake tree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ior::event {

struct ProcFd {
  std::string name;
  std::int32_t flags = 0;  ///< O_* flags from fdinfo (0 when unreadable)
};

/// A root directory: the device and inode /proc/PID/root leads to.
struct RootId {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  bool operator==(const RootId&) const = default;
};

class ProcFdLookup {
 public:
  explicit ProcFdLookup(std::string proc_root) : root_(std::move(proc_root)) {}
  /// nullopt when the process or the fd no longer exists.
  std::optional<ProcFd> lookup(std::uint32_t pid, std::int32_t fd) const;
  /// The process's current directory as the kernel prints it (from ior's
  /// root); nullopt when the process is gone or the path is too long.
  std::optional<std::string> cwd(std::uint32_t pid) const;
  /// The same for one thread (its cwd may be its own: unshare(CLONE_FS)).
  std::optional<std::string> thread_cwd(std::uint32_t pid, std::uint32_t tid) const;
  /// The fd numbers the process has open now, at most max of them; empty
  /// when it is gone.
  std::vector<std::int32_t> open_fds(std::uint32_t pid, std::size_t max) const;
  /// The thread ids of the process (/proc/PID/task), at most max; empty
  /// when it is gone.
  std::vector<std::uint32_t> thread_ids(std::uint32_t pid, std::size_t max) const;
  /// The process ids /proc lists, at most max.
  std::vector<std::uint32_t> process_ids(std::size_t max) const;
  /// True when /proc/PID/task/TID exists (the thread is alive).
  bool thread_exists(std::uint32_t pid, std::uint32_t tid) const;
  /// True when /proc/PID exists.
  bool process_exists(std::uint32_t pid) const;
  /// The device and inode of the process's root directory (/proc/PID/root
  /// followed): processes in other chroots or containers have other ones.
  /// nullopt when the process is gone or its root cannot be looked at.
  std::optional<RootId> root_id(std::uint32_t pid) const;
  /// The device and inode of a directory of ior's own view (not under the
  /// /proc root): a chroot's new root. nullopt when it cannot be looked at.
  static std::optional<RootId> dir_id(const std::string& path);
  /// The process's mount namespace (the inode of /proc/PID/ns/mnt);
  /// nullopt when the process is gone.
  std::optional<std::uint32_t> mnt_ns(std::uint32_t pid) const;
  /// Whether `name` (a clean absolute path, as the process sees it: under
  /// /proc/PID/root) leads to the file `held` leads to, `held` being
  /// relative to /proc/PID ("fd/3", "cwd", "task/TID/cwd"). False when
  /// either cannot be looked at.
  bool same_file(std::uint32_t pid, std::string_view name, std::string_view held) const;

 private:
  std::string root_;
};

}  // namespace ior::event
