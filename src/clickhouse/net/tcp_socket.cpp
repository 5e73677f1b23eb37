#include "clickhouse/net/tcp_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"

namespace ior::clickhouse::net {
namespace {

std::string format_peer(const std::string& host, std::uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

int poll_ms(std::chrono::milliseconds t) {
  return t.count() > 0x7fffffff ? 0x7fffffff : static_cast<int>(t.count());
}

// One attempt at one resolved address; returns the fd or -1 with errno set.
int try_connect(const addrinfo* ai, std::chrono::milliseconds timeout) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int r;
  do {
    r = ::poll(&p, 1, poll_ms(timeout));
  } while (r < 0 && errno == EINTR);
  int err = 0;
  socklen_t len = sizeof err;
  if (r == 0) {
    err = ETIMEDOUT;
  } else if (r < 0) {
    err = errno;
  } else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
    err = errno;
  }
  if (err != 0) {
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

}  // namespace

TcpSocket::TcpSocket(const std::string& host, std::uint16_t port, const Timeouts& timeouts)
    : peer_(format_peer(host, port)), timeouts_(timeouts) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
    hints.ai_flags = 0;  // loopback-only hosts: AI_ADDRCONFIG hides ::1 and 127.0.0.1
    rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  }
  if (rc != 0) {
    throw Error("clickhouse: cannot resolve " + peer_ + ": " + ::gai_strerror(rc));
  }
  int last_err = ECONNREFUSED;
  for (const addrinfo* ai = list; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
    fd_ = try_connect(ai, timeouts.connect);
    if (fd_ < 0) last_err = errno;
  }
  ::freeaddrinfo(list);
  if (fd_ < 0) {
    if (last_err == ETIMEDOUT) {
      throw SystemError("clickhouse: connect to " + peer_ + " timed out after " +
                            std::to_string(timeouts.connect.count()) + " ms",
                        last_err);
    }
    throw SystemError("clickhouse: cannot connect to " + peer_, last_err);
  }
  int one = 1;
  // Packets are assembled whole before each write; Nagle would only delay them.
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

TcpSocket::~TcpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpSocket::wait(short events, const char* what) const {
  auto timeout = (events & POLLOUT) ? timeouts_.send : timeouts_.receive;
  pollfd p{fd_, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, poll_ms(timeout));
  } while (r < 0 && errno == EINTR);
  if (r < 0) throw SystemError(std::string("clickhouse: poll while ") + what + " " + peer_, errno);
  if (r == 0) {
    throw SystemError(std::string("clickhouse: ") + what + " " + peer_ + " timed out after " +
                          std::to_string(timeout.count()) + " ms",
                      ETIMEDOUT);
  }
}

std::size_t TcpSocket::read_some(std::byte* buf, std::size_t cap) {
  for (;;) {
    ssize_t n = ::recv(fd_, buf, cap, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      throw SystemError("clickhouse: read from " + peer_, errno);
    }
    wait(POLLIN, "reading from");
  }
}

void TcpSocket::write_all(const std::byte* data, std::size_t len) {
  while (len > 0) {
    ssize_t n = ::send(fd_, data, len, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      len -= static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      throw SystemError("clickhouse: write to " + peer_, errno);
    }
    wait(POLLOUT, "writing to");
  }
}

}  // namespace ior::clickhouse::net
