#pragma once
// The packets of the native protocol, client and server side, encoded and
// decoded as the negotiated revision (revisions.hpp) lays them out.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clickhouse/columns/block.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/wire/compressed_frame.hpp"
#include "clickhouse/wire/wire_format.hpp"

namespace ior::clickhouse::protocol {

enum class ClientPacket : std::uint64_t { kHello = 0, kQuery = 1, kData = 2, kCancel = 3, kPing = 4 };

enum class ServerPacket : std::uint64_t {
  kHello = 0, kData = 1, kException = 2, kProgress = 3, kPong = 4, kEndOfStream = 5,
  kProfileInfo = 6, kTotals = 7, kExtremes = 8, kTablesStatusResponse = 9, kLog = 10,
  kTableColumns = 11, kPartUuids = 12, kReadTaskRequest = 13, kProfileEvents = 14,
};

struct ClientVersion {
  std::string name = "ior";
  std::uint64_t major = 1, minor = 0, patch = 0;
};

struct ClientHello {
  ClientVersion version;
  std::string database;
  std::string user;
  std::string password;
};

struct ServerHello {
  std::string name;
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::uint64_t revision = 0;
  std::string timezone;
  std::string display_name;
};

void write_hello(wire::WireWriter& out, const ClientHello& hello);
/// The Hello body (after the packet id) as a server answers a client of client_revision.
ServerHello read_hello(wire::ByteReader& in, std::uint64_t client_revision);
/// What a client sends right after the server's Hello from revision 54458 on.
void write_addendum(wire::WireWriter& out, std::uint64_t revision, std::string_view quota_key);

/// A query setting as text; the server parses it for its own type. Where the
/// revision predates settings-as-strings, only settings whose wire type ior
/// knows can be sent (settings.cpp); others fail before anything is sent.
struct Setting {
  std::string name;
  std::string value;
  /// Sent with the "important" flag: a server that does not know the setting
  /// fails the query instead of ignoring it.
  bool important = true;
};

struct Compression {
  bool enabled = false;
  wire::CompressionMethod method = wire::CompressionMethod::kLz4;
  int zstd_level = 1;
};

struct QueryRequest {
  std::string query_id;
  std::string query;
  std::vector<Setting> settings;
  ClientVersion version;
  std::string os_user;
  std::string client_hostname;
  std::string quota_key;
  bool compression = false;
};

/// Throws ior::Error before writing anything when a setting cannot be sent.
void write_query(wire::WireWriter& out, const QueryRequest& query, std::uint64_t revision);
/// A block as one Data packet carried it: the bytes after the table name
/// (compressed frames when compression was on) and what they depend on. A
/// writer keeps a block sent in an INSERT not yet acknowledged this way
/// (with LZ4 about a tenth of its columns' size for traced rows), to send
/// it again as it was or to decode it when it must be checked or spooled.
struct EncodedBlock {
  std::string bytes;
  std::uint64_t revision = 0;
  bool compressed = false;
  std::size_t rows = 0;
  /// The columns' names and types, one "name type\n" each: bytes fit only
  /// an INSERT whose table has exactly these.
  std::string columns;
};

/// "name type\n" for each column of block, as EncodedBlock::columns.
std::string column_signature(const columns::Block& block);

/// A Data packet: the table name ("" for the main data), then the block,
/// in compressed frames when compression is on. keep, when given, receives
/// the block's bytes as sent.
void write_data(wire::WireWriter& out, const columns::Block& block, std::uint64_t revision,
                const Compression& compression, std::string& scratch, EncodedBlock* keep = nullptr);
/// A Data packet carrying a block encoded before, at the same revision and
/// with the same compression setting (the caller checks).
void write_encoded_data(wire::WireWriter& out, const EncodedBlock& block);
void write_cancel(wire::WireWriter& out);
void write_ping(wire::WireWriter& out);

/// One Progress packet: increments since the server's previous one.
struct Progress {
  std::uint64_t rows = 0, bytes = 0, total_rows = 0, total_bytes = 0;
  std::uint64_t written_rows = 0, written_bytes = 0, elapsed_ns = 0;
  /// Sums every field (a query's totals).
  void add(const Progress& p);
};

struct ProfileInfo {
  std::uint64_t rows = 0, blocks = 0, bytes = 0;
  bool applied_limit = false;
  std::uint64_t rows_before_limit = 0;
  bool calculated_rows_before_limit = false;
};

/// One packet from the server. Only the members of its kind are set.
struct Packet {
  ServerPacket kind{};
  std::string table_name;                  ///< Data, Totals, Extremes, Log, ProfileEvents, TableColumns
  columns::Block block;                    ///< Data, Totals, Extremes, Log, ProfileEvents
  std::size_t block_bytes = 0;             ///< what block's columns hold, as charged to the decode budget
  std::vector<ExceptionInfo> exception;    ///< Exception (outermost first)
  Progress progress;                       ///< Progress
  ProfileInfo profile;                     ///< ProfileInfo
  std::string text;                        ///< TableColumns: the columns' description
  std::vector<columns::Uuid> part_uuids;   ///< PartUUIDs
};

struct PacketLimits {
  columns::BlockLimits block;
  wire::FrameLimits frame;
  std::size_t max_exception_depth = 32;
  std::size_t max_part_uuids = 1u << 20;
  /// Everything one query's answer may keep (blocks, logs, profile events,
  /// texts): ior's own queries read a few rows; a server that sends more is
  /// refused with an error instead of filling memory.
  std::size_t max_result_bytes = std::size_t{128} << 20;
};

struct PacketContext {
  std::uint64_t revision = 0;
  bool compression = false;
  PacketLimits limits;
};

/// The body of an Exception packet (after its id): the chain, outermost first.
std::vector<ExceptionInfo> read_exception(wire::ByteReader& in, std::size_t max_depth);

/// An EncodedBlock's block back from its bytes. Throws like read_packet for
/// bytes that do not hold exactly one block of block.rows rows.
columns::Block decode_block(const EncodedBlock& block, const PacketLimits& limits = {});

/// Reads one whole packet. Throws ProtocolError for an unknown packet kind
/// or a malformed body, CompressionError for a bad frame.
Packet read_packet(wire::ByteReader& in, const PacketContext& context);

/// The block format of protocol packets at a revision.
columns::BlockFormat block_format(std::uint64_t revision);

}  // namespace ior::clickhouse::protocol
