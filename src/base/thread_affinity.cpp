#include "base/thread_affinity.hpp"

#include <dirent.h>
#include <sched.h>

#include <cstdlib>
#include <memory>

namespace ior {
namespace {

struct CpuSetDeleter {
  void operator()(cpu_set_t* s) const noexcept { CPU_FREE(s); }
};
using CpuSetPtr = std::unique_ptr<cpu_set_t, CpuSetDeleter>;

// Room for at least `cpus` CPUs, and for every CPU the kernel may report.
std::size_t cpus_in_set(std::size_t cpus) { return cpus < 1024 ? 1024 : cpus; }

}  // namespace

CpuMask own_cpu_affinity(std::size_t cpus) {
  const std::size_t n = cpus_in_set(cpus);
  CpuSetPtr set(CPU_ALLOC(n));
  const std::size_t bytes = CPU_ALLOC_SIZE(n);
  CpuMask mask(cpus, true);
  if (!set || sched_getaffinity(0, bytes, set.get()) != 0) return mask;
  for (std::size_t cpu = 0; cpu < cpus; ++cpu) mask[cpu] = CPU_ISSET_S(cpu, bytes, set.get());
  return mask;
}

std::size_t set_threads_affinity(const CpuMask& cpus, pid_t spared) {
  const std::size_t n = cpus_in_set(cpus.size());
  CpuSetPtr set(CPU_ALLOC(n));
  if (!set) return 0;
  const std::size_t bytes = CPU_ALLOC_SIZE(n);
  CPU_ZERO_S(bytes, set.get());
  for (std::size_t cpu = 0; cpu < cpus.size(); ++cpu) {
    if (cpus[cpu]) CPU_SET_S(cpu, bytes, set.get());
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/proc/self/task"), closedir);
  if (!dir) return 0;
  std::size_t applied = 0;
  while (const dirent* e = readdir(dir.get())) {
    char* end = nullptr;
    const long tid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || tid <= 0 || tid == spared) continue;
    if (sched_setaffinity(static_cast<pid_t>(tid), bytes, set.get()) == 0) ++applied;
  }
  return applied;
}

}  // namespace ior
