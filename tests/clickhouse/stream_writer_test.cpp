// The streaming writer against real 18.16 servers: every row arrives,
// through a spool while the server is away, across server kills, and memory
// stays bounded when the server stops reading.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <utility>
#include <thread>

#include "clickhouse/client/connection.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse/writer/stream_writer.hpp"
#include "clickhouse_server.hpp"
#include "synthetic_rows.hpp"

namespace ior::clickhouse::writer {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string events_ddl(const std::string& table) {
  return "CREATE TABLE " + table + " (" + column_definitions() + ") ENGINE = MergeTree ORDER BY (timestamp_ns, tid)";
}

std::string insert_sql(const std::string& table) { return "INSERT INTO " + table + " (" + column_list() + ") VALUES"; }

ClientOptions client_for(std::uint16_t port) {
  ClientOptions o;
  o.port = port;
  o.timeouts.connect = 1000ms;
  o.timeouts.receive = 5000ms;
  o.timeouts.send = 5000ms;
  return o;
}

void run(std::uint16_t port, const std::string& sql) {
  Connection c(client_for(port));
  QueryOptions q;
  q.settings = {{"allow_experimental_low_cardinality_type", "1"}};
  c.query(sql, q);
}

std::uint64_t count(std::uint16_t port, const std::string& sql) {
  Connection c(client_for(port));
  auto r = c.query(sql);
  return std::stoull(r.blocks.at(0).at(0).column->text(0));
}

WriterOptions writer_options(std::uint16_t port, const std::string& table) {
  WriterOptions w;
  w.client = client_for(port);
  w.insert_sql = insert_sql(table);
  w.table = table;
  w.batch_rows = 10'000;
  w.connections = 2;
  w.memory_bytes = std::size_t{6} << 20;  // about 4 batches of these rows
  w.backoff_min = 50ms;
  w.backoff_max = 500ms;
  return w;
}

std::string fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("ior_spool_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d.string();
}

// A server of the test's own with an empty events table.
struct ServerWithTable {
  explicit ServerWithTable(const std::string& table) {
    server.start(testing::own_clickhouse_dir("writer_" + table));
    port = server.endpoint().port;
    run(port, events_ddl(table));
  }
  testing::OwnClickHouseServer server;
  std::uint16_t port = 0;
};

TEST(StreamWriterTest, EveryRowArrivesInBatches) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  run(ch.port, "DROP TABLE IF EXISTS sw_plain");
  run(ch.port, events_ddl("sw_plain"));
  bench::SyntheticRows rows(205'000, 11);
  StreamWriter w(writer_options(ch.port, "sw_plain"));
  for (const auto& r : rows.rows()) w.append(r);
  w.close(30s);
  WriterStats s = w.stats();
  EXPECT_EQ(s.rows_accepted, rows.rows().size());
  EXPECT_EQ(s.rows_inserted, rows.rows().size());
  EXPECT_EQ(s.rows_dropped, 0u);
  EXPECT_EQ(count(ch.port, "SELECT count() FROM sw_plain"), rows.rows().size());
  run(ch.port, "DROP TABLE sw_plain");
}

// The 18.16 server stores each INSERT as one part, and small parts cost it
// most of its time (docs/PERFORMANCE.md): a sender keeps batches it sent as
// their compressed bytes, so an INSERT holds many more rows than its share
// of memory would hold as columns.
TEST(StreamWriterTest, AnInsertHoldsMoreRowsThanItsShareOfMemoryHoldsAsColumns) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  run(ch.port, "DROP TABLE IF EXISTS sw_parts");
  run(ch.port, events_ddl("sw_parts"));
  run(ch.port, "SYSTEM STOP MERGES sw_parts");  // parts as inserted
  bench::SyntheticRows rows(300'000, 13);
  WriterOptions o = writer_options(ch.port, "sw_parts");
  std::size_t batch_bytes = 0;
  {
    EventBlock one;
    for (std::size_t i = 0; i < o.batch_rows; ++i) one.append(rows.rows()[i]);
    batch_bytes = one.bytes();
  }
  // A sender's share of memory (memory / (connections + 1)) holds one batch as columns.
  o.memory_bytes = batch_bytes * (o.connections + 1) * 3 / 2;
  StreamWriter w(o);
  for (const auto& r : rows.rows()) w.append(r);
  w.close(60s);
  EXPECT_EQ(w.stats().rows_inserted, rows.rows().size());
  EXPECT_EQ(count(ch.port, "SELECT count() FROM sw_parts"), rows.rows().size());
  const std::uint64_t largest =
      count(ch.port, "SELECT max(rows) FROM system.parts WHERE database = currentDatabase() AND table = 'sw_parts' AND active");
  EXPECT_GE(largest, 5 * o.batch_rows) << "an INSERT held at most " << largest << " rows";
  run(ch.port, "DROP TABLE sw_parts");
}

TEST(StreamWriterTest, APartialBatchIsSentOnceItIsFlushIntervalOld) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  run(ch.port, "DROP TABLE IF EXISTS sw_tick");
  run(ch.port, events_ddl("sw_tick"));
  bench::SyntheticRows rows(123, 12);
  WriterOptions o = writer_options(ch.port, "sw_tick");
  o.flush_interval = 200ms;
  auto fake_now = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  o.now = [fake_now] { return *fake_now; };
  StreamWriter w(o);
  for (const auto& r : rows.rows()) w.append(r);
  *fake_now += 199ms;
  w.tick();
  EXPECT_EQ(w.stats().rows_accepted, 0u) << "sent before it was flush_interval old";
  *fake_now += 1ms;
  w.tick();
  EXPECT_EQ(w.stats().rows_accepted, 123u);
  std::uint64_t n = 0;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; n < 123 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
    n = count(ch.port, "SELECT count() FROM sw_tick");
  }
  EXPECT_EQ(n, 123u);  // before close()
  w.close(10s);
  run(ch.port, "DROP TABLE sw_tick");
}

TEST(StreamWriterFaultTest, UnreachableAtStartSpoolsThenReplaysAndTheNextRunReplaysTheRest) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  ServerWithTable own("sw_spool");
  const std::uint16_t port = own.port;
  own.server.kill();
  std::string spool = fresh_dir("replay");
  bench::SyntheticRows rows(100'000, 13);
  {
    WriterOptions o = writer_options(port, "sw_spool");
    o.spool_dir = spool;
    StreamWriter w(o);
    for (const auto& r : rows.rows()) w.append(r);  // memory holds about 4 batches, the rest spills
    WriterStats s = w.stats();
    EXPECT_GT(s.rows_spooled, 0u);
    w.close(500ms);  // still down: everything left goes to the spool
    s = w.stats();
    EXPECT_EQ(s.rows_dropped, 0u);
    EXPECT_EQ(s.spool.rows_own, rows.rows().size());
    EXPECT_EQ(s.rows_inserted, 0u);
  }
  own.server.restart();
  {
    // The next run (no new rows) replays the spool.
    WriterOptions o = writer_options(port, "sw_spool");
    o.spool_dir = spool;
    StreamWriter w(o);
    std::uint64_t n = 0;
    for (int i = 0; i < 100 && n < rows.rows().size(); ++i) {
      std::this_thread::sleep_for(100ms);
      n = count(port, "SELECT count() FROM sw_spool");
    }
    w.close(10s);
    EXPECT_EQ(w.stats().rows_replayed_earlier, rows.rows().size());
    EXPECT_EQ(w.stats().rows_inserted, 0u) << "an earlier run's rows are not this run's";
    EXPECT_EQ(w.stats().spool.rows_earlier, 0u);
  }
  EXPECT_EQ(count(port, "SELECT count() FROM sw_spool"), rows.rows().size());
  EXPECT_EQ(count(port, "SELECT count() FROM (SELECT tid, timestamp_ns, count() AS c FROM sw_spool GROUP BY tid, "
                        "timestamp_ns HAVING c > 1)"),
            0u);
  fs::remove_all(spool);
}

TEST(StreamWriterFaultTest, ABatchThatMayBeStoredIsCheckedAndNotSentTwice) {
  IOR_REQUIRE_CLICKHOUSE(ch);
  run(ch.port, "DROP TABLE IF EXISTS sw_maybe");
  run(ch.port, events_ddl("sw_maybe"));
  bench::SyntheticRows rows(3000, 16);
  EventBlock stored, not_stored;
  for (std::size_t i = 0; i < 1500; ++i) stored.append(rows.rows()[i]);
  for (std::size_t i = 1500; i < 3000; ++i) not_stored.append(rows.rows()[i]);
  {
    // The first batch reached the table, but its acknowledgement was lost.
    Connection c(client_for(ch.port));
    c.begin_insert(insert_sql("sw_maybe"));
    c.send_block(stored.block());
    c.end_insert();
  }
  std::string spool = fresh_dir("maybe");
  {
    Spool s(spool, 1u << 30);
    ASSERT_TRUE(s.put(stored.block(), true));
    ASSERT_TRUE(s.put(not_stored.block(), true));
  }
  WriterOptions o = writer_options(ch.port, "sw_maybe");
  o.spool_dir = spool;
  StreamWriter w(o);
  w.close(20s);
  WriterStats st = w.stats();
  EXPECT_EQ(st.duplicates_avoided, 1u);
  // Sent again: only the batch that was not there; the other is counted
  // as found, not as replayed.
  EXPECT_EQ(st.rows_replayed_earlier, 1500u);
  EXPECT_EQ(st.rows_found_stored_earlier, 1500u);
  EXPECT_EQ(st.spool.rows_earlier, 0u);
  EXPECT_EQ(st.spool.files, 0u);
  EXPECT_EQ(count(ch.port, "SELECT count() FROM sw_maybe"), 3000u);
  fs::remove_all(spool);
  run(ch.port, "DROP TABLE sw_maybe");
}

// A Distributed INSERT (rand() sharding) that fails on one shard leaves the
// other shard's part of every batch stored. The check before a resend must
// count every row across the shards: batch A was stored whole, split over
// both shards, and is not sent again; of batch B only shard 1's share is
// there (it includes B's first, middle and last rows, which three sample
// rows took for proof of the whole batch: 4 999 rows lost, "lost 0"). B is
// resent whole and counted as maybe duplicated.
TEST(StreamWriterFaultTest, ABatchStoredOnOnlyOneShardOfTwoIsSentAgain) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer cluster;
  const auto& ep = cluster.start(testing::own_clickhouse_dir("writer_split"), {"--shards", "2"});
  ASSERT_EQ(ep.shard_ports.size(), 2u);
  for (auto port : ep.shard_ports) {
    run(port, "CREATE TABLE sw_split_local (" + column_definitions() + ") ENGINE = MergeTree ORDER BY (timestamp_ns, tid)");
  }
  const std::uint16_t port = ep.shard_ports[0];
  run(port, "CREATE TABLE sw_split AS sw_split_local ENGINE = Distributed(ior_cluster, default, sw_split_local, rand())");
  constexpr std::size_t kBatch = 10'000;
  bench::SyntheticRows rows(2 * kBatch, 31);
  EventBlock a, b;
  for (std::size_t i = 0; i < kBatch; ++i) a.append(rows.rows()[i]);
  for (std::size_t i = kBatch; i < 2 * kBatch; ++i) b.append(rows.rows()[i]);
  // Stores the rows i of the batch starting at row `first` for which take(i).
  auto store_on = [&](std::uint16_t shard, std::size_t first, auto&& take) {
    EventBlock part;
    for (std::size_t i = 0; i < kBatch; ++i) {
      if (take(i)) part.append(rows.rows()[first + i]);
    }
    Connection c(client_for(shard));
    c.begin_insert(insert_sql("sw_split_local"));
    c.send_block(part.block());
    c.end_insert();
    return part.rows();
  };
  // A: even rows on shard 1, odd rows on shard 2 (all of it stored).
  store_on(ep.shard_ports[0], 0, [](std::size_t i) { return i % 2 == 0; });
  store_on(ep.shard_ports[1], 0, [](std::size_t i) { return i % 2 == 1; });
  // B: shard 1's share only, with the rows a sample would look at.
  const std::size_t b_stored =
      store_on(ep.shard_ports[0], kBatch, [](std::size_t i) { return i % 2 == 0 || i == kBatch - 1; });
  ASSERT_EQ(count(port, "SELECT count() FROM sw_split"), kBatch + b_stored);

  std::string spool = fresh_dir("split");
  {
    Spool s(spool, 1u << 30);
    ASSERT_TRUE(s.put(a.block(), true));
    ASSERT_TRUE(s.put(b.block(), true));
  }
  WriterOptions o = writer_options(port, "sw_split");
  o.insert_settings = {{"insert_distributed_sync", "1"}};
  o.spool_dir = spool;
  {
    StreamWriter w(o);
    w.close(30s);
    WriterStats st = w.stats();
    EXPECT_EQ(st.duplicates_avoided, 1u) << "batch A is on the two shards and must not be sent again";
    EXPECT_EQ(st.rows_maybe_duplicated, kBatch) << "batch B was found in part";
    EXPECT_EQ(st.rows_replayed_earlier, kBatch);
    EXPECT_EQ(st.rows_found_stored_earlier, kBatch);
    EXPECT_EQ(st.spool.files, 0u);
  }
  std::set<std::pair<std::uint32_t, std::uint64_t>> keys;
  for (const auto& r : rows.rows()) keys.insert({r.tid, r.timestamp_ns});
  EXPECT_EQ(count(port, "SELECT uniqExact(tid, timestamp_ns) FROM sw_split"), keys.size()) << "rows lost";
  EXPECT_EQ(count(port, "SELECT count() FROM sw_split"), 2 * kBatch + b_stored)
      << "B resent whole (its stored part twice), A not resent";
  fs::remove_all(spool);
}

TEST(StreamWriterFaultTest, FiveKillsDuringAMillionRowStreamLoseNothing) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  ServerWithTable own("sw_kills");
  const std::uint16_t port = own.port;
  constexpr std::size_t kRows = 1'000'000;
  bench::SyntheticRows rows(kRows, 14);
  // Identical (tid, timestamp_ns) pairs in the source would look like duplicates.
  std::uint64_t source_dups = 0;
  {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> keys;
    for (const auto& r : rows.rows()) keys.emplace_back(r.tid, r.timestamp_ns);
    std::sort(keys.begin(), keys.end());
    for (std::size_t i = 1; i < keys.size(); ++i) source_dups += keys[i] == keys[i - 1];
  }
  std::string spool = fresh_dir("kills");
  WriterOptions o = writer_options(port, "sw_kills");
  o.spool_dir = spool;
  StreamWriter w(o);
  std::thread chaos([&] {
    for (int k = 0; k < 5; ++k) {
      std::this_thread::sleep_for(400ms);
      own.server.kill();
      std::this_thread::sleep_for(300ms);
      own.server.restart();
    }
  });
  for (std::size_t i = 0; i < kRows; ++i) {
    w.append(rows.rows()[i]);
    if (i % 50'000 == 0) std::this_thread::sleep_for(60ms);  // spread the stream over the kills
  }
  chaos.join();
  w.close(60s);
  WriterStats s = w.stats();
  std::uint64_t stored = count(port, "SELECT count() FROM sw_kills");
  std::uint64_t distinct = count(port, "SELECT uniqExact(tid, timestamp_ns) FROM sw_kills");
  EXPECT_EQ(s.rows_dropped, 0u);
  EXPECT_EQ(s.spool.rows_own, 0u);
  EXPECT_GT(s.insert_errors, 0u) << "no kill hit the stream: the test proved nothing";
  EXPECT_EQ(distinct, kRows - source_dups) << "rows lost";
  const auto duplicates = static_cast<long long>(stored) - static_cast<long long>(kRows);
  RecordProperty("duplicates", std::to_string(duplicates));
  RecordProperty("retried_batches", std::to_string(s.batches_retried));
  RecordProperty("duplicates_avoided", std::to_string(s.duplicates_avoided));
  std::printf("kills: stored %llu rows for %zu sent, duplicates %lld, retried batches %llu, lost-ack batches found "
              "stored %llu, insert errors %llu, last error: %s\n",
              static_cast<unsigned long long>(stored), kRows, duplicates,
              static_cast<unsigned long long>(s.batches_retried), static_cast<unsigned long long>(s.duplicates_avoided),
              static_cast<unsigned long long>(s.insert_errors), s.last_error.c_str());
  EXPECT_EQ(duplicates, 0);
  fs::remove_all(spool);
}

long rss_kb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST(StreamWriterFaultTest, AServerThatStopsReadingDoesNotGrowMemory) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  ServerWithTable own("sw_stopped");
  const std::uint16_t port = own.port;
  bench::SyntheticRows rows(100'000, 15);
  WriterOptions o = writer_options(port, "sw_stopped");
  o.on_full = OnFull::kDrop;  // no spool: a full queue drops and counts
  StreamWriter w(o);
  for (int i = 0; i < 3; ++i) {
    for (const auto& r : rows.rows()) w.append(r);
  }
  ::kill(own.server.pid(), SIGSTOP);
  long before = rss_kb();
  constexpr std::size_t kRounds = 30;  // 3 M rows while the server reads nothing
  for (std::size_t i = 0; i < kRounds; ++i) {
    for (const auto& r : rows.rows()) w.append(r);
  }
  long after = rss_kb();
  WriterStats s = w.stats();
  ::kill(own.server.pid(), SIGCONT);
  w.close(20s);
  s = w.stats();
  // Bound: the 6 MB memory budget, the batch being filled and two free
  // ones, plus socket buffers: far below 64 MB of growth for 3 M rows (~450 MB raw).
  EXPECT_LT(after - before, 64 * 1024) << "RSS grew by " << (after - before) << " KiB";
  EXPECT_GT(s.rows_dropped, 0u);
  EXPECT_EQ(s.rows_inserted + s.rows_dropped, s.rows_accepted);
  EXPECT_EQ(count(port, "SELECT count() FROM sw_stopped"), s.rows_inserted);
}

TEST(StreamWriterFaultTest, AStopRequestReleasesACallerBlockedOnAFullQueue) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  ServerWithTable own("sw_block");
  const std::uint16_t port = own.port;
  bench::SyntheticRows rows(20'000, 17);
  WriterOptions o = writer_options(port, "sw_block");
  o.on_full = OnFull::kBlock;  // and no spool: a full queue stops the caller
  o.client.timeouts.send = 2000ms;
  o.client.timeouts.receive = 2000ms;
  StreamWriter w(o);
  ::kill(own.server.pid(), SIGSTOP);
  std::atomic<bool> appending{true};
  std::atomic<bool> stop_asked{false};
  // The caller leaves at the first row after the stop request: what is timed
  // is the release of the append that was blocked, not how fast a million
  // more rows are dropped (seconds on a loaded machine).
  std::thread caller([&] {
    for (int round = 0; round < 50 && !stop_asked; ++round) {
      for (const auto& r : rows.rows()) {
        if (stop_asked) break;
        w.append(r);
      }
    }
    appending = false;
  });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(appending) << "the caller never blocked";
  auto asked = std::chrono::steady_clock::now();
  stop_asked = true;
  w.request_stop();
  caller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s) << "the blocked caller was not released";
  ::kill(own.server.pid(), SIGCONT);
  w.close(20s);
  WriterStats s = w.stats();
  EXPECT_GT(s.rows_dropped, 0u);
  EXPECT_EQ(s.rows_inserted + s.rows_dropped, s.rows_accepted);
  EXPECT_EQ(count(port, "SELECT count() FROM sw_block"), s.rows_inserted);
}

// A server that stops answering mid-INSERT (SIGSTOP: the connection stays
// up, nothing comes back): close() leaves it at its drain deadline and
// spools what it had, instead of waiting out the read timeout (30 s).
TEST(StreamWriterFaultTest, AServerThatStopsAnsweringIsLeftAtTheDrainDeadline) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  ServerWithTable own("sw_silent");
  const std::uint16_t port = own.port;
  std::string spool = fresh_dir("silent");
  bench::SyntheticRows rows(60'000, 19);
  WriterOptions o = writer_options(port, "sw_silent");
  o.spool_dir = spool;
  o.client.timeouts.receive = 30s;
  o.client.timeouts.send = 30s;
  StreamWriter w(o);
  ::kill(own.server.pid(), SIGSTOP);
  for (const auto& r : rows.rows()) w.append(r);
  std::this_thread::sleep_for(300ms);  // the senders are now waiting on the stopped server
  const auto asked = std::chrono::steady_clock::now();
  w.close(1s);
  const auto took = std::chrono::steady_clock::now() - asked;
  ::kill(own.server.pid(), SIGCONT);
  WriterStats s = w.stats();
  EXPECT_LT(took, 5s) << "close() waited "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_EQ(s.rows_dropped, 0u);
  EXPECT_EQ(s.rows_inserted + s.spool.rows_own, s.rows_accepted);
  EXPECT_EQ(s.rows_accepted, rows.rows().size());
  EXPECT_EQ(count(port, "SELECT count() FROM sw_silent"), s.rows_inserted);
  fs::remove_all(spool);
}

}  // namespace
}  // namespace ior::clickhouse::writer
