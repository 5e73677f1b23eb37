#pragma once
// What the sink gathered since the previous refresh: tallies by key, the
// latency of every row, and the latest rows. The UI thread swaps a cleared
// Interval with the sink's filled one under the sink's lock (O(1)), so the
// sink's thread never waits for the UI's work; the swapped-out buffers keep
// their capacity and are filled again without allocating much.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "live/activity.hpp"
#include "live/tally_table.hpp"

namespace ior::live {

/// One row of the Stream view, its names copied (and a long file name cut
/// to its last kMaxFileBytes bytes: the end of a path says most).
struct StreamRow {
  static constexpr std::size_t kMaxFileBytes = 1024;
  std::uint64_t timestamp_ns = 0;
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::int32_t err = 0;
  std::int64_t ret = 0;
  std::uint64_t bytes = 0;
  std::uint64_t duration_ns = 0;
  std::string comm, container, syscall, file;

  void assign(const schema::EventRow& row);
  ActivityKey key() const;
};

/// A ring of the latest rows: a fixed capacity, slots reused.
class StreamRing {
 public:
  explicit StreamRing(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  void push(const schema::EventRow& row);
  void push(const StreamRow& row);
  /// Rows ever pushed since the last clear().
  std::uint64_t pushed() const { return pushed_; }
  std::size_t size() const { return pushed_ < capacity_ ? static_cast<std::size_t>(pushed_) : capacity_; }
  std::size_t capacity() const { return capacity_; }
  /// The i-th oldest row held, 0 <= i < size().
  const StreamRow& at(std::size_t i) const;
  void clear() { pushed_ = 0; }  // slots (and their strings' capacity) are kept

 private:
  StreamRow& next_slot();
  std::size_t capacity_;
  std::vector<StreamRow> slots_;
  std::uint64_t pushed_ = 0;
};

/// The Stream view's rows as the sink's thread keeps them: 100 000 rows a
/// second pass through and the view shows the last 1000, so a slot holds a
/// row's numbers and a pointer to its tally, whose key names the row
/// (the tally lives as long as the interval); only a row tallied under
/// "[other]" copies its own key. The UI thread turns the slots into
/// StreamRows (row()) when it merges the interval.
class IntervalStream {
 public:
  explicit IntervalStream(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  /// `entry` is the row's tally; `own_key` the row's encoded key, copied
  /// when the tally is not the row's own ("[other]").
  void push(const schema::EventRow& row, const TallyEntry& entry, bool entry_is_other, std::string_view own_key);
  std::uint64_t pushed() const { return pushed_; }
  std::size_t size() const { return pushed_ < capacity_ ? static_cast<std::size_t>(pushed_) : capacity_; }
  /// The i-th oldest row held, 0 <= i < size().
  StreamRow row(std::size_t i) const;
  void clear() { pushed_ = 0; }

 private:
  struct Slot {
    std::uint64_t timestamp_ns = 0;
    std::uint64_t duration_ns = 0;
    std::uint64_t bytes = 0;
    std::int64_t ret = 0;
    std::uint32_t tid = 0;
    const TallyEntry* entry = nullptr;  // null: `key` names the row
    std::string key;
  };
  std::size_t capacity_;
  std::vector<Slot> slots_;
  std::uint64_t pushed_ = 0;
};

struct IntervalLimits {
  std::size_t max_keys = 4096;
  std::size_t max_bytes = std::size_t{4} << 20;
  std::size_t stream_rows = 1000;
};

struct Interval {
  explicit Interval(const IntervalLimits& limits = {})
      : tallies(limits.max_keys, limits.max_bytes, TallyTable::Overflow::kOverflowToOther),
        stream(limits.stream_rows) {}

  TallyTable tallies;
  LogHistogram latency;  ///< every row of the interval
  std::uint64_t rows = 0;
  IntervalStream stream;

  /// The row into `entry`: tallies.entry(encoded_key), or that entry kept
  /// from an earlier row of the same key.
  void add(TallyEntry& entry, std::string_view encoded_key, const schema::EventRow& row);
  void add(std::string_view encoded_key, const schema::EventRow& row) {
    add(tallies.entry(encoded_key), encoded_key, row);
  }
  void clear();
};

}  // namespace ior::live
