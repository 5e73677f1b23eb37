#include "stalling_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace ior::testing {
namespace {

void varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>(static_cast<std::uint8_t>(v) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void text(std::string& out, const std::string& s) {
  varint(out, s.size());
  out += s;
}

// ServerPacket Hello (0) at revision 54412: name, major, minor, revision,
// timezone, display name, patch (src/clickhouse/protocol/packets.cpp).
std::string hello() {
  std::string h;
  varint(h, 0);
  text(h, "ClickHouse");
  varint(h, 18);
  varint(h, 16);
  varint(h, 54412);
  text(h, "UTC");
  text(h, "stalling");
  varint(h, 1);
  return h;
}

// ServerPacket Progress (3) at 54412: rows, bytes, total rows.
std::string progress() {
  std::string p;
  varint(p, 3);
  varint(p, 1);
  varint(p, 8);
  varint(p, 0);
  return p;
}

std::string endless_hello_start() {
  std::string h;
  varint(h, 0);
  varint(h, 1u << 20);  // the name's length; its bytes come one by one
  return h;
}

struct Client {
  int fd;
  std::size_t trickled;  // bytes of the endless Hello sent so far (kTrickleHello)
  int reads = 0;        // the first is the client's Hello; more: a query (kHelloThenProgress)
};

}  // namespace

StallingServer::StallingServer(Mode mode, std::chrono::milliseconds interval, std::uint16_t port)
    : mode_(mode), interval_(interval) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // a port a killed server just left
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
      ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error(std::string("StallingServer: ") + std::strerror(errno));
  }
  port_ = ntohs(a.sin_port);
  quit_fd_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { run(); });
}

StallingServer::~StallingServer() {
  std::uint64_t one = 1;
  ssize_t ignored = ::write(quit_fd_, &one, sizeof one);
  (void)ignored;
  thread_.join();
  ::close(quit_fd_);
  ::close(listen_fd_);
}

int StallingServer::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

std::string StallingServer::received() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

bool StallingServer::wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void StallingServer::run() {
  std::vector<Client> clients;
  auto next_tick = std::chrono::steady_clock::now() + interval_;
  for (;;) {
    std::vector<pollfd> fds{{quit_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const auto& c : clients) fds.push_back({c.fd, POLLIN, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - std::chrono::steady_clock::now());
    int r = ::poll(fds.data(), fds.size(), left.count() > 0 ? static_cast<int>(left.count()) : 0);
    if (r < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) break;
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd >= 0) {
        Client c{fd, 0, 0};
        if (mode_ == Mode::kHelloThenProgress || mode_ == Mode::kHttp) {
          std::string h = mode_ == Mode::kHttp ? "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" : hello();
          ssize_t ignored = ::send(fd, h.data(), h.size(), MSG_NOSIGNAL);
          (void)ignored;
        }
        clients.push_back(c);
        std::lock_guard<std::mutex> lock(mu_);
        ++accepted_;
      }
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (!(fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t n = ::recv(clients[i].fd, buf, sizeof buf, 0);
      if (n > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        received_.append(buf, static_cast<std::size_t>(n));
        ++clients[i].reads;
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(clients[i].fd);
        clients[i].fd = -1;
      }
    }
    std::erase_if(clients, [](const Client& c) { return c.fd < 0; });
    if (std::chrono::steady_clock::now() < next_tick) continue;
    next_tick += interval_;
    static const std::string start = endless_hello_start();
    for (auto& c : clients) {
      std::string out;
      if (mode_ == Mode::kTrickleHello) {
        out.push_back(c.trickled < start.size() ? start[c.trickled] : 'x');
        ++c.trickled;
      } else if (mode_ == Mode::kHelloThenProgress && c.reads >= 2) {
        out = progress();
      }
      if (!out.empty()) {
        ssize_t ignored = ::send(c.fd, out.data(), out.size(), MSG_NOSIGNAL);
        (void)ignored;
      }
    }
  }
  for (const auto& c : clients) ::close(c.fd);
}

}  // namespace ior::testing
