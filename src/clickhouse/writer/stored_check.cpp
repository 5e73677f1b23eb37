#include "clickhouse/writer/stored_check.hpp"

#include <algorithm>
#include <map>

#include "base/error.hpp"
#include "clickhouse/columns/fixed_column.hpp"

namespace ior::clickhouse::writer {

StoredCheck::StoredCheck(const columns::Block& block, std::size_t keys_per_query) {
  const auto& ts = columns::column_as<columns::UInt64Column>(block.column("timestamp_ns"));
  const auto& tid = columns::column_as<columns::UInt32Column>(block.column("tid"));
  const auto& id = columns::column_as<columns::UuidColumn>(block.column("collection_id"));
  rows_ = block.rows();
  keys_per_query = std::max<std::size_t>(keys_per_query, 1);
  // A run writes one collection id, but a batch is not asked to have one.
  std::map<std::string, std::map<Key, std::uint32_t>> by_id;
  for (std::size_t i = 0; i < rows_; ++i) ++by_id[id.at(i).text()][Key{tid.at(i), ts.at(i)}];
  for (auto& [collection, keys] : by_id) {
    // Slices of neighbouring times (sorted by timestamp) keep each query's
    // time range, which the server prunes with, narrow.
    std::vector<Wanted> all;
    all.reserve(keys.size());
    for (const auto& [key, times] : keys) all.push_back({key, times, 0});
    std::sort(all.begin(), all.end(), [](const Wanted& a, const Wanted& b) {
      return std::pair(a.key.second, a.key.first) < std::pair(b.key.second, b.key.first);
    });
    for (std::size_t at = 0; at < all.size(); at += keys_per_query) {
      Slice s;
      s.collection_id = collection;
      s.keys.assign(all.begin() + static_cast<std::ptrdiff_t>(at),
                    all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), at + keys_per_query)));
      std::sort(s.keys.begin(), s.keys.end(), [](const Wanted& a, const Wanted& b) { return a.key < b.key; });
      slices_.push_back(std::move(s));
    }
  }
}

std::string StoredCheck::query(std::size_t i, const std::string& table) const {
  const Slice& s = slices_.at(i);
  std::uint64_t lo = s.keys.front().key.second;
  std::uint64_t hi = lo;
  std::string tuples;
  for (const auto& w : s.keys) {
    lo = std::min(lo, w.key.second);
    hi = std::max(hi, w.key.second);
    if (!tuples.empty()) tuples += ", ";
    tuples += "(" + std::to_string(w.key.first) + ", " + std::to_string(w.key.second) + ")";
  }
  // "IN ((a, b))" would read as the tuple (a, b), not a set of one tuple.
  if (s.keys.size() == 1) tuples += ", " + tuples;
  return "SELECT tid, timestamp_ns, count() FROM " + table + " WHERE collection_id = toUUID('" + s.collection_id +
         "') AND timestamp_ns BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi) +
         " AND (tid, timestamp_ns) IN (" + tuples + ") GROUP BY tid, timestamp_ns";
}

void StoredCheck::count(std::size_t i, const columns::Block& result) {
  if (result.rows() == 0) return;
  if (result.column_count() != 3) throw Error("clickhouse: the stored-rows check got " +
                                              std::to_string(result.column_count()) + " columns, not 3");
  Slice& s = slices_.at(i);
  const auto& tid = columns::column_as<columns::UInt32Column>(*result.at(0).column);
  const auto& ts = columns::column_as<columns::UInt64Column>(*result.at(1).column);
  const auto& n = columns::column_as<columns::UInt64Column>(*result.at(2).column);
  for (std::size_t r = 0; r < result.rows(); ++r) {
    const Key key{tid.at(r), ts.at(r)};
    auto it = std::lower_bound(s.keys.begin(), s.keys.end(), key,
                               [](const Wanted& w, const Key& k) { return w.key < k; });
    if (it == s.keys.end() || it->key != key) continue;  // not asked for: cannot count
    const std::uint64_t before = std::min<std::uint64_t>(it->found, it->times);
    it->found += n.at(r);
    found_ += std::min<std::uint64_t>(it->found, it->times) - before;
  }
}

StoredRows StoredCheck::verdict() const {
  if (found_ == 0) return StoredRows::kNone;
  return found_ >= rows_ ? StoredRows::kAll : StoredRows::kSome;
}

}  // namespace ior::clickhouse::writer
