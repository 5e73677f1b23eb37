#pragma once
// One sender thread of a StreamWriter: one connection, one open INSERT.
// Private to the writer (it reaches into the writer's queue and counters).

#include <memory>
#include <string>
#include <vector>

#include "clickhouse/writer/stream_writer.hpp"

namespace ior::clickhouse::writer {

class StreamWriter::Sender {
 public:
  Sender(StreamWriter& writer, std::size_t index);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;
  void run();

 private:
  /// Sends one batch into the open INSERT (opening one when needed); false
  /// when it failed (the batch and the open INSERT's went back).
  bool send(Batch&& batch);
  /// Sends a batch of the open INSERT: as encoded before, or encoded now
  /// and then kept so (StreamWriter::keep_encoded()).
  void send_kept(Batch& batch);
  /// Ends the open INSERT (the server's acknowledgement); false when it
  /// failed (its batches went back).
  bool finish();
  /// A batch whose INSERT failed unacknowledged: asks the server whether it
  /// is stored (then acknowledged), else clears the mark; false on failure.
  bool check_stored(Batch& batch, bool* stored);
  /// Counts the error, holds the open INSERT for resending under its token
  /// (dedup_tokens) or puts its batches back marked maybe stored, moves to
  /// the next host after a connection failure, backs off.
  void fail(const std::string& what, bool refused);
  void put_back_open(bool maybe_stored);
  /// The open INSERT was stored: its batches are acknowledged.
  void acknowledge_open();
  /// close() gave up: the open INSERT's batches go back marked maybe stored.
  void abandon_open();
  /// Sends the held INSERT again, the same batches in the same order under
  /// the same token, so the server drops what it stored of it the first
  /// time; false when it failed again (still held).
  bool resend_held();
  /// The INSERT's settings: the writer's, and the deduplication token.
  QueryOptions insert_query() const;
  /// The open INSERT is over here (acknowledged, or put back unknown).
  void forget_open_insert();
  /// Runs one exchange with the server: false when it threw (handled by
  /// fail(); a ServerException means the server refused and the connection
  /// is still usable unless broken).
  template <class Exchange>
  bool attempt(Exchange&& exchange);
  void ensure_connected();
  /// Drops the connection (the next exchange makes a new one).
  void disconnect();
  /// Keeps the writer's count of open connections (WriterStats) true.
  void count_connection(bool open);
  std::size_t open_bytes() const;

  StreamWriter& w_;
  std::unique_ptr<Connection> conn_;
  bool counted_ = false;  ///< conn_ is in WriterStats::connections_open
  std::size_t host_;
  std::size_t per_insert_;
  std::size_t share_;
  std::vector<Batch> open_;  ///< sent in the open INSERT, not acknowledged yet
  std::size_t index_;
  std::uint64_t inserts_ = 0;
  std::uint64_t resends_ = 0;
  std::string token_;        ///< the open INSERT's query_id, and its deduplication token (dedup_tokens)
  /// open_ is an INSERT whose outcome is unknown, kept to be resent whole
  /// under token_ (dedup_tokens); the sender takes nothing else meanwhile.
  bool held_ = false;
  std::chrono::milliseconds backoff_;
};

}  // namespace ior::clickhouse::writer
