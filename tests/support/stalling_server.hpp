#pragma once
// A loopback TCP server (127.0.0.1, a free or a given port) that accepts connections
// and stalls them the ways a broken or overloaded ClickHouse server does,
// for the tests of deadlines and of stopping ior:
//   kSilent             accepts, reads, never answers;
//   kTrickleHello       starts a server Hello and trickles it one byte per
//                       interval, never completing it (the server name
//                       claims 1 MiB);
//   kHelloThenProgress  completes a Hello as 18.16 does (revision 54412),
//                       then answers whatever comes with one Progress packet
//                       per interval, never ending the query;
//   kHttp               answers at once as an HTTP server does to bytes it
//                       cannot parse (400 Bad Request): a ClickHouse HTTP
//                       port given as its native one.
// Everything clients send is kept, so a test can look for a password in it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace ior::testing {

class StallingServer {
 public:
  enum class Mode { kSilent, kTrickleHello, kHelloThenProgress, kHttp };

  /// Listens on 127.0.0.1:port (0: a free port).
  explicit StallingServer(Mode mode, std::chrono::milliseconds interval = std::chrono::milliseconds(100),
                          std::uint16_t port = 0);
  ~StallingServer();
  StallingServer(const StallingServer&) = delete;
  StallingServer& operator=(const StallingServer&) = delete;

  std::uint16_t port() const { return port_; }
  int accepted() const;
  /// Every byte received so far, of all connections in accept order.
  std::string received() const;
  /// Polls ready() every 10 ms until it is true (true) or timeout (false).
  static bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

 private:
  void run();

  Mode mode_;
  std::chrono::milliseconds interval_;
  int listen_fd_ = -1;
  int quit_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  int accepted_ = 0;
  std::string received_;
  std::thread thread_;
};

}  // namespace ior::testing
