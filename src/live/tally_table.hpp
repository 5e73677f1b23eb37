#pragma once
// Tallies by encoded ActivityKey, bounded in keys and bytes: traced users
// choose the file names and thread names, and so how many keys there are.
// Past a bound the table either sends new keys to coarser keys
// (kOverflowToOther: the per-refresh table on the sink's thread, where the
// cost of a row must stay constant) or folds the half of its keys with the
// fewest calls into coarser keys (kFoldColdest: the table since start, so a
// file that becomes hot late still gets a row of its own). A coarser key
// first loses its file (the file "[other]"), then its process, thread name
// and container too (pid 0, "[other]"): its syscall, errno and latency stay,
// so the syscalls and errors views keep counting what was folded (a flood
// of failing calls on distinct names had vanished from the errors view),
// and so does the processes view, for the first step. Coarser keys have a
// reserve of an eighth of the bounds; past it, the one "[other]" key.
//
// The sink's thread looks up one key per traced syscall (100 000 a second),
// in a table that the rest of the machine evicts from the cache between two
// batches of rows, so the layout is about cache lines: an open-addressing
// array of (keyed hash, node) slots, at most half full, probed linearly (a
// miss compares 64-bit hashes in one or two lines, no chain of nodes), and
// nodes in chunks that never move while the table grows, so that entries
// (and the views of their keys) stay where they are. A cleared table keeps
// its slots and nodes (the interval tables are reused every refresh).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "live/activity.hpp"

namespace ior::live {

struct TallyEntry {
  ActivityKey key;        ///< views the node's key bytes (stable until a fold)
  Tally tally;            ///< since start (or since the refresh, in an interval)
  // Filled by the model, not by the table:
  std::uint64_t last_seq = 0;       ///< refresh in which `last` was measured
  std::uint64_t last_calls = 0;     ///< calls in that refresh
  std::uint64_t last_bytes = 0;     ///< bytes in that refresh
  std::uint64_t match_gen = 0;      ///< filter generation `matches` was computed for
  bool matches = false;
  bool coarser = false;             ///< a coarser key, made for keys past the bound
};

class TallyTable {
 public:
  enum class Overflow { kOverflowToOther, kFoldColdest };

  TallyTable(std::size_t max_keys, std::size_t max_bytes, Overflow overflow)
      : max_keys_(max_keys < 2 ? 2 : max_keys), max_bytes_(max_bytes), overflow_(overflow) {}
  TallyTable(const TallyTable&) = delete;
  TallyTable& operator=(const TallyTable&) = delete;
  // The nodes, and so the entries handed out, move with the chunks; the source is left empty.
  TallyTable(TallyTable&& o) noexcept;
  TallyTable& operator=(TallyTable&& o) noexcept;

  /// The entry of key (created when there is room, else "[other]").
  TallyEntry& entry(std::string_view encoded_key);
  /// The "[other]" entry (created on first use).
  TallyEntry& other();
  /// Whether e is the "[other]" entry or a coarser key made past the bound
  /// (a traced name may read "[other]" too).
  bool is_other(const TallyEntry& e) const { return e.coarser || (other_ != nullptr && &e == &other_->entry); }
  /// The next coarser key of encoded_key into out (its file folded, then its
  /// process, thread name and container); false when only "[other]" is left.
  /// out is cleared first and must not be the string encoded_key views.
  static bool coarser_key(std::string_view encoded_key, std::string& out);

  /// f(encoded key, entry) for every entry, in the order they came.
  template <class F>
  void for_each(F&& f) {
    for (std::size_t i = 0; i < used_; ++i) f(std::string_view(node(i).key), node(i).entry);
  }
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < used_; ++i) f(std::string_view(node(i).key), std::as_const(node(i).entry));
  }

  std::size_t size() const { return used_; }
  std::size_t bytes() const { return bytes_; }
  /// Keys folded (kFoldColdest) or turned away (kOverflowToOther) into "[other]".
  std::uint64_t keys_to_other() const { return keys_to_other_; }
  /// Empties the table; keeps its slots and nodes.
  void clear();

  /// What a key of key_size bytes costs: its node, two slots, its bytes.
  static std::size_t entry_bytes(std::size_t key_size);
  static std::string other_key();

 private:
  struct Node {
    std::uint64_t hash = 0;
    std::string key;
    TallyEntry entry;
  };
  struct Slot {
    std::uint64_t hash = 0;
    Node* node = nullptr;  // null: empty
  };
  static constexpr std::size_t kChunkNodes = 64;

  Node& node(std::size_t i) { return chunks_[i / kChunkNodes][i % kChunkNodes]; }
  const Node& node(std::size_t i) const { return chunks_[i / kChunkNodes][i % kChunkNodes]; }
  Node* find(std::uint64_t hash, std::string_view key) const;
  TallyEntry& insert(std::uint64_t hash, std::string_view key);
  void place(Node* n);
  void grow_slots();
  bool full(std::size_t key_size) const {
    return used_ + 1 >= max_keys_ || bytes_ + entry_bytes(key_size) > max_bytes_;
  }
  /// The reserve of coarser keys: the first step may take half of it, so
  /// that the second (fewer keys, for more) still finds room.
  bool reserve_full(std::size_t key_size, bool first_step) const {
    const std::size_t keys = first_step ? max_keys_ / 16 : max_keys_ / 8;
    const std::size_t bytes = first_step ? max_bytes_ / 16 : max_bytes_ / 8;
    return used_ + 1 >= max_keys_ + keys || bytes_ + entry_bytes(key_size) > max_bytes_ + bytes;
  }
  /// The entry a key past the bound is tallied under (a coarser key, else
  /// "[other]"); counts the key as folded.
  TallyEntry& past_bound(std::string_view encoded_key);
  static bool key_is_second_step(std::string_view encoded_key);
  /// The entry of a coarser key, or of a coarser one still where the
  /// reserve has no room for it, or "[other]".
  TallyEntry& coarse_home(std::string_view coarse);
  void fold_coldest();
  void forget() noexcept;

  std::size_t max_keys_;
  std::size_t max_bytes_;
  Overflow overflow_;
  std::string coarser_[3];   // scratch for coarser keys (no allocation per row)
  std::vector<Slot> slots_;  // a power of two, at most half used
  std::vector<std::unique_ptr<Node[]>> chunks_;
  std::size_t used_ = 0;     // nodes [0, used_) are the entries
  std::size_t bytes_ = 0;
  std::uint64_t keys_to_other_ = 0;
  Node* other_ = nullptr;    // the "[other]" node once made
};

}  // namespace ior::live
