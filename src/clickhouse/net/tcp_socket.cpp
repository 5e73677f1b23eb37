#include "clickhouse/net/tcp_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"

namespace ior::clickhouse::net {
namespace {

using std::chrono::milliseconds;

std::string format_peer(const std::string& host, std::uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

int poll_ms(milliseconds t) {
  if (t.count() < 0) return 0;
  return t.count() > 0x7fffffff ? 0x7fffffff : static_cast<int>(t.count());
}

[[noreturn]] void throw_cancelled(const char* what, const std::string& peer) {
  throw Cancelled(std::string("clickhouse: ") + what + " " + peer + " cancelled: ior is stopping");
}

[[noreturn]] void throw_abandoned(const char* what, const std::string& peer) {
  throw Cancelled(std::string("clickhouse: ") + what + " " + peer + " abandoned: ior stopped waiting for the server");
}

[[noreturn]] void throw_past_deadline(const Deadline& d, const std::string& peer) {
  throw SystemError("clickhouse: " + d.what + " " + peer + " exceeded its overall deadline of " +
                        std::to_string(d.budget.count()) + " ms",
                    ETIMEDOUT);
}

void check_limits(const WaitLimits& limits, const std::optional<Deadline>& deadline, const char* what,
                  const std::string& peer) {
  if (limits.cancel && limits.cancel->cancelled()) throw_cancelled(what, peer);
  if (limits.abandon && limits.abandon->cancelled()) throw_abandoned(what, peer);
  if (deadline && std::chrono::steady_clock::now() >= deadline->at) throw_past_deadline(*deadline, peer);
}

// Waits until fd has one of events, for at most timeout and never past the
// deadline; the cancellation's eventfd is polled next to it. Returns false
// when timeout passed (the caller names the timeout); throws for the rest.
bool wait_fd(int fd, short events, milliseconds timeout, const WaitLimits& limits,
             const std::optional<Deadline>& deadline, const char* what, const std::string& peer) {
  for (;;) {
    check_limits(limits, deadline, what, peer);
    milliseconds wait_for = timeout;
    bool deadline_first = false;
    if (deadline) {
      auto left = std::chrono::ceil<milliseconds>(deadline->at - std::chrono::steady_clock::now());
      if (left < wait_for) {
        wait_for = left;
        deadline_first = true;
      }
    }
    // An fd of -1 is ignored by poll(): without a cancellation only the socket counts.
    pollfd p[3] = {{fd, events, 0},
                   {limits.cancel ? limits.cancel->fd() : -1, POLLIN, 0},
                   {limits.abandon ? limits.abandon->fd() : -1, POLLIN, 0}};
    int r = ::poll(p, 3, poll_ms(wait_for));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw SystemError(std::string("clickhouse: poll while ") + what + " " + peer, errno);
    }
    if (p[1].revents != 0) throw_cancelled(what, peer);
    if (p[2].revents != 0) throw_abandoned(what, peer);
    if (r > 0) return true;
    if (deadline_first) throw_past_deadline(*deadline, peer);
    return false;
  }
}

// One attempt at one resolved address; returns the fd or -1 with errno set
// (ETIMEDOUT after the connect timeout). Cancellation and the deadline throw.
int try_connect(const addrinfo* ai, const WaitLimits& limits, const std::optional<Deadline>& deadline,
                const std::string& peer) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  int err = 0;
  try {
    if (!wait_fd(fd, POLLOUT, limits.timeouts.connect, limits, deadline, "connecting to", peer)) err = ETIMEDOUT;
  } catch (...) {
    ::close(fd);
    throw;
  }
  socklen_t len = sizeof err;
  if (err == 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

}  // namespace

bool is_loopback(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(address);
    return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  }
  if (address->sa_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(address);
    if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

TcpSocket::TcpSocket(const std::string& host, std::uint16_t port, const WaitLimits& limits,
                     std::optional<Deadline> deadline)
    : peer_(format_peer(host, port)), limits_(limits), deadline_(std::move(deadline)) {
  check_limits(limits_, deadline_, "connecting to", peer_);
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
  if (rc == EAI_NONAME) throw UnknownHost("clickhouse: cannot resolve " + peer_ + ": " + ::gai_strerror(rc));
  if (rc != 0) throw Error("clickhouse: cannot resolve " + peer_ + ": " + ::gai_strerror(rc));
  int last_err = ECONNREFUSED;
  try {
    for (const addrinfo* ai = list; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
      fd_ = try_connect(ai, limits_, deadline_, peer_);
      if (fd_ < 0) {
        last_err = errno;
      } else {
        loopback_ = is_loopback(ai->ai_addr);
      }
    }
  } catch (...) {
    ::freeaddrinfo(list);
    throw;
  }
  ::freeaddrinfo(list);
  if (fd_ < 0) {
    if (last_err == ETIMEDOUT) {
      throw SystemError("clickhouse: connect to " + peer_ + " timed out after " +
                            std::to_string(limits_.timeouts.connect.count()) + " ms",
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

void TcpSocket::check(const char* what) const { check_limits(limits_, deadline_, what, peer_); }

void TcpSocket::wait(short events, const char* what) const {
  auto timeout = (events & POLLOUT) ? limits_.timeouts.send : limits_.timeouts.receive;
  if (!wait_fd(fd_, events, timeout, limits_, deadline_, what, peer_)) {
    throw SystemError(std::string("clickhouse: ") + what + " " + peer_ + " timed out after " +
                          std::to_string(timeout.count()) + " ms",
                      ETIMEDOUT);
  }
}

std::size_t TcpSocket::read_some(std::byte* buf, std::size_t cap) {
  check("reading from");
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
  check("writing to");
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
