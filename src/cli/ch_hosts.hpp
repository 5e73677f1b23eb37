#pragma once
// -ch-host: a comma-separated list of HOST, HOST:PORT, [IPV6] or
// [IPV6]:PORT. A port given with a host overrides -ch-port for that host
// only (a cluster's shards often listen on ports of their own); a bare IPv6
// address without brackets is one host (its colons are not a port).

#include <cstdint>
#include <string>
#include <vector>

#include "clickhouse/client/host_port.hpp"

namespace ior::cli {

/// Throws UsageError naming -ch-host for an empty host or a bad port.
std::vector<clickhouse::HostPort> parse_ch_hosts(const std::string& text);

/// The host as it names the spool directory: as given, with its port only
/// when that differs from default_port, so a list without ports names the
/// directory earlier versions used.
std::string host_text(const clickhouse::HostPort& h, std::uint16_t default_port);

}  // namespace ior::cli
