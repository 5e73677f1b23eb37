#pragma once
// A non-blocking TCP socket driven with poll(), so connect, every read and
// every write honour their timeouts, the current deadline and cancellation.

#include <sys/socket.h>

#include <string>

#include "clickhouse/net/transport.hpp"

namespace ior::clickhouse::net {

/// The host name does not exist (getaddrinfo: EAI_NONAME): a wrong name,
/// not an outage.
class UnknownHost : public Error {
 public:
  using Error::Error;
};

class TcpSocket final : public Transport {
 public:
  TcpSocket(const std::string& host, std::uint16_t port, const WaitLimits& limits,
            std::optional<Deadline> deadline = std::nullopt);
  ~TcpSocket() override;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  std::size_t read_some(std::byte* buf, std::size_t cap) override;
  void write_all(const std::byte* data, std::size_t len) override;
  const std::string& peer() const override { return peer_; }
  bool peer_is_loopback() const override { return loopback_; }
  void set_deadline(std::optional<Deadline> deadline) override { deadline_ = std::move(deadline); }

  int fd() const { return fd_; }
  /// Waits until fd is readable (events POLLIN) or writable (POLLOUT);
  /// throws a timeout error naming what was waited for, or Cancelled.
  void wait(short events, const char* what) const;
  /// Throws at once when cancelled or past the deadline (before I/O that
  /// would not wait: a fast endless stream must stop too).
  void check(const char* what) const;

 private:
  int fd_ = -1;
  std::string peer_;
  bool loopback_ = false;
  WaitLimits limits_;
  std::optional<Deadline> deadline_;
};

/// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8.
bool is_loopback(const sockaddr* address);

}  // namespace ior::clickhouse::net
