#pragma once
// One connection to one server: handshake, ping, queries, inserts, cancel.
// Not thread-safe; one query at a time. After a failure in the middle of a
// conversation (network error, malformed reply) the connection is broken and
// every further call throws: make a new one. A server exception ends only
// the query; the connection stays usable.
//
// Every exchange has an overall deadline (ClientOptions::deadlines: the
// handshake, each query or ping, each INSERT block and its end) besides the
// per-read/per-write timeouts, so a server trickling bytes fails the call
// with a timeout error; ClientOptions::cancel ends any wait at once with
// net::Cancelled. Both leave the connection broken.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clickhouse/client/client_options.hpp"
#include "clickhouse/columns/block.hpp"
#include "clickhouse/protocol/packets.hpp"

namespace ior::clickhouse {

namespace net {
class TransportReader;
}

struct QueryOptions {
  std::string query_id;
  std::vector<protocol::Setting> settings;
  /// Sees every packet as it arrives, before it is kept. Returning false
  /// cancels the query: the server is told to stop, its remaining packets
  /// are drained, and query() returns what was kept so far.
  std::function<bool(const protocol::Packet&)> on_packet;
};

/// Everything the server answered to one query, at most
/// PacketLimits::max_result_bytes (else query() throws ProtocolError).
struct QueryResult {
  std::vector<columns::Block> blocks;  ///< data blocks with at least one column
  columns::Block totals;
  columns::Block extremes;
  protocol::Progress progress;
  protocol::ProfileInfo profile;
  std::vector<columns::Block> logs;
  std::vector<columns::Block> profile_events;
  std::string table_columns;  ///< the TableColumns description, if sent
  std::size_t rows() const;
};

class Connection {
 public:
  /// Connects and authenticates; throws ServerException for a refused login
  /// (wrong password: code 516 on new servers, 193 on old ones).
  explicit Connection(ClientOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const protocol::ServerHello& server() const { return server_; }
  /// The revision both sides speak: min(server's, ior's).
  std::uint64_t revision() const { return revision_; }
  const ClientOptions& options() const { return options_; }
  bool broken() const { return broken_; }

  void ping();
  /// Runs a query to its end and returns what the server sent.
  QueryResult query(std::string_view sql, const QueryOptions& options = {});

  /// Starts an INSERT ("INSERT INTO t [(columns)] VALUES"); returns the
  /// table's sample block: column names and types in the table's order,
  /// no rows. Blocks sent must match it exactly.
  const columns::Block& begin_insert(std::string_view insert_sql, const QueryOptions& options = {});
  /// Sends one block (rows > 0). Throws ior::Error naming the first column
  /// that differs from the sample block, before anything is sent. keep,
  /// when given, receives the bytes sent (send_encoded() sends them again).
  void send_block(const columns::Block& block, protocol::EncodedBlock* keep = nullptr);
  /// Sends a block kept by send_block(), on this or another connection: its
  /// bytes as they are when this one speaks the same revision and
  /// compression setting and the table has the same columns, else decoded
  /// and encoded again (send_block()'s checks then name what differs).
  void send_encoded(const protocol::EncodedBlock& block);
  /// Ends the INSERT and waits for the server to confirm it.
  QueryResult end_insert();

  /// Abandons an open INSERT by closing the connection (a Cancel would let
  /// the server keep the rows sent so far); the connection is then broken.
  void abandon_insert();

 private:
  void handshake();
  /// Appends the Query packet and the empty external-tables block to out_.
  void prepare_query(std::string_view sql, const QueryOptions& options);
  void flush();
  protocol::Packet next_packet();
  /// The next packet of a query's answer, whose blocks may still keep kept_left bytes.
  protocol::Packet next_answer_packet(std::size_t kept_left);
  /// Reads packets until EndOfStream, collecting them; a server exception is thrown.
  QueryResult finish_query(const QueryOptions& options);
  void cancel_and_drain();
  void check_usable(const char* what) const;
  /// check_usable(what), and an INSERT is open (call names the caller).
  void check_in_insert(const char* what, const char* call) const;
  /// One Data packet of the open INSERT, written by write(WireWriter&) and
  /// sent under the INSERT's deadline.
  template <class Write>
  void send_insert_data(Write&& write);
  template <class F>
  auto guarded(F&& f) -> decltype(f());

  ClientOptions options_;
  std::unique_ptr<net::Transport> transport_;
  std::unique_ptr<net::TransportReader> reader_;
  protocol::ServerHello server_;
  std::uint64_t revision_ = 0;
  protocol::PacketContext context_;
  std::string out_;
  std::string scratch_;
  bool broken_ = false;
  bool in_insert_ = false;
  bool in_query_ = false;
  columns::Block insert_header_;
  QueryOptions insert_options_;
};

}  // namespace ior::clickhouse
