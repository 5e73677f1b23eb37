#include "trace/preflight.hpp"

#include <unistd.h>

#include <fstream>
#include <string>

#include "base/error.hpp"

namespace ior::trace {
namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;

// Effective capabilities from /proc/self/status (CapEff, hex).
unsigned long long effective_caps() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

bool has_cap(unsigned long long caps, int cap) { return (caps >> cap) & 1ull; }

}  // namespace

void preflight() {
  auto caps = effective_caps();
  bool can_bpf = has_cap(caps, kCapSysAdmin) || (has_cap(caps, kCapBpf) && has_cap(caps, kCapPerfmon));
  if (!can_bpf) {
    throw Error("needs root (or CAP_BPF and CAP_PERFMON) to load BPF programs: run it with sudo");
  }
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
    throw Error("this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): ior needs a kernel "
                "built with CONFIG_DEBUG_INFO_BTF=y");
  }
}

}  // namespace ior::trace
