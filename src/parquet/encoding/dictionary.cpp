#include "parquet/encoding/dictionary.hpp"

#include <algorithm>
#include <cstring>

#include "base/short_bytes.hpp"
#include "parquet/encoding/hash_seed.hpp"
#include "parquet/encoding/plain.hpp"

namespace ior::parquet::encoding {
namespace {

constexpr std::size_t kInitialSlots = 64;  // a power of two

std::uint64_t load_le(const char* p, std::size_t n) {
  std::uint64_t x = 0;
  std::memcpy(&x, p, n);  // x86_64 and aarch64 are little-endian
  return x;
}

// Equal bytes (the short values dictionaries hold: inline word compares).
bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ior::same_bytes(a.data(), b.data(), a.size());
}

constexpr std::uint64_t kMul = 0x9fb21c651e98df25ull;

// One multiply per 8 bytes; the final avalanche spreads the high bits into
// the low ones the table indexes with.
std::uint64_t finish(std::uint64_t h) {
  h ^= h >> 32;
  h *= kMul;
  return h ^ (h >> 29);
}

}  // namespace

// Seeded: paths are chosen by whoever creates files, so a fixed hash would
// let them pick colliding names and slow the tracer down.
Dictionary::Dictionary(std::size_t limit_bytes)
    : limit_(limit_bytes), seed_(hash_seed()), cache_(kCacheEntries, kNoId) {}

std::uint64_t Dictionary::hash(std::string_view v) const {
  std::uint64_t h = seed_ ^ (v.size() * 0x9e3779b97f4a7c15ull);
  std::size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) h = (h ^ load_le(v.data() + i, 8)) * kMul;
  if (i < v.size()) h = (h ^ load_le(v.data() + i, v.size() - i)) * kMul;
  return finish(h);
}

void Dictionary::grow() {
  slots_.assign(slots_.empty() ? kInitialSlots : slots_.size() * 2, 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::uint64_t h = hash(value(id));
    std::size_t s = h & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = (h >> 32 << 32) | (id + 1);
  }
}

bool Dictionary::lookup_or_insert(std::string_view v, std::uint32_t& id) {
  if ((size() + 1) * 2 > slots_.size()) grow();  // load factor <= 1/2
  const std::uint64_t h = hash(v);
  const std::uint64_t tag = h >> 32 << 32;
  const std::size_t mask = slots_.size() - 1;
  std::size_t s = h & mask;
  for (; slots_[s] != 0; s = (s + 1) & mask) {
    if ((slots_[s] & ~0xffffffffull) != tag) continue;
    id = static_cast<std::uint32_t>(slots_[s]) - 1;
    if (same_bytes(value(id), v)) return true;
  }
  if (page_.size() + 4 + v.size() > limit_) return false;
  id = size();
  plain_byte_array(page_, v);
  spans_.push_back({static_cast<std::uint32_t>(page_.size() - v.size()), static_cast<std::uint32_t>(v.size())});
  if (id == 0 || v < value(min_id_)) min_id_ = id;
  if (id == 0 || value(max_id_) < v) max_id_ = id;
  slots_[s] = tag | (id + 1);
  return true;
}

// The cache's slot for v: its length and its first and last 8 bytes, two
// loads and two multiplies whatever its length. Values that collide here
// only miss the cache (a hit is confirmed by comparing the bytes): a
// hostile name can make ior hash, never be slow or wrong.
std::size_t cache_slot(std::string_view v) {
  const std::size_t n = v.size();
  const std::uint64_t head = n >= 8 ? load_le(v.data(), 8) : n > 0 ? load_le(v.data(), n) : 0;
  const std::uint64_t tail = n >= 8 ? load_le(v.data() + n - 8, 8) : 0;
  return static_cast<std::size_t>(((head * kMul) ^ (tail * 0xc2b2ae3d27d4eb4full) ^ n) >> 58);
}

bool Dictionary::add(std::string_view v) {
  static_assert(kCacheEntries == 64, "cache_slot() gives 6 bits");
  std::uint32_t& cached = cache_[cache_slot(v)];
  std::uint32_t id = cached;
  if (id >= size() || !same_bytes(value(id), v)) {
    if (!lookup_or_insert(v, id)) return false;
    cached = id;
  }
  if (repeats_ != 0) write_repeats();
  indices_.push_back(id);
  return true;
}

void Dictionary::write_repeats() const {
  indices_.insert(indices_.end(), repeats_, indices_.back());
  repeats_ = 0;
}

void Dictionary::reset() {
  page_.clear();
  spans_.clear();
  std::fill(slots_.begin(), slots_.end(), 0u);
  indices_.clear();
  repeats_ = 0;
  std::fill(cache_.begin(), cache_.end(), kNoId);
  min_id_ = max_id_ = 0;
}

}  // namespace ior::parquet::encoding
