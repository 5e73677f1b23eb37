#include "clickhouse/net/transport_reader.hpp"

namespace ior::clickhouse::net {

bool TransportReader::next_chunk() {
  std::size_t n = transport_.read_some(buf_.data(), buf_.size());
  if (n == 0) throw ConnectionClosed("clickhouse: " + transport_.peer() + " closed the connection");
  set_chunk(buf_.data(), buf_.data() + n);
  return true;
}

}  // namespace ior::clickhouse::net
