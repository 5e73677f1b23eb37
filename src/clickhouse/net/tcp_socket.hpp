#pragma once
// A non-blocking TCP socket driven with poll(), so connect, every read and
// every write honour their timeouts.

#include <string>

#include "clickhouse/net/transport.hpp"

namespace ior::clickhouse::net {

class TcpSocket final : public Transport {
 public:
  TcpSocket(const std::string& host, std::uint16_t port, const Timeouts& timeouts);
  ~TcpSocket() override;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  std::size_t read_some(std::byte* buf, std::size_t cap) override;
  void write_all(const std::byte* data, std::size_t len) override;
  const std::string& peer() const override { return peer_; }

  int fd() const { return fd_; }
  /// Waits until fd is readable (events POLLIN) or writable (POLLOUT);
  /// throws a timeout error naming what was waited for.
  void wait(short events, const char* what) const;

 private:
  int fd_ = -1;
  std::string peer_;
  Timeouts timeouts_;
};

}  // namespace ior::clickhouse::net
