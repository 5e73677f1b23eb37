#include "live/tally_table.hpp"

#include <algorithm>
#include <vector>

namespace ior::live {

std::size_t TallyTable::entry_bytes(std::size_t key_size) {
  // node (next pointer, key string, entry, cached hash), bucket pointer,
  // malloc headers of the node and of the key's bytes
  return key_size + sizeof(TallyEntry) + 96;
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

TallyEntry& TallyTable::insert(std::string_view encoded_key) {
  auto [it, inserted] = map_.try_emplace(std::string(encoded_key));
  if (inserted) {
    it->second.key = decode_key(it->first);
    bytes_ += entry_bytes(it->first.size());
  }
  return it->second;
}

TallyEntry& TallyTable::other() {
  // kept: past the bound every new key's row lands here, at the cost of a
  // pointer instead of a key built and hashed
  if (other_ == nullptr) {
    static const std::string key = other_key();
    other_ = &insert(key);
  }
  return *other_;
}

TallyEntry& TallyTable::entry(std::string_view encoded_key) {
  if (auto it = map_.find(encoded_key); it != map_.end()) return it->second;
  const bool full = map_.size() + 1 >= max_keys_ || bytes_ + entry_bytes(encoded_key.size()) > max_bytes_;
  if (full) {
    if (overflow_ == Overflow::kOverflowToOther) {
      ++keys_to_other_;
      return other();
    }
    fold_coldest();
    if (map_.size() + 1 >= max_keys_ || bytes_ + entry_bytes(encoded_key.size()) > max_bytes_) {
      ++keys_to_other_;
      return other();
    }
  }
  return insert(encoded_key);
}

void TallyTable::fold_coldest() {
  static const std::string okey = other_key();
  std::vector<std::pair<std::uint64_t, const std::string*>> order;
  order.reserve(map_.size());
  for (const auto& [k, e] : map_) {
    if (k != okey) order.emplace_back(e.tally.calls, &k);
  }
  if (order.empty()) return;
  const std::size_t half = order.size() / 2 + 1;
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min(half, order.size()) - 1),
                   order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Tally folded;
  std::vector<std::string> gone;
  gone.reserve(half);
  for (std::size_t i = 0; i < half && i < order.size(); ++i) gone.push_back(*order[i].second);
  for (const auto& k : gone) {
    auto it = map_.find(k);
    folded.merge(it->second.tally);
    bytes_ -= entry_bytes(k.size());
    map_.erase(it);
    ++keys_to_other_;
  }
  other().tally.merge(folded);
}

void TallyTable::clear() {
  other_ = nullptr;
  map_.clear();
  bytes_ = 0;
  keys_to_other_ = 0;
}

}  // namespace ior::live
