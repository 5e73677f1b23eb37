#include "parquet/encoding/hash_seed.hpp"

#include <atomic>
#include <random>

namespace ior::parquet::encoding {

std::uint64_t hash_seed() {
  static const std::uint64_t base = [] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) | rd();
  }();
  static std::atomic<std::uint64_t> counter{0};
  // splitmix64 of base + counter: distinct, well-mixed seeds.
  std::uint64_t z = base + (counter.fetch_add(1, std::memory_order_relaxed) + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace ior::parquet::encoding
