#pragma once
// A scripted stand-in for a current ClickHouse server on a loopback port: it
// answers ior's client packet by packet as ClickHouse's TCPHandler
// (src/Server/TCPHandler.cpp) does at the revision the client announces,
// and decodes everything the client sends with its own decoders
// (replay_packets, replay_native), recording it and every protocol
// violation. Only ClickHouse 18.16 runs on this machine; this is how ior is
// checked against the packets of servers of revision 54460 and later.
//
// Per connection (TCPHandler::runImpl): Hello in (database, user and
// password checked; a wrong one gets Exception 81 or 516 and the connection
// closes),
// Hello out with the fields of the client's revision, the addendum in
// (54458+), then packets until the client leaves: Ping -> Pong, Cancel
// ignored between queries, Query -> the external-tables Data packets up to
// the empty block are read, then the test's handler answers through an
// Exchange, whose replies emit the packet sequences of processOrdinaryQuery
// (SELECT), processInsertQuery (INSERT), the completed-pipeline path (DDL)
// and the exception path (logs, Exception, then the client's remaining
// Data packets skipped up to its empty block, as skipData does).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "replay_native.hpp"
#include "replay_packets.hpp"
#include "replay_wire.hpp"

namespace ior::testing::chreplay {

/// Everything the clients sent, decoded, in arrival order.
struct Transcript {
  std::vector<ClientHello> hellos;
  std::vector<Addendum> addenda;
  std::vector<ClientQuery> queries;
  /// Non-empty Data blocks of INSERTs, with the index of their query.
  std::vector<std::pair<std::size_t, ClientData>> inserted;
  std::vector<std::string> violations;
  unsigned connections = 0, pings = 0, cancels = 0;
};

struct SelectOptions {
  std::optional<Block> totals{}, extremes{};
  std::vector<LogLine> logs{};  ///< sent before the first block and at the end
  /// After sending this many blocks, wait for the client's Cancel and end
  /// the query there (a Cancel answered with EndOfStream, as current servers
  /// do for QUERY_WAS_CANCELLED_BY_CLIENT).
  std::optional<std::size_t> expect_cancel_after{};
  /// An exception instead of the end, after the blocks.
  std::optional<ServerError> fail_after_blocks{};
};

struct InsertOptions {
  /// The TableColumns packet (ColumnsDescription); empty: not sent
  /// (input_format_defaults_for_omitted_fields = 0).
  std::string table_columns{};
  std::vector<LogLine> logs{};  ///< sent after the header and after every block
};

class Exchange {
 public:
  const ClientQuery& query() const { return query_; }
  std::size_t query_index() const { return query_index_; }
  /// The revision the packets are laid out in: min(client's, server's).
  std::uint64_t revision() const { return revision_; }
  /// Compression of Data packets the server sends (network_compression_method).
  Method response_method = Method::kLz4;

  /// processOrdinaryQuery: header, blocks with Progress and ProfileEvents
  /// between them, totals, extremes, ProfileInfo, the end packets.
  void reply_rows(const Block& header, const std::vector<Block>& blocks, const SelectOptions& options = {});
  /// The completed-pipeline path (DDL and other statements without data):
  /// Progress, ProfileEvents, EndOfStream.
  void reply_done(const Progress& progress = {});
  /// sendLogs, sendException; then, in an INSERT, the client's remaining
  /// Data packets are read and dropped up to the empty block (skipData).
  void reply_error(const ServerError& e, const std::vector<LogLine>& logs = {});

  /// processInsertQuery up to the client's first block: TableColumns, the
  /// sample block (header), logs.
  void start_insert(const Block& header, const InsertOptions& options = {});
  /// The next block the client sends (checked against the header; recorded
  /// in the transcript), answered with logs and ProfileEvents; nullopt at
  /// the client's empty block, the end of the data.
  std::optional<Block> next_insert_block();
  /// The INSERT's end after the empty block: ProfileEvents, logs, EndOfStream.
  void finish_insert(std::uint64_t written_rows, std::uint64_t written_bytes);
  /// Closes the connection now (the server died).
  void drop_connection();

 private:
  friend class ReplayServer;
  friend struct Session;
  Exchange() = default;
  void send(Out& out);
  void send_profile_events(const std::vector<std::pair<std::string, std::int64_t>>& increments);
  void send_logs(const std::vector<LogLine>& logs);

  struct Session* session_ = nullptr;
  ClientQuery query_;
  std::size_t query_index_ = 0;
  std::uint64_t revision_ = 0;
  Block insert_header_;
  InsertOptions insert_options_;
  bool in_insert_ = false;
  bool data_done_ = true;  ///< the client's data for this query is read to its end
  bool answered_ = false;
};

using Handler = std::function<void(Exchange&)>;

class ReplayServer {
 public:
  /// Listens on 127.0.0.1 (a free port) and answers with handler.
  explicit ReplayServer(ServerIdentity identity = {}, Handler handler = {});
  ~ReplayServer();
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  std::uint16_t port() const { return port_; }
  const ServerIdentity& identity() const { return identity_; }
  void set_handler(Handler handler);
  /// The login the server accepts (default: user "default", no password).
  void set_login(std::string user, std::string password);
  /// Which databases exist (default: "default" and "system"). A Hello naming
  /// another one is refused with UNKNOWN_DATABASE (81), as receiveHello's
  /// assertDatabaseExists does.
  void set_databases(std::function<bool(const std::string&)> exists);
  Transcript transcript() const;
  /// Stops accepting and closes every connection; idempotent.
  void stop();

 private:
  friend struct Session;
  friend class Exchange;
  void accept_loop();
  void serve(int fd);
  void violation(const std::string& what);
  Handler handler() const;

  ServerIdentity identity_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  Handler handler_;
  std::string user_ = "default", password_;
  std::function<bool(const std::string&)> database_exists_;
  Transcript transcript_;
  std::vector<int> conn_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
  bool stopped_ = false;
};

}  // namespace ior::testing::chreplay
