#pragma once
// What -cgroup and -uid name, checked before anything is loaded: a bad
// value is one line and exit 2.

#include <cstdint>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace ior::cli {

/// A cgroup v2 directory, open (the kernel's cgroup array takes the fd).
struct CgroupTarget {
  std::string path;      ///< the directory, under the cgroup v2 mount
  std::uint64_t id = 0;  ///< the cgroup id: the directory's inode number
  UniqueFd dir;
};

/// Where the cgroup v2 hierarchy is mounted ("/sys/fs/cgroup", or
/// "/sys/fs/cgroup/unified" on hybrid hosts), from a mountinfo file; "" when
/// it is not mounted.
std::string cgroup2_mount(const std::string& mountinfo = "/proc/self/mountinfo");

/// `-cgroup PATH`: a directory of the cgroup v2 hierarchy, given as its path
/// ("/sys/fs/cgroup/system.slice/x.service") or relative to the hierarchy's
/// mount as /proc/PID/cgroup prints it ("/system.slice/x.service"). Throws
/// UsageError naming the flag.
CgroupTarget open_cgroup(const std::string& text, const std::string& mountinfo = "/proc/self/mountinfo");

/// `-uid LIST`: comma-separated user ids or names; at most max of them.
/// Throws UsageError naming the flag.
std::vector<std::uint32_t> parse_uids(const std::string& text, std::size_t max);

}  // namespace ior::cli
