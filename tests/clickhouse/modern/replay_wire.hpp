#pragma once
// The byte level of the replay server (tests/clickhouse/modern), written from
// ClickHouse's own sources, not from ior's encoders, so that the replay can
// catch what ior gets wrong:
//   IO/VarInt.h           unsigned LEB128 varints (at most 10 bytes)
//   IO/WriteHelpers.h     fixed-width values little-endian; strings as
//                         varint length + bytes (writeStringBinary)
//   Compression/CompressedReadBufferBase.cpp, CompressedWriteBuffer.cpp:
//                         frames = 16-byte CityHash128 (v1.0.2) of the rest,
//                         method byte (0x02 none, 0x82 LZ4, 0x90 ZSTD),
//                         UInt32 size with the 9 header bytes, UInt32
//                         decompressed size, payload.
// Only the CityHash128 routine is ior's (src/clickhouse/wire/cityhash128):
// ClickHouse's exact CityHash version is not in Debian, and ior's is checked
// against frames of a real server by the 18.16 tests.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace ior::testing::chreplay {

/// The client sent something a ClickHouse server would refuse or misread.
struct Violation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The client closed the connection (EOF where a packet may start).
struct ClientGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Out {
 public:
  void varuint(std::uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<char>(v));
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  void fixed(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // the test hosts are little-endian, as the wire
    buf_.append(b, sizeof(T));
  }
  void str(std::string_view s) {
    varuint(s.size());
    buf_.append(s);
  }
  void raw(std::string_view s) { buf_.append(s); }
  std::string& bytes() { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

/// Pulls values from a source that delivers bytes in chunks.
class In {
 public:
  virtual ~In() = default;
  std::uint8_t byte() {
    if (pos_ == chunk_.size()) refill();
    return static_cast<std::uint8_t>(chunk_[pos_++]);
  }
  std::uint64_t varuint() {
    std::uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      std::uint8_t b = byte();
      v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return v;
    }
    throw Violation("a varint longer than 10 bytes");
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  T fixed() {
    T v;
    read(&v, sizeof(T));
    return v;
  }
  /// readStringBinary with ClickHouse's bound: a longer claim is refused.
  std::string str(std::size_t limit = 1u << 26) {
    std::uint64_t n = varuint();
    if (n > limit) throw Violation("a string of " + std::to_string(n) + " bytes (limit " + std::to_string(limit) + ")");
    std::string s(n, '\0');
    read(s.data(), n);
    return s;
  }
  void read(void* dst, std::size_t n) {
    auto* d = static_cast<char*>(dst);
    while (n > 0) {
      if (pos_ == chunk_.size()) refill();
      std::size_t k = std::min(n, chunk_.size() - pos_);
      std::memcpy(d, chunk_.data() + pos_, k);
      pos_ += k;
      d += k;
      n -= k;
    }
  }
  /// No byte left in the current chunk (a compressed block must end with
  /// its frame).
  bool chunk_consumed() const { return pos_ == chunk_.size(); }

 protected:
  /// Replaces the chunk; throws at the source's end.
  virtual void next_chunk(std::string& chunk) = 0;

 private:
  void refill() {
    pos_ = 0;
    chunk_.clear();
    while (chunk_.empty()) next_chunk(chunk_);
  }
  std::string chunk_;
  std::size_t pos_ = 0;
};

class StringIn final : public In {
 public:
  explicit StringIn(std::string s) : s_(std::move(s)) {}

 protected:
  void next_chunk(std::string& chunk) override {
    if (given_) throw Violation("the data ends inside a value");
    given_ = true;
    chunk = s_;
    if (chunk.empty()) throw Violation("the data ends inside a value");
  }

 private:
  std::string s_;
  bool given_ = false;
};

/// A connected socket, with a deadline for each wait.
class SocketIn final : public In {
 public:
  SocketIn(int fd, int timeout_ms) : fd_(fd), timeout_ms_(timeout_ms) {}

 protected:
  void next_chunk(std::string& chunk) override;

 private:
  int fd_;
  int timeout_ms_;
};

enum class Method : std::uint8_t { kNone = 0x02, kLz4 = 0x82, kZstd = 0x90 };

/// Reads compressed frames from raw and serves their decompressed bytes;
/// records which methods the peer used.
class FrameIn final : public In {
 public:
  explicit FrameIn(In& raw) : raw_(raw) {}
  unsigned frames() const { return frames_; }
  unsigned methods_seen() const { return methods_; }  ///< bit 0 none, 1 LZ4, 2 ZSTD

 protected:
  void next_chunk(std::string& chunk) override;

 private:
  In& raw_;
  unsigned frames_ = 0;
  unsigned methods_ = 0;
};

/// One frame of data as CompressedWriteBuffer writes it.
std::string compress_frame(std::string_view data, Method method);

}  // namespace ior::testing::chreplay
