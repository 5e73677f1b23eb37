#include "clickhouse/net/tls_transport.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include "base/error.hpp"

namespace ior::clickhouse::net {
namespace {

// OpenSSL's queued error text, or fallback when the queue is empty.
std::string ssl_error_text(const char* fallback) {
  unsigned long e = ERR_get_error();
  if (e == 0) return fallback;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

TlsTransport::TlsTransport(std::unique_ptr<TcpSocket> socket, const std::string& host,
                           const TlsOptions& tls)
    : socket_(std::move(socket)) {
  const std::string& peer = socket_->peer();
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) throw Error("clickhouse: TLS: " + ssl_error_text("cannot create a context"));
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  trusted_ = tls.ca_file.empty() ? "the system's CAs" : "CA file " + tls.ca_file;
  if (!tls.insecure) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    int ok = tls.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx_)
                                 : SSL_CTX_load_verify_locations(ctx_, tls.ca_file.c_str(), nullptr);
    if (ok != 1) {
      throw Error("clickhouse: TLS: cannot load CA " +
                  (tls.ca_file.empty() ? std::string("store") : "file " + tls.ca_file) + ": " +
                  ssl_error_text("unknown error"));
    }
  }
  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, socket_->fd()) != 1) {
    throw Error("clickhouse: TLS: " + ssl_error_text("cannot create a session"));
  }
  const std::string& name = tls.server_name.empty() ? host : tls.server_name;
  bool ip = is_ip_literal(name);
  if (!ip) SSL_set_tlsext_host_name(ssl_, name.c_str());
  if (!tls.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    if (ok != 1) throw Error("clickhouse: TLS: cannot verify against the name " + name);
  }
  drive([this] { return SSL_connect(ssl_); }, "TLS handshake with");
  if (!tls.insecure && SSL_get_verify_result(ssl_) != X509_V_OK) {
    throw TlsVerifyError("clickhouse: TLS: the certificate of " + peer + " failed verification against " + trusted_ +
                         ": " + X509_verify_cert_error_string(SSL_get_verify_result(ssl_)));
  }
}

TlsTransport::~TlsTransport() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

template <class Op>
int TlsTransport::drive(Op op, const char* what) {
  for (;;) {
    ERR_clear_error();
    int r = op();
    if (r > 0) return r;
    switch (SSL_get_error(ssl_, r)) {
      case SSL_ERROR_WANT_READ:
        socket_->wait(POLLIN, what);
        break;
      case SSL_ERROR_WANT_WRITE:
        socket_->wait(POLLOUT, what);
        break;
      case SSL_ERROR_ZERO_RETURN:
        return 0;
      case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
          if (errno == 0) return 0;  // the peer closed without close_notify
          throw SystemError(std::string("clickhouse: ") + what + " " + peer(), errno);
        }
        [[fallthrough]];
      default: {
        long verify = SSL_get_verify_result(ssl_);
        std::string detail = ssl_error_text("TLS failure");
        if (verify != X509_V_OK) {
          throw TlsVerifyError("clickhouse: TLS: the certificate of " + peer() + " failed verification against " +
                               trusted_ + ": " + X509_verify_cert_error_string(verify));
        }
        throw Error(std::string("clickhouse: ") + what + " " + peer() + ": " + detail);
      }
    }
  }
}

std::size_t TlsTransport::read_some(std::byte* buf, std::size_t cap) {
  socket_->check("reading from");
  int want = cap > 0x40000000 ? 0x40000000 : static_cast<int>(cap);
  errno = 0;
  return static_cast<std::size_t>(drive([&] { return SSL_read(ssl_, buf, want); }, "reading from"));
}

void TlsTransport::write_all(const std::byte* data, std::size_t len) {
  socket_->check("writing to");
  while (len > 0) {
    int chunk = len > 0x40000000 ? 0x40000000 : static_cast<int>(len);
    errno = 0;
    int n = drive([&] { return SSL_write(ssl_, data, chunk); }, "writing to");
    if (n == 0) throw Error("clickhouse: " + peer() + " closed the TLS connection while writing");
    data += n;
    len -= static_cast<std::size_t>(n);
  }
}

std::unique_ptr<Transport> connect_transport(const std::string& host, std::uint16_t port, const WaitLimits& limits,
                                             const TlsOptions& tls, std::optional<Deadline> deadline) {
  auto socket = std::make_unique<TcpSocket>(host, port, limits, std::move(deadline));
  if (!tls.enabled) return socket;
  return std::make_unique<TlsTransport>(std::move(socket), host, tls);
}

}  // namespace ior::clickhouse::net
