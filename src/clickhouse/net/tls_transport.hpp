#pragma once
// TLS over a TcpSocket with OpenSSL (the secure native port, 9440 by
// default). The certificate chain and the host name are verified unless
// the caller explicitly asks for an insecure connection.

#include <memory>
#include <string>

#include "base/error.hpp"
#include "clickhouse/net/tcp_socket.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace ior::clickhouse::net {

/// The server's certificate failed verification (chain or name): a setup
/// problem the same on every try, like a refused login, not an outage.
class TlsVerifyError : public Error {
 public:
  using Error::Error;
};

class TlsTransport final : public Transport {
 public:
  TlsTransport(std::unique_ptr<TcpSocket> socket, const std::string& host, const TlsOptions& tls);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  std::size_t read_some(std::byte* buf, std::size_t cap) override;
  void write_all(const std::byte* data, std::size_t len) override;
  const std::string& peer() const override { return socket_->peer(); }
  bool peer_is_loopback() const override { return socket_->peer_is_loopback(); }
  void set_deadline(std::optional<Deadline> deadline) override { socket_->set_deadline(std::move(deadline)); }

 private:
  /// Retries an SSL_* call while it wants the socket readable or writable.
  template <class Op>
  int drive(Op op, const char* what);

  std::unique_ptr<TcpSocket> socket_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string trusted_;  ///< what the certificate is verified against, for messages
};

}  // namespace ior::clickhouse::net
