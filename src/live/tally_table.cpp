#include "live/tally_table.hpp"

#include <algorithm>
#include <map>

#include "base/keyed_hash.hpp"

namespace ior::live {
namespace {

// Keys whose bytes outgrew this are given back at clear(): a reused node
// keeps its key's capacity, which the byte bound does not see.
constexpr std::size_t kKeptKeyCapacity = 256;

}  // namespace

TallyTable::TallyTable(TallyTable&& o) noexcept
    : max_keys_(o.max_keys_),
      max_bytes_(o.max_bytes_),
      overflow_(o.overflow_),
      slots_(std::move(o.slots_)),
      chunks_(std::move(o.chunks_)),
      used_(o.used_),
      bytes_(o.bytes_),
      keys_to_other_(o.keys_to_other_),
      other_(o.other_) {
  o.forget();
}

TallyTable& TallyTable::operator=(TallyTable&& o) noexcept {
  max_keys_ = o.max_keys_;
  max_bytes_ = o.max_bytes_;
  overflow_ = o.overflow_;
  slots_ = std::move(o.slots_);
  chunks_ = std::move(o.chunks_);
  used_ = o.used_;
  bytes_ = o.bytes_;
  keys_to_other_ = o.keys_to_other_;
  other_ = o.other_;
  o.forget();
  return *this;
}

void TallyTable::forget() noexcept {
  slots_.clear();
  chunks_.clear();
  used_ = 0;
  bytes_ = 0;
  keys_to_other_ = 0;
  other_ = nullptr;
}

std::size_t TallyTable::entry_bytes(std::size_t key_size) {
  // the node, two slots (at most half are used), the key's bytes and their malloc header
  return key_size + sizeof(Node) + 2 * sizeof(Slot) + 16;
}

std::string TallyTable::other_key() {
  std::string k;
  ActivityKey o;
  o.comm = kOther;
  o.syscall = kOther;
  o.file = kOther;
  encode_key(k, o);
  return k;
}

TallyTable::Node* TallyTable::find(std::uint64_t hash, std::string_view key) const {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.node == nullptr) return nullptr;
    if (s.hash == hash && s.node->key == key) return s.node;
  }
}

void TallyTable::place(Node* n) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = n->hash & mask;
  while (slots_[i].node != nullptr) i = (i + 1) & mask;
  slots_[i] = Slot{n->hash, n};
}

void TallyTable::grow_slots() {
  const std::size_t size = slots_.empty() ? 256 : 2 * slots_.size();
  slots_.assign(size, Slot{});
  for (std::size_t i = 0; i < used_; ++i) place(&node(i));
}

TallyEntry& TallyTable::insert(std::uint64_t hash, std::string_view key) {
  if (2 * (used_ + 1) > slots_.size()) grow_slots();
  if (used_ == chunks_.size() * kChunkNodes) chunks_.push_back(std::make_unique<Node[]>(kChunkNodes));
  Node& n = node(used_);
  n.hash = hash;
  n.key.assign(key);
  n.entry = TallyEntry{};
  n.entry.key = decode_key(n.key);
  ++used_;
  bytes_ += entry_bytes(key.size());
  place(&n);
  return n.entry;
}

TallyEntry& TallyTable::other() {
  // kept: past the bound every new key's row lands here, at the cost of a
  // pointer instead of a key built and hashed
  if (other_ == nullptr) {
    static const std::string key = other_key();
    const std::uint64_t hash = keyed_hash(key);
    if (Node* n = find(hash, key)) {
      other_ = n;
    } else {
      insert(hash, key);
      other_ = &node(used_ - 1);
    }
  }
  return other_->entry;
}

bool TallyTable::coarser_key(std::string_view encoded_key, std::string& out) {
  ActivityKey k = decode_key(encoded_key);
  if (!encoded_key.ends_with(kFoldedFile)) {
    k.file = kFoldedFile;
  } else if (k.pid != 0 || k.comm != kOther || k.container != kOther) {
    k.pid = 0;
    k.comm = kOther;
    k.container = kOther;
    k.file = kFoldedFile;
  } else {
    return false;
  }
  encode_key(out, k);  // k views encoded_key: out must be another string
  return true;
}

// A second-step key: pid 0 and the folded file (no traced process is pid 0).
bool TallyTable::key_is_second_step(std::string_view encoded_key) {
  return encoded_key.ends_with(kFoldedFile) && decode_key(encoded_key).pid == 0;
}

TallyEntry& TallyTable::past_bound(std::string_view encoded_key) {
  ++keys_to_other_;
  // coarse_home's scratch strings are the other two: encoded_key may view
  // neither of them.
  if (!coarser_key(encoded_key, coarser_[2])) return other();
  return coarse_home(coarser_[2]);
}

TallyEntry& TallyTable::entry(std::string_view encoded_key) {
  const std::uint64_t hash = keyed_hash(encoded_key);
  if (Node* n = find(hash, encoded_key)) return n->entry;
  if (full(encoded_key.size())) {
    if (overflow_ == Overflow::kOverflowToOther) return past_bound(encoded_key);
    fold_coldest();
    if (full(encoded_key.size())) return past_bound(encoded_key);
  }
  return insert(hash, encoded_key);
}

void TallyTable::fold_coldest() {
  other();  // first: it must not be among the keys folded
  std::vector<std::pair<std::uint64_t, std::size_t>> order;  // calls, node
  order.reserve(used_);
  for (std::size_t i = 0; i < used_; ++i) {
    // "[other]" and the second-step keys (bounded by the reserve) stay:
    // folding them would lose the syscall and errno they keep.
    if (&node(i) != other_ && !key_is_second_step(node(i).key)) order.emplace_back(node(i).entry.tally.calls, i);
  }
  if (order.empty()) return;
  const std::size_t half = std::min(order.size() / 2 + 1, order.size());
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(half - 1), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<bool> gone(used_, false);
  // Each folded key's tally goes to its coarser key, placed once the
  // survivors have moved down.
  std::map<std::string, Tally> folded;
  std::string coarse;
  for (std::size_t k = 0; k < half; ++k) {
    Node& n = node(order[k].second);
    if (!coarser_key(n.key, coarse)) coarse = other_->key;
    folded[coarse].merge(n.entry.tally);
    bytes_ -= entry_bytes(n.key.size());
    gone[order[k].second] = true;
    ++keys_to_other_;
  }
  // The survivors move down in their order; their key views follow their
  // bytes (a short key lives inside the string object).
  std::size_t kept = 0;
  for (std::size_t i = 0; i < used_; ++i) {
    if (gone[i]) continue;
    Node& from = node(i);
    if (kept != i) {
      Node& to = node(kept);
      const bool was_other = &from == other_;
      to.hash = from.hash;
      to.key.swap(from.key);
      to.entry = from.entry;
      to.entry.key = decode_key(to.key);
      if (was_other) other_ = &to;
    }
    ++kept;
  }
  for (std::size_t i = kept; i < used_; ++i) {
    if (node(i).key.capacity() > kKeptKeyCapacity) std::string().swap(node(i).key);
  }
  used_ = kept;
  slots_.assign(slots_.size(), Slot{});
  for (std::size_t i = 0; i < used_; ++i) place(&node(i));
  for (const auto& [key, tally] : folded) coarse_home(key).tally.merge(tally);
}

TallyEntry& TallyTable::coarse_home(std::string_view coarse) {
  std::string_view key = coarse;
  for (int step = 0;; ++step) {
    const std::uint64_t hash = keyed_hash(key);
    if (Node* n = find(hash, key)) return n->entry;
    if (!reserve_full(key.size(), !key_is_second_step(key))) {
      TallyEntry& e = insert(hash, key);
      e.coarser = true;
      return e;
    }
    if (!coarser_key(key, coarser_[step % 2])) return other();
    key = coarser_[step % 2];
  }
}

void TallyTable::clear() {
  for (std::size_t i = 0; i < used_; ++i) {
    if (node(i).key.capacity() > kKeptKeyCapacity) std::string().swap(node(i).key);
  }
  other_ = nullptr;
  used_ = 0;
  bytes_ = 0;
  keys_to_other_ = 0;
  if (!slots_.empty()) slots_.assign(slots_.size(), Slot{});
}

}  // namespace ior::live
