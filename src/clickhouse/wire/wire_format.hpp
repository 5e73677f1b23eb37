#pragma once
// The native protocol's primitive encodings: unsigned LEB128 varints,
// little-endian fixed-width integers and floats, strings as varint length +
// bytes. WireWriter appends to a buffer. ByteReader pulls them from a source
// that delivers bytes in chunks (a socket, decompressed frames, memory), so a
// value may straddle two chunks; every length read from the peer is checked
// against a limit before anything is allocated for it.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace ior::clickhouse::wire {

class WireWriter {
 public:
  explicit WireWriter(std::string& out) : out_(out) {}
  void varint(std::uint64_t v) {
    char b[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      b[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    b[n++] = static_cast<char>(v);
    out_.append(b, n);
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  void fixed(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // little-endian hosts only (checked in CMake)
    out_.append(b, sizeof(T));
  }
  void string(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& buffer() { return out_; }

 private:
  std::string& out_;
};

/// Pulls primitive values from a chunked byte source. Subclasses implement
/// next_chunk(); the source's end in the middle of a value is an error
/// (ProtocolError "unexpected end"), because the protocol never ends there.
class ByteReader {
 public:
  explicit ByteReader(std::size_t max_string = 1u << 30) : max_string_(max_string) {}
  virtual ~ByteReader() = default;
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      auto b = static_cast<std::uint8_t>(byte());
      v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return v;
    }
    malformed("varint longer than 10 bytes");
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  T fixed() {
    T v;
    if (static_cast<std::size_t>(end_ - cur_) >= sizeof(T)) {
      std::memcpy(&v, cur_, sizeof(T));
      cur_ += sizeof(T);
    } else {
      read(&v, sizeof(T));
    }
    return v;
  }
  /// A string of at most max_string bytes (the reader's limit by default).
  std::string string() { return string(max_string_); }
  std::string string(std::size_t limit);
  /// Appends a string to out instead (column decoding reuses one buffer).
  std::size_t string_into(std::string& out, std::size_t limit);
  void read(void* dst, std::size_t n);
  void skip(std::size_t n);
  std::byte byte() {
    if (cur_ == end_) refill_or_throw();
    return *cur_++;
  }
  /// True when no byte is buffered and the source has none either: the
  /// source is asked, so only call this where a value may legitimately end.
  bool at_end();
  /// Bytes buffered and not consumed yet (without asking the source).
  std::size_t buffered() const { return static_cast<std::size_t>(end_ - cur_); }
  std::size_t max_string() const { return max_string_; }

  [[noreturn]] static void malformed(const std::string& what);

 protected:
  /// Makes the next chunk current via set_chunk(); false at the source's end.
  virtual bool next_chunk() = 0;
  void set_chunk(const std::byte* begin, const std::byte* end) {
    cur_ = begin;
    end_ = end;
  }

 private:
  void refill_or_throw();

  const std::byte* cur_ = nullptr;
  const std::byte* end_ = nullptr;
  std::size_t max_string_;
};

/// Reads from bytes already in memory (tests, the fuzzer, Native files).
class MemoryReader final : public ByteReader {
 public:
  explicit MemoryReader(std::span<const std::byte> in, std::size_t max_string = 1u << 30)
      : ByteReader(max_string), in_(in) {}
  explicit MemoryReader(std::string_view in, std::size_t max_string = 1u << 30)
      : MemoryReader(std::as_bytes(std::span<const char>(in.data(), in.size())), max_string) {}

 protected:
  bool next_chunk() override {
    if (given_) return false;
    given_ = true;
    set_chunk(in_.data(), in_.data() + in_.size());
    return !in_.empty();
  }

 private:
  std::span<const std::byte> in_;
  bool given_ = false;
};

}  // namespace ior::clickhouse::wire
