#include "cli/ch_hosts.hpp"

#include <charconv>

#include "base/error.hpp"

namespace ior::cli {
namespace {

std::uint16_t parse_port(const std::string& entry, const std::string& text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || at != end || value == 0 || value > 65535) {
    throw UsageError("flag -ch-host: \"" + entry + "\": the port must be a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

clickhouse::HostPort parse_entry(const std::string& entry) {
  clickhouse::HostPort h;
  if (entry.starts_with("[")) {
    const auto close = entry.find(']');
    if (close == std::string::npos || close == 1) {
      throw UsageError("flag -ch-host: \"" + entry + "\": an IPv6 address goes in [ ]");
    }
    h.host = entry.substr(1, close - 1);
    const std::string rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') throw UsageError("flag -ch-host: \"" + entry + "\": only :PORT may follow ]");
      h.port = parse_port(entry, rest.substr(1));
    }
    return h;
  }
  const auto colon = entry.find(':');
  if (colon != std::string::npos && entry.find(':', colon + 1) == std::string::npos) {
    h.host = entry.substr(0, colon);
    h.port = parse_port(entry, entry.substr(colon + 1));
  } else {
    h.host = entry;  // a name, an IPv4 address, or a bare IPv6 address
  }
  if (h.host.empty()) throw UsageError("flag -ch-host: \"" + entry + "\": no host name");
  return h;
}

}  // namespace

std::vector<clickhouse::HostPort> parse_ch_hosts(const std::string& text) {
  std::vector<clickhouse::HostPort> hosts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string entry = text.substr(start, comma - start);
    if (entry.empty()) throw UsageError("flag -ch-host: empty host name in \"" + text + "\"");
    hosts.push_back(parse_entry(entry));
    start = comma + 1;
  }
  return hosts;
}

std::string host_text(const clickhouse::HostPort& h, std::uint16_t default_port) {
  if (h.port == 0 || h.port == default_port) return h.host;
  const bool v6 = h.host.find(':') != std::string::npos;
  return (v6 ? "[" + h.host + "]" : h.host) + ":" + std::to_string(h.port);
}

}  // namespace ior::cli
