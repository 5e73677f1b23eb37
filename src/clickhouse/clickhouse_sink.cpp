#include "clickhouse/clickhouse_sink.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "base/error.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/insert_deduplication.hpp"
#include "clickhouse/net/tcp_socket.hpp"
#include "clickhouse/net/tls_transport.hpp"
#include "clickhouse/schema_prepare.hpp"
#include "clickhouse/setup_refused.hpp"

namespace ior::clickhouse {

// The hosts whose schema is prepared ("HOST:PORT"). A connection that moves
// on to a host not prepared yet prepares it first: a failover server may
// lack the database or the table, which it would refuse every INSERT for.
struct PreparedHosts {
  bool has(const std::string& host) {
    std::lock_guard lock(mu);
    return hosts.contains(host);
  }
  bool any() {
    std::lock_guard lock(mu);
    return !hosts.empty();
  }
  void add(const std::string& host) {
    std::lock_guard lock(mu);
    hosts.insert(host);
  }

  std::mutex mu;
  std::set<std::string> hosts;
};

namespace {

std::string host_key(const std::string& host, std::uint16_t port) { return host + ":" + std::to_string(port); }
// A -ch-host host as its connection names it: its own port, else the default.
std::string host_key(const HostPort& host, std::uint16_t default_port) {
  return host_key(host.host, host.port != 0 ? host.port : default_port);
}

ServerVersion version_of(const Connection& conn) {
  return {conn.server().major, conn.server().minor, conn.server().patch};
}

struct Shard {
  std::string host_name;
  std::string host_address;
  std::uint16_t port = 0;
};

std::vector<Shard> cluster_shards(Connection& conn, const std::string& cluster) {
  QueryResult r = conn.query("SELECT host_name, host_address, port FROM system.clusters WHERE cluster = " +
                             quote_literal(cluster) + " ORDER BY shard_num, replica_num");
  std::vector<Shard> shards;
  for (const auto& b : r.blocks) {
    const auto& names = columns::column_as<columns::StringColumn>(b.column("host_name"));
    const auto& addresses = columns::column_as<columns::StringColumn>(b.column("host_address"));
    const auto& ports = columns::column_as<columns::UInt16Column>(b.column("port"));
    for (std::size_t i = 0; i < b.rows(); ++i) {
      shards.push_back({std::string(names.at(i)), std::string(addresses.at(i)), ports.at(i)});
    }
  }
  if (shards.empty()) {
    throw SetupRefused("clickhouse: cluster " + cluster + " is not defined on " + conn.options().host + " (system.clusters)");
  }
  return shards;
}

// Distributed DDL (ON CLUSTER) needs ZooKeeper or Keeper, which many
// clusters (and 18.16 test clusters) lack: ior prepares the tables on each
// host itself, the Distributed one included. Only on the hosts it was given,
// unless told to discover: every host it connects to gets the password.
std::vector<std::pair<std::string, std::uint16_t>> cluster_targets(Connection& conn, const SchemaOptions& schema,
                                                                   const ClusterHosts& cluster_hosts,
                                                                   SchemaReport* report) {
  const std::uint16_t port = conn.options().port;
  std::vector<std::pair<std::string, std::uint16_t>> targets;
  for (const auto& h : cluster_hosts.hosts) targets.emplace_back(h.host, h.port != 0 ? h.port : port);
  if (targets.empty()) targets.emplace_back(conn.options().host, port);
  for (const auto& shard : cluster_shards(conn, schema.cluster)) {
    bool given = false;
    for (const auto& [host, p] : targets) {
      given = given || (p == shard.port && (host == shard.host_name || host == shard.host_address));
    }
    if (given) continue;
    std::string where = shard.host_name + ":" + std::to_string(shard.port);
    if (cluster_hosts.discover) {
      targets.emplace_back(shard.host_address, shard.port);
      report->notes.push_back("cluster " + schema.cluster + ": prepared " + where + " (from system.clusters)");
    } else {
      report->notes.push_back("cluster " + schema.cluster + ": " + where +
                              " is not among -ch-host and was not prepared (its tables must exist; "
                              "-ch-cluster-discover prepares it)");
    }
  }
  return targets;
}

}  // namespace

SchemaReport prepare_schema(Connection& conn, const SchemaOptions& schema, const ClusterHosts& cluster_hosts) {
  SchemaReport report;
  const auto& s = conn.server();
  report.server = s.name + " " + std::to_string(s.major) + "." + std::to_string(s.minor) + "." +
                  std::to_string(s.patch) + " at " + conn.options().host + ":" + std::to_string(conn.options().port);
  SchemaVariant variant = choose_variant(version_of(conn));
  report.variant = std::string(variant_name(variant));
  report.notes = schema_notes(variant, schema);
  // With a cluster: the hosts to prepare, each by a connection of its own.
  std::vector<std::unique_ptr<Connection>> shards;
  std::vector<Connection*> servers;
  if (schema.cluster.empty()) {
    servers.push_back(&conn);
  } else {
    for (const auto& [host, port] : cluster_targets(conn, schema, cluster_hosts, &report)) {
      if (host == conn.options().host && port == conn.options().port) {
        servers.push_back(&conn);
        continue;
      }
      ClientOptions o = conn.options();
      o.host = host;
      o.port = port;
      servers.push_back(shards.emplace_back(std::make_unique<Connection>(o)).get());
    }
  }
  TablesReport tables = prepare_tables(servers, schema);
  report.created = tables.created;
  report.upgraded = tables.upgraded;
  report.notes.insert(report.notes.end(), tables.notes.begin(), tables.notes.end());
  return report;
}

ClickHouseSink::ClickHouseSink(ClickHouseSinkOptions options) : options_(std::move(options)) {
  auto& w = options_.writer;
  w.insert_sql = insert_sql(options_.schema);
  w.table = insert_target(options_.schema);
  if (!options_.schema.cluster.empty()) w.insert_settings.push_back({"insert_distributed_sync", "1", true});
  prepared_ = std::make_shared<PreparedHosts>();
  const ClusterHosts cluster_hosts{.hosts = w.hosts, .discover = options_.discover_cluster};
  // A cluster's hosts are prepared together, and any of them takes INSERTs
  // into the Distributed table: the connections start spread over them.
  const bool cluster = !options_.schema.cluster.empty();
  w.spread_hosts = cluster;
  std::vector<std::string> host_keys;
  for (const auto& host : w.hosts) host_keys.push_back(host_key(host, w.client.port));
  const auto mark_prepared = [prepared = prepared_, cluster, host_keys](const std::string& host) {
    if (!cluster) return prepared->add(host);
    for (const auto& k : host_keys) prepared->add(k);
  };
  // Prepare the schema on the first host that answers; a login or structure
  // problem is fatal now, an unreachable server only with no spool.
  std::string unreachable;
  std::string wrong_servers;
  for (std::size_t index = 0; index < w.hosts.size(); ++index) {
    const HostPort& host = w.hosts[index];
    ClientOptions o = w.client;
    o.host = host.host;
    if (host.port != 0) o.port = host.port;
    std::unique_ptr<Connection> conn;
    try {
      conn = std::make_unique<Connection>(o);
    } catch (const protocol::ServerException&) {
      throw;  // wrong password, unknown user: the same on every host
    } catch (const net::TlsVerifyError&) {
      // A certificate that fails verification (wrong CA file, wrong name)
      // fails every retry too: spooling through it would hide it.
      throw;
    } catch (const ProtocolError& e) {
      // Not a ClickHouse native port (its HTTP port, another service) or a
      // host name that does not exist: every retry would fail the same way,
      // and the rows would wait in the spool for good.
      wrong_servers += (wrong_servers.empty() ? "" : "; ") + std::string(e.what());
      continue;
    } catch (const net::UnknownHost& e) {
      wrong_servers += (wrong_servers.empty() ? "" : "; ") + std::string(e.what());
      continue;
    } catch (const Error& e) {
      unreachable += (unreachable.empty() ? "" : "; ") + std::string(e.what());
      continue;
    }
    SchemaReport r = prepare_schema(*conn, options_.schema, cluster_hosts);
    lines_.push_back("clickhouse: " + r.server + ", schema " + r.variant + ", table " + w.table +
                     (r.created ? " (created)" : r.upgraded.empty() ? " (existing, structure checked)" : " (upgraded)"));
    for (const auto& line : r.upgraded) lines_.push_back("clickhouse: " + line);
    for (const auto& note : r.notes) lines_.push_back("clickhouse: " + note);
    // Through a Distributed table a block reaches its shard later, under
    // another id: only a row table written directly is asked.
    w.dedup_tokens = options_.schema.cluster.empty() && inserts_deduplicate(*conn, options_.schema.database, options_.schema.table);
    lines_.push_back(w.dedup_tokens
                         ? "clickhouse: an INSERT resent after a lost acknowledgement is deduplicated by the server "
                           "(insert_deduplication_token)"
                         : "clickhouse: a batch resent after a lost acknowledgement is first looked for in the table "
                           "(the server or table keeps no deduplication ids)");
    if (options_.async_insert) {
      if (conn->server().major > 21 || (conn->server().major == 21 && conn->server().minor >= 11)) {
        w.insert_settings.push_back({"async_insert", "1", true});
        w.insert_settings.push_back({"wait_for_async_insert", "1", true});
      } else {
        lines_.push_back("clickhouse: -ch-async ignored: the server has no async inserts (21.11+)");
      }
    }
    mark_prepared(host_key(o.host, o.port));
    w.first_host = index;
    break;
  }
  if (!prepared_->any()) {
    if (!wrong_servers.empty()) throw Error(wrong_servers);
    if (w.spool_dir.empty()) throw Error(unreachable);
    lines_.push_back("clickhouse: no server reachable at start (" + unreachable + "); rows wait in " + w.spool_dir);
  }
  if (!prepared_->any() || w.hosts.size() > 1) {
    // The first connection to each host not prepared yet prepares it.
    w.on_connect = [prepared = prepared_, mark_prepared, schema = options_.schema, cluster_hosts](Connection& conn) {
      const std::string host = host_key(conn.options().host, conn.options().port);
      if (prepared->has(host)) return;
      const bool first = !prepared->any();
      try {
        prepare_schema(conn, schema, cluster_hosts);
      } catch (const SetupRefused& e) {
        // What one host refuses (a table of another structure) ends the
        // run only when no other host was prepared: else that host is
        // passed over, and this attempt fails as an outage would.
        if (first) throw;
        throw Error(std::string(e.what()) + " (" + host + " passed over: another -ch-host takes the rows)");
      }
      mark_prepared(host);
    };
  }
  w.caller_may_wait = [this] { return backlog_.has_room(); };
  writer_ = std::make_unique<writer::StreamWriter>(w);
}

ClickHouseSink::~ClickHouseSink() { close(); }

void ClickHouseSink::consume(const schema::EventRow& row) noexcept { consume_in_batch(row, schema::RowRepeats{}); }

void ClickHouseSink::consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept {
  try {
    writer_->append(row, repeats);
  } catch (const std::exception& e) {
    rows_lost_.add();
    if (append_error_.empty()) append_error_ = e.what();
  } catch (...) {
    rows_lost_.add();
  }
}

void ClickHouseSink::flush() noexcept {
  try {
    writer_->tick();
  } catch (const std::exception& e) {
    if (append_error_.empty()) append_error_ = e.what();
  } catch (...) {
  }
}

void ClickHouseSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  try {
    writer_->close(options_.drain_timeout);
  } catch (const std::exception& e) {
    lines_.push_back(std::string("clickhouse: ") + e.what());
    failed_ = true;
  }
}

namespace {

sink::SinkCounts counts_of(const writer::WriterStats& s, std::uint64_t rows_lost) {
  sink::SinkCounts c;
  // batches handed to the senders and not yet stored, spooled or dropped
  const std::uint64_t out = s.rows_inserted - s.rows_replayed + s.rows_spooled + s.rows_dropped;
  c.rows_waiting = s.rows_accepted > out ? s.rows_accepted - out : 0;
  c.rows_written = s.rows_inserted;
  c.rows_spooled = s.spool.rows_own;
  c.rows_dropped = s.rows_dropped;
  c.rows_lost = rows_lost + s.spool.rows_set_aside;
  return c;
}

}  // namespace

std::optional<sink::SinkCounts> ClickHouseSink::counts() const noexcept {
  try {
    return counts_of(writer_->stats(), rows_lost_.get());
  } catch (...) {
    return std::nullopt;  // out of memory copying the last error
  }
}

sink::SinkReport ClickHouseSink::report() const {
  sink::SinkReport r;
  r.name = "clickhouse";
  writer::WriterStats s = writer_->stats();
  const sink::SinkCounts c = counts_of(s, rows_lost_.get());
  r.rows_written = c.rows_written;
  r.rows_spooled = c.rows_spooled;
  r.rows_dropped = c.rows_dropped;
  r.rows_lost = c.rows_lost;
  r.rows_replayed_earlier = s.rows_replayed_earlier;
  r.rows_found_stored_earlier = s.rows_found_stored_earlier;
  r.rows_maybe_duplicated = s.rows_maybe_duplicated;
  r.rows_maybe_stored = s.rows_dropped_unanswered;
  r.lines = lines_;
  if (!append_error_.empty()) r.lines.push_back("clickhouse: " + append_error_);
  const std::string& dir = options_.writer.spool_dir;
  if (!s.refused.empty()) {
    // Set up only when a server first answered (none did at the start),
    // and refused then: the run failed as it would have at the start.
    r.lines.push_back(s.refused + " (found when a server first answered, after the start; this run's rows are kept in " +
                      dir + ")");
  }
  if (s.rows_spooled > 0 || s.spool.files > 0) {
    r.lines.push_back("clickhouse: " + std::to_string(s.rows_spooled) + " rows went to the spool, " +
                      std::to_string(s.rows_replayed) + " came back; left in " + dir + ": " +
                      std::to_string(s.spool.rows_own) + " rows of this run, " +
                      std::to_string(s.spool.rows_earlier) + " of earlier runs (sent by the next run)");
  }
  if (!dir.empty() && !s.spool.adopted) {
    r.lines.push_back("clickhouse: another ior run holds " + dir + ": its earlier files were left to it");
  }
  if (s.spool.bad_files > 0 || s.spool.foreign_files > 0) {
    r.lines.push_back("clickhouse: " + dir + " holds " + std::to_string(s.spool.bad_files) +
                      " files set aside as *.bad (failed their check; " + std::to_string(s.spool.rows_set_aside) +
                      " rows of this run) and " + std::to_string(s.spool.foreign_files) +
                      " files that are not ior's; they count against -ch-spool-max");
  }
  // After a failover the rows are on more than one server: say where, so
  // that a query of one of them is known to see only its part.
  // (A cluster spreads its INSERTs over its hosts on purpose: not said.)
  if (options_.schema.cluster.empty() &&
      std::count_if(s.rows_by_host.begin(), s.rows_by_host.end(), [](std::uint64_t n) { return n != 0; }) > 1) {
    std::string line = "clickhouse: rows stored on more than one -ch-host:";
    const auto& hosts = options_.writer.hosts;
    for (std::size_t i = 0; i < s.rows_by_host.size() && i < hosts.size(); ++i) {
      if (s.rows_by_host[i] == 0) continue;
      line += " " + host_key(hosts[i], options_.writer.client.port) + " " + std::to_string(s.rows_by_host[i]) + ",";
    }
    line.pop_back();
    r.lines.push_back(line + " (a failover: unless they are replicas of one table, each holds its own part)");
  }
  if (s.batches_retried > 0) {
    r.lines.push_back("clickhouse: " + std::to_string(s.batches_retried) + " retries, " +
                      std::to_string(s.duplicates_avoided) + " batches found stored after a lost acknowledgement, " +
                      std::to_string(s.inserts_resent) + " INSERTs resent under their deduplication token");
  }
  // What the spool said when it did not take a batch: its limit, or its
  // disk (ENOSPC is ior's host, not the server).
  const std::string spool_failed =
      s.spool_error.empty() ? "the spool was full" : "the spool did not take them (" + s.spool_error + ")";
  const std::uint64_t dropped_full = s.rows_dropped - s.rows_dropped_at_stop;
  if (dropped_full > 0) {
    r.lines.push_back("clickhouse: " + std::to_string(dropped_full) + " rows dropped (memory full" +
                      (dir.empty() ? "" : ", and " + spool_failed) + "); last error: " + s.last_error);
  }
  if (s.rows_dropped_at_stop > 0) {
    std::string line = "clickhouse: " + std::to_string(s.rows_dropped_at_stop) +
                       " rows dropped at the stop: not taken within -ch-drain-timeout, and " +
                       (dir.empty() ? "no spool to keep them (-ch-spool none)" : spool_failed);
    if (s.rows_dropped_unanswered > 0) {
      line += "; " + std::to_string(s.rows_dropped_unanswered) +
              " of them were sent in INSERTs ClickHouse never answered and may be stored: look for them "
              "before loading them again";
    }
    r.lines.push_back(line + "; last error: " + s.last_error);
  }
  if (s.rows_dropped == 0 && !s.last_error.empty() && s.spool.rows_own + s.spool.rows_earlier > 0) {
    r.lines.push_back("clickhouse: last error: " + s.last_error);
  }
  r.failed = failed_ || !s.refused.empty() || s.rows_dropped > 0 || r.rows_lost > 0;
  return r;
}

}  // namespace ior::clickhouse
