#include "metrics/metrics_server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "base/alt_signal_stack.hpp"
#include "base/error.hpp"
#include "metrics/exposition.hpp"
#include "metrics/http_request.hpp"

namespace ior::metrics {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPlain = "text/plain; charset=utf-8";

// Waits for events on fd or the stop eventfd until deadline: true when fd
// is ready, false on stop, timeout or error.
bool wait_ready(int fd, short events, int stop_fd, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    const int n = ::poll(p, 2, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || p[1].revents != 0) return false;
    return (p[0].revents & (events | POLLERR | POLLHUP)) != 0;
  }
}

void send_all(int fd, std::string_view bytes, int stop_fd, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_ready(fd, POLLOUT, stop_fd, deadline)) return;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;  // the client went away
    }
  }
}

}  // namespace

MetricsServer::MetricsServer(const ListenAddress& address, ServerOptions options) : options_(options) {
  const std::string where = address_text(address.addr);
  listen_.reset(::socket(address.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listen_) throw SystemError("metrics: socket for " + where, errno);
  const int one = 1;
  (void)::setsockopt(listen_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address.addr.ss_family == AF_INET6) {
    // [::]:PORT means IPv6 only; 0.0.0.0:PORT is the way to ask for IPv4.
    (void)::setsockopt(listen_.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (::bind(listen_.get(), reinterpret_cast<const sockaddr*>(&address.addr), address.len) != 0) {
    throw SystemError("metrics: cannot listen on " + where, errno);
  }
  if (::listen(listen_.get(), 16) != 0) throw SystemError("metrics: listen on " + where, errno);
  sockaddr_storage actual{};
  socklen_t len = sizeof actual;
  if (::getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&actual), &len) != 0) {
    throw SystemError("metrics: getsockname", errno);
  }
  bound_ = address_text(actual);
  stop_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop_) throw SystemError("metrics: eventfd", errno);
}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::start(std::function<std::string()> body) {
  body_ = std::move(body);
  thread_ = std::thread([this] {
    const AltSignalStack alt_stack;  // a crash handler runs even on a stack overflow
    loop();
  });
}

void MetricsServer::stop() noexcept {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);
    thread_.join();
  }
  listen_.reset();  // the port is free again, new clients are refused
}

void MetricsServer::loop() noexcept {
  for (;;) {
    pollfd p[2] = {{listen_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    const int n = ::poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || p[1].revents != 0) return;
    UniqueFd conn(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!conn) {
      // EMFILE and the like: back off rather than spin on a ready socket.
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
        pollfd s = {stop_.get(), POLLIN, 0};
        if (::poll(&s, 1, 100) > 0) return;
      }
      continue;
    }
    serve(conn.get());
  }
}

void MetricsServer::serve(int fd) noexcept {
  std::string received;
  Route route = Route::kIncomplete;
  int status = 0;
  auto deadline = Clock::now() + options_.io_timeout;
  char buf[2048];
  while (route == Route::kIncomplete) {
    if (received.size() >= options_.max_request_bytes) {
      status = 431;
      break;
    }
    if (!wait_ready(fd, POLLIN, stop_.get(), deadline)) return;  // silent: nothing or too slow
    const std::size_t room = std::min(sizeof buf, options_.max_request_bytes - received.size());
    const ssize_t n = ::recv(fd, buf, room, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return;  // closed before a whole request
    try {
      received.append(buf, static_cast<std::size_t>(n));
    } catch (...) {
      return;
    }
    route = route_request(received);
  }
  std::string response;
  try {
    switch (route) {
      case Route::kMetrics:
      case Route::kMetricsHead: {
        std::string body;
        try {
          body = body_();
          status = 200;
        } catch (...) {
          status = 500;
        }
        response = status == 200 ? http_response(200, kContentType, body, route == Route::kMetricsHead)
                                 : http_response(500, kPlain, "metrics: internal error\n");
        break;
      }
      case Route::kNotFound: response = http_response(404, kPlain, "not found: only GET /metrics\n"); break;
      case Route::kMethodNotAllowed: response = http_response(405, kPlain, "only GET /metrics\n"); break;
      case Route::kBadRequest: response = http_response(400, kPlain, "bad request\n"); break;
      case Route::kIncomplete: response = http_response(status, kPlain, "request head too large\n"); break;
    }
  } catch (...) {
    return;  // out of memory: the client sees the connection close
  }
  deadline = Clock::now() + options_.io_timeout;
  send_all(fd, response, stop_.get(), deadline);
  // Closing with unread bytes (a head past the bound, a body) would send an
  // RST that can destroy the answer before the client reads it: end the
  // sending side, then read and discard a little until the client closes.
  (void)::shutdown(fd, SHUT_WR);
  deadline = std::min(Clock::now() + std::chrono::milliseconds(200), deadline);
  for (std::size_t drained = 0; drained < (64u << 10);) {
    if (!wait_ready(fd, POLLIN, stop_.get(), deadline)) return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return;
    drained += static_cast<std::size_t>(n);
  }
}

}  // namespace ior::metrics
