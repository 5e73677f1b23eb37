#pragma once
// Tallies by encoded ActivityKey, bounded in keys and bytes: traced users
// choose the file names and thread names, and so how many keys there are.
// Past a bound the table either sends new keys to the one "[other]" key
// (kOverflowToOther: the per-refresh table on the sink's thread, where the
// cost of a row must stay constant) or folds the half of its keys with the
// fewest calls into "[other]" (kFoldColdest: the table since start, so a
// file that becomes hot late still gets a row of its own).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/keyed_hash.hpp"
#include "live/activity.hpp"

namespace ior::live {

struct TallyEntry {
  ActivityKey key;        ///< views the map's key bytes (stable: node-based map)
  Tally tally;            ///< since start (or since the refresh, in an interval)
  // Filled by the model, not by the table:
  std::uint64_t last_seq = 0;       ///< refresh in which `last` was measured
  std::uint64_t last_calls = 0;     ///< calls in that refresh
  std::uint64_t last_bytes = 0;     ///< bytes in that refresh
  std::uint64_t match_gen = 0;      ///< filter generation `matches` was computed for
  bool matches = false;
};

class TallyTable {
 public:
  enum class Overflow { kOverflowToOther, kFoldColdest };

  TallyTable(std::size_t max_keys, std::size_t max_bytes, Overflow overflow)
      : max_keys_(max_keys < 2 ? 2 : max_keys), max_bytes_(max_bytes), overflow_(overflow) {}
  TallyTable(const TallyTable&) = delete;
  TallyTable& operator=(const TallyTable&) = delete;
  // The nodes, and so the "[other]" entry, move with the map; the source is left empty.
  TallyTable(TallyTable&& o) noexcept
      : max_keys_(o.max_keys_), max_bytes_(o.max_bytes_), overflow_(o.overflow_), map_(std::move(o.map_)),
        bytes_(o.bytes_), keys_to_other_(o.keys_to_other_), other_(o.other_) {
    o.forget();
  }
  TallyTable& operator=(TallyTable&& o) noexcept {
    max_keys_ = o.max_keys_;
    max_bytes_ = o.max_bytes_;
    overflow_ = o.overflow_;
    map_ = std::move(o.map_);
    bytes_ = o.bytes_;
    keys_to_other_ = o.keys_to_other_;
    other_ = o.other_;
    o.forget();
    return *this;
  }

  /// The entry of key (created when there is room, else "[other]").
  TallyEntry& entry(std::string_view encoded_key);
  /// The "[other]" entry (created on first use).
  TallyEntry& other();
  /// Whether e is the "[other]" entry (a traced name may read "[other]" too).
  bool is_other(const TallyEntry& e) const { return &e == other_; }

  /// f(encoded key, entry) for every entry.
  template <class F>
  void for_each(F&& f) {
    for (auto& [k, e] : map_) f(std::string_view(k), e);
  }
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [k, e] : map_) f(std::string_view(k), e);
  }

  std::size_t size() const { return map_.size(); }
  std::size_t bytes() const { return bytes_; }
  /// Keys folded (kFoldColdest) or turned away (kOverflowToOther) into "[other]".
  std::uint64_t keys_to_other() const { return keys_to_other_; }
  /// Empties the table; keeps its buckets (the interval tables are reused).
  void clear();

  static std::size_t entry_bytes(std::size_t key_size);
  static std::string other_key();

 private:
  TallyEntry& insert(std::string_view encoded_key);
  void forget() noexcept {
    map_.clear();
    bytes_ = 0;
    keys_to_other_ = 0;
    other_ = nullptr;
  }
  void fold_coldest();

  std::size_t max_keys_;
  std::size_t max_bytes_;
  Overflow overflow_;
  std::unordered_map<std::string, TallyEntry, KeyedStringHash, std::equal_to<>> map_;
  std::size_t bytes_ = 0;
  std::uint64_t keys_to_other_ = 0;
  TallyEntry* other_ = nullptr;  // the "[other]" entry once made (nodes do not move)
};

}  // namespace ior::live
