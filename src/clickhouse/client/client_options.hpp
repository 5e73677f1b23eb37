#pragma once
// Everything a Connection needs to reach and talk to one server.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "clickhouse/net/transport.hpp"
#include "clickhouse/protocol/packets.hpp"

namespace ior::clickhouse {

/// Overall limits per exchange: a server that trickles bytes (each read
/// within the per-read timeout) still cannot hold a call longer than these.
struct Deadlines {
  /// Connect (every address), TLS handshake and the Hello exchange.
  std::chrono::milliseconds handshake{10'000};
  /// A query or ping from its first byte sent to its EndOfStream; an
  /// INSERT's start up to the table's sample block.
  std::chrono::milliseconds query{60'000};
  /// Each send_block() and end_insert() (the server's acknowledgement).
  std::chrono::milliseconds insert{60'000};
};

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9000;
  /// Named in the Hello; empty: the server's default for the user. ior's
  /// statements name their database, and a user allowed only its own
  /// database cannot log in with another one named here.
  std::string database;
  std::string user = "default";
  std::string password;  ///< never part of any message
  std::string quota_key;
  /// Compression of Data packets; LZ4 unless told otherwise.
  protocol::Compression compression{.enabled = true, .method = wire::CompressionMethod::kLz4, .zstd_level = 1};
  net::TlsOptions tls;
  net::Timeouts timeouts;
  Deadlines deadlines;
  /// Shared by every copy of these options: cancel() ends every wait of
  /// every connection made with them (net::Cancelled); the connection is
  /// then broken. Null: not cancellable.
  std::shared_ptr<const net::Cancellation> cancel;
  /// The same for the waits of the connections of one owner (set by it
  /// alone: a writer that stops waiting for its servers). Null: none.
  std::shared_ptr<const net::Cancellation> abandon;
  /// Called with "host:port" before a non-empty password is sent without
  /// TLS to an address that is not a loopback one (may run on any thread).
  std::function<void(const std::string& peer)> on_cleartext_password;
  protocol::PacketLimits limits;
  protocol::ClientVersion version;
};

}  // namespace ior::clickhouse
