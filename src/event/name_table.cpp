#include "event/name_table.hpp"

#include <cstring>
#include <new>

#include "base/keyed_hash.hpp"
#include "event/lexical_path.hpp"

namespace ior::event {

// The text follows the header in the same allocation.
struct SharedName::Node {
  NameTable* owner;
  std::uint64_t hash;
  std::uint32_t refs;
  std::uint32_t size;
  std::uint64_t dir;  // the dirs_ key of its directory, 0 when not counted
  const char* text() const { return reinterpret_cast<const char*>(this + 1); }
  char* text() { return reinterpret_cast<char*>(this + 1); }
};

namespace {

// Set node (next pointer, value, cached hash) plus its bucket pointer and
// malloc's own header: what storing one more name costs besides its text.
constexpr std::size_t kOverhead = sizeof(SharedName::Node) + 3 * sizeof(void*) + 2 * sizeof(void*);
// A directory in dirs_: its map node (next pointer, key, count and parent,
// cached hash), bucket pointer and malloc's header.
constexpr std::size_t kDirOverhead = 64;
// Idle directories are swept when there are more than this many and more
// than stored names: the sweep's cost is then shared by as many releases,
// and what idle ones hold (each may keep its parents in use) is bounded by
// what the names in use hold.
constexpr std::size_t kIdleDirsSwept = 1024;

std::uint64_t dir_key(std::string_view dir) { return ior::keyed_hash(dir) | 1; }

}  // namespace

std::string_view SharedName::view() const noexcept {
  return node_ == nullptr ? std::string_view() : std::string_view(node_->text(), node_->size);
}

void SharedName::retain() noexcept {
  if (node_ != nullptr) ++node_->refs;
}

void SharedName::release() noexcept {
  if (node_ != nullptr && --node_->refs == 0) node_->owner->erase(node_);
  node_ = nullptr;
}

std::size_t NameTable::NodeHash::operator()(const SharedName::Node* n) const noexcept { return n->hash; }

bool NameTable::NodeEq::operator()(const Probe& a, const SharedName::Node* b) const noexcept {
  return a.hash == b->hash && a.text.size() == b->size &&
         (b->size == 0 || std::memcmp(a.text.data(), b->text(), b->size) == 0);
}

std::size_t NameTable::cost(std::size_t size) { return size + kOverhead; }

NameTable::~NameTable() {
  // Every SharedName should be gone; whatever is left is freed, and a
  // reference still held would dangle, so none may outlive the table.
  for (SharedName::Node* n : nodes_) ::operator delete(n);
}

SharedName NameTable::intern(std::string_view text) {
  const Probe probe{text, keyed_hash(text)};
  if (auto it = nodes_.find(probe); it != nodes_.end()) return SharedName(*it);
  void* mem = ::operator new(sizeof(SharedName::Node) + text.size());
  auto* n = new (mem) SharedName::Node{this, probe.hash, 0, static_cast<std::uint32_t>(text.size()), 0};
  if (!text.empty()) std::memcpy(n->text(), text.data(), text.size());
  try {
    n->dir = count_in_dir(text);
  } catch (...) {  // counted in part: a directory may answer holds_below too often, never too rarely
    ::operator delete(mem);
    throw;
  }
  try {
    nodes_.insert(n);
  } catch (...) {
    uncount_in_dir(n->dir);
    ::operator delete(mem);
    throw;
  }
  bytes_ += cost(text.size());
  return SharedName(n);
}

SharedName NameTable::find(std::string_view text) const {
  const Probe probe{text, keyed_hash(text)};
  auto it = nodes_.find(probe);
  return it != nodes_.end() ? SharedName(*it) : SharedName();
}

bool NameTable::holds_below(std::string_view dir) const {
  return !dirs_.empty() && dirs_.contains(dir_key(dir));
}

std::uint64_t NameTable::count_in_dir(std::string_view path) {
  if (path.empty() || path.front() != '/') return 0;  // pipe:[N], memfd:NAME, a relative name kept as passed
  // The root holds everything and is never renamed: it is not counted.
  std::string_view dir = parent_of(path);
  if (dir == "/") return 0;
  const std::uint64_t key = dir_key(dir);
  for (std::uint64_t k = key; k != 0;) {
    auto [it, added] = dirs_.try_emplace(k);
    if (!added) {
      if (it->second.count++ == 0) --idle_dirs_;
      break;
    }
    bytes_ += kDirOverhead;
    it->second.count = 1;
    dir = parent_of(dir);
    it->second.parent = dir == "/" ? 0 : dir_key(dir);
    k = it->second.parent;
  }
  return key;
}

void NameTable::uncount_in_dir(std::uint64_t dir) noexcept {
  if (dir == 0) return;
  auto it = dirs_.find(dir);
  if (it == dirs_.end() || it->second.count == 0 || --it->second.count != 0) return;
  ++idle_dirs_;
  if (idle_dirs_ > kIdleDirsSwept && idle_dirs_ > nodes_.size()) sweep_idle_dirs();
}

void NameTable::sweep_idle_dirs() noexcept {
  // A directory swept leaves its parent one directory fewer: a parent left
  // idle goes in the next round (at most one round per level of depth).
  while (idle_dirs_ > 0) {
    for (auto it = dirs_.begin(); it != dirs_.end();) {
      if (it->second.count != 0) {
        ++it;
        continue;
      }
      const std::uint64_t parent = it->second.parent;
      it = dirs_.erase(it);
      --idle_dirs_;
      bytes_ -= kDirOverhead;
      if (auto p = dirs_.find(parent); parent != 0 && p != dirs_.end() && p->second.count != 0 &&
                                       --p->second.count == 0) {
        ++idle_dirs_;
      }
    }
  }
}

void NameTable::erase(SharedName::Node* n) noexcept {
  uncount_in_dir(n->dir);
  nodes_.erase(n);
  if (nodes_.empty() && !dirs_.empty()) {  // nothing left below any of them
    bytes_ -= dirs_.size() * kDirOverhead;
    dirs_.clear();
    idle_dirs_ = 0;
  }
  bytes_ -= cost(n->size);
  ::operator delete(n);
}

}  // namespace ior::event
