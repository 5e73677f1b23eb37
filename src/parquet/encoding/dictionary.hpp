#pragma once
// Dictionary encoding of byte-array values: distinct values in first-seen
// order (the dictionary page, PLAIN) and one index per value (RLE_DICTIONARY
// data pages). Refuses a value, so the caller falls back to PLAIN, once the
// dictionary's PLAIN size would exceed a limit.
//
// Values are copied into the dictionary page itself; an open-addressing
// table of ids finds them again. Appending a value already present copies
// nothing and allocates nothing once the vectors have grown.

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
  /// Forgets every value and index (keeps the memory).
  void reset();

  const std::string& plain_page() const { return page_; }  ///< PLAIN-encoded values
  const std::vector<std::uint32_t>& indices() const { return indices_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(begins_.size()); }
  /// The value with index id.
  std::string_view value(std::uint32_t id) const {
    return std::string_view(page_.data() + begins_[id], lengths_[id]);
  }
  /// Smallest and largest value (bytes compared unsigned); empty when size() == 0.
  std::string_view min() const { return size() ? value(min_id_) : std::string_view(); }
  std::string_view max() const { return size() ? value(max_id_) : std::string_view(); }

 private:
  std::uint64_t hash(std::string_view v) const;
  std::uint32_t insert(std::string_view v, std::uint64_t h);
  void grow();

  std::size_t limit_;
  std::uint64_t seed_;
  std::string page_;                    // PLAIN: 4-byte length + bytes, per value
  std::vector<std::uint32_t> begins_;   // id -> offset of the value's bytes in page_
  std::vector<std::uint32_t> lengths_;  // id -> length
  std::vector<std::uint32_t> hashes_;   // id -> upper hash bits, to skip most byte compares
  std::vector<std::uint32_t> slots_;    // open addressing: id + 1, 0 = empty
  std::vector<std::uint32_t> indices_;
  std::uint32_t last_id_ = 0;           // id of the previous value (runs skip the table)
  std::uint32_t min_id_ = 0, max_id_ = 0;
};

}  // namespace ior::parquet::encoding
