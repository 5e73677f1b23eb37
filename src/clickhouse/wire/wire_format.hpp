#pragma once
// The native protocol's primitive encodings: unsigned LEB128 varints,
// little-endian fixed-width integers and floats, strings as varint length +
// bytes. WireWriter appends to a buffer; WireReader reads from bytes already
// received and reports "need more" separately from "malformed", with a limit
// on string lengths so a peer cannot make the client allocate without bound.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace ior::clickhouse::wire {

class WireWriter {
 public:
  explicit WireWriter(std::string& out) : out_(out) {}
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  void fixed(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // little-endian hosts
    out_.append(b, sizeof(T));
  }
  void string(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

/// Thrown by WireReader when the input ends mid-value (not an error):
/// the caller reads more bytes and retries from a saved position.
struct NeedMore {};

class WireReader {
 public:
  explicit WireReader(std::span<const std::byte> in, std::size_t max_string = 1u << 30)
      : in_(in), max_string_(max_string) {}

  std::uint64_t varint();
  template <class T>
    requires std::is_arithmetic_v<T>
  T fixed() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  /// A view into the input (valid while the input is).
  std::string_view string();
  std::span<const std::byte> bytes(std::size_t n);

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }

 private:
  void need(std::size_t n) const;

  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
  std::size_t max_string_;
};

}  // namespace ior::clickhouse::wire
