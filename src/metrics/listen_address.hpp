#pragma once
// The address of -metrics: "PORT", ":PORT", "HOST:PORT" with HOST an IPv4
// address, "localhost" or a bracketed IPv6 address ("[::1]:9464"). Without
// a host the endpoint listens on 127.0.0.1 only: ior's counters and its last
// error (file names, server messages) are for this machine unless the user
// names another address. Port 0 takes a free port (ior prints which).

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace ior::metrics {

struct ListenAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
  bool explicit_host = false;  ///< the user named the host (else loopback)
};

/// Throws UsageError naming the flag and what is wrong.
ListenAddress parse_listen_address(std::string_view text);

/// "127.0.0.1:9464", "[::1]:9464" for a socket address.
std::string address_text(const sockaddr_storage& addr);

/// True for 127.0.0.0/8 and ::1 (and ::ffff:127.x.y.z).
bool is_loopback(const sockaddr_storage& addr);

}  // namespace ior::metrics
