#include "clickhouse/protocol/packets.hpp"

#include <memory>

#include "base/error.hpp"
#include "clickhouse/protocol/revisions.hpp"
#include "clickhouse/protocol/settings.hpp"
#include "clickhouse/wire/compressed_reader.hpp"

namespace ior::clickhouse::protocol {
namespace {

constexpr std::size_t kMaxText = 16u << 20;  // names, messages, stack traces

void packet_id(wire::WireWriter& out, ClientPacket p) { out.varint(static_cast<std::uint64_t>(p)); }

columns::Block read_block_maybe_compressed(wire::ByteReader& in, const PacketContext& ctx, bool compressed,
                                           std::size_t& bytes) {
  auto format = block_format(ctx.revision);
  if (!compressed) return columns::read_block(in, format, ctx.limits.block, &bytes);
  wire::CompressedReader frames(in, ctx.limits.frame, in.max_string());
  columns::Block block = columns::read_block(frames, format, ctx.limits.block, &bytes);
  if (!frames.frame_consumed()) wire::ByteReader::malformed("a compressed block ends inside a frame");
  return block;
}

}  // namespace

columns::BlockFormat block_format(std::uint64_t revision) {
  return {.with_info = revision > 0, .with_custom_serialization = revision >= revision::kCustomSerialization};
}

void write_hello(wire::WireWriter& out, const ClientHello& hello) {
  packet_id(out, ClientPacket::kHello);
  out.string("ClickHouse " + hello.version.name);
  out.varint(hello.version.major);
  out.varint(hello.version.minor);
  out.varint(revision::kClient);
  out.string(hello.database);
  out.string(hello.user);
  out.string(hello.password);
}

ServerHello read_hello(wire::ByteReader& in, std::uint64_t client_revision) {
  ServerHello h;
  h.name = in.string(kMaxText);
  h.major = in.varint();
  h.minor = in.varint();
  h.revision = in.varint();
  std::uint64_t rev = std::min(h.revision, client_revision);
  if (rev >= revision::kServerTimezone) h.timezone = in.string(kMaxText);
  if (rev >= revision::kServerDisplayName) h.display_name = in.string(kMaxText);
  h.patch = rev >= revision::kVersionPatch ? in.varint() : h.revision;
  return h;
}

void write_addendum(wire::WireWriter& out, std::uint64_t revision, std::string_view quota_key) {
  if (revision >= revision::kQuotaKey) out.string(quota_key);
}

void write_query(wire::WireWriter& out, const QueryRequest& q, std::uint64_t revision) {
  std::string& buf = out.buffer();
  std::size_t start = buf.size();
  try {
    packet_id(out, ClientPacket::kQuery);
    out.string(q.query_id);
    // Client info: this is an initial query, from this client, over TCP.
    out.fixed<std::uint8_t>(1);
    out.string("");  // initial user: the server fills in the authenticated one
    out.string(q.query_id);
    out.string("[::ffff:127.0.0.1]:0");
    if (revision >= revision::kInitialQueryStartTime) out.fixed<std::int64_t>(0);
    out.fixed<std::uint8_t>(1);  // interface: TCP
    out.string(q.os_user);
    out.string(q.client_hostname);
    out.string("ClickHouse " + q.version.name);
    out.varint(q.version.major);
    out.varint(q.version.minor);
    out.varint(revision::kClient);
    if (revision >= revision::kQuotaKeyInClientInfo) out.string(q.quota_key);
    if (revision >= revision::kDistributedDepth) out.varint(0);
    if (revision >= revision::kVersionPatch) out.varint(q.version.patch);
    if (revision >= revision::kOpenTelemetry) out.fixed<std::uint8_t>(0);  // no trace context
    if (revision >= revision::kParallelReplicas) {
      out.varint(0);  // collaborate_with_initiator
      out.varint(0);  // count_participating_replicas
      out.varint(0);  // number_of_current_replica
    }
    write_settings(out, q.settings, revision);
    if (revision >= revision::kInterserverSecret) out.string("");
    out.varint(2);  // stage: Complete
    out.varint(q.compression ? 1 : 0);
    out.string(q.query);
    if (revision >= revision::kParameters) write_settings(out, {}, revision);
  } catch (...) {
    buf.resize(start);
    throw;
  }
}

std::string column_signature(const columns::Block& block) {
  std::string s;
  for (const auto& c : block) s += c.name + " " + c.column->type().name + "\n";
  return s;
}

void write_data(wire::WireWriter& out, const columns::Block& block, std::uint64_t revision,
                const Compression& compression, std::string& scratch, EncodedBlock* keep) {
  packet_id(out, ClientPacket::kData);
  out.string("");
  const std::size_t start = out.buffer().size();
  if (!compression.enabled) {
    columns::write_block(block, out, block_format(revision));
  } else {
    scratch.clear();
    wire::WireWriter plain(scratch);
    columns::write_block(block, plain, block_format(revision));
    wire::write_frames(scratch, compression.method, compression.zstd_level, out.buffer());
  }
  if (keep) {
    keep->bytes.assign(out.buffer(), start);
    keep->revision = revision;
    keep->compressed = compression.enabled;
    keep->rows = block.rows();
    keep->columns = column_signature(block);
  }
}

void write_encoded_data(wire::WireWriter& out, const EncodedBlock& block) {
  packet_id(out, ClientPacket::kData);
  out.string("");
  out.buffer() += block.bytes;
}

columns::Block decode_block(const EncodedBlock& block, const PacketLimits& limits) {
  wire::MemoryReader in(block.bytes);
  const PacketContext ctx{.revision = block.revision, .compression = block.compressed, .limits = limits};
  std::size_t bytes = 0;
  columns::Block b = read_block_maybe_compressed(in, ctx, block.compressed, bytes);
  if (!in.at_end() || b.rows() != block.rows) {
    wire::ByteReader::malformed("a kept block does not decode to its " + std::to_string(block.rows) + " rows");
  }
  return b;
}

void write_cancel(wire::WireWriter& out) { packet_id(out, ClientPacket::kCancel); }
void write_ping(wire::WireWriter& out) { packet_id(out, ClientPacket::kPing); }

// Every field of a Progress packet is an increment since the server's
// previous one (TCPHandler::sendProgress sends the values it fetched and
// reset, and elapsed_ns as the time since the last packet): they add up.
void Progress::add(const Progress& p) {
  rows += p.rows;
  bytes += p.bytes;
  total_rows += p.total_rows;
  total_bytes += p.total_bytes;
  written_rows += p.written_rows;
  written_bytes += p.written_bytes;
  elapsed_ns += p.elapsed_ns;
}

std::vector<ExceptionInfo> read_exception(wire::ByteReader& in, std::size_t max_depth) {
  std::vector<ExceptionInfo> chain;
  do {
    if (chain.size() >= max_depth) {
      wire::ByteReader::malformed("exception nested more than " + std::to_string(max_depth) + " deep");
    }
    ExceptionInfo e;
    e.code = in.fixed<std::int32_t>();
    e.name = in.string(kMaxText);
    e.message = in.string(kMaxText);
    e.stack_trace = in.string(kMaxText);
    chain.push_back(std::move(e));
  } while (in.fixed<std::uint8_t>() != 0);
  return chain;
}

Packet read_packet(wire::ByteReader& in, const PacketContext& ctx) {
  Packet p;
  auto kind = in.varint();
  p.kind = static_cast<ServerPacket>(kind);
  switch (p.kind) {
    case ServerPacket::kData:
    case ServerPacket::kTotals:
    case ServerPacket::kExtremes:
      p.table_name = in.string(kMaxText);
      p.block = read_block_maybe_compressed(in, ctx, ctx.compression, p.block_bytes);
      break;
    case ServerPacket::kLog:
    case ServerPacket::kProfileEvents:
      // Server-side logs and profile events are never compressed.
      p.table_name = in.string(kMaxText);
      p.block = read_block_maybe_compressed(in, ctx, false, p.block_bytes);
      break;
    case ServerPacket::kException:
      p.exception = read_exception(in, ctx.limits.max_exception_depth);
      break;
    case ServerPacket::kProgress:
      p.progress.rows = in.varint();
      p.progress.bytes = in.varint();
      p.progress.total_rows = in.varint();
      if (ctx.revision >= revision::kClientWriteInfo) {
        p.progress.written_rows = in.varint();
        p.progress.written_bytes = in.varint();
      }
      if (ctx.revision >= revision::kServerQueryTimeInProgress) p.progress.elapsed_ns = in.varint();
      break;
    case ServerPacket::kProfileInfo:
      p.profile.rows = in.varint();
      p.profile.blocks = in.varint();
      p.profile.bytes = in.varint();
      p.profile.applied_limit = in.fixed<std::uint8_t>() != 0;
      p.profile.rows_before_limit = in.varint();
      p.profile.calculated_rows_before_limit = in.fixed<std::uint8_t>() != 0;
      break;
    case ServerPacket::kTableColumns:
      p.table_name = in.string(kMaxText);
      p.text = in.string(kMaxText);
      break;
    case ServerPacket::kPartUuids: {
      auto n = in.varint();
      if (n > ctx.limits.max_part_uuids) wire::ByteReader::malformed("too many part UUIDs");
      for (std::uint64_t i = 0; i < n; ++i) {
        columns::Uuid u;
        u.high = in.fixed<std::uint64_t>();
        u.low = in.fixed<std::uint64_t>();
        p.part_uuids.push_back(u);
      }
      break;
    }
    case ServerPacket::kPong:
    case ServerPacket::kEndOfStream:
      break;
    default:
      throw ProtocolError("clickhouse: unexpected server packet kind " + std::to_string(kind));
  }
  return p;
}

}  // namespace ior::clickhouse::protocol
