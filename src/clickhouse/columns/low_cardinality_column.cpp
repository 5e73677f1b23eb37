#include "clickhouse/columns/low_cardinality_column.hpp"

#include <cstring>

#include "base/error.hpp"

namespace ior::clickhouse::columns {
namespace {

constexpr std::uint64_t kKeysWithEachBlock = 1;  // "shared dictionaries with additional keys"
constexpr std::uint64_t kIndexWidthMask = 0xff;
constexpr std::uint64_t kNeedGlobalDictionary = 1u << 8;
constexpr std::uint64_t kHasAdditionalKeys = 1u << 9;
constexpr std::uint64_t kNeedUpdateDictionary = 1u << 10;

TypePtr string_type() {
  static const TypePtr t = parse_type("String");
  return t;
}

}  // namespace

LowCardinalityColumn::LowCardinalityColumn(TypePtr type)
    : Column(std::move(type)),
      nullable_(this->type().nested->kind == TypeKind::kNullable),
      keys_(string_type()) {
  start_dictionary();
}

void LowCardinalityColumn::start_dictionary() {
  keys_.clear();
  lookup_.clear();
  // Index 0 is the NULL placeholder (Nullable) or the default value, which
  // is where ClickHouse's own dictionaries keep them.
  keys_.append("");
  if (nullable_) keys_.append("");
  lookup_.emplace("", nullable_ ? 1u : 0u);
  last_value_.clear();
  last_index_ = nullable_ ? 1u : 0u;
}

void LowCardinalityColumn::append(std::string_view v) {
  if (v == last_value_) {
    indexes_.push_back(last_index_);
    return;
  }
  auto it = lookup_.find(v);
  std::uint32_t index;
  if (it != lookup_.end()) {
    index = it->second;
  } else {
    index = static_cast<std::uint32_t>(keys_.size());
    keys_.append(v);
    lookup_.emplace(std::string(v), index);
  }
  indexes_.push_back(index);
  last_value_.assign(v);
  last_index_ = index;
}

void LowCardinalityColumn::append_null() {
  if (!nullable_) throw Error("clickhouse: NULL appended to a " + type().name + " column");
  indexes_.push_back(0);
}

void LowCardinalityColumn::clear() {
  indexes_.clear();
  start_dictionary();
}

void LowCardinalityColumn::write_prefix(wire::WireWriter& out) const { out.fixed<std::uint64_t>(kKeysWithEachBlock); }

void LowCardinalityColumn::write(wire::WireWriter& out) const {
  std::size_t n = keys_.size();
  std::uint64_t width = n <= 0x100 ? 0 : n <= 0x10000 ? 1 : 2;
  out.fixed<std::uint64_t>(width | kHasAdditionalKeys | kNeedUpdateDictionary);
  out.fixed<std::uint64_t>(n);
  keys_.write(out);
  out.fixed<std::uint64_t>(indexes_.size());
  std::string& buf = out.buffer();
  std::size_t at = buf.size();
  buf.resize(at + indexes_.size() * (std::size_t{1} << width));
  char* p = buf.data() + at;
  switch (width) {
    case 0:
      for (auto i : indexes_) *p++ = static_cast<char>(i);
      break;
    case 1:
      for (auto i : indexes_) {
        auto v = static_cast<std::uint16_t>(i);
        std::memcpy(p, &v, 2);
        p += 2;
      }
      break;
    default:
      std::memcpy(p, indexes_.data(), indexes_.size() * 4);
      break;
  }
}

void LowCardinalityColumn::read_prefix(wire::ByteReader& in) {
  auto version = in.fixed<std::uint64_t>();
  if (version != kKeysWithEachBlock) {
    wire::ByteReader::malformed("LowCardinality serialization version " + std::to_string(version));
  }
}

void LowCardinalityColumn::read(wire::ByteReader& in, std::size_t rows, DecodeBudget& budget) {
  // Decoded values go into this column's own dictionary, so blocks read
  // one after another can be appended into one column.
  std::vector<std::uint32_t> remap;
  StringColumn block_keys(string_type());
  bool have_keys = false;
  while (rows > 0) {
    auto flags = in.fixed<std::uint64_t>();
    std::uint64_t width = flags & kIndexWidthMask;
    if (width > 3 || (flags & kNeedGlobalDictionary) ||
        (flags & ~(kIndexWidthMask | kHasAdditionalKeys | kNeedUpdateDictionary | kNeedGlobalDictionary))) {
      wire::ByteReader::malformed("LowCardinality flags " + std::to_string(flags));
    }
    if (flags & kHasAdditionalKeys) {
      auto n = in.fixed<std::uint64_t>();
      block_keys.clear();
      budget.charge(n, 1);
      block_keys.read(in, static_cast<std::size_t>(n), budget);
      remap.clear();
      remap.reserve(block_keys.size());
      for (std::size_t k = 0; k < block_keys.size(); ++k) {
        if (nullable_ && k == 0) {
          remap.push_back(0);
          continue;
        }
        append(block_keys.at(k));  // interns the key; the index it got is the mapping
        remap.push_back(indexes_.back());
        indexes_.pop_back();
      }
      have_keys = true;
    } else if (!have_keys) {
      wire::ByteReader::malformed("LowCardinality granule without keys");
    }
    auto n = in.fixed<std::uint64_t>();
    if (n == 0 || n > rows) wire::ByteReader::malformed("LowCardinality granule of " + std::to_string(n) + " rows");
    budget.charge(n, sizeof(std::uint32_t));
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t idx;
      switch (width) {
        case 0: idx = in.fixed<std::uint8_t>(); break;
        case 1: idx = in.fixed<std::uint16_t>(); break;
        case 2: idx = in.fixed<std::uint32_t>(); break;
        default: idx = in.fixed<std::uint64_t>(); break;
      }
      if (idx >= remap.size()) wire::ByteReader::malformed("LowCardinality index beyond its keys");
      indexes_.push_back(remap[idx]);
    }
    rows -= static_cast<std::size_t>(n);
  }
}

std::string LowCardinalityColumn::text(std::size_t row) const {
  return is_null(row) ? "NULL" : std::string(at(row));
}

}  // namespace ior::clickhouse::columns
