#pragma once
// Which CPUs threads of this process may run on (sched_setaffinity per
// thread). CPU sets are vectors of bool indexed by CPU number.

#include <sys/types.h>

#include <cstddef>
#include <vector>

namespace ior {

using CpuMask = std::vector<bool>;

/// The CPUs the calling thread may run on (what taskset or a cpuset gave
/// it), as a mask of `cpus` entries; CPUs past `cpus` are left out. All
/// true when the kernel does not say.
CpuMask own_cpu_affinity(std::size_t cpus);

/// Sets the CPUs of every thread of this process but `spared` (the thread
/// whose children must inherit the original mask). Best effort: a thread
/// that ends meanwhile, or a CPU the cpuset does not allow, is skipped.
/// Returns how many threads took the mask.
std::size_t set_threads_affinity(const CpuMask& cpus, pid_t spared);

}  // namespace ior
