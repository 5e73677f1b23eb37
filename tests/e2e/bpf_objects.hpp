#pragma once
// The BPF programs and links a process holds, from /proc/<pid>/fd and
// fdinfo, and whether a program id still exists in the kernel (bpftool).

#include <sys/types.h>

#include <chrono>
#include <vector>

namespace ior::testing {

struct BpfObjects {
  std::vector<unsigned> prog_ids;
  std::vector<unsigned> link_ids;
};

BpfObjects bpf_objects_of(pid_t pid);

/// True while the kernel still has program `id` (bpftool prog show id N).
bool bpf_prog_exists(unsigned id);

/// Waits up to timeout until none of ids exists (the kernel frees programs
/// shortly after their last reference goes); true when all are gone.
bool bpf_progs_gone(const std::vector<unsigned>& ids, std::chrono::milliseconds timeout);

}  // namespace ior::testing
