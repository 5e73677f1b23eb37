#pragma once
// A connected byte stream to a server (plain TCP or TLS over it). Every wait
// is bounded three ways: the per-operation timeout of its Timeouts (no byte
// for that long), the overall Deadline of the current exchange (a server
// trickling bytes cannot hold it longer) and a Cancellation (ior is
// stopping). Every failure is an ior::Error naming the peer; a timeout is
// never silent and never a hang.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "clickhouse/net/cancellation.hpp"

namespace ior::clickhouse::net {

struct Timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds send{30000};
  std::chrono::milliseconds receive{30000};
};

/// The end of one whole exchange (a handshake, a query): waits past it fail
/// with "<what> <peer> exceeded its overall deadline of <budget> ms".
struct Deadline {
  std::chrono::steady_clock::time_point at;
  std::chrono::milliseconds budget{0};
  std::string what;  ///< "query to", "handshake with", ...

  static Deadline after(std::chrono::milliseconds budget, std::string what) {
    return {std::chrono::steady_clock::now() + budget, budget, std::move(what)};
  }
};

/// What bounds a transport's waits besides its current Deadline.
struct WaitLimits {
  Timeouts timeouts;
  /// Shared with whoever may stop ior; null: not cancellable.
  std::shared_ptr<const Cancellation> cancel;
  /// Set by the connection's owner alone when it stops waiting for the
  /// server (a writer past its drain deadline); null: none.
  std::shared_ptr<const Cancellation> abandon;
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
  /// True when the connected address is a loopback one (127.0.0.0/8, ::1).
  virtual bool peer_is_loopback() const = 0;
  /// Bounds every following read and write until the next call (nullopt: none).
  virtual void set_deadline(std::optional<Deadline> deadline) = 0;
};

/// Connects to host:port (a name, an IPv4 or an IPv6 literal; every address
/// the name resolves to is tried in turn), with TLS when tls.enabled; the
/// connect and the TLS handshake are bounded by deadline when given. Name
/// resolution (getaddrinfo) is not cancellable: it is bounded by the
/// resolver's own timeouts, and a cancellation is noticed right after it.
std::unique_ptr<Transport> connect_transport(const std::string& host, std::uint16_t port, const WaitLimits& limits,
                                             const TlsOptions& tls, std::optional<Deadline> deadline = std::nullopt);

}  // namespace ior::clickhouse::net
