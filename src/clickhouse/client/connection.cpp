#include "clickhouse/client/connection.hpp"

#include "base/error.hpp"
#include "clickhouse/net/transport_reader.hpp"
#include "clickhouse/protocol/revisions.hpp"
#include "clickhouse/protocol/server_exception.hpp"

namespace ior::clickhouse {

using protocol::Packet;
using protocol::ServerPacket;

namespace {

constexpr std::size_t kMaxString = 1u << 30;

std::string describe_column(const columns::NamedColumn& c) { return "'" + c.name + "' " + c.column->type().name; }

// Bounds one exchange with the server; the transport forgets the deadline
// when the exchange ends, also by an exception.
class ExchangeDeadline {
 public:
  ExchangeDeadline(net::Transport& transport, std::chrono::milliseconds budget, const char* what)
      : transport_(transport) {
    transport_.set_deadline(net::Deadline::after(budget, what));
  }
  ~ExchangeDeadline() { transport_.set_deadline(std::nullopt); }
  ExchangeDeadline(const ExchangeDeadline&) = delete;
  ExchangeDeadline& operator=(const ExchangeDeadline&) = delete;

 private:
  net::Transport& transport_;
};

ProtocolError answer_too_large(const std::string& peer, std::size_t limit) {
  return ProtocolError("clickhouse: the answer of " + peer + " to a query exceeds " + std::to_string(limit) +
                       " bytes, the most ior keeps of one query; connection closed");
}

}  // namespace

std::size_t QueryResult::rows() const {
  std::size_t n = 0;
  for (const auto& b : blocks) n += b.rows();
  return n;
}

Connection::Connection(ClientOptions options) : options_(std::move(options)) {
  transport_ = net::connect_transport(options_.host, options_.port, {options_.timeouts, options_.cancel, options_.abandon}, options_.tls,
                                      net::Deadline::after(options_.deadlines.handshake, "handshake with"));
  reader_ = std::make_unique<net::TransportReader>(*transport_, kMaxString);
  try {
    guarded([this] { handshake(); });
  } catch (const ProtocolError& e) {
    // Malformed sizes or strings in a Hello: say who sent them (a port of
    // another service, usually).
    const std::string peer = transport_->peer();
    if (std::string_view(e.what()).find(peer) != std::string_view::npos) throw;
    throw ProtocolError("clickhouse: " + peer + " answered Hello with what is not a ClickHouse Hello (" +
                        e.what() + "; is this a ClickHouse native port?)");
  }
  transport_->set_deadline(std::nullopt);
}

Connection::~Connection() = default;

template <class F>
auto Connection::guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const protocol::ServerException&) {
    throw;  // the server ended the query cleanly; the stream is in sync
  } catch (...) {
    broken_ = true;
    in_query_ = in_insert_ = false;
    throw;
  }
}

void Connection::check_usable(const char* what) const {
  if (broken_) {
    throw Error(std::string("clickhouse: cannot ") + what + " on a broken connection to " + options_.host + ":" +
                std::to_string(options_.port) + "; reconnect");
  }
}

void Connection::flush() {
  transport_->write_all(reinterpret_cast<const std::byte*>(out_.data()), out_.size());
  out_.clear();
}

void Connection::handshake() {
  if (!options_.tls.enabled && !options_.password.empty() && !transport_->peer_is_loopback() &&
      options_.on_cleartext_password) {
    options_.on_cleartext_password(transport_->peer());
  }
  wire::WireWriter w(out_);
  protocol::write_hello(w, {.version = options_.version,
                            .database = options_.database,
                            .user = options_.user,
                            .password = options_.password});
  flush();
  ServerPacket kind{};
  try {
    kind = static_cast<ServerPacket>(reader_->varint());
  } catch (const net::ConnectionClosed&) {
    // A refused login usually comes as an Exception packet, but 18.16 ends
    // the connection without one when the login fails after the password
    // check (e.g. the user may not use the database named in the Hello):
    // at least say that it happened at login and where the reason is.
    throw net::ConnectionClosed("clickhouse: " + transport_->peer() + " closed the connection at login of user " +
                                options_.user + " without giving a reason (the server's log has it)");
  }
  if (kind == ServerPacket::kException) {
    auto chain = protocol::read_exception(*reader_, options_.limits.max_exception_depth);
    broken_ = true;  // the server closes the connection after a refused login
    throw protocol::ServerException(std::move(chain));
  }
  if (kind != ServerPacket::kHello) {
    throw ProtocolError("clickhouse: " + transport_->peer() + " answered Hello with packet kind " +
                        std::to_string(static_cast<std::uint64_t>(kind)) + " (is this a ClickHouse native port?)");
  }
  server_ = protocol::read_hello(*reader_, protocol::revision::kClient);
  revision_ = std::min(server_.revision, protocol::revision::kClient);
  protocol::write_addendum(w, revision_, options_.quota_key);
  if (!out_.empty()) flush();
  context_ = {.revision = revision_, .compression = options_.compression.enabled, .limits = options_.limits};
}

Packet Connection::next_packet() { return protocol::read_packet(*reader_, context_); }

Packet Connection::next_answer_packet(std::size_t kept_left) {
  // No block may hold more than what the result has left, so an oversized
  // answer fails while decoding, before it is in memory.
  protocol::PacketContext ctx = context_;
  bool capped = kept_left < ctx.limits.block.max_bytes;
  if (capped) ctx.limits.block.max_bytes = kept_left;
  try {
    return protocol::read_packet(*reader_, ctx);
  } catch (const columns::DecodeLimitError&) {
    if (!capped) throw;
    throw answer_too_large(transport_->peer(), options_.limits.max_result_bytes);
  }
}

void Connection::ping() {
  check_usable("ping");
  guarded([this] {
    ExchangeDeadline deadline(*transport_, options_.deadlines.query, "ping to");
    wire::WireWriter w(out_);
    protocol::write_ping(w);
    flush();
    for (;;) {
      Packet p = next_packet();
      if (p.kind == ServerPacket::kPong) return;
      if (p.kind != ServerPacket::kProgress && p.kind != ServerPacket::kLog) {
        throw ProtocolError("clickhouse: unexpected packet kind " +
                            std::to_string(static_cast<std::uint64_t>(p.kind)) + " in answer to Ping");
      }
    }
  });
}

void Connection::prepare_query(std::string_view sql, const QueryOptions& options) {
  wire::WireWriter w(out_);
  protocol::QueryRequest q;
  q.query_id = options.query_id;
  q.query = std::string(sql);
  q.settings = options.settings;
  q.version = options_.version;
  q.quota_key = options_.quota_key;
  q.compression = options_.compression.enabled;
  protocol::write_query(w, q, revision_);  // throws before anything is sent for a bad setting
  // The empty block ends the (absent) external tables.
  protocol::write_data(w, columns::Block{}, revision_, options_.compression, scratch_);
}

QueryResult Connection::finish_query(const QueryOptions& options) {
  QueryResult result;
  columns::Block header;
  bool have_header = false;
  const std::size_t max_kept = options_.limits.max_result_bytes;
  std::size_t kept = 0;
  for (;;) {
    Packet p = next_answer_packet(max_kept - kept);
    kept += p.block_bytes + p.text.size();
    if (kept > max_kept) throw answer_too_large(transport_->peer(), max_kept);  // blocks are capped while decoding
    bool ends = p.kind == ServerPacket::kEndOfStream || p.kind == ServerPacket::kException;
    if (options.on_packet && !options.on_packet(p) && !ends) {
      cancel_and_drain();
      return result;
    }
    switch (p.kind) {
      case ServerPacket::kData:
        if (p.block.rows() > 0) {
          result.blocks.push_back(std::move(p.block));
        } else if (!have_header && p.block.column_count() > 0) {
          header = std::move(p.block);
          have_header = true;
        }
        break;
      case ServerPacket::kTotals: result.totals = std::move(p.block); break;
      case ServerPacket::kExtremes: result.extremes = std::move(p.block); break;
      case ServerPacket::kProgress: result.progress.add(p.progress); break;
      case ServerPacket::kProfileInfo: result.profile = p.profile; break;
      case ServerPacket::kLog: result.logs.push_back(std::move(p.block)); break;
      case ServerPacket::kProfileEvents: result.profile_events.push_back(std::move(p.block)); break;
      case ServerPacket::kTableColumns: result.table_columns = std::move(p.text); break;
      case ServerPacket::kPartUuids: break;
      case ServerPacket::kException:
        in_query_ = false;
        throw protocol::ServerException(std::move(p.exception));
      case ServerPacket::kEndOfStream:
        in_query_ = false;
        if (result.blocks.empty() && have_header) result.blocks.push_back(std::move(header));
        return result;
      default:
        throw ProtocolError("clickhouse: unexpected packet kind " + std::to_string(static_cast<std::uint64_t>(p.kind)) +
                            " during a query");
    }
  }
}

QueryResult Connection::query(std::string_view sql, const QueryOptions& options) {
  check_usable("run a query");
  if (in_insert_) throw Error("clickhouse: a query cannot start while an INSERT is open");
  // Encoded before any I/O: a setting this revision cannot carry fails
  // here and leaves the connection as it was.
  prepare_query(sql, options);
  return guarded([&] {
    ExchangeDeadline deadline(*transport_, options_.deadlines.query, "query to");
    in_query_ = true;
    flush();
    return finish_query(options);
  });
}

const columns::Block& Connection::begin_insert(std::string_view insert_sql, const QueryOptions& options) {
  check_usable("insert");
  if (in_insert_) throw Error("clickhouse: an INSERT is already open on this connection");
  prepare_query(insert_sql, options);
  return guarded([&]() -> const columns::Block& {
    ExchangeDeadline deadline(*transport_, options_.deadlines.query, "start of an INSERT to");
    in_query_ = true;
    flush();
    insert_options_ = options;
    for (;;) {
      Packet p = next_packet();
      if (options.on_packet) options.on_packet(p);  // an INSERT is abandoned, not cancelled
      if (p.kind == ServerPacket::kData) {
        insert_header_ = std::move(p.block);
        if (insert_header_.column_count() == 0) {
          throw Error("clickhouse: the server sent no table structure for '" + std::string(insert_sql) +
                      "'; use the form INSERT INTO t [(columns)] VALUES");
        }
        in_insert_ = true;
        return insert_header_;
      }
      if (p.kind == ServerPacket::kException) {
        in_query_ = false;
        throw protocol::ServerException(std::move(p.exception));
      }
      if (p.kind != ServerPacket::kTableColumns && p.kind != ServerPacket::kLog &&
          p.kind != ServerPacket::kProgress && p.kind != ServerPacket::kProfileEvents) {
        throw ProtocolError("clickhouse: unexpected packet kind " +
                            std::to_string(static_cast<std::uint64_t>(p.kind)) + " before the INSERT header");
      }
    }
  });
}

void Connection::check_in_insert(const char* what, const char* call) const {
  check_usable(what);
  if (!in_insert_) throw Error(std::string("clickhouse: ") + call + " without begin_insert()");
}

template <class Write>
void Connection::send_insert_data(Write&& write) {
  guarded([&] {
    ExchangeDeadline deadline(*transport_, options_.deadlines.insert, "INSERT block to");
    wire::WireWriter w(out_);
    write(w);
    flush();
  });
}

void Connection::send_block(const columns::Block& block, protocol::EncodedBlock* keep) {
  check_in_insert("send a block", "send_block()");
  if (block.column_count() != insert_header_.column_count()) {
    throw Error("clickhouse: the block has " + std::to_string(block.column_count()) + " columns, the table " +
                std::to_string(insert_header_.column_count()));
  }
  for (std::size_t i = 0; i < block.column_count(); ++i) {
    const auto& want = insert_header_.at(i);
    const auto& got = block.at(i);
    if (got.name != want.name || got.column->type().name != want.column->type().name) {
      throw Error("clickhouse: column " + std::to_string(i + 1) + " of the block is " + describe_column(got) +
                  ", the table's is " + describe_column(want));
    }
  }
  if (block.rows() == 0) return;  // an empty block would end the INSERT
  send_insert_data(
      [&](wire::WireWriter& w) { protocol::write_data(w, block, revision_, options_.compression, scratch_, keep); });
}

void Connection::send_encoded(const protocol::EncodedBlock& block) {
  check_in_insert("send a block", "send_encoded()");
  if (block.revision != revision_ || block.compressed != options_.compression.enabled ||
      block.columns != protocol::column_signature(insert_header_)) {
    send_block(protocol::decode_block(block, context_.limits));
    return;
  }
  if (block.rows == 0) return;  // an empty block would end the INSERT
  send_insert_data([&](wire::WireWriter& w) { protocol::write_encoded_data(w, block); });
}

QueryResult Connection::end_insert() {
  check_in_insert("end an insert", "end_insert()");
  return guarded([&] {
    ExchangeDeadline deadline(*transport_, options_.deadlines.insert, "end of an INSERT to");
    wire::WireWriter w(out_);
    protocol::write_data(w, columns::Block{}, revision_, options_.compression, scratch_);
    flush();
    in_insert_ = false;
    return finish_query(insert_options_);
  });
}

void Connection::abandon_insert() {
  if (!in_insert_) return;
  broken_ = true;
  in_insert_ = in_query_ = false;
  transport_.reset();  // closes the socket: the server sees the INSERT fail
  reader_.reset();
}

void Connection::cancel_and_drain() {
  wire::WireWriter w(out_);
  protocol::write_cancel(w);
  flush();
  for (;;) {
    Packet p = next_packet();
    if (p.kind == ServerPacket::kEndOfStream) break;
    if (p.kind == ServerPacket::kException) {
      // Cancelling is what we asked for; any other error is still an error.
      if (p.exception.front().code != protocol::error_code::kQueryWasCancelled) {
        in_query_ = false;
        throw protocol::ServerException(std::move(p.exception));
      }
      break;
    }
  }
  in_query_ = false;
}

}  // namespace ior::clickhouse
