#include "parquet/encoding/dictionary.hpp"

#include "parquet/encoding/plain.hpp"

namespace ior::parquet::encoding {

bool Dictionary::add(std::string_view v) {
  auto [it, inserted] = ids_.try_emplace(v, static_cast<std::uint32_t>(ids_.size()));
  if (inserted) {
    plain_byte_array(page_, v);
    if (page_.size() > limit_) return false;
  }
  indices_.push_back(it->second);
  return true;
}

void Dictionary::reset() {
  ids_.clear();
  page_.clear();
  indices_.clear();
}

}  // namespace ior::parquet::encoding
