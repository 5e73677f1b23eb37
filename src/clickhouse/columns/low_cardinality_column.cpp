#include "clickhouse/columns/low_cardinality_column.hpp"

#include <cstring>

#include "base/error.hpp"
#include "base/keyed_hash.hpp"

namespace ior::clickhouse::columns {
namespace {

constexpr std::uint64_t kKeysWithEachBlock = 1;  // "shared dictionaries with additional keys"
constexpr std::uint64_t kIndexWidthMask = 0xff;
constexpr std::uint64_t kNeedGlobalDictionary = 1u << 8;
constexpr std::uint64_t kHasAdditionalKeys = 1u << 9;
constexpr std::uint64_t kNeedUpdateDictionary = 1u << 10;

// Length and three bytes: names that differ there (most thread and syscall
// names do) land apart.
std::size_t recent_slot(std::string_view v) {
  if (v.empty()) return 0;
  auto b = [&v](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(v[i])); };
  return (v.size() * 7 + b(0) + b(v.size() / 2) * 3 + b(v.size() - 1) * 5) & 15;
}

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
  key_hashes_.clear();
  slots_.assign(64, 0);
  slot_bits_ = 6;
  // Index 0 is the NULL placeholder (Nullable) or the default value, which
  // is where ClickHouse's own dictionaries keep them.
  if (nullable_) {
    keys_.append("");
    key_hashes_.push_back(0);  // never looked up: NULL has no key
  }
  intern("");
  last_index_ = nullable_ ? 1u : 0u;
  recent_.fill(last_index_);
}

// Fibonacci hashing: the slot comes from the product's high bits, which
// depend on every bit of the hash.
std::size_t slot_of(std::uint64_t h, int bits) {
  return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

void LowCardinalityColumn::grow_slots() {
  slots_.assign(slots_.size() * 2, 0);
  ++slot_bits_;
  std::size_t mask = slots_.size() - 1;
  for (std::size_t k = nullable_ ? 1 : 0; k < keys_.size(); ++k) {
    std::size_t at = slot_of(key_hashes_[k], slot_bits_);
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = static_cast<std::uint32_t>(k + 1);
  }
}

std::uint32_t LowCardinalityColumn::intern(std::string_view v) {
  std::uint64_t h = keyed_hash(v);  // keyed: the values are names traced users choose
  std::size_t mask = slots_.size() - 1;
  std::size_t first = slot_of(h, slot_bits_);
  for (std::size_t at = first;; at = (at + 1) & mask) {
    std::uint32_t slot = slots_[at];
    if (slot == 0) break;
    if (key_hashes_[slot - 1] == h && keys_.view(slot - 1) == v) return slot - 1;
  }
  auto index = static_cast<std::uint32_t>(keys_.size());
  keys_.append(v);
  key_hashes_.push_back(h);
  if (keys_.size() * 2 > slots_.size()) {
    grow_slots();
  } else {
    std::size_t at = first;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = index + 1;
  }
  return index;
}

void LowCardinalityColumn::append(std::string_view v) {
  // Consecutive rows often repeat a value (the same thread, the same host).
  if (keys_.view(last_index_) == v) {
    indexes_.push_back(last_index_);
    return;
  }
  const std::size_t slot = recent_slot(v);
  std::uint32_t index = recent_[slot];
  if (keys_.view(index) != v) {
    index = intern(v);
    recent_[slot] = index;
  }
  indexes_.push_back(index);
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
      block_keys.read(in, static_cast<std::size_t>(n), budget);
      remap.clear();
      remap.reserve(block_keys.size());
      for (std::size_t k = 0; k < block_keys.size(); ++k) {
        if (nullable_ && k == 0) {
          remap.push_back(0);
          continue;
        }
        remap.push_back(intern(block_keys.at(k)));
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
