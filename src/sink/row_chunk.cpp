#include "sink/row_chunk.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "base/short_bytes.hpp"
#include "schema/columns.hpp"

namespace ior::sink {

void RowChunk::reserve(std::size_t bytes) {
  if (bytes <= capacity_) return;
  auto bigger = std::make_unique_for_overwrite<std::byte[]>(bytes);
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = bytes;
}

namespace {

std::atomic<std::uint64_t> next_batch{1};

// f(column, index) for every column; the index is a compile-time constant,
// so the per-column arrays below are addressed without a counter.
template <class F>
[[gnu::always_inline]] inline void for_each_indexed_column(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::get<I>(schema::kColumns), std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<schema::kColumnCount>{});
}

template <class T>
constexpr bool kIsString = std::is_same_v<T, std::string_view>;

// Bytes of the fixed-width columns of a row.
constexpr std::size_t kFixedBytes = [] {
  std::size_t n = 0;
  schema::for_each_column([&](const auto& c) {
    using T = std::decay_t<decltype(std::declval<const schema::EventRow&>().*(c.member))>;
    if constexpr (!kIsString<T>) n += sizeof(T);
  });
  return n;
}();

}  // namespace

// A row: a 64-bit mask of the string columns equal to the previous row's
// (by column index), the fixed-width columns as bytes in kColumns order,
// then each other string column as a 32-bit length and its bytes. One pass
// that compares and writes; repeated strings cost only their bit.
void RowChunk::append(const schema::EventRow& row) {
  static_assert(schema::kColumnCount <= 64, "one bit per column in the repeat mask");
  if (rows_ == 0) batch_ = next_batch.fetch_add(1, std::memory_order_relaxed);
  std::size_t most = sizeof(std::uint64_t) + kFixedBytes;
  schema::for_each_column([&](const auto& c) IOR_EVERY_ROW {
    using T = std::decay_t<decltype(row.*(c.member))>;
    if constexpr (kIsString<T>) most += sizeof(std::uint32_t) + (row.*(c.member)).size();
  });
  if (size_ + most > capacity_) reserve(std::max(capacity_ * 2, size_ + most));
  std::byte* const start = data_.get() + size_;
  std::byte* out = start + sizeof(std::uint64_t);
  for_each_indexed_column([&](const auto& c, auto index) IOR_EVERY_ROW {
    using T = std::decay_t<decltype(row.*(c.member))>;
    if constexpr (!kIsString<T>) {
      static_assert(std::is_trivially_copyable_v<T>);
      std::memcpy(out, &(row.*(c.member)), sizeof(T));
      out += sizeof(T);
    }
    (void)index;
  });
  std::uint64_t repeated = 0;
  for_each_indexed_column([&](const auto& c, auto index) IOR_EVERY_ROW {
    using T = std::decay_t<decltype(row.*(c.member))>;
    if constexpr (kIsString<T>) {
      constexpr std::size_t i = decltype(index)::value;
      const std::string_view v = row.*(c.member);
      // The previous row's bytes were written to this chunk moments ago: still in the cache.
      if (rows_ != 0 && v.size() == last_length_[i] &&
          (v.empty() || same_bytes(reinterpret_cast<const char*>(data_.get()) + last_offset_[i], v.data(), v.size()))) {
        repeated |= std::uint64_t{1} << i;
      } else {
        // Strings come from the kernel's records (at most 4 KiB each) or the
        // run's identity: a 32-bit length always fits.
        const auto len = static_cast<std::uint32_t>(v.size());
        std::memcpy(out, &len, sizeof len);
        out += sizeof len;
        last_offset_[i] = static_cast<std::size_t>(out - data_.get());
        last_length_[i] = len;
        if (len != 0) std::memcpy(out, v.data(), len);
        out += len;
      }
    }
  });
  std::memcpy(start, &repeated, sizeof repeated);
  size_ = static_cast<std::size_t>(out - data_.get());
  ++rows_;
}

std::size_t RowChunk::unpack(std::size_t off, schema::EventRow& row, std::uint64_t& repeated) const {
  const std::byte* base = data_.get();
  std::memcpy(&repeated, base + off, sizeof repeated);
  off += sizeof repeated;
  for_each_indexed_column([&](const auto& c, auto index) IOR_EVERY_ROW {
    using T = std::decay_t<decltype(row.*(c.member))>;
    if constexpr (!kIsString<T>) {
      std::memcpy(&(row.*(c.member)), base + off, sizeof(T));
      off += sizeof(T);
    }
    (void)index;
  });
  for_each_indexed_column([&](const auto& c, auto index) IOR_EVERY_ROW {
    using T = std::decay_t<decltype(row.*(c.member))>;
    if constexpr (kIsString<T>) {
      constexpr std::size_t i = decltype(index)::value;
      // A repeated string keeps the view row already holds: the previous row's.
      if (((repeated >> i) & 1u) == 0) {
        std::uint32_t len;
        std::memcpy(&len, base + off, sizeof len);
        off += sizeof len;
        row.*(c.member) = std::string_view(reinterpret_cast<const char*>(base + off), len);
        off += len;
      }
    }
  });
  return off;
}

std::shared_ptr<ChunkPool> ChunkPool::create(std::size_t chunk_bytes, std::size_t max_free) {
  return std::shared_ptr<ChunkPool>(new ChunkPool(chunk_bytes, max_free));
}

std::unique_ptr<RowChunk> ChunkPool::take() {
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      auto c = std::move(free_.back());
      free_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<RowChunk>();
  // A row may push the chunk past chunk_bytes by up to one row's size.
  c->reserve(chunk_bytes_ + 16 * 1024);
  return c;
}

SharedChunk ChunkPool::share(std::unique_ptr<RowChunk> chunk) {
  // The deleter holds the pool alive: sinks may release their last chunk
  // after the fan-out that created the pool is gone.
  std::shared_ptr<ChunkPool> self = shared_from_this();
  return SharedChunk(chunk.release(), [self](const RowChunk* c) { self->give_back(const_cast<RowChunk*>(c)); });
}

void ChunkPool::give_back(RowChunk* chunk) noexcept {
  std::unique_ptr<RowChunk> owned(chunk);
  owned->clear();
  std::lock_guard lock(mu_);
  try {
    if (free_.size() < max_free_) free_.push_back(std::move(owned));
  } catch (...) {  // no memory for the free list: the chunk is freed instead
  }
}

}  // namespace ior::sink
