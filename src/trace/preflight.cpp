#include "trace/preflight.hpp"

#include <sys/mount.h>
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

bool is_dir(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace

std::string preflight() {
  auto caps = effective_caps();
  bool can_bpf = has_cap(caps, kCapSysAdmin) || (has_cap(caps, kCapBpf) && has_cap(caps, kCapPerfmon));
  if (!can_bpf) {
    throw Error("needs root (or CAP_BPF and CAP_PERFMON) to load BPF programs: run it with sudo");
  }
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
    throw Error("this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): ior needs a kernel "
                "built with CONFIG_DEBUG_INFO_BTF=y");
  }
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    std::string events = std::string(root) + "/events";
    if (is_dir(events + "/syscalls")) return events;
  }
  // Not mounted: mount it as the setup script would.
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) == 0 &&
      is_dir("/sys/kernel/tracing/events/syscalls")) {
    return "/sys/kernel/tracing/events";
  }
  throw Error("tracefs is not mounted or has no syscall tracepoints: mount -t tracefs nodev "
              "/sys/kernel/tracing (kernel needs CONFIG_FTRACE_SYSCALLS=y)");
}

bool tracepoint_exists(const std::string& events_dir, const char* syscall) {
  std::string base = events_dir + "/syscalls/sys_";
  return is_dir(base + "enter_" + syscall) && is_dir(base + "exit_" + syscall);
}

}  // namespace ior::trace
