#pragma once
// Streams rows into one ClickHouse table: rows are appended into a columnar
// batch on the caller's thread; a full batch (or one older than the flush
// interval) goes to a bounded queue that sender threads (one connection
// each) insert from, so the caller never waits on the network. A failed
// insert is retried with exponential backoff, on the next host of the list.
// While no server takes batches, the queue fills, then batches spill to the
// spool directory; the spool is replayed when a server answers again (also
// by the next run). Only with the spool full (or without one) does the
// on-full policy apply: block the caller, or drop the batch and count it.
//
// Each sender keeps one INSERT open and sends every batch as a Data block
// of it, ending the INSERT (the server's acknowledgement) after insert_rows
// rows or when no batch came for flush_interval: a MergeTree part per
// 10 000-row batch would cap the server at a third of its rate (measured:
// 0.43 M rows/s against 1.29 M with 100 000-row parts on 18.16). An INSERT
// of at most max_insert_block_size rows is stored entirely or not at all.
// If a connection fails, the batches of its open INSERT may be stored
// although unacknowledged; before sending one again the writer asks the
// server whether its rows are there (every row, by collection_id, tid,
// timestamp_ns: stored_check.hpp), so the retry does not duplicate it.
//
// Memory: the batches queued and those checked out by senders (open
// INSERTs included) stay within memory_bytes (EventBlock::bytes(), file
// sizes for spooled batches, the bytes sent for batches in an open
// INSERT), plus the batch being filled and one encoding buffer per
// connection. A batch that does not fit goes to the spool.
//
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "clickhouse/client/client_options.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/client/host_port.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/writer/spool.hpp"

namespace ior::clickhouse::writer {

enum class OnFull { kBlock, kDrop };

struct WriterOptions {
  std::vector<HostPort> hosts{{"127.0.0.1"}};  ///< each on its port, or client.port
  /// The host every connection starts on (the one whose schema the setup
  /// prepared); a failed attempt moves that connection on to the next host.
  std::size_t first_host = 0;
  /// Start connection i on host first_host + i instead (a cluster: every
  /// -ch-host is prepared and inserts through its Distributed table).
  bool spread_hosts = false;
  ClientOptions client;           ///< port, user, password, database, TLS, compression, timeouts
  std::string insert_sql;         ///< INSERT INTO db.t (columns) VALUES
  std::string table;              ///< db.t, for the "did it land?" check
  std::vector<protocol::Setting> insert_settings;
  /// The server takes insert_deduplication_token and the table keeps block
  /// ids (insert_deduplication.hpp): every INSERT gets a token, and one whose
  /// outcome is unknown is resent whole under it instead of being checked.
  bool dedup_tokens = false;
  std::size_t batch_rows = 10'000;
  std::size_t insert_rows = 100'000;  ///< rows per INSERT (rounded to whole batches)
  std::chrono::milliseconds flush_interval{1000};
  /// The clock a batch's age is read from for flush_interval (tests set it;
  /// waits on threads use the real steady clock).
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
  std::size_t connections = 4;
  std::size_t memory_bytes = std::size_t{16} << 20;  ///< queued + in-flight batches
  std::string spool_dir;          ///< empty: no spool (spool_directory.hpp: must be private)
  std::uint64_t spool_max_bytes = 1ull << 30;
  OnFull on_full = OnFull::kBlock;
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{10'000};
  /// Whether the caller's thread may pause now (the queue in front of it
  /// has room); unset: always. While servers store, a batch that finds
  /// memory full waits for them briefly rather than going through the
  /// spool, but only while this holds: a pause longer than the queue in
  /// front absorbs drops rows there that the spool could have kept.
  std::function<bool()> caller_may_wait;
  /// Called on each new connection before its first INSERT (schema setup
  /// deferred while no server was reachable); throwing fails that attempt,
  /// throwing SetupRefused (setup_refused.hpp) ends all sending: what
  /// is not sent goes to the spool at close(), which does not wait.
  std::function<void(Connection&)> on_connect;
};

/// Rows of this run: accepted = inserted + in the spool at the end
/// (spool.rows_own) + spool.rows_set_aside + dropped. Rows of earlier runs
/// are only replayed_earlier and spool.rows_earlier.
struct WriterStats {
  std::uint64_t rows_accepted = 0;     ///< in batches handed on (not the one being filled)
  std::uint64_t rows_inserted = 0;     ///< this run's rows acknowledged by a server
  /// Of rows_inserted and rows_replayed_earlier: by the index of the
  /// -ch-host host that acknowledged them (failover spreads them).
  std::vector<std::uint64_t> rows_by_host;
  std::uint64_t rows_spooled = 0;      ///< written to the spool (some later replayed)
  std::uint64_t rows_replayed = 0;     ///< this run's rows inserted from the spool
  std::uint64_t rows_replayed_earlier = 0;  ///< earlier runs' rows inserted from the spool
  /// Earlier runs' rows from the spool found already stored (their INSERT
  /// had landed): not sent again.
  std::uint64_t rows_found_stored_earlier = 0;
  std::uint64_t rows_dropped = 0;      ///< on-full drop, or lost at shutdown without a spool
  /// Of rows_dropped: left at the end of the drain with no spool (or a
  /// full one) to keep them.
  std::uint64_t rows_dropped_at_stop = 0;
  /// Of rows_dropped_at_stop: sent in INSERTs the server never answered,
  /// so it may have stored them.
  std::uint64_t rows_dropped_unanswered = 0;
  SpoolCounts spool;                   ///< the spool at the last stats() (none: zeros)
  std::uint64_t batches_retried = 0;
  std::uint64_t duplicates_avoided = 0;///< batches found stored after a lost acknowledgement
  std::uint64_t inserts_resent = 0;    ///< INSERTs resent whole under their deduplication token
  std::uint64_t rows_maybe_duplicated = 0;  ///< resent although partly found (an INSERT that failed midway, e.g. on one shard)
  std::uint64_t insert_errors = 0;
  std::string last_error;   ///< the servers' (a failed connection, query or INSERT)
  /// Why the spool last failed to take a batch (its limit, a full disk);
  /// apart from last_error, which is about the servers.
  std::string spool_error;
  /// on_connect refused the setup (SetupRefused): its message; nothing
  /// was sent after it.
  std::string refused;
  // The state now, for the metrics endpoint:
  std::uint64_t connections_open = 0;  ///< senders holding a connection to a server
  /// The latest INSERT exchange failed and none was acknowledged since.
  bool failing = false;
  /// How long batches have been with the servers with neither an
  /// acknowledgement nor a failure (a server that stopped answering fails
  /// nothing until a timeout); 0 when none is in flight.
  std::uint64_t unanswered_ms = 0;
  std::uint64_t memory_bytes = 0;      ///< batches queued and in flight (bounded by memory_bytes)
  std::uint64_t queued_batches = 0;    ///< batches waiting for a sender
};

class StreamWriter {
 public:
  explicit StreamWriter(WriterOptions options);
  ~StreamWriter();
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  /// Caller's thread. Never throws for server trouble.
  /// repeats: the row's place in its batch (schema/row_repeats.hpp).
  void append(const schema::EventRow& row, const schema::RowRepeats& repeats = {});
  /// Caller's thread, about once a second: sends a partly filled batch
  /// that has waited flush_interval.
  void tick();
  /// Any thread: the caller must not wait any more; a batch that finds
  /// queue and spool full is dropped (counted) even with OnFull::kBlock.
  void request_stop();
  /// Sends what is pending; waits up to drain_timeout for the servers, then
  /// spools (or, without a spool, drops and counts) what is left. Idempotent.
  void close(std::chrono::milliseconds drain_timeout);
  WriterStats stats() const;

 private:
  struct Batch {
    std::unique_ptr<EventBlock> rows;  ///< fresh batch, or
    columns::Block replayed;           ///< a batch read back from the spool, or
    /// one sent in an INSERT: the bytes as sent, until acknowledged
    /// (keep_encoded(); rows and replayed are then empty)
    protocol::EncodedBlock sent;
    std::string spool_name;            ///< set for a replayed batch
    bool maybe_stored = false;
    bool earlier = false;              ///< replayed from an earlier run's file
    std::size_t bytes = 0;             ///< charged to memory_bytes_
    bool encoded() const { return sent.rows > 0; }
    /// Not encoded() (see with_block()).
    const columns::Block& block() const { return rows ? rows->block() : replayed; }
    std::size_t size() const { return encoded() ? sent.rows : block().rows(); }
    /// f(block), an encoded batch decoded for the call (checks and the spool).
    template <class F>
    void with_block(F&& f) const {
      if (encoded()) {
        f(protocol::decode_block(sent));
      } else {
        f(block());
      }
    }
  };
  class Sender;

  void submit_current();
  /// A batch of this size fits the memory budget now; mu_ held.
  bool fits_locked(std::size_t bytes) const;
  /// Acknowledgements within the last second and no failure since; mu_ held.
  bool servers_taking_locked() const;
  /// Cancelled from outside (a second stop signal): no more waiting.
  bool caller_may_wait() const;
  bool cancelled() const;
  /// Waits up to d, or until close() gives up; false then.
  bool pause(std::chrono::milliseconds d);
  /// close() ran out of time: senders abandon what they hold.
  bool gave_up() const;
  /// on_connect refused the setup: no sender sends any more.
  void refuse(const std::string& why);
  bool refused() const;
  /// Next batch for a sender: the queue first, then the spool; nullopt after
  /// wait without one, or when the sender should stop (*stop set).
  std::optional<Batch> next_batch(std::chrono::milliseconds wait, bool* stop);
  /// A batch goes to a sender (mu_ held).
  void hand_out_locked();
  /// The batch went out in an INSERT: from now on it is kept as the bytes
  /// sent, and memory_bytes_ charged their size instead of its columns'.
  /// An INSERT of 100 000 rows then fits the memory a 20 000-row one took.
  void keep_encoded(Batch& batch, protocol::EncodedBlock&& sent);
  /// found_stored: the lookup of a maybe-stored batch found it in the table.
  /// host: the index of the host that stored it (or found it stored).
  void acknowledge(Batch& batch, std::size_t host, bool found_stored = false);
  /// A batch that is not stored (yet): back to the queue's front, or, from
  /// the spool, released there; counted as a retry.
  void put_back(Batch&& batch);
  /// Whether the batch is in the table; nullopt while an INSERT of this
  /// writer that is no longer open here still runs on the server (it may
  /// store the batch after the check).
  std::optional<bool> already_stored(Connection& conn, const columns::Block& block);
  std::unique_ptr<EventBlock> take_block();
  void recycle(std::unique_ptr<EventBlock> block);
  /// Writes a batch to the spool (true; a replayed batch is still there);
  /// false without a spool, or when it is full or refuses the write.
  bool try_spool(Batch& batch);
  void note_spool_error(const std::string& what);

  WriterOptions options_;
  /// Unique to this writer, so that no two INSERTs of any run share a
  /// deduplication token: "ior-<16 random hex>-".
  std::string token_prefix_;  // of every INSERT's query_id (and token)
  std::set<std::string> open_inserts_;  // query_ids of the senders' open INSERTs (under mu_)
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<EventBlock> current_;
  std::chrono::steady_clock::time_point current_started_{};

  mutable std::mutex mu_;
  std::condition_variable queue_changed_;
  std::deque<Batch> queue_;
  std::vector<std::unique_ptr<EventBlock>> free_blocks_;
  std::size_t in_flight_ = 0;
  std::size_t memory_bytes_ = 0;  ///< queue_ + checked out
  std::chrono::steady_clock::time_point last_ack_{};
  std::chrono::steady_clock::time_point busy_since_{};  // a batch went out while none was in flight
  std::chrono::steady_clock::time_point last_failure_{};
  bool closing_ = false;
  bool stop_requested_ = false;
  bool give_up_ = false;  ///< close() deadline passed: stop retrying
  /// Set with give_up_: ends the senders' waits on a server that does not
  /// answer (a read would otherwise wait out its own timeout, 30 s).
  std::shared_ptr<net::Cancellation> abandon_;
  /// Memory stayed full past one wait: batches go to the spool at once
  /// until one fits again.
  bool spilling_ = false;
  WriterStats stats_;
  std::vector<std::thread> senders_;
  bool closed_ = false;
};

}  // namespace ior::clickhouse::writer
