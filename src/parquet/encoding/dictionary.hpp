#pragma once
// Dictionary encoding of byte-array values: distinct values in first-seen
// order (the dictionary page, PLAIN) and one index per value (RLE_DICTIONARY
// data pages). Gives up, so the caller falls back to PLAIN, once the
// dictionary's PLAIN size would exceed a limit.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ior::parquet::encoding {

class Dictionary {
 public:
  explicit Dictionary(std::size_t limit_bytes) : limit_(limit_bytes) {}

  /// Adds one value; false when the dictionary grew past the limit (the
  /// dictionary is then unusable until reset()). Views must outlive the build.
  bool add(std::string_view v);
  void reset();

  const std::string& plain_page() const { return page_; }  ///< PLAIN-encoded values
  const std::vector<std::uint32_t>& indices() const { return indices_; }
  /// The distinct values in first-seen order (index order).
  const std::vector<std::string_view>& values() const { return values_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(ids_.size()); }

 private:
  std::size_t limit_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  std::string page_;
  std::vector<std::uint32_t> indices_;
  std::vector<std::string_view> values_;
  std::string_view last_;
};

}  // namespace ior::parquet::encoding
