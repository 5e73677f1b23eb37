#include "replay_packets.hpp"

#include <arpa/inet.h>

namespace ior::testing::chreplay {
namespace {

// ClientInfo::read's address rule (makeSocketAddressFromWire).
void check_address(const std::string& a) {
  if (a.empty()) throw Violation("ClientInfo: empty initial address");
  if (a.front() == '/') throw Violation("ClientInfo: initial address is not an IP endpoint");
  std::string host, port;
  if (a.front() == '[') {
    auto close = a.find(']');
    if (close == std::string::npos) throw Violation("ClientInfo: malformed IPv6 address " + a);
    host = a.substr(1, close - 1);
    if (close + 1 < a.size() && a[close + 1] == ':') port = a.substr(close + 2);
  } else {
    auto colon = a.find(':');
    if (colon != std::string::npos) {
      host = a.substr(0, colon);
      port = a.substr(colon + 1);
    }
  }
  if (port.empty()) throw Violation("ClientInfo: address without a port: " + a);
  unsigned long p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') throw Violation("ClientInfo: non-numeric port in " + a);
    p = p * 10 + static_cast<unsigned long>(c - '0');
    if (p > 0xffff) throw Violation("ClientInfo: port out of range in " + a);
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) != 1 && inet_pton(AF_INET6, host.c_str(), buf) != 1) {
    throw Violation("ClientInfo: host is not an IP literal in " + a);
  }
}

}  // namespace

ClientHello read_client_hello(In& in) {
  ClientHello h;
  h.client_name = in.str();
  h.major = in.varuint();
  h.minor = in.varuint();
  h.revision = in.varuint();
  h.database = in.str();
  h.user = in.str();
  h.password = in.str();
  if (h.user.empty()) throw Violation("Hello without a user");  // UNEXPECTED_PACKET_FROM_CLIENT
  return h;
}

Addendum read_addendum(In& in, std::uint64_t revision) {
  Addendum a;
  if (revision >= rev::kQuotaKey) a.quota_key = in.str();
  if (revision >= rev::kChunkedPackets) {
    a.chunked_send = in.str();
    a.chunked_recv = in.str();
  }
  if (revision >= rev::kVersionedParallelReplicas) a.parallel_replicas_version = in.varuint();
  return a;
}

ClientInfo read_client_info(In& in, std::uint64_t revision) {
  ClientInfo c;
  c.query_kind = in.byte();
  if (c.query_kind == 0) return c;
  if (c.query_kind > 2) throw Violation("ClientInfo: query kind " + std::to_string(c.query_kind));
  c.initial_user = in.str();
  c.initial_query_id = in.str();
  c.initial_address = in.str();
  check_address(c.initial_address);
  if (revision >= rev::kInitialQueryStartTime) c.initial_query_start_time_us = in.fixed<std::uint64_t>();
  c.interface = in.byte();
  if (c.interface == 1) {
    c.os_user = in.str();
    c.client_hostname = in.str();
    c.client_name = in.str();
    c.major = in.varuint();
    c.minor = in.varuint();
    c.tcp_revision = in.varuint();
  } else {
    throw Violation("ClientInfo: interface " + std::to_string(c.interface) + " over the native TCP port");
  }
  if (revision >= rev::kQuotaKeyInClientInfo) c.quota_key = in.str();
  if (revision >= rev::kDistributedDepth) c.distributed_depth = in.varuint();
  c.patch = revision >= rev::kVersionPatch ? in.varuint() : c.tcp_revision;
  if (revision >= rev::kOpenTelemetry) {
    std::uint8_t have = in.byte();
    if (have > 1) throw Violation("ClientInfo: trace-context flag " + std::to_string(have));
    c.has_trace_context = have == 1;
    if (c.has_trace_context) {
      in.fixed<std::uint64_t>();  // trace id (UUID)
      in.fixed<std::uint64_t>();
      in.fixed<std::uint64_t>();  // span id
      in.str();                   // tracestate
      in.byte();                  // trace flags
    }
  }
  if (revision >= rev::kParallelReplicas) {
    c.collaborate_with_initiator = in.varuint();
    c.count_participating_replicas = in.varuint();
    c.number_of_current_replica = in.varuint();
  }
  if (revision >= rev::kQueryAndLineNumbers) {
    in.varuint();
    in.varuint();
  }
  if (revision >= rev::kJwtInInterserver && in.byte() == 1) in.str();
  if (revision >= rev::kClientAgent) in.str();
  return c;
}

std::vector<Setting> read_settings(In& in, std::uint64_t revision) {
  if (revision < rev::kSettingsAsStrings) {
    // The BINARY format (each value in its own type) is not replayed: a
    // client may only send the empty list there.
    if (!in.str().empty()) throw Violation("settings below 54429 are not replayed");
    return {};
  }
  std::vector<Setting> out;
  for (;;) {
    Setting s;
    s.name = in.str();
    if (s.name.empty()) return out;
    s.flags = in.varuint();
    if (s.flags & ~std::uint64_t{0x0f}) throw Violation("setting " + s.name + " with flags " + std::to_string(s.flags));
    s.value = in.str();
    out.push_back(std::move(s));
  }
}

std::optional<std::string> ClientQuery::setting(const std::string& name) const {
  for (const auto& s : settings) {
    if (s.name == name) return s.value;
  }
  return std::nullopt;
}

ClientQuery read_query(In& in, std::uint64_t revision) {
  ClientQuery q;
  q.query_id = in.str();
  if (revision >= rev::kClientInfo) q.info = read_client_info(in, revision);
  q.settings = read_settings(in, revision);
  if (revision >= rev::kExternallyGrantedRoles) in.str();
  if (revision >= rev::kInterserverSecret) q.interserver_hash = in.str(32);
  q.stage = in.varuint();
  q.compression = in.varuint();
  if (q.compression > 1) throw Violation("Query compression flag " + std::to_string(q.compression));
  q.text = in.str();
  if (revision >= rev::kParameters) q.parameters = read_settings(in, revision);
  return q;
}

ClientData read_data(In& in, std::uint64_t revision, bool compressed) {
  ClientData d;
  d.table_name = in.str();
  if (!compressed) {
    d.block = read_block(in, revision);
    return d;
  }
  FrameIn frames(in);
  d.block = read_block(frames, revision);
  if (!frames.chunk_consumed()) throw Violation("a compressed block that does not end with its frame");
  d.frames = frames.frames();
  d.methods = frames.methods_seen();
  return d;
}

void write_server_hello(Out& out, const ServerIdentity& id, std::uint64_t client_revision) {
  out.varuint(server_packet::kHello);
  out.str(id.name);
  out.varuint(id.major);
  out.varuint(id.minor);
  out.varuint(id.revision);
  // A server older than the client writes what it knows of; a newer one
  // what the client knows of.
  std::uint64_t r = std::min(client_revision, id.revision);
  if (r >= rev::kVersionedParallelReplicas) out.varuint(8);  // DBMS_PARALLEL_REPLICAS_PROTOCOL_VERSION
  if (r >= rev::kServerTimezone) out.str(id.timezone);
  if (r >= rev::kServerDisplayName) out.str(id.display_name);
  if (r >= rev::kVersionPatch) out.varuint(id.patch);
  if (r >= rev::kChunkedPackets) {
    out.str(id.proto_caps_send);
    out.str(id.proto_caps_recv);
  }
  if (r >= rev::kPasswordComplexityRules) {
    out.varuint(id.password_rules.size());
    for (const auto& [pattern, message] : id.password_rules) {
      out.str(pattern);
      out.str(message);
    }
  }
  if (r >= rev::kInterserverSecretV2) out.fixed<std::uint64_t>(id.nonce);
  if (r >= rev::kServerSettings) out.str("");  // Settings::writeEmpty: the end marker only
  if (r >= rev::kQueryPlanSerialization) out.varuint(21);  // DBMS_QUERY_PLAN_SERIALIZATION_VERSION
}

std::optional<std::string> chunked_mismatch(const ServerIdentity& id, const Addendum& client) {
  auto check = [](const std::string& server, const std::string& requested,
                  const char* direction) -> std::optional<std::string> {
    bool chunked_server = server.starts_with("chunked");
    bool chunked_client = requested.starts_with("chunked");
    if (server.ends_with("_optional") || chunked_server == chunked_client) return std::nullopt;
    return std::string("Incompatible protocol: ") + direction + " is " + (chunked_server ? "chunked" : "notchunked") +
           ", client requested " + (chunked_client ? "chunked" : "notchunked");
  };
  // The client's receive side answers the server's send side.
  std::string recv = client.chunked_recv.empty() ? "notchunked" : client.chunked_recv;
  std::string send = client.chunked_send.empty() ? "notchunked" : client.chunked_send;
  if (auto m = check(id.proto_caps_send, recv, "send")) return m;
  return check(id.proto_caps_recv, send, "recv");
}

void write_progress(Out& out, const Progress& p, std::uint64_t revision) {
  out.varuint(server_packet::kProgress);
  out.varuint(p.read_rows);
  out.varuint(p.read_bytes);
  std::uint64_t total_rows = p.total_rows_to_read;
  // Older clients get an estimate of the rows when only bytes are known.
  if (revision < rev::kTotalBytesInProgress && p.total_bytes_to_read && !total_rows && p.read_rows && p.read_bytes) {
    double per_row = static_cast<double>(p.read_bytes) / static_cast<double>(p.read_rows);
    total_rows = static_cast<std::uint64_t>(static_cast<double>(p.total_bytes_to_read) / per_row);
  }
  out.varuint(total_rows);
  if (revision >= rev::kTotalBytesInProgress) out.varuint(p.total_bytes_to_read);
  if (revision >= rev::kClientWriteInfo) {
    out.varuint(p.written_rows);
    out.varuint(p.written_bytes);
  }
  if (revision >= rev::kServerQueryTimeInProgress) out.varuint(p.elapsed_ns);
}

void write_profile_info(Out& out, const ProfileInfo& p, std::uint64_t revision) {
  out.varuint(server_packet::kProfileInfo);
  out.varuint(p.rows);
  out.varuint(p.blocks);
  out.varuint(p.bytes);
  out.fixed<std::uint8_t>(p.applied_limit ? 1 : 0);
  out.varuint(p.rows_before_limit);
  out.fixed<std::uint8_t>(1);  // the obsolete calculated_rows_before_limit, always true
  if (revision >= rev::kRowsBeforeAggregation) {
    out.fixed<std::uint8_t>(p.applied_aggregation ? 1 : 0);
    out.varuint(p.rows_before_aggregation);
  }
}

void write_exception(Out& out, const ServerError& e) {
  out.varuint(server_packet::kException);
  out.fixed<std::int32_t>(e.code);
  out.str(e.name);
  out.str(e.message);
  out.str(e.stack_trace);
  out.fixed<std::uint8_t>(0);  // has_nested
}

void write_end_of_stream(Out& out) { out.varuint(server_packet::kEndOfStream); }

void write_pong(Out& out) { out.varuint(server_packet::kPong); }

void write_table_columns(Out& out, const std::string& description) {
  out.varuint(server_packet::kTableColumns);
  out.str("");
  out.str(description);
}

void write_data(Out& out, std::uint64_t packet, const Block& block, std::uint64_t revision, bool compressed,
                Method method) {
  out.varuint(packet);
  out.str("");
  if (!compressed) {
    write_block(out, block, revision);
    return;
  }
  Out plain;
  write_block(plain, block, revision);
  out.raw(compress_frame(plain.bytes(), method));
}

void write_side_block(Out& out, std::uint64_t packet, const Block& block, std::uint64_t revision) {
  if (revision >= rev::kCompressedLogsProfileEvents) throw std::logic_error("compressed side blocks are not replayed");
  out.varuint(packet);
  out.str("");
  write_block(out, block, revision);
}

Block profile_events_block(const std::string& host, std::uint32_t now,
                           const std::vector<std::pair<std::string, std::int64_t>>& increments,
                           std::int64_t memory_usage, std::int64_t peak_memory_usage) {
  Block b;
  b.columns = {{"host_name", "String", {}},
               {"current_time", "DateTime", {}},
               {"thread_id", "UInt64", {}},
               {"type", "Enum8('increment' = 1, 'gauge' = 2)", {}},
               {"name", "String", {}},
               {"value", "Int64", {}}};
  auto add = [&](const std::string& type, const std::string& name, std::int64_t value) {
    b.columns[0].values.push_back(host);
    b.columns[1].values.push_back(std::to_string(now));
    b.columns[2].values.push_back("0");  // the thread group's snapshot
    b.columns[3].values.push_back(type);
    b.columns[4].values.push_back(name);
    b.columns[5].values.push_back(std::to_string(value));
    ++b.rows;
  };
  for (const auto& [name, value] : increments) add("1", name, value);
  add("2", "MemoryTrackerUsage", memory_usage);
  add("2", "MemoryTrackerPeakUsage", peak_memory_usage);
  return b;
}

Block log_block(const std::vector<LogLine>& lines) {
  Block b;
  b.columns = {{"event_time", "DateTime", {}}, {"event_time_microseconds", "UInt32", {}},
               {"host_name", "String", {}},    {"query_id", "String", {}},
               {"thread_id", "UInt64", {}},    {"priority", "Int8", {}},
               {"source", "String", {}},       {"text", "String", {}}};
  for (const auto& l : lines) {
    b.columns[0].values.push_back(std::to_string(l.time));
    b.columns[1].values.push_back(std::to_string(l.microseconds));
    b.columns[2].values.push_back(l.host);
    b.columns[3].values.push_back(l.query_id);
    b.columns[4].values.push_back(std::to_string(l.thread_id));
    b.columns[5].values.push_back(std::to_string(l.priority));
    b.columns[6].values.push_back(l.source);
    b.columns[7].values.push_back(l.text);
  }
  b.rows = lines.size();
  return b;
}

std::string columns_description(const std::vector<std::pair<std::string, std::string>>& columns,
                                const std::vector<std::pair<std::string, std::string>>& defaults) {
  std::string s = "columns format version: 1\n" + std::to_string(columns.size()) + " columns:\n";
  for (const auto& [name, type] : columns) {
    s += "`" + name + "` " + type;
    for (const auto& [dname, expr] : defaults) {
      if (dname == name) s += "\tDEFAULT\t" + expr;
    }
    s += "\n";
  }
  return s;
}

}  // namespace ior::testing::chreplay
