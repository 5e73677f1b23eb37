#pragma once
// The kernel side's ring buffers, one per possible CPU: created here (their
// fds go into the programs' array of rings, slot = CPU), mapped, waited on
// with one epoll set, and read as one stream through RingMerge. A ring per
// CPU spares the traced threads of different CPUs from sharing one ring's
// lock and producer position (docs/PERFORMANCE.md, "A ring per CPU").

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/unique_fd.hpp"
#include "trace/ring_levels.hpp"
#include "trace/ring_merge.hpp"

namespace ior::trace {

class CpuRings {
 public:
  /// Creates `count` rings of `ring_bytes` each (a power of two, a multiple
  /// of the page size). Throws ior::SystemError.
  CpuRings(int count, std::uint32_t ring_bytes);
  ~CpuRings();
  CpuRings(const CpuRings&) = delete;
  CpuRings& operator=(const CpuRings&) = delete;

  /// The ring of slot i, for the programs' array of rings.
  int fd(std::size_t i) const { return fds_[i].get(); }
  std::size_t count() const { return fds_.size(); }
  std::uint32_t ring_bytes() const { return ring_bytes_; }

  /// Waits up to timeout_ms for a forced wake-up, then hands on what every
  /// ring holds up to now. Returns how many records were handed on.
  std::size_t poll(int timeout_ms, const RingMerge::Sink& sink);
  /// Hands on everything: only once no program runs any more.
  std::size_t drain(const RingMerge::Sink& sink);
  /// Every record keyed up to this time has been handed on.
  std::uint64_t handled_to() const { return handled_to_; }
  /// What each ring's CPU wrote and how full the fullest ring is (two loads
  /// per ring); out's vector is reused.
  void levels(RingLevels& out) const;

 private:
  struct Mapping {
    void* consumer = nullptr;
    void* producer = nullptr;  // the producer page, then the data twice
    std::size_t producer_bytes = 0;
  };

  void open(int count);
  void unmap_all() noexcept;

  std::uint32_t ring_bytes_;
  std::vector<UniqueFd> fds_;
  std::vector<Mapping> maps_;
  UniqueFd epoll_;
  static constexpr std::uint64_t kMaxPollNs = 50'000'000;  // rounds of one poll()

  std::unique_ptr<RingMerge> merge_;
  std::uint64_t handled_to_ = 0;
};

}  // namespace ior::trace
