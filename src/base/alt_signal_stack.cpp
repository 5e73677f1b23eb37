#include "base/alt_signal_stack.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

namespace ior {
namespace {

// A handler that writes a few bytes and calls tcsetattr needs little; the
// kernel's minimum (glibc's SIGSTKSZ is no constant any more) grows with
// the CPU's register state.
std::size_t stack_bytes() {
  const long min = sysconf(_SC_MINSIGSTKSZ);
  return std::max<std::size_t>(64 * 1024, min > 0 ? 4 * static_cast<std::size_t>(min) : 0);
}

}  // namespace

AltSignalStack::AltSignalStack() noexcept {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t size = (stack_bytes() + page - 1) / page * page;
  void* base = mmap(nullptr, size + page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return;
  char* stack = static_cast<char*>(base) + page;  // the page below stays PROT_NONE: a guard
  if (mprotect(stack, size, PROT_READ | PROT_WRITE) != 0) {
    munmap(base, size + page);
    return;
  }
  stack_t ss{};
  ss.ss_sp = stack;
  ss.ss_size = size;
  if (sigaltstack(&ss, nullptr) != 0) {
    munmap(base, size + page);
    return;
  }
  base_ = base;
  size_ = size + page;
}

AltSignalStack::~AltSignalStack() {
  if (base_ == nullptr) return;
  stack_t ss{};
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, nullptr);
  munmap(base_, size_);
}

}  // namespace ior
