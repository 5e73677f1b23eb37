#include "parquet/encoding/dictionary.hpp"

#include "parquet/encoding/plain.hpp"

namespace ior::parquet::encoding {

bool Dictionary::add(std::string_view v) {
  // Runs of one value (a host name, a busy thread's syscall) skip the hash.
  if (!indices_.empty() && v == last_) {
    indices_.push_back(indices_.back());
    return true;
  }
  last_ = v;
  auto [it, inserted] = ids_.try_emplace(v, static_cast<std::uint32_t>(ids_.size()));
  if (inserted) {
    values_.push_back(v);
    plain_byte_array(page_, v);
    if (page_.size() > limit_) return false;
  }
  indices_.push_back(it->second);
  return true;
}

void Dictionary::reset() {
  last_ = {};
  ids_.clear();
  values_.clear();
  page_.clear();
  indices_.clear();
}

}  // namespace ior::parquet::encoding
