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

// Connections served at once. Past it the oldest one still reading its
// request is closed for the newest: local users holding idle connections
// cannot keep a scrape waiting (one connection at a time, ten silent ones
// had delayed it by 20 s).
constexpr std::size_t kMaxConnections = 32;
// After the answer: how long, and how much, is read and discarded while the
// client closes (closing with unread bytes sends an RST that can destroy
// the answer before the client has read it).
constexpr std::chrono::milliseconds kDrainTime{200};
constexpr std::size_t kDrainBytes = 64u << 10;

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
  if (::listen(listen_.get(), 64) != 0) throw SystemError("metrics: listen on " + where, errno);
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

struct MetricsServer::Connection {
  enum class Phase { kRead, kWrite, kDrain, kDone };
  UniqueFd fd;
  Phase phase = Phase::kRead;
  std::string bytes;   // the request head while reading, then the answer
  std::size_t sent = 0;
  std::size_t drained = 0;
  Clock::time_point deadline;
};

void MetricsServer::loop() noexcept {
  std::vector<Connection> conns;
  std::vector<pollfd> polled;
  for (;;) {
    polled.clear();
    polled.push_back({stop_.get(), POLLIN, 0});
    polled.push_back({listen_.get(), POLLIN, 0});
    auto wake = Clock::time_point::max();
    for (const auto& c : conns) {
      polled.push_back({c.fd.get(), static_cast<short>(c.phase == Connection::Phase::kWrite ? POLLOUT : POLLIN), 0});
      wake = std::min(wake, c.deadline);
    }
    int timeout = -1;
    if (wake != Clock::time_point::max()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count() + 1;
      timeout = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
    }
    const int n = ::poll(polled.data(), polled.size(), timeout);
    if (n < 0 && errno != EINTR) return;
    if (polled[0].revents != 0) return;  // stop(): connections in progress are dropped
    const auto now = Clock::now();
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (n > 0 && polled[i + 2].revents != 0) step(conns[i]);
      if (conns[i].phase != Connection::Phase::kDone && now >= conns[i].deadline) {
        conns[i].phase = Connection::Phase::kDone;  // silent: nothing, too slow, or not reading
      }
    }
    std::erase_if(conns, [](const Connection& c) { return c.phase == Connection::Phase::kDone; });
    if (n > 0 && polled[1].revents != 0) accept_new(conns);
  }
}

void MetricsServer::accept_new(std::vector<Connection>& conns) noexcept {
  for (int i = 0; i < 64; ++i) {
    UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) {
      // EMFILE and the like: back off rather than spin on a ready socket.
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
        pollfd s = {stop_.get(), POLLIN, 0};
        (void)::poll(&s, 1, 100);
      }
      return;
    }
    if (conns.size() >= kMaxConnections) {
      // The oldest (conns are in the order they came) makes room: first one
      // already answered and waiting for its client to close, then one
      // still reading its request, then one whose client does not read the
      // answer. Every client then gets its turn, however many others hold
      // connections open (an endpoint that closed the newest instead had
      // refused every scrape while 32 answered clients did not close).
      const auto oldest_in = [&](Connection::Phase phase) {
        return std::find_if(conns.begin(), conns.end(), [phase](const Connection& c) { return c.phase == phase; });
      };
      auto oldest = oldest_in(Connection::Phase::kDrain);
      if (oldest == conns.end()) oldest = oldest_in(Connection::Phase::kRead);
      if (oldest == conns.end()) oldest = conns.begin();
      conns.erase(oldest);
    }
    try {
      conns.push_back(Connection{std::move(fd), Connection::Phase::kRead, {}, 0, 0, Clock::now() + options_.io_timeout});
    } catch (...) {
      return;
    }
  }
}

void MetricsServer::step(Connection& c) noexcept {
  using Phase = Connection::Phase;
  char buf[2048];
  if (c.phase == Phase::kRead) {
    Route route = Route::kIncomplete;
    int status = 0;
    while (route == Route::kIncomplete) {
      if (c.bytes.size() >= options_.max_request_bytes) {
        status = 431;
        break;
      }
      const std::size_t room = std::min(sizeof buf, options_.max_request_bytes - c.bytes.size());
      const ssize_t n = ::recv(c.fd.get(), buf, room, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // more later
      if (n <= 0) {
        c.phase = Phase::kDone;  // closed before a whole request
        return;
      }
      try {
        c.bytes.append(buf, static_cast<std::size_t>(n));
      } catch (...) {
        c.phase = Phase::kDone;
        return;
      }
      route = route_request(c.bytes);
    }
    try {
      c.bytes = answer(route, status);
    } catch (...) {
      c.phase = Phase::kDone;  // out of memory: the client sees the connection close
      return;
    }
    c.phase = Phase::kWrite;
    c.deadline = Clock::now() + options_.io_timeout;
  }
  if (c.phase == Phase::kWrite) {
    while (c.sent < c.bytes.size()) {
      const ssize_t n = ::send(c.fd.get(), c.bytes.data() + c.sent, c.bytes.size() - c.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        c.sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      } else {
        c.phase = Phase::kDone;  // the client went away
        return;
      }
    }
    (void)::shutdown(c.fd.get(), SHUT_WR);
    std::string().swap(c.bytes);
    c.phase = Phase::kDrain;
    c.deadline = std::min(Clock::now() + kDrainTime, c.deadline);
  }
  if (c.phase == Phase::kDrain) {
    while (c.drained < kDrainBytes) {
      const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) break;
      c.drained += static_cast<std::size_t>(n);
    }
    c.phase = Phase::kDone;
  }
}

std::string MetricsServer::answer(Route route, int status) {
  switch (route) {
    case Route::kMetrics:
    case Route::kMetricsHead: {
      std::string body;
      try {
        body = body_();
      } catch (...) {
        return http_response(500, kPlain, "metrics: internal error\n");
      }
      return http_response(200, kContentType, body, route == Route::kMetricsHead);
    }
    case Route::kNotFound: return http_response(404, kPlain, "not found: only GET /metrics\n");
    case Route::kMethodNotAllowed: return http_response(405, kPlain, "only GET /metrics\n");
    case Route::kBadRequest: return http_response(400, kPlain, "bad request\n");
    case Route::kIncomplete: break;
  }
  return http_response(status, kPlain, "request head too large\n");
}

}  // namespace ior::metrics
