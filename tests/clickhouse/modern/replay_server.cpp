#include "replay_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace ior::testing::chreplay {
namespace {

// A client that says nothing for this long is gone (the server's
// receive_timeout is 300 s; the tests need no such patience).
constexpr int kReadTimeoutMs = 30'000;

std::uint64_t block_bytes(const Block& b) {
  std::uint64_t n = 0;
  for (const auto& c : b.columns) {
    for (const auto& v : c.values) n += v.size();
  }
  return n;
}

}  // namespace

struct Session {
  ReplayServer* server;
  int fd;
  SocketIn in;
  ClientHello hello;
  std::uint64_t revision = 0;

  void send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw ClientGone(std::string("send: ") + std::strerror(errno));
      }
      done += static_cast<std::size_t>(n);
    }
  }
  void check_client_info(const ClientQuery& q);
  void handle_query();
};

// --- Exchange ----------------------------------------------------------------

void Exchange::send(Out& out) {
  session_->send(out.bytes());
  out.bytes().clear();
}

void Exchange::send_profile_events(const std::vector<std::pair<std::string, std::int64_t>>& increments) {
  if (revision_ < rev::kIncrementalProfileEvents) return;
  Out o;
  write_side_block(o, server_packet::kProfileEvents,
                   profile_events_block(session_->server->identity().display_name,
                                        static_cast<std::uint32_t>(std::time(nullptr)), increments, 4 << 20, 6 << 20),
                   revision_);
  send(o);
}

void Exchange::send_logs(const std::vector<LogLine>& logs) {
  if (revision_ < rev::kServerLogs || logs.empty()) return;
  Out o;
  write_side_block(o, server_packet::kLog, log_block(logs), revision_);
  send(o);
}

void Exchange::reply_rows(const Block& header, const std::vector<Block>& blocks, const SelectOptions& options) {
  answered_ = true;
  const bool comp = query_.compression == 1;
  Out o;
  write_data(o, server_packet::kData, header, revision_, comp, response_method);
  send(o);
  send_logs(options.logs);
  std::uint64_t total_rows = 0;
  for (const auto& b : blocks) total_rows += b.rows;
  ProfileInfo info;
  std::uint64_t elapsed = 0;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    // interactive_delay passed: Progress (increments since the last one,
    // elapsed time included) and ProfileEvents before the next block.
    Progress p{.read_rows = blocks[i].rows,
               .read_bytes = block_bytes(blocks[i]),
               .total_rows_to_read = i == 0 ? total_rows : 0,
               .elapsed_ns = 1'000'000 * (i + 1)};
    elapsed += p.elapsed_ns;
    write_progress(o, p, revision_);
    send(o);
    send_profile_events({{"SelectedRows", static_cast<std::int64_t>(blocks[i].rows)}});
    write_data(o, server_packet::kData, blocks[i], revision_, comp, response_method);
    send(o);
    info.rows += blocks[i].rows;
    info.bytes += block_bytes(blocks[i]);
    ++info.blocks;
    if (options.expect_cancel_after && *options.expect_cancel_after == i + 1) {
      std::uint64_t id = session_->in.varuint();
      if (id != client_packet::kCancel) throw Violation("expected Cancel, got packet " + std::to_string(id));
      std::lock_guard lock(session_->server->mu_);
      ++session_->server->transcript_.cancels;
      // processCancel: QUERY_WAS_CANCELLED_BY_CLIENT is answered with
      // logs and EndOfStream, not with an exception.
      send_logs(options.logs);
      write_end_of_stream(o);
      send(o);
      return;
    }
  }
  if (options.fail_after_blocks) {
    answered_ = false;
    reply_error(*options.fail_after_blocks, options.logs);
    return;
  }
  if (options.totals) write_data(o, server_packet::kTotals, *options.totals, revision_, comp, response_method);
  if (options.extremes) write_data(o, server_packet::kExtremes, *options.extremes, revision_, comp, response_method);
  write_profile_info(o, info, revision_);
  write_progress(o, {.elapsed_ns = 500'000}, revision_);
  send(o);
  send_logs(options.logs);
  send_profile_events({{"SelectedRows", 0}});
  write_data(o, server_packet::kData, Block{}, revision_, comp, response_method);  // sendData(state, {})
  write_progress(o, {.elapsed_ns = 250'000}, revision_);
  send(o);
  write_end_of_stream(o);
  send(o);
}

void Exchange::reply_done(const Progress& progress) {
  answered_ = true;
  Out o;
  write_progress(o, progress, revision_);
  send(o);
  send_profile_events({{"Query", 1}});
  write_end_of_stream(o);
  send(o);
}

void Exchange::reply_error(const ServerError& e, const std::vector<LogLine>& logs) {
  answered_ = true;
  send_logs(logs);
  Out o;
  write_exception(o, e);
  send(o);
  in_insert_ = false;
  // skipData: a query packet is always followed by data packets; what is
  // left of them is read and dropped.
  while (!data_done_) {
    std::uint64_t id = session_->in.varuint();
    if (id == client_packet::kPing) {
      write_pong(o);
      send(o);
      continue;
    }
    if (id != client_packet::kData) throw Violation("packet " + std::to_string(id) + " while the server skips data");
    if (read_data(session_->in, revision_, query_.compression == 1).block.empty()) data_done_ = true;
  }
}

void Exchange::start_insert(const Block& header, const InsertOptions& options) {
  answered_ = true;
  insert_header_ = header;
  insert_options_ = options;
  in_insert_ = true;
  data_done_ = false;
  Out o;
  if (revision_ >= rev::kColumnDefaultsMetadata && !options.table_columns.empty()) {
    write_table_columns(o, options.table_columns);
  }
  write_data(o, server_packet::kData, header, revision_, query_.compression == 1, response_method);
  send(o);
  send_logs(options.logs);
}

std::optional<Block> Exchange::next_insert_block() {
  if (!in_insert_ || data_done_) throw std::logic_error("next_insert_block() outside an INSERT");
  for (;;) {
    std::uint64_t id = session_->in.varuint();
    if (id == client_packet::kPing) {
      Out o;
      write_pong(o);
      send(o);
      continue;
    }
    if (id != client_packet::kData) throw Violation("packet " + std::to_string(id) + " where INSERT data is expected");
    ClientData d = read_data(session_->in, revision_, query_.compression == 1);
    if (!d.table_name.empty()) throw Violation("INSERT data for external table " + d.table_name);
    if (d.block.empty()) {
      data_done_ = true;
      return std::nullopt;
    }
    if (d.block.rows == 0) throw Violation("an INSERT block with columns and no rows");
    const auto& want = insert_header_.columns;
    if (d.block.columns.size() != want.size()) {
      throw Violation("an INSERT block of " + std::to_string(d.block.columns.size()) + " columns for " +
                      std::to_string(want.size()));
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (d.block.columns[i].name != want[i].name || d.block.columns[i].type != want[i].type) {
        throw Violation("INSERT column " + std::to_string(i + 1) + " is `" + d.block.columns[i].name + "` " +
                        d.block.columns[i].type + ", the table's `" + want[i].name + "` " + want[i].type);
      }
    }
    {
      std::lock_guard lock(session_->server->mu_);
      session_->server->transcript_.inserted.emplace_back(query_index_, d);
    }
    send_logs(insert_options_.logs);
    send_profile_events({{"InsertedRows", static_cast<std::int64_t>(d.block.rows)}});
    return std::move(d.block);
  }
}

void Exchange::finish_insert(std::uint64_t written_rows, std::uint64_t written_bytes) {
  if (!data_done_) throw std::logic_error("finish_insert() before the client's empty block");
  in_insert_ = false;
  // executor.finish(), then sendInsertProfileEvents (54456+), sendLogs,
  // sendEndOfStream; no Progress for an INSERT below 54484.
  if (revision_ >= rev::kProfileEventsInInsert) {
    send_profile_events({{"InsertedRows", static_cast<std::int64_t>(written_rows)},
                         {"InsertedBytes", static_cast<std::int64_t>(written_bytes)}});
  }
  send_logs(insert_options_.logs);
  Out o;
  write_end_of_stream(o);
  send(o);
}

void Exchange::drop_connection() {
  answered_ = true;
  ::shutdown(session_->fd, SHUT_RDWR);
  throw ClientGone("dropped by the test");
}

// --- Session -----------------------------------------------------------------

void Session::check_client_info(const ClientQuery& q) {
  // validateClientInfo (TCP), and what a TCP client's initial query carries.
  const ClientInfo& c = q.info;
  if (revision < rev::kClientInfo) return;
  if (c.query_kind != 1) throw Violation("ClientInfo: query kind " + std::to_string(c.query_kind) + ", not initial");
  if (c.client_name != hello.client_name) {
    throw Violation("ClientInfo's client_name does not match: " + c.client_name + " not equal to " + hello.client_name);
  }
  if (c.major != hello.major || c.minor != hello.minor) throw Violation("ClientInfo's version does not match Hello's");
  if (c.tcp_revision != hello.revision) throw Violation("ClientInfo's revision does not match Hello's");
  if (q.stage != 2) throw Violation("Query stage " + std::to_string(q.stage) + ", not Complete (2)");
  if (!q.interserver_hash.empty()) throw Violation("an interserver hash from a client");
}

void Session::handle_query() {
  Exchange ex;
  ex.session_ = this;
  ex.revision_ = revision;
  ex.query_ = read_query(in, revision);
  {
    std::lock_guard lock(server->mu_);
    ex.query_index_ = server->transcript_.queries.size();
    server->transcript_.queries.push_back(ex.query_);
  }
  check_client_info(ex.query_);
  // The external tables: Data packets up to an empty block.
  for (;;) {
    std::uint64_t id = in.varuint();
    if (id != client_packet::kData) throw Violation("packet " + std::to_string(id) + " where the external tables' end is expected");
    ClientData d = read_data(in, revision, ex.query_.compression == 1);
    if (d.block.empty()) break;
    throw Violation("an external table " + d.table_name + " (ior sends none)");
  }
  Handler h = server->handler();
  if (!h) {
    ex.reply_error({.code = 62, .message = "Syntax error: the replay server has no handler"});
    return;
  }
  h(ex);
  if (!ex.answered_) throw std::logic_error("the handler did not answer: " + ex.query_.text);
  if (ex.in_insert_) throw std::logic_error("the handler left the INSERT open: " + ex.query_.text);
}

// --- ReplayServer --------------------------------------------------------------

ReplayServer::ReplayServer(ServerIdentity identity, Handler handler)
    : identity_(std::move(identity)), handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("bind/listen: ") + std::strerror(errno));
  }
  socklen_t len = sizeof(a);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ReplayServer::~ReplayServer() { stop(); }

void ReplayServer::set_handler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

Handler ReplayServer::handler() const {
  std::lock_guard lock(mu_);
  return handler_;
}

void ReplayServer::set_databases(std::function<bool(const std::string&)> exists) {
  std::lock_guard lock(mu_);
  database_exists_ = std::move(exists);
}

void ReplayServer::set_login(std::string user, std::string password) {
  std::lock_guard lock(mu_);
  user_ = std::move(user);
  password_ = std::move(password);
}

Transcript ReplayServer::transcript() const {
  std::lock_guard lock(mu_);
  return transcript_;
}

void ReplayServer::violation(const std::string& what) {
  std::lock_guard lock(mu_);
  transcript_.violations.push_back(what);
}

void ReplayServer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void ReplayServer::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;  // shut down
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard lock(mu_);
    if (stopped_) {
      ::close(fd);
      return;
    }
    ++transcript_.connections;
    conn_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void ReplayServer::serve(int fd) {
  Session s{this, fd, SocketIn(fd, kReadTimeoutMs), {}, 0};
  try {
    std::uint64_t id = s.in.varuint();
    if (id != client_packet::kHello) throw Violation("the first packet is " + std::to_string(id) + ", not Hello");
    s.hello = read_client_hello(s.in);
    std::string user, password;
    std::function<bool(const std::string&)> database_exists;
    {
      std::lock_guard lock(mu_);
      transcript_.hellos.push_back(s.hello);
      user = user_;
      password = password_;
      database_exists = database_exists_;
    }
    const std::string& db = s.hello.database;
    bool db_exists = db.empty() || (database_exists ? database_exists(db) : db == "default" || db == "system");
    if (!db_exists) {
      Out o;
      write_exception(o, {.code = 81, .message = "Database " + db + " does not exist. (UNKNOWN_DATABASE)"});
      s.send(o.bytes());
      throw ClientGone("unknown database");
    }
    if (s.hello.user != user || s.hello.password != password) {
      Out o;
      write_exception(o, {.code = 516,
                          .message = s.hello.user +
                                     ": Authentication failed: password is incorrect, or there is no user with such "
                                     "name. (AUTHENTICATION_FAILED)"});
      s.send(o.bytes());
      throw ClientGone("login refused");
    }
    s.revision = std::min(s.hello.revision, identity_.revision);
    Out o;
    write_server_hello(o, identity_, s.hello.revision);
    s.send(o.bytes());
    Addendum addendum;
    if (s.revision >= rev::kAddendum) {
      addendum = read_addendum(s.in, s.revision);
      std::lock_guard lock(mu_);
      transcript_.addenda.push_back(addendum);
    }
    if (auto mismatch = chunked_mismatch(identity_, addendum)) {
      Out e;
      write_exception(e, {.code = 210, .name = "DB::NetException", .message = *mismatch + " (NETWORK_ERROR)"});
      s.send(e.bytes());
      throw ClientGone("chunked protocol refused");
    }
    for (;;) {
      id = s.in.varuint();
      if (id == client_packet::kPing) {
        {
          std::lock_guard lock(mu_);
          ++transcript_.pings;
        }
        Out pong;
        write_pong(pong);
        s.send(pong.bytes());
      } else if (id == client_packet::kCancel) {
        std::lock_guard lock(mu_);
        ++transcript_.cancels;  // between queries: nothing to cancel
      } else if (id == client_packet::kQuery) {
        s.handle_query();
      } else {
        throw Violation("unexpected packet " + std::to_string(id) + " from the client");
      }
    }
  } catch (const ClientGone&) {
  } catch (const Violation& v) {
    violation(v.what());
  } catch (const std::exception& e) {
    violation(std::string("replay server: ") + e.what());
  }
  std::lock_guard lock(mu_);
  conn_fds_.erase(std::remove(conn_fds_.begin(), conn_fds_.end(), fd), conn_fds_.end());
  ::close(fd);
}

}  // namespace ior::testing::chreplay
