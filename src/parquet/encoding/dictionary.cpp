#include "parquet/encoding/dictionary.hpp"

#include <cstring>
#include <random>

#include "parquet/encoding/plain.hpp"

namespace ior::parquet::encoding {
namespace {

constexpr std::size_t kInitialSlots = 64;  // a power of two

std::uint64_t load_le(const char* p, std::size_t n) {
  std::uint64_t x = 0;
  std::memcpy(&x, p, n);  // x86_64 and aarch64 are little-endian
  return x;
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

// Seeded per dictionary: paths are chosen by whoever creates files, so a
// fixed hash would let them pick colliding names and slow the tracer down.
Dictionary::Dictionary(std::size_t limit_bytes)
    : limit_(limit_bytes), seed_((std::uint64_t{std::random_device{}()} << 32) | std::random_device{}()) {}

std::uint64_t Dictionary::hash(std::string_view v) const {
  std::uint64_t h = seed_ ^ (v.size() * 0x9e3779b97f4a7c15ull);
  std::size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) h = (h ^ load_le(v.data() + i, 8)) * kMul;
  if (i < v.size()) h = (h ^ load_le(v.data() + i, v.size() - i)) * kMul;
  return finish(h);
}

void Dictionary::grow() {
  std::vector<std::uint32_t> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? kInitialSlots : old.size() * 2, 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::size_t s = hash(value(id)) & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = id + 1;
  }
}

std::uint32_t Dictionary::insert(std::string_view v, std::uint64_t h) {
  auto id = size();
  plain_byte_array(page_, v);
  begins_.push_back(static_cast<std::uint32_t>(page_.size() - v.size()));
  lengths_.push_back(static_cast<std::uint32_t>(v.size()));
  hashes_.push_back(static_cast<std::uint32_t>(h >> 32));
  if (id == 0 || v < value(min_id_)) min_id_ = id;
  if (id == 0 || value(max_id_) < v) max_id_ = id;
  return id;
}

bool Dictionary::add(std::string_view v) {
  if (!indices_.empty() && value(last_id_) == v) {
    indices_.push_back(last_id_);
    return true;
  }
  if ((size() + 1) * 2 > slots_.size()) grow();  // load factor <= 1/2
  const std::uint64_t h = hash(v);
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  const std::size_t mask = slots_.size() - 1;
  std::size_t s = h & mask;
  for (; slots_[s] != 0; s = (s + 1) & mask) {
    std::uint32_t id = slots_[s] - 1;
    if (hashes_[id] == tag && value(id) == v) {
      indices_.push_back(last_id_ = id);
      return true;
    }
  }
  if (page_.size() + 4 + v.size() > limit_) return false;
  std::uint32_t id = insert(v, h);
  slots_[s] = id + 1;
  indices_.push_back(last_id_ = id);
  return true;
}

void Dictionary::reset() {
  page_.clear();
  begins_.clear();
  lengths_.clear();
  hashes_.clear();
  std::fill(slots_.begin(), slots_.end(), 0u);
  indices_.clear();
  last_id_ = min_id_ = max_id_ = 0;
}

}  // namespace ior::parquet::encoding
