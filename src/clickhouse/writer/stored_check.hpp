#pragma once
// Whether a batch whose INSERT has an unknown outcome is in the table:
// every row of it, each looked up by its key (collection_id, tid,
// timestamp_ns), not a sample.
//
// A sample cannot prove it. An INSERT into a Distributed table sharded by
// rand() splits every batch over the shards; when one shard fails, the rows
// of the others are stored and its own are not, so the first, middle and
// last rows can all be found on the shard that stored its part while a
// third of the batch is missing (seen: rows lost with "lost 0" after
// killing one shard of two). On one server, too, a batch can be stored in
// part (a block stored before the server refused the rest). Only a count
// of every row's key can call a batch stored.
//
// The keys go into the query text, so a batch is looked up in slices of
// kKeysPerQuery keys (a query of 18.16 may be 256 KiB), each narrowed to its
// time range (the sorting key starts with timestamp_ns). A key is counted
// as many times as the batch has it: a batch with a key twice is stored
// only when the table has it at least twice.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "clickhouse/columns/block.hpp"

namespace ior::clickhouse::writer {

enum class StoredRows { kNone, kSome, kAll };

class StoredCheck {
 public:
  static constexpr std::size_t kKeysPerQuery = 2000;

  /// block: the batch, with collection_id, tid and timestamp_ns columns.
  explicit StoredCheck(const columns::Block& block, std::size_t keys_per_query = kKeysPerQuery);

  std::size_t queries() const { return slices_.size(); }
  /// The i-th query over table: tid, timestamp_ns, count() of the slice's
  /// keys that are in it.
  std::string query(std::size_t i, const std::string& table) const;
  /// Counts one block of the i-th query's result.
  void count(std::size_t i, const columns::Block& result);

  std::size_t rows() const { return rows_; }
  /// Rows of the batch found so far (a key counts at most as often as the
  /// batch has it).
  std::size_t found() const { return found_; }
  StoredRows verdict() const;

 private:
  using Key = std::pair<std::uint32_t, std::uint64_t>;  // tid, timestamp_ns
  struct Wanted {
    Key key;
    std::uint32_t times = 0;  ///< rows of the batch with this key
    std::uint64_t found = 0;
  };
  struct Slice {
    std::string collection_id;   ///< its text form
    std::vector<Wanted> keys;    ///< sorted by key, distinct
  };

  std::vector<Slice> slices_;
  std::size_t rows_ = 0;
  std::size_t found_ = 0;
};

}  // namespace ior::clickhouse::writer
