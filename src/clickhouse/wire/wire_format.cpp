#include "clickhouse/wire/wire_format.hpp"

#include "base/error.hpp"

namespace ior::clickhouse::wire {

void WireReader::need(std::size_t n) const {
  if (in_.size() - pos_ < n) throw NeedMore{};
}

std::uint64_t WireReader::varint() {
  std::uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    need(1);
    auto b = static_cast<std::uint8_t>(in_[pos_++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return v;
  }
  throw ProtocolError("clickhouse: malformed varint (more than 10 bytes)");
}

std::string_view WireReader::string() {
  std::uint64_t n = varint();
  if (n > max_string_) {
    throw ProtocolError("clickhouse: server sent a string of " + std::to_string(n) +
                        " bytes (limit " + std::to_string(max_string_) + ")");
  }
  auto b = bytes(static_cast<std::size_t>(n));
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::span<const std::byte> WireReader::bytes(std::size_t n) {
  need(n);
  auto out = in_.subspan(pos_, n);
  pos_ += n;
  return out;
}

}  // namespace ior::clickhouse::wire
