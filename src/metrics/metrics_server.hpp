#pragma once
// The -metrics endpoint: one small thread that serves up to 32 connections
// at once with poll(2): each reads one request head (bounded in bytes and
// time), answers GET /metrics with body() and anything else with an error
// status, and closes.
//
// It never touches the ring-buffer reader: body() reads counters that their
// writers publish for any thread (relaxed atomics, the sink runners'
// snapshots under their own short locks). A client that sends nothing, or
// reads nothing, is closed after io_timeout per phase; while 32 are open,
// a new one closes the oldest (answered first, then still reading, then
// not reading its answer), so clients held open never keep a scrape waiting.

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.hpp"
#include "metrics/http_request.hpp"
#include "metrics/listen_address.hpp"

namespace ior::metrics {

struct ServerOptions {
  std::size_t max_request_bytes = 8192;  ///< a longer request head gets 431
  std::chrono::milliseconds io_timeout{2000};  ///< to receive the head, then to send the answer
};

class MetricsServer {
 public:
  /// Binds and listens at once, so that a taken port is an error before
  /// tracing starts. Throws SystemError naming the address.
  explicit MetricsServer(const ListenAddress& address, ServerOptions options = {});
  ~MetricsServer();  ///< stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// The address listened on, with the port the kernel chose for port 0.
  const std::string& bound() const { return bound_; }

  /// Starts the thread; body() runs on it for every GET /metrics and must
  /// not throw (a throw is answered with 500).
  void start(std::function<std::string()> body);
  /// Ends the thread (a connection in progress is dropped) and closes the
  /// listening socket; idempotent.
  void stop() noexcept;

 private:
  struct Connection;
  void loop() noexcept;
  void accept_new(std::vector<Connection>& conns) noexcept;
  void step(Connection& c) noexcept;
  std::string answer(Route route, int status);

  ServerOptions options_;
  UniqueFd listen_;
  UniqueFd stop_;  // eventfd: readable once stop() was called
  std::string bound_;
  std::function<std::string()> body_;
  std::thread thread_;
};

}  // namespace ior::metrics
