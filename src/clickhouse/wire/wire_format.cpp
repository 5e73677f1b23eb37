#include "clickhouse/wire/wire_format.hpp"

#include <algorithm>

#include "base/error.hpp"

namespace ior::clickhouse::wire {

void ByteReader::malformed(const std::string& what) {
  throw ProtocolError("clickhouse: malformed data from the server: " + what);
}

void ByteReader::refill_or_throw() {
  while (cur_ == end_) {
    if (!next_chunk()) malformed("unexpected end of data");
  }
}

bool ByteReader::at_end() {
  while (cur_ == end_) {
    if (!next_chunk()) return true;
  }
  return false;
}

void ByteReader::read(void* dst, std::size_t n) {
  auto* out = static_cast<std::byte*>(dst);
  while (n > 0) {
    if (cur_ == end_) refill_or_throw();
    std::size_t take = std::min(n, static_cast<std::size_t>(end_ - cur_));
    std::memcpy(out, cur_, take);
    cur_ += take;
    out += take;
    n -= take;
  }
}

void ByteReader::skip(std::size_t n) {
  while (n > 0) {
    if (cur_ == end_) refill_or_throw();
    std::size_t take = std::min(n, static_cast<std::size_t>(end_ - cur_));
    cur_ += take;
    n -= take;
  }
}

std::size_t ByteReader::string_into(std::string& out, std::size_t limit) {
  std::uint64_t n = varint();
  if (n > limit) {
    throw ProtocolError("clickhouse: server sent a string of " + std::to_string(n) +
                        " bytes (limit " + std::to_string(limit) + ")");
  }
  auto len = static_cast<std::size_t>(n);
  if (static_cast<std::size_t>(end_ - cur_) >= len) {
    out.append(reinterpret_cast<const char*>(cur_), len);
    cur_ += len;
    return len;
  }
  // Grow with the bytes actually received, not with the claimed length: a
  // peer that claims 1 GiB and stops sending costs nothing.
  std::size_t left = len;
  while (left > 0) {
    if (cur_ == end_) refill_or_throw();
    std::size_t take = std::min(left, static_cast<std::size_t>(end_ - cur_));
    out.append(reinterpret_cast<const char*>(cur_), take);
    cur_ += take;
    left -= take;
  }
  return len;
}

std::string ByteReader::string(std::size_t limit) {
  std::string s;
  string_into(s, limit);
  return s;
}

}  // namespace ior::clickhouse::wire
