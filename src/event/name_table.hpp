#pragma once
// File names of the fd table, each stored once however many fds, dups and
// forked copies refer to it. A SharedName is a counted reference; the last
// one to go frees the name. A process that dups a 4 KiB path a thousand
// times and forks costs one copy of the path, not a copy per fd.
//
// The table also knows which directories hold a stored name at any depth,
// so that the rename of a directory finds in one lookup whether any fd or
// cwd lies below it: each directory counts the stored names and the
// directories it holds right inside it. A directory left empty stays (idle)
// until idle ones outnumber the stored names, so that a file opened and closed in
// a loop costs one lookup of its directory per open, not a walk to the root
// and back; an idle one only makes a rename of it look for names below it
// in vain.
//
// Single-threaded (the pipeline thread); the table must outlive every
// SharedName it handed out. Lookups hash with the per-process key
// (base/keyed_hash.hpp): the names come from traced users.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ior::event {

class NameTable;

class SharedName {
 public:
  SharedName() = default;
  SharedName(const SharedName& o) noexcept : node_(o.node_) { retain(); }
  SharedName(SharedName&& o) noexcept : node_(std::exchange(o.node_, nullptr)) {}
  SharedName& operator=(SharedName o) noexcept {
    std::swap(node_, o.node_);
    return *this;
  }
  ~SharedName() { release(); }

  std::string_view view() const noexcept;
  operator std::string_view() const noexcept { return view(); }  // NOLINT: a name reads as text
  bool empty() const noexcept { return view().empty(); }
  /// Whether both refer to the one stored name (a pointer compare).
  bool same(const SharedName& o) const noexcept { return node_ != nullptr && node_ == o.node_; }

  struct Node;  // opaque: the text and its reference count

 private:
  friend class NameTable;
  explicit SharedName(Node* n) noexcept : node_(n) { retain(); }
  void retain() noexcept;
  void release() noexcept;

  Node* node_ = nullptr;
};

class NameTable {
 public:
  NameTable() = default;
  ~NameTable();
  NameTable(const NameTable&) = delete;
  NameTable& operator=(const NameTable&) = delete;

  /// The stored name equal to text, stored now when new.
  SharedName intern(std::string_view text);
  /// The stored name equal to text; empty when no one holds that name.
  SharedName find(std::string_view text) const;
  /// Whether a stored absolute name lies below dir ("dir/..." at any depth).
  /// dir: a clean absolute path. Rarely true when none does (two
  /// directories with one 64-bit keyed hash), never false when one does.
  bool holds_below(std::string_view dir) const;

  std::size_t count() const { return nodes_.size(); }
  /// Estimated heap bytes of the stored names (text, header, set slot).
  std::size_t bytes() const { return bytes_; }
  /// Estimated cost of storing a new name of this size.
  static std::size_t cost(std::size_t size);

 private:
  friend class SharedName;
  /// A lookup key hashed once, for both the lookup and the new node.
  struct Probe {
    std::string_view text;
    std::uint64_t hash;
  };
  struct NodeHash {
    using is_transparent = void;
    std::size_t operator()(const SharedName::Node* n) const noexcept;
    std::size_t operator()(const Probe& p) const noexcept { return p.hash; }
  };
  struct NodeEq {
    using is_transparent = void;
    bool operator()(const SharedName::Node* a, const SharedName::Node* b) const noexcept { return a == b; }
    bool operator()(const Probe& a, const SharedName::Node* b) const noexcept;
    bool operator()(const SharedName::Node* a, const Probe& b) const noexcept { return (*this)(b, a); }
  };
  void erase(SharedName::Node* n) noexcept;
  struct DirCount {
    std::uint32_t count = 0;   ///< stored names and directories of dirs_ right inside it; 0: idle
    std::uint64_t parent = 0;  ///< dirs_ key of its own directory, 0 for one in "/"
  };
  /// Counts the absolute name path in its directory, adding each directory
  /// new to dirs_ to its own; the directory's key, 0 when not counted.
  std::uint64_t count_in_dir(std::string_view path);
  void uncount_in_dir(std::uint64_t dir) noexcept;
  /// Forgets idle directories, and parents they leave idle.
  void sweep_idle_dirs() noexcept;

  std::unordered_set<SharedName::Node*, NodeHash, NodeEq> nodes_;
  std::unordered_map<std::uint64_t, DirCount> dirs_;  ///< keyed hash of a directory (never 0) -> its count
  std::size_t idle_dirs_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace ior::event
