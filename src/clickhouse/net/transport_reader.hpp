#pragma once
// A ByteReader over a Transport with a 64 KiB receive buffer, so packets are
// parsed from few large reads rather than one read per value.

#include <array>

#include "base/error.hpp"
#include "clickhouse/net/transport.hpp"
#include "clickhouse/wire/wire_format.hpp"

namespace ior::clickhouse::net {

/// The peer closed the connection where a reply was expected.
class ConnectionClosed : public Error {
 public:
  using Error::Error;
};

class TransportReader final : public wire::ByteReader {
 public:
  TransportReader(Transport& transport, std::size_t max_string)
      : ByteReader(max_string), transport_(transport) {}

 protected:
  bool next_chunk() override;

 private:
  Transport& transport_;
  std::array<std::byte, 65536> buf_{};
};

}  // namespace ior::clickhouse::net
