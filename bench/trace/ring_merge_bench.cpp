// The reader's merge of the per-CPU rings (trace::RingMerge), on rings
// written as the kernel writes them: 120-byte paired records (the bulk of the
// traffic) whose keys interleave across the rings. Records per second, with
// the records handed to a sink that only counts them: the merge's own cost on
// top of reading one ring.
#include <benchmark/benchmark.h>

#include <cstring>
#include <limits>
#include <vector>

#include "ior_event.h"
#include "trace/ring_merge.hpp"

namespace {

struct Ring {
  std::vector<std::byte> data;
  std::uint64_t consumer = 0;
  std::uint64_t producer = 0;
};

constexpr std::uint64_t kRingBytes = 1u << 20;

// Fills each ring to just under its size; record i of ring r keys i * n + r.
std::vector<Ring> filled_rings(int n) {
  std::vector<Ring> rings(static_cast<std::size_t>(n));
  constexpr std::uint32_t kLen = sizeof(ior_paired_event);
  constexpr std::uint64_t kStep = (kLen + 8 + 7) & ~std::uint64_t{7};
  for (int r = 0; r < n; ++r) {
    Ring& ring = rings[static_cast<std::size_t>(r)];
    ring.data.resize(2 * kRingBytes);
    for (std::uint64_t i = 0; ring.producer + kStep <= kRingBytes; ++i) {
      ior_paired_event e{};
      e.enter.hdr.kind = IOR_EVENT_PAIRED;
      e.exit_time_ns = i * static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(r);
      std::memcpy(ring.data.data() + ring.producer, &kLen, sizeof kLen);
      std::memcpy(ring.data.data() + ring.producer + 8, &e, sizeof e);
      ring.producer += kStep;
    }
  }
  return rings;
}

void BM_RingMerge(benchmark::State& state) {
  auto rings = filled_rings(static_cast<int>(state.range(0)));
  std::vector<ior::trace::RingView> views;
  for (auto& r : rings) views.push_back({&r.consumer, &r.producer, r.data.data(), kRingBytes});
  ior::trace::RingMerge merge(views);
  std::uint64_t handed = 0;
  const ior::trace::RingMerge::Sink sink = [&handed](std::span<const std::byte> rec) {
    handed += rec.size() != 0;
  };
  for (auto _ : state) {
    for (auto& r : rings) r.consumer = 0;
    merge.round(std::numeric_limits<std::uint64_t>::max(), sink);
  }
  benchmark::DoNotOptimize(handed);
  state.SetItemsProcessed(static_cast<std::int64_t>(handed));
}
BENCHMARK(BM_RingMerge)->ArgName("rings")->Arg(1)->Arg(2)->Arg(8)->Arg(64);

}  // namespace

BENCHMARK_MAIN();
