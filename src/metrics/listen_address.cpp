#include "metrics/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "base/error.hpp"

namespace ior::metrics {
namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw UsageError("flag -metrics: \"" + std::string(text) + "\": " + why +
                   " (PORT, :PORT, IPV4:PORT, localhost:PORT or [IPV6]:PORT)");
}

std::uint16_t parse_port(std::string_view text, std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    bad(text, "the port is not a number from 0 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

void set_v4(ListenAddress& a, const std::string& host, std::uint16_t port, std::string_view text) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &sin.sin_addr) != 1) bad(text, "not an IPv4 address");
  std::memcpy(&a.addr, &sin, sizeof sin);
  a.len = sizeof sin;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
  ListenAddress a;
  std::string host;
  std::string_view port;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) bad(text, "an IPv6 address needs ]:PORT after it");
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(parse_port(text, port));
    if (inet_pton(AF_INET6, host.c_str(), &sin6.sin6_addr) != 1) bad(text, "not an IPv6 address");
    std::memcpy(&a.addr, &sin6, sizeof sin6);
    a.len = sizeof sin6;
    a.explicit_host = true;
    return a;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    port = text;
  } else {
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) bad(text, "an IPv6 address goes in brackets");
  }
  const std::uint16_t p = parse_port(text, port);
  a.explicit_host = !host.empty();
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  set_v4(a, host, p, text);
  return a;
}

std::string address_text(const sockaddr_storage& addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(s->sin6_port));
  }
  const auto* s = reinterpret_cast<const sockaddr_in*>(&addr);
  inet_ntop(AF_INET, &s->sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(s->sin_port));
}

bool is_loopback(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&addr);
    return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&addr);
    if (IN6_IS_ADDR_LOOPBACK(&s->sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&s->sin6_addr) && s->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace ior::metrics
