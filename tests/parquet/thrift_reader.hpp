#pragma once
// A small, independent reader of the Thrift compact protocol and of a
// Parquet file's footer, written for the tests from the specs
// (thrift-compact-protocol.md, parquet.thrift). It shares no code with the
// writer, so the tests check the writer's bytes against the spec rather
// than against itself.

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ior::parquet::testkit {

/// One decoded value: an integer, bytes, a struct (fields by id) or a list.
struct TValue {
  int type = 0;  ///< compact type code (bool: 1 true, 2 false)
  std::int64_t i = 0;
  std::string bin;
  std::map<int, TValue> fields;
  std::vector<TValue> elems;

  bool has(int id) const { return fields.count(id) != 0; }
  const TValue& operator[](int id) const {
    auto it = fields.find(id);
    if (it == fields.end()) throw std::runtime_error("no field " + std::to_string(id));
    return it->second;
  }
};

class TReader {
 public:
  TReader(const std::string& s, std::size_t pos) : s_(s), pos_(pos) {}

  TValue read_struct() {
    TValue v;
    v.type = 12;
    int last = 0;
    while (true) {
      auto b = byte();
      if (b == 0) return v;
      int type = static_cast<int>(b & 0x0f);
      int delta = static_cast<int>(b >> 4);
      int id = delta != 0 ? last + delta : static_cast<int>(zigzag());
      last = id;
      if (type == 1 || type == 2) {  // the value is the type
        TValue x;
        x.type = type;
        x.i = type == 1;
        v.fields[id] = x;
      } else {
        v.fields[id] = read_value(type);
      }
    }
  }
  std::size_t pos() const { return pos_; }

 private:
  unsigned byte() { return static_cast<unsigned char>(s_.at(pos_++)); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      auto b = byte();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  std::int64_t zigzag() {
    std::uint64_t v = varint();
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  }
  TValue read_value(int type) {
    TValue v;
    v.type = type;
    switch (type) {
      case 1: case 2: v.i = byte() == 1; break;  // bool inside a list
      case 3: v.i = static_cast<std::int8_t>(byte()); break;
      case 4: case 5: case 6: v.i = zigzag(); break;
      case 8: {
        auto n = varint();
        v.bin = s_.substr(pos_, n);
        pos_ += n;
        break;
      }
      case 9: case 10: {
        auto h = byte();
        std::uint64_t n = h >> 4;
        if (n == 15) n = varint();
        for (std::uint64_t k = 0; k < n; ++k) v.elems.push_back(read_value(static_cast<int>(h & 0x0f)));
        break;
      }
      case 12: return read_struct();
      default: throw std::runtime_error("thrift reader: type " + std::to_string(type));
    }
    return v;
  }

  const std::string& s_;
  std::size_t pos_;
};

/// A whole Parquet file and its decoded FileMetaData.
struct ParquetFile {
  std::string bytes;
  TValue meta;
  std::size_t footer_start = 0;  ///< offset of the FileMetaData

  /// The page header at a file offset; header_end receives where it ends.
  TValue page_header(std::int64_t offset, std::size_t* header_end = nullptr) const {
    TReader r(bytes, static_cast<std::size_t>(offset));
    TValue h = r.read_struct();
    if (header_end) *header_end = r.pos();
    return h;
  }
  /// Key-value metadata as a map.
  std::map<std::string, std::string> key_values() const {
    std::map<std::string, std::string> out;
    if (!meta.has(5)) return out;
    for (const auto& kv : meta[5].elems) out[kv[1].bin] = kv.has(2) ? kv[2].bin : "";
    return out;
  }
};

/// Reads path; throws when the magic bytes or the footer length are wrong.
inline ParquetFile read_parquet(const std::string& path) {
  ParquetFile f;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  f.bytes = ss.str();
  const auto& b = f.bytes;
  if (b.size() < 12 || b.compare(0, 4, "PAR1") != 0 || b.compare(b.size() - 4, 4, "PAR1") != 0) {
    throw std::runtime_error(path + ": no PAR1 magic at both ends");
  }
  std::uint32_t len = 0;
  for (int k = 0; k < 4; ++k) {
    len |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[b.size() - 8 + static_cast<std::size_t>(k)])) << (8 * k);
  }
  if (len > b.size() - 12) throw std::runtime_error(path + ": footer length past the start");
  f.footer_start = b.size() - 8 - len;
  TReader r(b, f.footer_start);
  f.meta = r.read_struct();
  if (r.pos() != b.size() - 8) throw std::runtime_error(path + ": footer length disagrees with its content");
  return f;
}

}  // namespace ior::parquet::testkit
