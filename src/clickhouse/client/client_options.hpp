#pragma once
// Everything a Connection needs to reach and talk to one server.

#include <cstdint>
#include <string>

#include "clickhouse/net/transport.hpp"
#include "clickhouse/protocol/packets.hpp"

namespace ior::clickhouse {

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9000;
  std::string database = "default";
  std::string user = "default";
  std::string password;  ///< never part of any message
  std::string quota_key;
  /// Compression of Data packets; LZ4 unless told otherwise.
  protocol::Compression compression{.enabled = true, .method = wire::CompressionMethod::kLz4, .zstd_level = 1};
  net::TlsOptions tls;
  net::Timeouts timeouts;
  protocol::PacketLimits limits;
  protocol::ClientVersion version;
};

}  // namespace ior::clickhouse
