#pragma once
// A signal stack of the calling thread's own, for as long as the object
// lives (construct it first thing in a thread's body). A thread that
// overflows its stack faults on the guard page; the kernel can deliver that
// SIGSEGV to a handler only on another stack, else it kills the process
// without running it. ior's crash handlers (the -live view giving the
// terminal back) are installed with SA_ONSTACK so they run here. Each
// thread needs its own: a signal stack is per thread, and a new thread
// starts without one.

#include <cstddef>

namespace ior {

class AltSignalStack {
 public:
  /// Maps the stack (with a guard page below it) and makes it the
  /// thread's signal stack; when either fails the thread simply has none.
  AltSignalStack() noexcept;
  ~AltSignalStack();
  AltSignalStack(const AltSignalStack&) = delete;
  AltSignalStack& operator=(const AltSignalStack&) = delete;

  bool active() const { return base_ != nullptr; }

 private:
  void* base_ = nullptr;  // the mapping: guard page, then the stack
  std::size_t size_ = 0;
};

}  // namespace ior
