#pragma once
// Rows in transit from the pipeline thread to the sinks' threads.
//
// An EventRow's strings are views valid only during the call that produced
// it, so rows are packed into a chunk (a bit mask of the strings equal to
// the previous row's, the fixed-width values as bytes, then every other
// string as a 32-bit length and the bytes; row_chunk.cpp).
// A full chunk is immutable and shared by all sinks (one copy per row, not
// one per sink); each sink's thread unpacks rows whose views point into the
// chunk. Chunks come from a pool and go back to it when the last sink
// releases them, so a steady run allocates nothing per chunk.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "schema/columns.hpp"
#include "schema/event_row.hpp"
#include "schema/row_repeats.hpp"

namespace ior::sink {

class RowChunk {
 public:
  /// Appends one row (copies its strings).
  void append(const schema::EventRow& row);
  std::uint32_t rows() const { return rows_; }
  std::size_t bytes() const { return size_; }
  bool empty() const { return rows_ == 0; }
  void clear() {
    size_ = 0;
    rows_ = 0;
  }
  void reserve(std::size_t bytes);
  std::size_t capacity() const { return capacity_; }

  /// Calls f(const EventRow&), or f(const EventRow&, const RowRepeats&)
  /// where f takes it, for every row, in order; the row's views point into
  /// this chunk (a repeated value's to the row where it was stored).
  template <class F>
  void for_each_row(F&& f) const {
    schema::EventRow row;
    schema::RowRepeats repeats;
    repeats.batch = batch_;
    std::size_t off = 0;
    for (std::uint32_t i = 0; i < rows_; ++i) {
      repeats.row = i;
      off = unpack(off, row, repeats.columns);
      if constexpr (std::is_invocable_v<F&, const schema::EventRow&, const schema::RowRepeats&>) {
        f(static_cast<const schema::EventRow&>(row), static_cast<const schema::RowRepeats&>(repeats));
      } else {
        f(static_cast<const schema::EventRow&>(row));
      }
    }
  }

 private:
  // Unpacks the row at off into row; a repeated string keeps the view row
  // already holds (the previous row's), and sets its bit in repeated.
  std::size_t unpack(std::size_t off, schema::EventRow& row, std::uint64_t& repeated) const;

  // Not a std::vector: growing one zero-fills bytes that are overwritten at once.
  std::unique_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::uint32_t rows_ = 0;
  std::uint64_t batch_ = 0;  // set at the first row: no two fills share one
  // Where each string column's latest stored bytes are (by column index).
  std::array<std::size_t, schema::kColumnCount> last_offset_{};
  std::array<std::uint32_t, schema::kColumnCount> last_length_{};
};

using SharedChunk = std::shared_ptr<const RowChunk>;

/// Recycles chunks: a chunk released by its last reader returns here (up to
/// max_free kept), so their buffers are reused instead of reallocated.
class ChunkPool : public std::enable_shared_from_this<ChunkPool> {
 public:
  static std::shared_ptr<ChunkPool> create(std::size_t chunk_bytes, std::size_t max_free);
  /// An empty chunk with room for chunk_bytes.
  std::unique_ptr<RowChunk> take();
  /// Shares a filled chunk; it returns to the pool when the last owner drops it.
  SharedChunk share(std::unique_ptr<RowChunk> chunk);

 private:
  ChunkPool(std::size_t chunk_bytes, std::size_t max_free) : chunk_bytes_(chunk_bytes), max_free_(max_free) {}
  void give_back(RowChunk* chunk) noexcept;

  std::size_t chunk_bytes_;
  std::size_t max_free_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RowChunk>> free_;
};

}  // namespace ior::sink
