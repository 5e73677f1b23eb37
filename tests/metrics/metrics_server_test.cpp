// The endpoint's server on a real loopback socket: what it answers, and
// that a client which sends nothing, too much or reads slowly cannot hold it.
#include "metrics/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/error.hpp"
#include "base/unique_fd.hpp"

namespace ior::metrics {
namespace {

using namespace std::chrono_literals;

int port_of(const MetricsServer& s) { return std::stoi(s.bound().substr(s.bound().rfind(':') + 1)); }

UniqueFd connect_to(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
  return fd;
}

// Sends request, reads until the server closes (or 5 s).
std::string ask(int port, const std::string& request) {
  UniqueFd fd = connect_to(port);
  (void)!::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL);
  std::string got;
  char buf[4096];
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

struct Served {
  std::atomic<int> calls{0};
};

TEST(MetricsServerTest, ServesGetMetricsAndRefusesTheRest) {
  MetricsServer s(parse_listen_address(":0"));
  EXPECT_TRUE(s.bound().starts_with("127.0.0.1:")) << s.bound();
  Served served;
  s.start([&] {
    ++served.calls;
    return std::string("ior_up 1\n");
  });
  const int port = port_of(s);
  std::string r = ask(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\nior_up 1\n")) << r;
  EXPECT_TRUE(ask(port, "GET /other HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 ")) ;
  EXPECT_TRUE(ask(port, "DELETE /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
  EXPECT_TRUE(ask(port, "hello\r\n\r\n").starts_with("HTTP/1.1 400 "));
  r = ask(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n") && r.ends_with("\r\n\r\n")) << r;
  EXPECT_EQ(served.calls.load(), 2);
  s.stop();
  EXPECT_THROW(connect_to(port), std::runtime_error) << "closed after stop";
}

TEST(MetricsServerTest, SilentSlowAndOversizedClientsDoNotHoldIt) {
  MetricsServer s(parse_listen_address(":0"), {.max_request_bytes = 1024, .io_timeout = 300ms});
  s.start([] { return std::string("ior_up 1\n"); });
  const int port = port_of(s);
  // Sends nothing: dropped after io_timeout; the next client is served.
  UniqueFd silent = connect_to(port);
  const auto t0 = std::chrono::steady_clock::now();
  std::string r = ask(port, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK")) << r;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  // A head past the bound: 431, not a buffer that grows.
  r = ask(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 431 ")) << r.substr(0, 80);
  // One byte per 100 ms: cut off at io_timeout without an answer.
  UniqueFd slow = connect_to(port);
  for (char c : std::string("GET /metrics HTTP/1.1\r\n\r\n")) {
    if (::send(slow.get(), &c, 1, MSG_NOSIGNAL) != 1) break;
    std::this_thread::sleep_for(100ms);
  }
  char buf[256];
  ssize_t n = ::recv(slow.get(), buf, sizeof buf, MSG_DONTWAIT);
  EXPECT_LE(n, 0) << "no answer to a head that took longer than io_timeout";
  EXPECT_TRUE(ask(port, "GET /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 OK"));
}

// Idle connections that local users hold open do not delay a scrape: it is
// answered at once beside them, and past 32 the oldest idle one makes room.
// (One connection at a time, ten silent ones had delayed a scrape by 20 s.)
TEST(MetricsServerTest, IdleConnectionsDoNotDelayAScrape) {
  MetricsServer s(parse_listen_address(":0"), {.max_request_bytes = 8192, .io_timeout = 10s});
  s.start([] { return std::string("ior_up 1\n"); });
  const int port = port_of(s);
  for (int idle : {10, 100}) {
    std::vector<UniqueFd> held;
    for (int i = 0; i < idle; ++i) held.push_back(connect_to(port));
    std::this_thread::sleep_for(100ms);  // all accepted and waiting
    const auto t0 = std::chrono::steady_clock::now();
    std::string r = ask(port, "GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK")) << idle << ": " << r;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s) << idle << " idle connections";
    // Nor do clients that were answered and neither read nor close.
    std::vector<UniqueFd> answered;
    const std::string ask_once = "GET /metrics HTTP/1.1\r\n\r\n";
    for (int i = 0; i < 40; ++i) {
      answered.push_back(connect_to(port));
      ASSERT_EQ(::send(answered.back().get(), ask_once.data(), ask_once.size(), MSG_NOSIGNAL),
                static_cast<ssize_t>(ask_once.size()));
    }
    std::this_thread::sleep_for(50ms);
    r = ask(port, ask_once);
    EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK")) << idle << " idle, 40 answered: " << r;
    // A slow reader of its answer does not hold the others either.
    UniqueFd reader = connect_to(port);
    const std::string request = "GET /metrics HTTP/1.1\r\n\r\n";
    ASSERT_EQ(::send(reader.get(), request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    EXPECT_TRUE(ask(port, "GET /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 OK"));
  }
}

TEST(MetricsServerTest, StopEndsAConnectionInProgressAtOnce) {
  MetricsServer s(parse_listen_address(":0"), {.max_request_bytes = 8192, .io_timeout = 60s});
  s.start([] { return std::string(); });
  UniqueFd held = connect_to(port_of(s));
  std::this_thread::sleep_for(100ms);  // the server is in the connection now
  const auto t0 = std::chrono::steady_clock::now();
  s.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

TEST(MetricsServerTest, ABodyThatThrowsIs500) {
  MetricsServer s(parse_listen_address(":0"));
  s.start([]() -> std::string { throw std::runtime_error("no"); });
  EXPECT_TRUE(ask(port_of(s), "GET /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 500 "));
}

TEST(MetricsServerTest, ATakenPortIsAnErrorNamingTheAddress) {
  MetricsServer first(parse_listen_address(":0"));
  const std::string addr = first.bound();
  try {
    MetricsServer second(parse_listen_address(addr));
    FAIL() << "bound twice";
  } catch (const SystemError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on " + addr), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ior::metrics
