#include "trace/ring_merge.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>

#include "ior_event.h"

namespace ior::trace {
namespace {

// The kernel's ring-buffer record header (uapi/linux/bpf.h).
constexpr std::uint32_t kBusyBit = 1u << 31;
constexpr std::uint32_t kDiscardBit = 1u << 30;
constexpr std::uint64_t kHeaderSize = 8;

std::uint64_t load_acquire(const std::uint64_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
std::uint32_t load_acquire(const std::uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

}  // namespace

std::uint64_t record_key(std::span<const std::byte> record) noexcept {
  std::uint16_t kind = 0;
  if (record.size() < sizeof(ior_event_header)) return 0;
  std::memcpy(&kind, record.data() + offsetof(ior_event_header, kind), sizeof kind);
  std::uint64_t key = 0;
  if (kind == IOR_EVENT_PAIRED && record.size() >= sizeof(ior_paired_event)) {
    std::memcpy(&key, record.data() + offsetof(ior_paired_event, exit_time_ns), sizeof key);
  } else {
    std::memcpy(&key, record.data() + offsetof(ior_event_header, time_ns), sizeof key);
  }
  return key;
}

RingMerge::RingMerge(std::vector<RingView> rings, std::size_t max_per_ring)
    : max_per_ring_(max_per_ring == 0 ? 1 : max_per_ring) {
  rings_.reserve(rings.size());
  for (const auto& view : rings) rings_.push_back(RingState{view, {}, 0, 0, false});
  heap_.reserve(rings_.size());
}

// The ring's committed records from the consumer position up to the producer
// position read now, or up to the first one still being written, or up to
// max_per_ring_ of them.
void RingMerge::collect(RingState& ring) {
  ring.pending.clear();
  ring.next = 0;
  ring.published = 0;
  ring.held = false;
  const RingView& v = ring.view;
  std::uint64_t pos = *v.consumer_pos;  // only this thread writes it
  const std::uint64_t end = load_acquire(v.producer_pos);
  const std::uint64_t mask = v.size - 1;
  std::uint64_t last_key = 0;
  while (pos < end) {
    if (ring.pending.size() == max_per_ring_) {
      ring.held = true;
      more_ = true;
      break;
    }
    const std::byte* hdr = v.data + (pos & mask);
    const std::uint32_t len = load_acquire(reinterpret_cast<const std::uint32_t*>(hdr));
    if (len & kBusyBit) {
      ring.held = true;
      break;
    }
    const std::uint32_t bytes = len & ~kDiscardBit;
    const std::uint64_t next = pos + ((bytes + kHeaderSize + 7) & ~std::uint64_t{7});
    const bool discarded = (len & kDiscardBit) != 0;
    const std::byte* rec = hdr + kHeaderSize;
    if (!discarded) last_key = record_key({rec, bytes});
    ring.pending.push_back(Pending{last_key, discarded ? nullptr : rec, bytes, next});
    pos = next;
  }
}

std::size_t RingMerge::round(std::uint64_t t0, const Sink& sink) {
  more_ = false;
  for (auto& ring : rings_) collect(ring);
  // A ring with nothing left bounds the others: one stopped at a record being
  // written (or at its cap) holds them all; one that is empty holds whatever
  // keys above t0.
  std::size_t held = 0;
  std::size_t empty = 0;
  heap_.clear();
  const auto later = [this](std::uint32_t a, std::uint32_t b) {
    return rings_[a].pending[rings_[a].next].key > rings_[b].pending[rings_[b].next].key;
  };
  for (std::uint32_t i = 0; i < rings_.size(); ++i) {
    if (!rings_[i].pending.empty()) {
      heap_.push_back(i);
    } else if (rings_[i].held) {
      ++held;
    } else {
      ++empty;
    }
  }
  std::make_heap(heap_.begin(), heap_.end(), later);
  std::size_t handed = 0;
  while (!heap_.empty() && held == 0) {
    RingState& ring = rings_[heap_.front()];
    const Pending& p = ring.pending[ring.next];
    if (empty > 0 && p.key > t0) break;
    if (p.record) {
      sink({p.record, p.length});
      ++handed;
      if (handed % kPublishEvery == 0) publish();
    }
    std::pop_heap(heap_.begin(), heap_.end(), later);
    if (++ring.next < ring.pending.size()) {
      std::push_heap(heap_.begin(), heap_.end(), later);
    } else {
      heap_.pop_back();
      if (ring.held) {
        ++held;
      } else {
        ++empty;
      }
    }
  }
  publish();
  advanced_ = false;
  for (auto& ring : rings_) {
    if (ring.next > 0) advanced_ = true;
  }
  return handed;
}

// The consumer position of every ring that handed records on since the
// last store, past them (the sink is done with them when it returns). Only
// those: the producers read the position on every record, and a store to it
// takes their cache line away.
void RingMerge::publish() {
  for (auto& ring : rings_) {
    if (ring.next == ring.published) continue;
    __atomic_store_n(ring.view.consumer_pos, ring.pending[ring.next - 1].next_pos, __ATOMIC_RELEASE);
    ring.published = ring.next;
  }
}

bool RingMerge::complete() const {
  return std::none_of(rings_.begin(), rings_.end(), [](const RingState& r) { return r.held; });
}

std::size_t RingMerge::drain(const Sink& sink) {
  std::size_t total = 0;
  do {
    total += round(std::numeric_limits<std::uint64_t>::max(), sink);
  } while (advanced_);
  return total;
}

}  // namespace ior::trace
