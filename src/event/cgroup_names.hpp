#pragma once
// The cgroup path and container id of a cgroup id (bpf_get_current_cgroup_id:
// the id of the cgroup v2 directory, which is its kernfs node id and file
// handle). Each new id costs one open_by_handle_at on the cgroup2 mount plus
// one readlink of the opened directory, then it is cached: rows cost a hash
// lookup, no syscall. Ids are never reused by the kernel, so an id that could
// not be resolved (a cgroup removed before its first row was handled) is
// cached as unknown too.
//
// Bounded: at most max_entries ids and max_bytes of paths; past either, the
// cache is emptied (counted) and refills from the ids in use.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "base/unique_fd.hpp"

namespace ior::event {

struct CgroupName {
  std::string path;          ///< e.g. "/system.slice/docker-<id>.scope" ("/" the root); "" unknown
  std::string container_id;  ///< container_id_of(path), "" when none
};

struct CgroupNamesOptions {
  /// Where cgroup2 is mounted; "" finds it in /proc/self/mountinfo. "-": no
  /// cgroup2 (every path unknown; tests).
  std::string mount_point;
  std::size_t max_entries = 4096;
  std::size_t max_bytes = std::size_t{8} << 20;
};

struct CgroupNamesStats {
  std::uint64_t resolved = 0;    ///< ids looked up in the cgroup2 tree (a syscall pair each)
  std::uint64_t unresolved = 0;  ///< of those, ids without a path (removed, or no cgroup2)
  std::uint64_t cache_resets = 0;
};

class CgroupNames {
 public:
  explicit CgroupNames(CgroupNamesOptions options = {});
  /// The name of id (0: unknown, never looked up). The reference stays valid
  /// until the next call.
  const CgroupName& lookup(std::uint64_t id);
  const CgroupNamesStats& stats() const { return stats_; }
  /// The cgroup2 mount point in use ("" when none was found).
  const std::string& mount_point() const { return mount_point_; }
  std::size_t size() const { return names_.size(); }

 private:
  CgroupName resolve(std::uint64_t id) const;

  CgroupNamesOptions options_;
  std::string mount_point_;
  UniqueFd mount_fd_;
  std::unordered_map<std::uint64_t, CgroupName> names_;
  std::size_t bytes_ = 0;
  std::uint64_t last_id_ = 0;
  const CgroupName* last_ = nullptr;
  CgroupName unknown_;
  CgroupNamesStats stats_;
};

/// The first cgroup2 mount point in a mountinfo text (/proc/self/mountinfo),
/// octal escapes decoded; "" when there is none.
std::string cgroup2_mount_point(std::string_view mountinfo);

}  // namespace ior::event
