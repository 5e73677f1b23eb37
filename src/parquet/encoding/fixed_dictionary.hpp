#pragma once
// Dictionary encoding of fixed-width values (INT32, INT64, 16-byte UUIDs):
// the distinct values in first-seen order (the dictionary page is their
// PLAIN bytes) and one index per value. Built per column chunk; it gives up
// once the chunk has more distinct values than the caller allows, which is
// how low-cardinality columns (pid, fd, syscall id, a run's UUID) get
// RLE_DICTIONARY and high-cardinality ones (timestamps) stay PLAIN.

#include <cstdint>
#include <cstring>
#include <algorithm>
#include <string_view>
#include <vector>

#include "parquet/encoding/hash_seed.hpp"

namespace ior::parquet::encoding {

template <class T>
class FixedDictionary {
 public:
  // A random odd multiplier makes the hash universal: values chosen by a
  // traced program (byte counts, fds) cannot be picked to collide.
  FixedDictionary() : mul_(hash_seed() | 1) {}

  /// Encodes the n values of type T stored (PLAIN) at data; false, and the
  /// result unusable, when they hold more than max_distinct distinct values.
  bool build(const void* data, std::size_t n, std::size_t max_distinct) {
    distinct_.clear();
    indices_.clear();
    std::size_t slots = 16;
    while (slots < 2 * std::min(max_distinct, n) + 2) slots *= 2;
    slots_.assign(slots, 0);
    shift_ = 64;
    for (std::size_t s = slots; s > 1; s >>= 1) --shift_;
    indices_.reserve(n);
    // A loop's rows repeat most fixed columns (pid, tid, fd, syscall id,
    // ids): a value equal to the one before takes its index without the
    // hash and probe.
    const char* previous = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
      const char* at = static_cast<const char*>(data) + i * sizeof(T);
      if (previous != nullptr && std::memcmp(previous, at, sizeof(T)) == 0) {
        indices_.push_back(indices_.back());
        continue;
      }
      previous = at;
      T v;
      std::memcpy(&v, at, sizeof(T));
      std::size_t s = slot_of(v);
      for (;; s = (s + 1) & (slots_.size() - 1)) {
        std::uint32_t id = slots_[s];
        if (id == 0) break;
        if (std::memcmp(&distinct_[id - 1], &v, sizeof(T)) == 0) break;
      }
      if (slots_[s] == 0) {
        if (distinct_.size() == max_distinct) return false;
        distinct_.push_back(v);
        slots_[s] = static_cast<std::uint32_t>(distinct_.size());
      }
      indices_.push_back(slots_[s] - 1);
    }
    return true;
  }

  std::uint32_t size() const { return static_cast<std::uint32_t>(distinct_.size()); }
  /// The dictionary page: the distinct values' PLAIN (little-endian) bytes.
  std::string_view plain_page() const {
    return std::string_view(reinterpret_cast<const char*>(distinct_.data()), distinct_.size() * sizeof(T));
  }
  const std::vector<std::uint32_t>& indices() const { return indices_; }

 private:
  std::size_t slot_of(const T& v) const {
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < sizeof(T); i += 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, reinterpret_cast<const char*>(&v) + i, std::min<std::size_t>(8, sizeof(T) - i));
      h = (h ^ w) * mul_;
    }
    return static_cast<std::size_t>(h >> shift_);
  }

  std::uint64_t mul_;
  int shift_ = 60;
  std::vector<T> distinct_;
  std::vector<std::uint32_t> slots_;  // id + 1, 0 = empty
  std::vector<std::uint32_t> indices_;
};

}  // namespace ior::parquet::encoding
