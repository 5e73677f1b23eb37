#pragma once
// Reads the kernel's per-CPU ring buffers as one stream, in the order the
// records were made.
//
// Each CPU's ring is in its own order; across rings, records are merged by a
// key, the time the BPF program read after reserving the record (the exit
// time of a syscall, the time of an exit or an enter built in the ring). The
// reader reads the clock (T0) before the rings' producer positions, so a
// record it cannot see yet was reserved later and keys above T0: records are
// handed on in key order up to T0, and a ring whose next record is still
// being written (its busy bit) holds every other ring until it is committed.
// So a record committed before another was reserved (an open's exit before a
// read of that fd in another thread, an enter before its exit on another
// CPU, a fork before the child's first syscall) is always handed on first,
// as with one shared ring. docs/ARCHITECTURE.md, "Rings per CPU".
//
// The layout is the kernel's BPF_MAP_TYPE_RINGBUF one: 8-byte headers (the
// length with a busy and a discard bit, then a page offset), records rounded
// up to 8 bytes, the data area mapped twice so that no record wraps.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace ior::trace {

/// One ring as mapped: positions shared with the kernel, data mapped twice.
struct RingView {
  std::uint64_t* consumer_pos = nullptr;        ///< written by the reader
  const std::uint64_t* producer_pos = nullptr;  ///< written by the kernel
  const std::byte* data = nullptr;              ///< 2 * size bytes readable
  std::uint64_t size = 0;                       ///< a power of two
};

/// The merge key of a record: the paired record's exit time, otherwise the
/// header's time (0 for a record too short to hold one).
std::uint64_t record_key(std::span<const std::byte> record) noexcept;

class RingMerge {
 public:
  using Sink = std::function<void(std::span<const std::byte>)>;

  /// A round hands the space of the records handed on back to the kernel
  /// every this many records (and at its end): a ring read late is over
  /// half full, where every record forces a wake-up (an interrupt on its
  /// CPU), for a few hundred records instead of a whole round.
  static constexpr std::size_t kPublishEvery = 128;

  /// max_per_ring bounds what one round reads from a ring (and the memory
  /// it takes to merge them): a ring with more holds the others once its
  /// share is handed on, until the next round.
  explicit RingMerge(std::vector<RingView> rings, std::size_t max_per_ring = 8192);

  /// Hands on, in key order, every committed record with a key up to t0
  /// (and, ring by ring, everything before it); records above t0 wait for a
  /// later round. t0 must be read before this call starts (it reads the
  /// producer positions). t0 = UINT64_MAX once no program runs: everything.
  /// Returns how many records were handed on.
  std::size_t round(std::uint64_t t0, const Sink& sink);

  /// Rounds with t0 = UINT64_MAX until the rings are empty.
  std::size_t drain(const Sink& sink);

  /// The last round left records in a ring because of max_per_ring.
  bool more() const { return more_; }
  /// The last round handed on every record keyed up to its t0: no ring
  /// stopped at a record being written or at max_per_ring.
  bool complete() const;

 private:
  struct Pending {
    std::uint64_t key;
    const std::byte* record;  // nullptr: discarded by its program
    std::uint32_t length;     // header excluded
    std::uint64_t next_pos;   // the consumer position once it is handed on
  };
  struct RingState {
    RingView view;
    std::vector<Pending> pending;  // this round's committed records
    std::size_t next = 0;          // first not handed on
    std::size_t published = 0;     // next at the last consumer-position store
    bool held = false;             // the walk stopped at a record being written or at the cap
  };

  void collect(RingState& ring);
  void publish();

  std::vector<RingState> rings_;
  std::vector<std::uint32_t> heap_;
  std::size_t max_per_ring_;
  bool advanced_ = false;  // the last round moved a consumer position
  bool more_ = false;      // the last round stopped a walk at max_per_ring_  // indexes of rings with records left, by head key
};

}  // namespace ior::trace
