// The client's stop and deadline paths against loopback servers that stall
// (tests/support/stalling_server.hpp): a cancellation ends every wait at
// once (connect, TLS, Hello, a query), and a server trickling bytes fails
// the exchange at its overall deadline although every read gets a byte
// within the per-read timeout.

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/error.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/net/cancellation.hpp"
#include "clickhouse/net/tcp_socket.hpp"
#include "stalling_server.hpp"

namespace ior::clickhouse {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::StallingServer;

ClientOptions slow_options(std::uint16_t port) {
  ClientOptions o;
  o.port = port;
  o.timeouts.connect = 30s;
  o.timeouts.receive = 30s;
  o.timeouts.send = 30s;
  o.deadlines = {.handshake = 60s, .query = 60s, .insert = 60s};
  o.cancel = std::make_shared<net::Cancellation>();
  return o;
}

// Cancels `cancel` on a thread of its own once ready() holds, i.e. once the
// client is inside the wait a test is about (a time alone would race with a
// slow start and cancel before it), and tells when it did.
class CancelWhen {
 public:
  CancelWhen(std::shared_ptr<const net::Cancellation> cancel, std::function<bool()> ready)
      : thread_([this, cancel, ready = std::move(ready)] {
          ready_ = StallingServer::wait_until(ready, 10s);
          cancelled_at_ = Clock::now();
          const_cast<net::Cancellation&>(*cancel).cancel();
        }) {}
  ~CancelWhen() { join(); }
  /// Whether ready() held before the 10 s deadline (then it cancelled anyway).
  bool was_ready() {
    join();
    return ready_;
  }
  Clock::time_point cancelled_at() {
    join();
    return cancelled_at_;
  }

 private:
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  bool ready_ = false;
  Clock::time_point cancelled_at_{};
  std::thread thread_;
};

// Cancels `cancel` after `after` on a thread of its own: for a test whose
// point is that the wait lasted that long.
class CancelAfter {
 public:
  CancelAfter(std::shared_ptr<const net::Cancellation> cancel, std::chrono::milliseconds after)
      : thread_([cancel, after] {
          std::this_thread::sleep_for(after);
          const_cast<net::Cancellation&>(*cancel).cancel();
        }) {}
  ~CancelAfter() { thread_.join(); }

 private:
  std::thread thread_;
};

// The cancellation ended the wait: not before it, and at once after it.
void expect_ended_by(CancelWhen& c, Clock::time_point ended) {
  ASSERT_TRUE(c.was_ready()) << "the client never reached the wait";
  EXPECT_GE(ended, c.cancelled_at());
  EXPECT_LT(ended - c.cancelled_at(), 500ms);
}

// Sockets of this network namespace in SYN_SENT towards 127.0.0.1:port.
// Whether a socket other than `known` (local ports) sits in SYN_SENT to
// 127.0.0.1:port. By port, not by count: under load a filler's handshake
// can still be in flight when they are counted, and its leaving SYN_SENT
// later hid the client's connect from a count (the wait then timed out).
bool other_syn_sent_to(std::uint16_t port, const std::vector<std::uint16_t>& known) {
  std::ifstream tcp("/proc/net/tcp");
  char want[16];
  std::snprintf(want, sizeof want, "0100007F:%04X", port);
  std::string line;
  std::getline(tcp, line);  // header
  while (std::getline(tcp, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    if (remote != want || state != "02" || local.size() < 5) continue;
    const auto local_port = static_cast<std::uint16_t>(std::stoul(local.substr(local.size() - 4), nullptr, 16));
    if (std::find(known.begin(), known.end(), local_port) == known.end()) return true;
  }
  return false;
}

// Runs f, expecting net::Cancelled; returns its message and how long f took.
template <class F>
std::pair<std::string, Clock::duration> expect_cancelled(F&& f) {
  auto start = Clock::now();
  try {
    f();
  } catch (const net::Cancelled& e) {
    return {e.what(), Clock::now() - start};
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a cancellation: " << e.what();
    return {e.what(), Clock::now() - start};
  }
  ADD_FAILURE() << "no exception";
  return {"", Clock::now() - start};
}

TEST(ClientCancelTest, ACancelledClientDoesNotEvenConnect) {
  StallingServer server(StallingServer::Mode::kSilent);
  ClientOptions o = slow_options(server.port());
  std::const_pointer_cast<net::Cancellation>(o.cancel)->cancel();
  auto [what, took] = expect_cancelled([&] { Connection c(o); });
  EXPECT_NE(what.find("cancelled"), std::string::npos) << what;
  EXPECT_LT(took, 100ms);
  EXPECT_EQ(server.accepted(), 0);
}

TEST(ClientCancelTest, CancelEndsTheWaitForASilentServersHello) {
  StallingServer server(StallingServer::Mode::kSilent);
  ClientOptions o = slow_options(server.port());
  CancelWhen when_hello_sent(o.cancel, [&] { return !server.received().empty(); });
  auto what = expect_cancelled([&] { Connection c(o); }).first;
  expect_ended_by(when_hello_sent, Clock::now());
  EXPECT_NE(what.find("reading from 127.0.0.1:" + std::to_string(server.port()) + " cancelled"), std::string::npos)
      << what;
  EXPECT_EQ(server.accepted(), 1);
}

TEST(ClientCancelTest, CancelEndsAPendingConnect) {
  // A listener that never accepts, its queue filled by our own connections:
  // the kernel drops further SYNs, so the client's connect() stays pending.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), len);
    (void)rc;  // EINPROGRESS for the ones that do not fit
    fillers.push_back(fd);
  }
  ClientOptions o = slow_options(ntohs(a.sin_port));
  std::vector<std::uint16_t> filler_ports;
  for (int fd : fillers) {
    sockaddr_in own{};
    socklen_t own_len = sizeof own;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&own), &own_len), 0);
    filler_ports.push_back(ntohs(own.sin_port));
  }
  CancelWhen when_syn_sent(o.cancel, [&] { return other_syn_sent_to(ntohs(a.sin_port), filler_ports); });
  auto what = expect_cancelled([&] { Connection c(o); }).first;
  expect_ended_by(when_syn_sent, Clock::now());
  EXPECT_NE(what.find("connecting to 127.0.0.1"), std::string::npos) << what;
  for (int fd : fillers) ::close(fd);
  ::close(listener);
}

TEST(ClientCancelTest, CancelEndsATlsHandshake) {
  StallingServer server(StallingServer::Mode::kSilent);
  ClientOptions o = slow_options(server.port());
  o.tls.enabled = true;
  o.tls.insecure = true;
  CancelWhen when_client_hello_sent(o.cancel, [&] { return !server.received().empty(); });
  auto what = expect_cancelled([&] { Connection c(o); }).first;
  expect_ended_by(when_client_hello_sent, Clock::now());
  EXPECT_NE(what.find("TLS handshake with 127.0.0.1"), std::string::npos) << what;
}

TEST(ClientCancelTest, OneCancellationEndsEveryConnectionMadeWithCopiesOfTheOptions) {
  StallingServer server(StallingServer::Mode::kSilent);
  ClientOptions o = slow_options(server.port());
  std::vector<std::thread> threads;
  std::atomic<int> cancelled{0};
  auto start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([o, &cancelled] {
      try {
        Connection c(o);
      } catch (const net::Cancelled&) {
        ++cancelled;
      } catch (const std::exception&) {
      }
    });
  }
  ASSERT_TRUE(StallingServer::wait_until([&] { return server.accepted() == 3; }, 10s));
  std::const_pointer_cast<net::Cancellation>(o.cancel)->cancel();
  for (auto& t : threads) t.join();
  EXPECT_EQ(cancelled.load(), 3);
  EXPECT_LT(Clock::now() - start, 10s);
}

// Runs f, expecting the overall-deadline error of `exchange` (a timeout
// naming the deadline), at the deadline and not much later.
template <class F>
void expect_past_deadline(F&& f, const std::string& exchange, std::chrono::milliseconds budget) {
  auto start = Clock::now();
  try {
    f();
    ADD_FAILURE() << "an exchange that never ends returned";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ETIMEDOUT);
    EXPECT_NE(std::string(e.what()).find(exchange + " exceeded its overall deadline of " +
                                         std::to_string(budget.count()) + " ms"),
              std::string::npos)
        << e.what();
  }
  auto took = Clock::now() - start;
  EXPECT_GE(took, budget);
  // Without the deadline the exchange never ends; the slack is for a loaded
  // machine (700 ms failed once with two builds running on 2 cores).
  EXPECT_LT(took, budget + 2000ms);
}

TEST(ClientDeadlineTest, ATricklingHelloFailsAtTheHandshakeDeadline) {
  StallingServer server(StallingServer::Mode::kTrickleHello, 50ms);
  ClientOptions o = slow_options(server.port());
  o.timeouts.receive = 5s;  // every read gets a byte within 50 ms
  o.deadlines.handshake = 800ms;
  expect_past_deadline([&] { Connection c(o); }, "handshake with 127.0.0.1:" + std::to_string(server.port()), 800ms);
}

TEST(ClientDeadlineTest, AQueryAgainstATricklingServerFailsAtItsOverallDeadline) {
  StallingServer server(StallingServer::Mode::kHelloThenProgress, 50ms);
  ClientOptions o = slow_options(server.port());
  o.timeouts.receive = 5s;  // a Progress packet every 50 ms
  o.deadlines.query = 1000ms;
  Connection c(o);
  EXPECT_EQ(c.server().revision, 54412u);
  expect_past_deadline([&] { c.query("SELECT 1"); }, "query to 127.0.0.1:" + std::to_string(server.port()), 1000ms);
  EXPECT_TRUE(c.broken());
  // Without the overall deadline the same query runs on: still going at 1.5 s.
  ClientOptions patient = o;
  patient.deadlines.query = 60s;
  Connection p(patient);
  CancelAfter later(patient.cancel, 1500ms);
  auto [what, ran] = expect_cancelled([&] { p.query("SELECT 1"); });
  EXPECT_GE(ran, 1500ms) << what;
  EXPECT_TRUE(p.broken());
}

TEST(ClientCancelTest, CancelEndsATricklingQueryAndLeavesTheConnectionBroken) {
  StallingServer server(StallingServer::Mode::kHelloThenProgress, 50ms);
  ClientOptions o = slow_options(server.port());
  Connection c(o);
  CancelWhen when_query_sent(o.cancel, [&] { return server.received().find("SELECT 1") != std::string::npos; });
  auto what = expect_cancelled([&] { c.query("SELECT 1"); }).first;
  expect_ended_by(when_query_sent, Clock::now());
  EXPECT_NE(what.find("cancelled: ior is stopping"), std::string::npos) << what;
  EXPECT_TRUE(c.broken());
  EXPECT_THROW(c.ping(), Error);
}

sockaddr_storage address(int family, const char* text) {
  sockaddr_storage st{};
  if (family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&st);
    a->sin_family = AF_INET;
    EXPECT_EQ(::inet_pton(AF_INET, text, &a->sin_addr), 1) << text;
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&st);
    a->sin6_family = AF_INET6;
    EXPECT_EQ(::inet_pton(AF_INET6, text, &a->sin6_addr), 1) << text;
  }
  return st;
}

TEST(ClientNetTest, LoopbackAddressesAreKnownInEveryForm) {
  for (const char* v4 : {"127.0.0.1", "127.255.0.9"}) {
    auto st = address(AF_INET, v4);
    EXPECT_TRUE(net::is_loopback(reinterpret_cast<sockaddr*>(&st))) << v4;
  }
  for (const char* v4 : {"10.0.0.1", "128.0.0.1", "0.0.0.0", "192.168.1.127"}) {
    auto st = address(AF_INET, v4);
    EXPECT_FALSE(net::is_loopback(reinterpret_cast<sockaddr*>(&st))) << v4;
  }
  for (const char* v6 : {"::1", "::ffff:127.0.0.1"}) {
    auto st = address(AF_INET6, v6);
    EXPECT_TRUE(net::is_loopback(reinterpret_cast<sockaddr*>(&st))) << v6;
  }
  for (const char* v6 : {"::", "::2", "fe80::1", "::ffff:10.0.0.1", "2001:db8::7f00:1"}) {
    auto st = address(AF_INET6, v6);
    EXPECT_FALSE(net::is_loopback(reinterpret_cast<sockaddr*>(&st))) << v6;
  }
}

TEST(ClientNetTest, NoCleartextWarningForALoopbackPeer) {
  // The positive case (a non-loopback peer) needs an address of its own: the
  // end-to-end test runs ior in a network namespace (tests/e2e/secrets_e2e_test.cpp).
  StallingServer server(StallingServer::Mode::kHelloThenProgress);
  ClientOptions o = slow_options(server.port());
  o.password = "pw";
  int calls = 0;
  o.on_cleartext_password = [&](const std::string&) { ++calls; };
  Connection c(o);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(StallingServer::wait_until([&] { return server.received().find("pw") != std::string::npos; }, 5s))
      << "the Hello carries the password";
}

}  // namespace
}  // namespace ior::clickhouse
