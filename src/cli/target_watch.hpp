#pragma once
// -pid's end: ior stops once the traced process has exited, and with
// -follow once every process followed from it has too.
//
// Without -follow a pidfd of the process says when it exited (a zombie
// counts as exited). With -follow the kernel says it: it adds a child to the
// map of followed processes at fork and removes a process when its last
// thread exits, counting both (Tracer::followed_count, read from shared
// memory without a syscall), so the count reaches 0 when the last of them
// ended. A process ior adds itself (the -pid process before the attach, its
// descendants found in /proc after it) may have exited before the kernel
// could remove it: while such a one is in the map, /proc is asked about it
// once a second.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace ior::trace {
class Tracer;
}

namespace ior::cli {

class TargetWatch {
 public:
  /// Throws UsageError when the process does not exist.
  TargetWatch(std::uint32_t pid, bool follow, std::string proc_root = "/proc");

  /// With -follow, once the programs are attached: every descendant of the
  /// process now running is followed too. Returns those added.
  std::vector<std::uint32_t> follow_running_descendants(trace::Tracer& tracer);
  /// True once everything traced has exited. now_ns: CLOCK_MONOTONIC.
  bool all_exited(trace::Tracer& tracer, std::uint64_t now_ns);

 private:

  std::uint32_t pid_;
  bool follow_;
  std::string proc_root_;
  UniqueFd pidfd_;                      ///< without -follow
  std::vector<std::uint32_t> unsure_;   ///< -follow: added by ior and still in the map
  std::uint64_t next_check_ns_ = 0;     ///< CLOCK_MONOTONIC of the next /proc check of unsure_
};

/// The processes of proc_root (tests: a fake tree) that descend from root,
/// by the parent each one's stat names; in no particular order.
std::vector<std::uint32_t> descendants_in_proc(const std::string& proc_root, std::uint32_t root);

/// True when proc_root has no such process, or only its zombie.
bool exited_in_proc(const std::string& proc_root, std::uint32_t pid);

}  // namespace ior::cli
