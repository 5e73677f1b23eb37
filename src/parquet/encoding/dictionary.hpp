#pragma once
// Dictionary encoding of byte-array values: distinct values in first-seen
// order (the dictionary page, PLAIN) and one index per value (RLE_DICTIONARY
// data pages). Refuses a value, so the caller falls back to PLAIN, once the
// dictionary's PLAIN size would exceed a limit.
//
// Values are copied into the dictionary page itself; an open-addressing
// table of ids finds them again. Appending a value already present copies
// nothing and allocates nothing once the vectors have grown. A small cache
// indexed by the value's length and its first and last bytes skips the hash
// table for values that come back (a syscall name, a thread's comm, an fd's
// path); rows reach the sink copied into chunks, so the caller's pointers
// never repeat. A hit is confirmed by comparing the bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ior::parquet::encoding {

class Dictionary {
 public:
  explicit Dictionary(std::size_t limit_bytes);

  /// Appends v's index (adding v when new). False, and nothing changes, when
  /// adding v would grow the PLAIN dictionary page past the limit.
  bool add(std::string_view v);
  /// Appends the last index again (the caller knows its value came back).
  /// False when there is none. Only counted here: a loop's rows repeat most
  /// strings, and a push_back per column and row was a fifth of the Parquet
  /// thread; the run is written out at the next add() or indices().
  [[gnu::always_inline]] bool add_last_again() {
    if (indices_.empty()) return false;
    ++repeats_;
    return true;
  }
  /// Forgets every value and index (keeps the memory).
  void reset();

  const std::string& plain_page() const { return page_; }  ///< PLAIN-encoded values
  const std::vector<std::uint32_t>& indices() const {
    if (repeats_ != 0) write_repeats();
    return indices_;
  }
  std::uint32_t size() const { return static_cast<std::uint32_t>(spans_.size()); }
  /// The value with index id.
  std::string_view value(std::uint32_t id) const {
    return std::string_view(page_.data() + spans_[id].begin, spans_[id].length);
  }
  /// Smallest and largest value (bytes compared unsigned); empty when size() == 0.
  std::string_view min() const { return size() ? value(min_id_) : std::string_view(); }
  std::string_view max() const { return size() ? value(max_id_) : std::string_view(); }

 private:
  struct Span {
    std::uint32_t begin;   // offset of the value's bytes in page_
    std::uint32_t length;
  };
  static constexpr std::size_t kCacheEntries = 64;
  static constexpr std::uint32_t kNoId = UINT32_MAX;

  std::uint64_t hash(std::string_view v) const;
  bool lookup_or_insert(std::string_view v, std::uint32_t& id);
  void grow();
  void write_repeats() const;

  std::size_t limit_;
  std::uint64_t seed_;
  std::string page_;                 // PLAIN: 4-byte length + bytes, per value
  std::vector<Span> spans_;          // by id
  std::vector<std::uint64_t> slots_; // open addressing: hash tag << 32 | (id + 1); 0 = empty
  // Written out lazily: repeats_ more copies of indices_.back() follow.
  mutable std::vector<std::uint32_t> indices_;
  mutable std::size_t repeats_ = 0;
  std::vector<std::uint32_t> cache_; // ids, by cache_slot() of the value
  std::uint32_t min_id_ = 0, max_id_ = 0;
};

}  // namespace ior::parquet::encoding
