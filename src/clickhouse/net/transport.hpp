#pragma once
// A connected byte stream to a server (plain TCP or TLS over it), with the
// timeouts of its options. Every failure is an ior::Error naming the peer;
// a timeout is never silent and never a hang.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ior::clickhouse::net {

struct Timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds send{30000};
  std::chrono::milliseconds receive{30000};
};

struct TlsOptions {
  bool enabled = false;
  /// Verify the server's certificate chain and name (on unless insecure).
  bool insecure = false;
  /// PEM file of the CAs to trust instead of the system's store.
  std::string ca_file;
  /// Name to verify and to send as SNI; the host by default.
  std::string server_name;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Reads at least one byte into buf; 0 means the peer closed the stream.
  virtual std::size_t read_some(std::byte* buf, std::size_t cap) = 0;
  virtual void write_all(const std::byte* data, std::size_t len) = 0;
  /// "host:port" for messages.
  virtual const std::string& peer() const = 0;
};

/// Connects to host:port (a name, an IPv4 or an IPv6 literal; every address
/// the name resolves to is tried in turn), with TLS when tls.enabled.
std::unique_ptr<Transport> connect_transport(const std::string& host, std::uint16_t port,
                                             const Timeouts& timeouts, const TlsOptions& tls);

}  // namespace ior::clickhouse::net
