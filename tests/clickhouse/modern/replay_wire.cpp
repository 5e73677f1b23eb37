#include "replay_wire.hpp"

#include <lz4.h>
#include <poll.h>
#include <sys/socket.h>
#include <zstd.h>

#include <cerrno>

#include "clickhouse/wire/cityhash128.hpp"

namespace ior::testing::chreplay {
namespace {

constexpr std::size_t kChecksum = 16;
constexpr std::size_t kHeader = 9;
// CompressedReadBufferBase refuses frames above DBMS_MAX_COMPRESSED_SIZE
// (1 GiB); the replay needs far less.
constexpr std::uint32_t kMaxFrame = 64u << 20;

std::string checksum_of(std::string_view framed) {
  auto h = ior::clickhouse::wire::city_hash128(framed.data(), framed.size());
  std::string out(kChecksum, '\0');
  std::memcpy(out.data(), &h.low, 8);
  std::memcpy(out.data() + 8, &h.high, 8);
  return out;
}

}  // namespace

void SocketIn::next_chunk(std::string& chunk) {
  pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
  int r = ::poll(&p, 1, timeout_ms_);
  if (r == 0) throw ClientGone("the client sent nothing for " + std::to_string(timeout_ms_) + " ms");
  if (r < 0) throw ClientGone(std::string("poll: ") + std::strerror(errno));
  char buf[64 * 1024];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n == 0) throw ClientGone("the client closed the connection");
  if (n < 0) throw ClientGone(std::string("recv: ") + std::strerror(errno));
  chunk.assign(buf, static_cast<std::size_t>(n));
}

void FrameIn::next_chunk(std::string& chunk) {
  char head[kChecksum + kHeader];
  raw_.read(head, sizeof(head));
  auto method = static_cast<std::uint8_t>(head[kChecksum]);
  std::uint32_t compressed = 0, plain = 0;
  std::memcpy(&compressed, head + kChecksum + 1, 4);
  std::memcpy(&plain, head + kChecksum + 5, 4);
  if (compressed < kHeader || compressed > kMaxFrame || plain > kMaxFrame) {
    throw Violation("a compressed frame with sizes " + std::to_string(compressed) + "/" + std::to_string(plain));
  }
  std::string framed(head + kChecksum, kHeader);
  framed.resize(compressed);
  raw_.read(framed.data() + kHeader, compressed - kHeader);
  if (checksum_of(framed) != std::string_view(head, kChecksum)) throw Violation("a frame with a wrong checksum");
  std::string_view payload = std::string_view(framed).substr(kHeader);
  chunk.assign(plain, '\0');
  switch (method) {
    case static_cast<std::uint8_t>(Method::kNone):
      if (payload.size() != plain) throw Violation("an uncompressed frame whose sizes differ");
      chunk.assign(payload);
      methods_ |= 1;
      break;
    case static_cast<std::uint8_t>(Method::kLz4): {
      int n = LZ4_decompress_safe(payload.data(), chunk.data(), static_cast<int>(payload.size()), static_cast<int>(plain));
      if (n < 0 || static_cast<std::uint32_t>(n) != plain) throw Violation("an LZ4 frame that does not decompress");
      methods_ |= 2;
      break;
    }
    case static_cast<std::uint8_t>(Method::kZstd): {
      std::size_t n = ZSTD_decompress(chunk.data(), plain, payload.data(), payload.size());
      if (ZSTD_isError(n) || n != plain) throw Violation("a ZSTD frame that does not decompress");
      methods_ |= 4;
      break;
    }
    default:
      throw Violation("a frame with method byte " + std::to_string(method));
  }
  ++frames_;
  if (chunk.empty()) throw Violation("an empty compressed frame");
}

std::string compress_frame(std::string_view data, Method method) {
  std::string payload;
  switch (method) {
    case Method::kNone:
      payload = data;
      break;
    case Method::kLz4: {
      payload.resize(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(data.size()))));
      int n = LZ4_compress_default(data.data(), payload.data(), static_cast<int>(data.size()),
                                   static_cast<int>(payload.size()));
      payload.resize(static_cast<std::size_t>(n));
      break;
    }
    case Method::kZstd: {
      payload.resize(ZSTD_compressBound(data.size()));
      std::size_t n = ZSTD_compress(payload.data(), payload.size(), data.data(), data.size(), 1);
      payload.resize(n);
      break;
    }
  }
  std::string framed;
  framed.push_back(static_cast<char>(method));
  auto compressed = static_cast<std::uint32_t>(payload.size() + kHeader);
  auto plain = static_cast<std::uint32_t>(data.size());
  framed.append(reinterpret_cast<const char*>(&compressed), 4);
  framed.append(reinterpret_cast<const char*>(&plain), 4);
  framed += payload;
  return checksum_of(framed) + framed;
}

}  // namespace ior::testing::chreplay
