#pragma once
// The packets of a current ClickHouse server's TCPHandler, both ways,
// written from ClickHouse's source (TCPHandler.cpp receiveHello,
// receiveAddendum, processQuery, sendHello, sendProgress, sendLogData,
// sendProfileEvents, sendTableColumns, sendException, sendEndOfStream;
// ClientInfo::read; BaseSettings::read; ProgressValues::write;
// ProfileInfo::write; writeException; ProfileEventsExt getSampleBlock;
// InternalTextLogsQueue::getSampleBlock; Core/Protocol.h packet ids;
// Core/ProtocolDefines.h revisions). Every field is gated on the revision
// that introduced it, as the server gates it on the client's revision.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replay_native.hpp"
#include "replay_wire.hpp"

namespace ior::testing::chreplay {

// Core/ProtocolDefines.h: the revisions the replay gates on.
namespace rev {
inline constexpr std::uint64_t kClientInfo = 54032;
inline constexpr std::uint64_t kServerTimezone = 54058;
inline constexpr std::uint64_t kQuotaKeyInClientInfo = 54060;
inline constexpr std::uint64_t kServerDisplayName = 54372;
inline constexpr std::uint64_t kVersionPatch = 54401;
inline constexpr std::uint64_t kServerLogs = 54406;
inline constexpr std::uint64_t kColumnDefaultsMetadata = 54410;
inline constexpr std::uint64_t kClientWriteInfo = 54420;
inline constexpr std::uint64_t kSettingsAsStrings = 54429;
inline constexpr std::uint64_t kInterserverSecret = 54441;
inline constexpr std::uint64_t kOpenTelemetry = 54442;
inline constexpr std::uint64_t kDistributedDepth = 54448;
inline constexpr std::uint64_t kInitialQueryStartTime = 54449;
inline constexpr std::uint64_t kIncrementalProfileEvents = 54451;
inline constexpr std::uint64_t kParallelReplicas = 54453;
inline constexpr std::uint64_t kProfileEventsInInsert = 54456;
inline constexpr std::uint64_t kAddendum = 54458;
inline constexpr std::uint64_t kQuotaKey = 54458;
inline constexpr std::uint64_t kParameters = 54459;
inline constexpr std::uint64_t kServerQueryTimeInProgress = 54460;
inline constexpr std::uint64_t kPasswordComplexityRules = 54461;
inline constexpr std::uint64_t kInterserverSecretV2 = 54462;
inline constexpr std::uint64_t kTotalBytesInProgress = 54463;
inline constexpr std::uint64_t kRowsBeforeAggregation = 54469;
inline constexpr std::uint64_t kChunkedPackets = 54470;
inline constexpr std::uint64_t kVersionedParallelReplicas = 54471;
inline constexpr std::uint64_t kExternallyGrantedRoles = 54472;
inline constexpr std::uint64_t kServerSettings = 54474;
inline constexpr std::uint64_t kQueryAndLineNumbers = 54475;
inline constexpr std::uint64_t kJwtInInterserver = 54476;
inline constexpr std::uint64_t kQueryPlanSerialization = 54477;
inline constexpr std::uint64_t kCompressedLogsProfileEvents = 54481;
inline constexpr std::uint64_t kClientAgent = 54485;
/// DBMS_TCP_PROTOCOL_VERSION of the source the replay follows.
inline constexpr std::uint64_t kCurrent = 54492;
}  // namespace rev

// Core/Protocol.h
namespace client_packet {
inline constexpr std::uint64_t kHello = 0, kQuery = 1, kData = 2, kCancel = 3, kPing = 4;
}
namespace server_packet {
inline constexpr std::uint64_t kHello = 0, kData = 1, kException = 2, kProgress = 3, kPong = 4, kEndOfStream = 5,
                               kProfileInfo = 6, kTotals = 7, kExtremes = 8, kLog = 10, kTableColumns = 11,
                               kProfileEvents = 14;
}

// --- what the client sends --------------------------------------------------

struct ClientHello {
  std::string client_name;
  std::uint64_t major = 0, minor = 0, revision = 0;
  std::string database, user, password;
};

/// receiveHello, after the packet id.
ClientHello read_client_hello(In& in);

struct Addendum {
  std::string quota_key;
  std::string chunked_send, chunked_recv;   ///< from 54470
  std::uint64_t parallel_replicas_version = 0;  ///< from 54471
};

/// receiveAddendum at the client's revision.
Addendum read_addendum(In& in, std::uint64_t revision);

struct ClientInfo {
  std::uint8_t query_kind = 0;  ///< 0 none, 1 initial, 2 secondary
  std::string initial_user, initial_query_id, initial_address;
  std::uint64_t initial_query_start_time_us = 0;
  std::uint8_t interface = 0;  ///< 1 TCP
  std::string os_user, client_hostname, client_name;
  std::uint64_t major = 0, minor = 0, tcp_revision = 0, patch = 0;
  std::string quota_key;
  std::uint64_t distributed_depth = 0;
  bool has_trace_context = false;
  std::uint64_t collaborate_with_initiator = 0, count_participating_replicas = 0, number_of_current_replica = 0;
};

/// ClientInfo::read; throws Violation for an address the server refuses
/// (makeSocketAddressFromWire: an IP literal and a numeric port).
ClientInfo read_client_info(In& in, std::uint64_t revision);

struct Setting {
  std::string name, value;
  std::uint64_t flags = 0;  ///< 0x01 important, 0x02 custom (BaseSettingsHelpers::Flags)
};

/// BaseSettings::read in the STRINGS_WITH_FLAGS format (revisions 54429+).
std::vector<Setting> read_settings(In& in, std::uint64_t revision);

struct ClientQuery {
  std::string query_id;
  ClientInfo info;
  std::vector<Setting> settings;
  std::string interserver_hash;
  std::uint64_t stage = 0;        ///< 2: Complete
  std::uint64_t compression = 0;  ///< 1: blocks in compressed frames
  std::string text;
  std::vector<Setting> parameters;
  /// The value of a setting the client sent, if any.
  std::optional<std::string> setting(const std::string& name) const;
};

/// processQuery, after the packet id.
ClientQuery read_query(In& in, std::uint64_t revision);

struct ClientData {
  std::string table_name;
  Block block;
  unsigned frames = 0;       ///< compressed frames the block came in
  unsigned methods = 0;      ///< FrameIn::methods_seen
};

/// A Data packet after its id: table name, then the block, in frames when
/// the query said so; a compressed block must end with its last frame.
ClientData read_data(In& in, std::uint64_t revision, bool compressed);

// --- what the server sends --------------------------------------------------

struct ServerIdentity {
  std::string name = "ClickHouse";
  std::uint64_t major = 26, minor = 3, patch = 1;
  std::uint64_t revision = rev::kCurrent;  ///< the TCP protocol revision it announces
  std::string timezone = "Europe/Amsterdam";
  std::string display_name = "replay-fixture";
  std::vector<std::pair<std::string, std::string>> password_rules;  ///< (pattern, message)
  std::uint64_t nonce = 0x1122334455667788ull;
  /// The server's proto_caps.send / .recv: "notchunked" (the default),
  /// "chunked", or either with "_optional".
  std::string proto_caps_send = "notchunked", proto_caps_recv = "notchunked";
};

/// runImpl's chunked-protocol negotiation: the exception a server throws
/// when it strictly needs chunked packets and the client did not ask for
/// them (a client below 54470 never does); nullopt when they agree.
std::optional<std::string> chunked_mismatch(const ServerIdentity& id, const Addendum& client);

/// sendHello for a client of client_revision (the fields it understands).
void write_server_hello(Out& out, const ServerIdentity& id, std::uint64_t client_revision);

struct Progress {
  std::uint64_t read_rows = 0, read_bytes = 0, total_rows_to_read = 0, total_bytes_to_read = 0;
  std::uint64_t written_rows = 0, written_bytes = 0, elapsed_ns = 0;
};
void write_progress(Out& out, const Progress& p, std::uint64_t revision);

struct ProfileInfo {
  std::uint64_t rows = 0, blocks = 0, bytes = 0;
  bool applied_limit = false;
  std::uint64_t rows_before_limit = 0;
  bool applied_aggregation = false;
  std::uint64_t rows_before_aggregation = 0;
};
void write_profile_info(Out& out, const ProfileInfo& p, std::uint64_t revision);

struct ServerError {
  std::int32_t code = 0;
  std::string name = "DB::Exception";
  std::string message{};
  std::string stack_trace{};
};
/// writeException: one level, has_nested always false on current servers.
void write_exception(Out& out, const ServerError& e);

void write_end_of_stream(Out& out);
void write_pong(Out& out);
/// sendTableColumns: "" then ColumnsDescription::toString().
void write_table_columns(Out& out, const std::string& description);
/// sendData / sendTotals / sendExtremes: "" then the block, in one
/// compressed frame when the query asked for compression.
void write_data(Out& out, std::uint64_t packet, const Block& block, std::uint64_t revision, bool compressed,
                Method method);
/// sendLogData / sendProfileEvents: "" then the block, never compressed
/// below 54481.
void write_side_block(Out& out, std::uint64_t packet, const Block& block, std::uint64_t revision);

/// ProfileEvents::getSampleBlock filled as getProfileEvents does: the
/// counters that changed, then the two memory gauges.
Block profile_events_block(const std::string& host, std::uint32_t now,
                           const std::vector<std::pair<std::string, std::int64_t>>& increments,
                           std::int64_t memory_usage, std::int64_t peak_memory_usage);

struct LogLine {
  std::uint32_t time = 0, microseconds = 0;
  std::string host{}, query_id{};
  std::uint64_t thread_id = 0;
  std::int8_t priority = 6;  ///< Poco: 1 fatal .. 8 trace; 6 information
  std::string source{}, text{};
};
/// InternalTextLogsQueue::getSampleBlock with the lines.
Block log_block(const std::vector<LogLine>& lines);

/// ColumnsDescription::toString for plain columns (no defaults) plus the
/// given DEFAULT expressions.
std::string columns_description(const std::vector<std::pair<std::string, std::string>>& columns,
                                const std::vector<std::pair<std::string, std::string>>& defaults = {});

}  // namespace ior::testing::chreplay
