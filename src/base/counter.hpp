#pragma once
// A statistics counter with one writer thread and any number of readers.
// The writer's increment is a plain load+store (no locked instruction): it
// runs on the per-event hot path, and readers only need an eventually
// consistent value for the status line and the summary.

#include <atomic>
#include <cstdint>

namespace ior {

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }
  void set(std::uint64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace ior
