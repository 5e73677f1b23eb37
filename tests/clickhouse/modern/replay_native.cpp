#include "replay_native.hpp"

#include <charconv>
#include <limits>
#include <map>
#include <stdexcept>

namespace ior::testing::chreplay {
namespace {

// ProtocolDefines.h
constexpr std::uint64_t kCustomSerialization = 54454;
constexpr std::uint64_t kOutOfOrderBuckets = 54480;

constexpr std::uint64_t kLcKeysVersion = 1;            // SharedDictionariesWithAdditionalKeys
constexpr std::uint64_t kLcGlobalDictionary = 1u << 8;  // NeedGlobalDictionaryBit
constexpr std::uint64_t kLcAdditionalKeys = 1u << 9;    // HasAdditionalKeysBit
constexpr std::uint64_t kLcUpdateDictionary = 1u << 10; // NeedUpdateDictionary

constexpr std::size_t kMaxColumns = 1000;
constexpr std::size_t kMaxRows = 10'000'000;

enum class Kind { kUInt, kInt, kString, kUuid, kLowCardinalityString };

struct TypeInfo {
  Kind kind;
  std::size_t width = 0;  // bytes of a fixed-width value
};

TypeInfo type_info(const std::string& t) {
  static const std::map<std::string, TypeInfo> plain = {
      {"UInt8", {Kind::kUInt, 1}},   {"UInt16", {Kind::kUInt, 2}}, {"UInt32", {Kind::kUInt, 4}},
      {"UInt64", {Kind::kUInt, 8}},  {"Int8", {Kind::kInt, 1}},    {"Int16", {Kind::kInt, 2}},
      {"Int32", {Kind::kInt, 4}},    {"Int64", {Kind::kInt, 8}},   {"String", {Kind::kString}},
      {"UUID", {Kind::kUuid, 16}},   {"DateTime", {Kind::kUInt, 4}}, {"Date", {Kind::kUInt, 2}},
      {"LowCardinality(String)", {Kind::kLowCardinalityString}},
  };
  if (auto it = plain.find(t); it != plain.end()) return it->second;
  if (t.starts_with("DateTime('")) return {Kind::kUInt, 4};
  if (t.starts_with("Enum8(")) return {Kind::kInt, 1};
  if (t.starts_with("Enum16(")) return {Kind::kInt, 2};
  throw Violation("type " + t + " is not one the replay server knows");
}

template <class T>
T parse_number(const std::string& text) {
  T v{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) throw std::invalid_argument("not a number: " + text);
  return v;
}

void write_fixed(Out& out, const TypeInfo& t, const std::string& text) {
  if (t.kind == Kind::kUInt) {
    auto v = parse_number<std::uint64_t>(text);
    if (t.width < 8 && v >> (8 * t.width)) throw std::invalid_argument(text + " does not fit " + std::to_string(t.width) + " bytes");
    out.raw(std::string_view(reinterpret_cast<const char*>(&v), t.width));
  } else {
    auto v = parse_number<std::int64_t>(text);
    if (t.width < 8) {
      std::int64_t lim = std::int64_t{1} << (8 * t.width - 1);
      if (v < -lim || v >= lim) throw std::invalid_argument(text + " does not fit " + std::to_string(t.width) + " bytes");
    }
    out.raw(std::string_view(reinterpret_cast<const char*>(&v), t.width));  // two's complement, little-endian
  }
}

std::string read_fixed(In& in, const TypeInfo& t) {
  std::uint64_t raw = 0;
  in.read(&raw, t.width);
  if (t.kind == Kind::kUInt) return std::to_string(raw);
  int shift = static_cast<int>(64 - 8 * t.width);
  auto v = static_cast<std::int64_t>(raw << shift) >> shift;  // sign-extend
  return std::to_string(v);
}

std::string hex64(std::uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
  return s;
}

void write_uuid(Out& out, const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c != '-') hex += c;
  }
  if (hex.size() != 32) throw std::invalid_argument("not a UUID: " + text);
  out.fixed(std::stoull(hex.substr(0, 16), nullptr, 16));
  out.fixed(std::stoull(hex.substr(16), nullptr, 16));
}

std::string read_uuid(In& in) {
  std::string hex = hex64(in.fixed<std::uint64_t>());  // two statements: the order of reads matters
  hex += hex64(in.fixed<std::uint64_t>());
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

std::size_t index_width(std::size_t keys) {
  if (keys <= 0x100) return 1;
  if (keys <= 0x10000) return 2;
  return keys <= 0x100000000ull ? 4 : 8;
}

void write_low_cardinality(Out& out, const std::vector<std::string>& values) {
  // ColumnUnique keeps the type's default ("") at position 0; the rest in
  // order of first use, as cutAndCompact leaves them.
  std::vector<std::string> keys{""};
  std::map<std::string, std::uint64_t> pos{{"", 0}};
  std::vector<std::uint64_t> positions;
  for (const auto& v : values) {
    auto [it, added] = pos.emplace(v, keys.size());
    if (added) keys.push_back(v);
    positions.push_back(it->second);
  }
  std::size_t width = index_width(keys.size());
  out.fixed<std::uint64_t>(kLcKeysVersion);
  out.fixed<std::uint64_t>((width == 1 ? 0 : width == 2 ? 1 : width == 4 ? 2 : 3) | kLcAdditionalKeys |
                           kLcUpdateDictionary);
  out.fixed<std::uint64_t>(keys.size());
  for (const auto& k : keys) out.str(k);
  out.fixed<std::uint64_t>(positions.size());
  for (auto p : positions) out.raw(std::string_view(reinterpret_cast<const char*>(&p), width));
}

std::vector<std::string> read_low_cardinality(In& in, std::size_t rows) {
  if (in.fixed<std::uint64_t>() != kLcKeysVersion) throw Violation("LowCardinality key version is not 1");
  std::uint64_t type = in.fixed<std::uint64_t>();
  if (type & kLcGlobalDictionary) throw Violation("LowCardinality with a global dictionary in Native format");
  std::uint64_t width_code = type & ~(kLcGlobalDictionary | kLcAdditionalKeys | kLcUpdateDictionary);
  if (width_code > 3) throw Violation("LowCardinality index type " + std::to_string(type));
  if (!(type & kLcAdditionalKeys)) throw Violation("LowCardinality without keys in Native format");
  std::uint64_t nkeys = in.fixed<std::uint64_t>();
  if (nkeys > kMaxRows + 2) throw Violation("LowCardinality with " + std::to_string(nkeys) + " keys");
  std::vector<std::string> keys;
  keys.reserve(nkeys);
  for (std::uint64_t i = 0; i < nkeys; ++i) keys.push_back(in.str());
  std::uint64_t n = in.fixed<std::uint64_t>();
  if (n != rows) throw Violation("LowCardinality with " + std::to_string(n) + " positions in a block of " + std::to_string(rows) + " rows");
  std::size_t width = std::size_t{1} << width_code;
  std::vector<std::string> values;
  values.reserve(rows);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t p = 0;
    in.read(&p, width);
    if (p >= keys.size()) throw Violation("LowCardinality position " + std::to_string(p) + " beyond " + std::to_string(keys.size()) + " keys");
    values.push_back(keys[p]);
  }
  return values;
}

}  // namespace

const Column& Block::column(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return c;
  }
  throw std::out_of_range("no column " + name + " in the block");
}

Block header_block(const std::vector<std::pair<std::string, std::string>>& columns) {
  Block b;
  for (const auto& [name, type] : columns) b.columns.push_back({name, type, {}});
  return b;
}

void write_block(Out& out, const Block& block, std::uint64_t revision) {
  if (revision > 0) {
    out.varuint(1);
    out.fixed<std::uint8_t>(block.is_overflows ? 1 : 0);
    out.varuint(2);
    out.fixed<std::int32_t>(block.bucket_num);
    if (revision >= kOutOfOrderBuckets) {
      out.varuint(3);
      out.varuint(0);  // an empty vector of bucket ids
    }
    out.varuint(0);
  }
  out.varuint(block.columns.size());
  out.varuint(block.rows);
  for (const auto& c : block.columns) {
    if (c.values.size() != block.rows) throw std::logic_error("column " + c.name + " has the wrong row count");
    out.str(c.name);
    out.str(c.type);
    if (revision >= kCustomSerialization) out.fixed<std::uint8_t>(0);
    if (block.rows == 0) continue;
    TypeInfo t = type_info(c.type);
    switch (t.kind) {
      case Kind::kUInt:
      case Kind::kInt:
        for (const auto& v : c.values) write_fixed(out, t, v);
        break;
      case Kind::kString:
        for (const auto& v : c.values) out.str(v);
        break;
      case Kind::kUuid:
        for (const auto& v : c.values) write_uuid(out, v);
        break;
      case Kind::kLowCardinalityString:
        write_low_cardinality(out, c.values);
        break;
    }
  }
}

Block read_block(In& in, std::uint64_t revision) {
  Block b;
  if (revision > 0) {
    for (;;) {
      std::uint64_t field = in.varuint();
      if (field == 0) break;
      if (field == 1) {
        std::uint8_t v = in.byte();
        if (v > 1) throw Violation("BlockInfo is_overflows = " + std::to_string(v));
        b.is_overflows = v == 1;
      } else if (field == 2) {
        b.bucket_num = in.fixed<std::int32_t>();
      } else if (field == 3 && revision >= kOutOfOrderBuckets) {
        std::uint64_t n = in.varuint();
        if (n > 256) throw Violation("too many out-of-order buckets");
        for (std::uint64_t i = 0; i < n; ++i) in.fixed<std::int32_t>();
      } else {
        throw Violation("unknown BlockInfo field " + std::to_string(field));  // UNKNOWN_BLOCK_INFO_FIELD
      }
    }
  }
  std::uint64_t ncols = in.varuint();
  std::uint64_t rows = in.varuint();
  if (ncols > kMaxColumns || rows > kMaxRows) {
    throw Violation("a block of " + std::to_string(ncols) + " columns and " + std::to_string(rows) + " rows");
  }
  b.rows = rows;
  for (std::uint64_t i = 0; i < ncols; ++i) {
    Column c;
    c.name = in.str(1u << 16);
    c.type = in.str(1u << 16);
    if (revision >= kCustomSerialization) {
      std::uint8_t custom = in.byte();
      if (custom != 0) throw Violation("column " + c.name + " has custom serialization " + std::to_string(custom));
    }
    TypeInfo t = type_info(c.type);
    if (rows > 0) {
      c.values.reserve(rows);
      switch (t.kind) {
        case Kind::kUInt:
        case Kind::kInt:
          for (std::uint64_t r = 0; r < rows; ++r) c.values.push_back(read_fixed(in, t));
          break;
        case Kind::kString:
          for (std::uint64_t r = 0; r < rows; ++r) c.values.push_back(in.str());
          break;
        case Kind::kUuid:
          for (std::uint64_t r = 0; r < rows; ++r) c.values.push_back(read_uuid(in));
          break;
        case Kind::kLowCardinalityString:
          c.values = read_low_cardinality(in, rows);
          break;
      }
    }
    b.columns.push_back(std::move(c));
  }
  return b;
}

}  // namespace ior::testing::chreplay
