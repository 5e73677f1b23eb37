// libFuzzer target: arbitrary bytes as what a server sends on a native
// connection. The first byte picks the revision and compression the client
// negotiated; the rest is read as packets until the input ends or the reader
// rejects it. Any crash, sanitizer report or allocation beyond the RSS limit
// is a bug: the limits in PacketLimits must hold for every input.

#include <cstddef>
#include <cstdint>

#include "base/error.hpp"
#include "clickhouse/protocol/packets.hpp"
#include "clickhouse/protocol/revisions.hpp"

using namespace ior::clickhouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  protocol::PacketContext ctx;
  ctx.revision = (data[0] & 1) ? protocol::revision::kClient : 54412;
  ctx.compression = (data[0] & 2) != 0;
  // Small limits so a run under the 512 MB RSS cap can reach every one.
  ctx.limits.frame.max_compressed = 1u << 20;
  ctx.limits.frame.max_uncompressed = 4u << 20;
  ctx.limits.block.max_bytes = 16u << 20;
  ctx.limits.block.max_rows = 1u << 20;
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  wire::MemoryReader reader(in, 1u << 20);
  try {
    if (data[0] & 4) {
      protocol::read_hello(reader, protocol::revision::kClient);
      return 0;
    }
    while (!reader.at_end()) {
      protocol::Packet p = protocol::read_packet(reader, ctx);
      for (const auto& c : p.block) {
        for (std::size_t r = 0; r < c.column->size() && r < 4; ++r) (void)c.column->text(r);
      }
    }
  } catch (const ior::Error&) {
    // Rejected input: the expected outcome for malformed bytes.
  }
  return 0;
}
