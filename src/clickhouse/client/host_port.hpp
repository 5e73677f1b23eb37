#pragma once
// One server of the -ch-host list: its host and, when given with it
// (HOST:PORT), a port of its own.

#include <cstdint>
#include <string>

namespace ior::clickhouse {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;  ///< 0: ClientOptions::port
  bool operator==(const HostPort&) const = default;
};

}  // namespace ior::clickhouse
