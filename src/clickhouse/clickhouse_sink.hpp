#pragma once
// The -clickhouse sink: prepares the database and table (created from the
// schema for what the server supports, or checked when they exist), then
// streams every row through a StreamWriter. Construction fails (before any
// tracing starts) for what will not get better by waiting: a refused login,
// a table of another structure. An unreachable server is not fatal when a
// spool is configured: rows wait there, and the schema is prepared on the
// first connection that succeeds.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/counter.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse/writer/stream_writer.hpp"
#include "sink/sink.hpp"

namespace ior::clickhouse {

struct ClickHouseSinkOptions {
  writer::WriterOptions writer;   ///< hosts, client, batches, spool; insert_sql/table are filled in
  SchemaOptions schema;
  /// With a cluster: also prepare the shards system.clusters lists that are
  /// not among writer.hosts (each gets the password).
  bool discover_cluster = false;
  bool async_insert = false;
  std::chrono::milliseconds drain_timeout{30'000};
};

/// What prepare_schema() did, for the summary.
struct SchemaReport {
  std::string server;   ///< "ClickHouse 18.16.1 at host:port"
  std::string variant;  ///< variant_name()
  bool created = false; ///< false: the table existed (upgraded when it lacked columns)
  std::vector<std::string> upgraded;  ///< "added columns a, b to db.t", one line per table
  std::vector<std::string> notes;  ///< what the server's variant leaves out; shards left out; views of an earlier ior
};

/// Where prepare_schema() creates a cluster's tables (schema.cluster set).
struct ClusterHosts {
  /// Hosts to prepare, each on its own port or else the connection's;
  /// none: the connection's own host.
  std::vector<HostPort> hosts;
  /// Also every other shard that system.clusters lists. Off, ior connects
  /// only to the hosts above and notes the shards it left out.
  bool discover = false;
};

/// Creates the database/table (and views) when missing, or upgrades an
/// existing table to the schema (schema_prepare.hpp); throws ior::Error
/// naming a difference that no upgrade fixes, before changing anything.
SchemaReport prepare_schema(Connection& conn, const SchemaOptions& schema, const ClusterHosts& cluster_hosts = {});

struct PreparedHosts;  // clickhouse_sink.cpp

class ClickHouseSink final : public sink::Sink {
 public:
  explicit ClickHouseSink(ClickHouseSinkOptions options);
  ~ClickHouseSink() override;
  ClickHouseSink(const ClickHouseSink&) = delete;  // the writer holds a callback into it
  ClickHouseSink& operator=(const ClickHouseSink&) = delete;

  void consume(const schema::EventRow& row) noexcept override;
  void consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept override;
  void flush() noexcept override;
  void stop_requested() noexcept override { writer_->request_stop(); }
  void watch_backlog(const sink::Backlog& backlog) noexcept override { backlog_ = backlog; }
  void close() noexcept override;
  sink::SinkReport report() const override;
  /// Spooled: this run's rows in the spool now (sent later, by this run or the next).
  std::optional<sink::SinkCounts> counts() const noexcept override;

  /// The writer's counters and state now; any thread (the metrics endpoint).
  writer::WriterStats live_stats() const { return writer_->stats(); }
  /// Its limits (memory, spool, connections), fixed at construction.
  const writer::WriterOptions& writer_options() const { return options_.writer; }

 private:
  ClickHouseSinkOptions options_;
  std::vector<std::string> lines_;
  std::unique_ptr<writer::StreamWriter> writer_;
  std::shared_ptr<PreparedHosts> prepared_;  // shared with the writer's connections (on_connect)
  sink::Backlog backlog_;  // the runner's queue in front; read by the writer on this sink's thread
  Counter rows_lost_;  // the writer threw on append (out of memory)
  std::string append_error_;
  bool closed_ = false;
  bool failed_ = false;
};

}  // namespace ior::clickhouse
