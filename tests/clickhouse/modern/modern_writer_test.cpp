// ior's StreamWriter and ClickHouse sink against the replay of a current
// ClickHouse server (replay_server.hpp, replay_catalog.hpp): every row
// arrives exactly once, decoded by the replay's own Native reader, also
// when the server refuses an INSERT midway or the connection is lost
// before the acknowledgement.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "clickhouse/client/connection.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse/writer/stream_writer.hpp"
#include "replay_catalog.hpp"
#include "replay_test_support.hpp"
#include "synthetic_rows.hpp"

namespace ior::testing::chreplay {
namespace {

using namespace std::chrono_literals;

clickhouse::SchemaOptions schema_in(const std::string& db) {
  clickhouse::SchemaOptions s;
  s.database = db;
  return s;
}

clickhouse::writer::WriterOptions writer_options(const ReplayServer& server, const clickhouse::SchemaOptions& schema) {
  clickhouse::writer::WriterOptions w;
  w.hosts = {{"127.0.0.1"}};
  w.client = options_for(server);
  w.insert_sql = clickhouse::insert_sql(schema);
  w.table = clickhouse::insert_target(schema);
  w.batch_rows = 1000;
  w.insert_rows = 4000;
  w.connections = 2;
  w.flush_interval = 200ms;
  w.backoff_min = 20ms;
  w.backoff_max = 200ms;
  return w;
}

clickhouse::ClickHouseSinkOptions sink_options(const ReplayServer& server, const std::string& db) {
  clickhouse::ClickHouseSinkOptions o;
  o.writer = writer_options(server, schema_in(db));
  o.schema = schema_in(db);
  o.drain_timeout = 20s;
  return o;
}

struct ReplayRun {
  Catalog catalog;
  ReplayServer server{{}, [this](Exchange& ex) { catalog.answer(ex); }};
  ReplayRun() {
    server.set_databases([this](const std::string& db) { return catalog.has_database(db); });
  }
};

void create_schema(ReplayRun& run, const clickhouse::SchemaOptions& schema) {
  clickhouse::Connection c(options_for(run.server));
  clickhouse::prepare_schema(c, schema);
}

void expect_clean(ReplayRun& run) {
  run.server.stop();
  auto t = run.server.transcript();
  EXPECT_TRUE(t.violations.empty()) << joined(t.violations);
  EXPECT_TRUE(run.catalog.unknown().empty()) << joined(run.catalog.unknown());
}

TEST(ModernWriterTest, EveryRowArrivesOnceInCompressedBlocks) {
  ReplayRun run;
  auto schema = schema_in("w_plain");
  create_schema(run, schema);
  bench::SyntheticRows rows(12'345, 31);
  clickhouse::writer::StreamWriter w(writer_options(run.server, schema));
  for (const auto& r : rows.rows()) w.append(r);
  w.close(20s);
  auto s = w.stats();
  EXPECT_EQ(s.rows_inserted, rows.rows().size());
  EXPECT_EQ(s.rows_dropped, 0u);
  EXPECT_EQ(run.catalog.row_count("w_plain.ior_events"), rows.rows().size());
  EXPECT_EQ(rows_as_text(run.catalog.blocks("w_plain.ior_events")), rows_as_text(rows.rows()));
  auto t = run.server.transcript();
  for (const auto& [query, data] : t.inserted) {
    EXPECT_EQ(t.queries.at(query).compression, 1u);
    EXPECT_EQ(data.methods, 2u) << "LZ4 frames";
    EXPECT_EQ(t.queries.at(query).text, clickhouse::insert_sql(schema));
  }
  expect_clean(run);
}

// Streams rows through one connection while the first INSERT meets the
// fault; every row must end up in the table exactly once.
clickhouse::writer::WriterStats stream_through(InsertFault fault, const std::string& db, std::size_t n,
                                               std::uint32_t seed, bool dedup_tokens = false,
                                               std::size_t* deduplicated_blocks = nullptr,
                                               Transcript* transcript = nullptr) {
  ReplayRun run;
  run.catalog.set_fault([fault](std::size_t i) { return i == 0 ? fault : InsertFault::kNone; });
  auto schema = schema_in(db);
  create_schema(run, schema);
  bench::SyntheticRows rows(n, seed);
  auto o = writer_options(run.server, schema);
  o.connections = 1;
  o.dedup_tokens = dedup_tokens;
  clickhouse::writer::StreamWriter w(o);
  for (const auto& r : rows.rows()) w.append(r);
  w.close(20s);
  auto s = w.stats();
  EXPECT_EQ(s.rows_inserted, rows.rows().size());
  EXPECT_EQ(rows_as_text(run.catalog.blocks(db + ".ior_events")), rows_as_text(rows.rows()));
  expect_clean(run);
  if (deduplicated_blocks) *deduplicated_blocks = run.catalog.deduplicated_blocks();
  if (transcript) *transcript = run.server.transcript();
  return s;
}

// The deduplication token of each INSERT, in the order they came.
std::vector<std::string> insert_tokens(const Transcript& t) {
  std::vector<std::string> out;
  for (const auto& q : t.queries) {
    if (q.text.starts_with("INSERT")) out.push_back(q.setting("insert_deduplication_token").value_or(""));
  }
  return out;
}

std::size_t stored_checks(const Transcript& t) {
  return static_cast<std::size_t>(std::count_if(t.queries.begin(), t.queries.end(),
                                                [](const auto& q) { return q.text.starts_with("SELECT tid, timestamp_ns, count()"); }));
}

TEST(ModernWriterTest, AnInsertRefusedMidwayIsSentAgainWholly) {
  auto s = stream_through(InsertFault::kRefuseAfterFirstBlock, "w_refused", 9'000, 32);
  EXPECT_GE(s.insert_errors, 1u);
  EXPECT_NE(s.last_error.find("252"), std::string::npos) << s.last_error;
}

TEST(ModernWriterTest, ALostAcknowledgementDoesNotDuplicateRows) {
  auto s = stream_through(InsertFault::kDropBeforeAck, "w_lost", 7'000, 33);
  EXPECT_GE(s.duplicates_avoided, 1u);
  EXPECT_EQ(s.rows_maybe_duplicated, 0u);
}

TEST(ModernWriterTest, AnInsertStoredInPartThenRefusedIsCheckedBatchByBatch) {
  std::size_t deduplicated = 0;
  Transcript t;
  auto s = stream_through(InsertFault::kStoreFirstThenFail, "w_part", 9'000, 36, false, &deduplicated, &t);
  EXPECT_GE(s.insert_errors, 1u);
  EXPECT_NE(s.last_error.find("241"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.duplicates_avoided, 1u) << "the first batch was stored before the refusal";
  EXPECT_EQ(s.inserts_resent, 0u);
  EXPECT_EQ(deduplicated, 0u);
  EXPECT_GE(stored_checks(t), 1u);
  for (const auto& token : insert_tokens(t)) EXPECT_EQ(token, "");
}

TEST(ModernWriterTest, ALostAcknowledgementIsResentUnderItsTokenAndStoredOnce) {
  std::size_t deduplicated = 0;
  Transcript t;
  auto s = stream_through(InsertFault::kDropBeforeAck, "w_token_lost", 7'000, 37, true, &deduplicated, &t);
  EXPECT_EQ(s.inserts_resent, 1u);
  EXPECT_EQ(s.duplicates_avoided, 0u);
  EXPECT_EQ(s.rows_maybe_duplicated, 0u);
  std::size_t first_insert = 0;
  while (!t.queries.at(first_insert).text.starts_with("INSERT")) ++first_insert;
  auto first_blocks = std::count_if(t.inserted.begin(), t.inserted.end(),
                                    [&](const auto& d) { return d.first == first_insert; });
  EXPECT_GE(first_blocks, 1);
  EXPECT_EQ(deduplicated, static_cast<std::size_t>(first_blocks))
      << "the resent INSERT's blocks were all stored the first time";
  EXPECT_EQ(stored_checks(t), 0u);
  auto tokens = insert_tokens(t);
  ASSERT_GE(tokens.size(), 3u);
  EXPECT_EQ(tokens[0], tokens[1]) << "resent under the same token";
  std::set<std::string> distinct(tokens.begin(), tokens.end());
  EXPECT_EQ(distinct.size(), tokens.size() - 1) << "every other INSERT has a token of its own";
  EXPECT_EQ(distinct.count(""), 0u);
}

TEST(ModernWriterTest, AnInsertStoredInPartThenRefusedIsResentWhollyUnderItsToken) {
  std::size_t deduplicated = 0;
  Transcript t;
  auto s = stream_through(InsertFault::kStoreFirstThenFail, "w_token_part", 9'000, 38, true, &deduplicated, &t);
  EXPECT_EQ(s.inserts_resent, 1u);
  EXPECT_EQ(deduplicated, 1u) << "only the block stored before the refusal";
  EXPECT_EQ(stored_checks(t), 0u);
  auto tokens = insert_tokens(t);
  ASSERT_GE(tokens.size(), 2u);
  EXPECT_EQ(tokens[0], tokens[1]);
}

TEST(ModernSinkTest, CreatesTheModernSchemaThenStreamsEveryRow) {
  ReplayRun run;
  auto o = sink_options(run.server, "s_modern");
  bench::SyntheticRows rows(23'456, 34);
  {
    clickhouse::ClickHouseSink sink(o);
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    auto report = sink.report();
    EXPECT_EQ(report.rows_written, rows.rows().size());
    EXPECT_EQ(report.rows_lost, 0u);
    EXPECT_FALSE(report.failed);
    ASSERT_FALSE(report.lines.empty());
    EXPECT_NE(report.lines[0].find("ClickHouse 26.3.1"), std::string::npos) << report.lines[0];
    EXPECT_NE(report.lines[0].find("modern"), std::string::npos) << report.lines[0];
    EXPECT_NE(report.lines[0].find("(created)"), std::string::npos) << report.lines[0];
    EXPECT_NE(joined(report.lines).find("deduplicated by the server (insert_deduplication_token)"), std::string::npos)
        << joined(report.lines);
  }
  EXPECT_EQ(rows_as_text(run.catalog.blocks("s_modern.ior_events")), rows_as_text(rows.rows()));
  {
    // The table it created keeps block ids: every INSERT has a token of its own.
    auto tokens = insert_tokens(run.server.transcript());
    ASSERT_GE(tokens.size(), 1u);
    std::set<std::string> distinct(tokens.begin(), tokens.end());
    EXPECT_EQ(distinct.size(), tokens.size());
    EXPECT_EQ(distinct.count(""), 0u);
  }
  // The modern DDL: database, table with codecs and projection, two views.
  auto statements = run.catalog.statements();
  auto count_prefix = [&](const std::string& p) {
    return std::count_if(statements.begin(), statements.end(), [&](const std::string& s) { return s.starts_with(p); });
  };
  EXPECT_EQ(count_prefix("CREATE DATABASE"), 1);
  EXPECT_EQ(count_prefix("CREATE TABLE"), 3);
  EXPECT_EQ(count_prefix("CREATE MATERIALIZED VIEW"), 2);
  // A second run finds the table (system.columns) and appends to it.
  {
    clickhouse::ClickHouseSink sink(o);
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    EXPECT_NE(sink.report().lines[0].find("(existing, structure checked)"), std::string::npos)
        << sink.report().lines[0];
  }
  EXPECT_EQ(run.catalog.row_count("s_modern.ior_events"), 2 * rows.rows().size());
  expect_clean(run);
}

// A table without deduplication ids (created by hand, or by an ior before
// the window): no token, the stored-check instead.
TEST(ModernSinkTest, ATableThatKeepsNoBlockIdsGetsNoToken) {
  ReplayRun run;
  {
    clickhouse::Connection c(options_for(run.server));
    c.query("CREATE DATABASE IF NOT EXISTS s_plain");
    std::string ddl;
    for (const auto& s : clickhouse::schema_statements(clickhouse::SchemaVariant::kModern, schema_in("s_plain"))) {
      if (s.starts_with("CREATE TABLE IF NOT EXISTS `s_plain`.`ior_events`")) ddl = s;
    }
    ASSERT_NE(ddl.find(", non_replicated_deduplication_window"), std::string::npos) << ddl;
    ddl.resize(ddl.find(", non_replicated_deduplication_window"));
    c.query(ddl);
  }
  auto o = sink_options(run.server, "s_plain");
  o.schema.materialized_views = false;
  bench::SyntheticRows rows(5'000, 39);
  {
    clickhouse::ClickHouseSink sink(o);
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    auto report = sink.report();
    EXPECT_EQ(report.rows_written, rows.rows().size());
    EXPECT_NE(joined(report.lines).find("first looked for in the table"), std::string::npos) << joined(report.lines);
  }
  EXPECT_EQ(rows_as_text(run.catalog.blocks("s_plain.ior_events")), rows_as_text(rows.rows()));
  auto tokens = insert_tokens(run.server.transcript());
  ASSERT_GE(tokens.size(), 1u);
  for (const auto& t : tokens) EXPECT_EQ(t, "");
  expect_clean(run);
}

TEST(ModernSinkTest, AsyncInsertsAreAskedForAsImportantSettings) {
  ReplayRun run;
  auto o = sink_options(run.server, "s_async");
  o.schema.materialized_views = false;
  o.async_insert = true;
  bench::SyntheticRows rows(3'000, 35);
  {
    clickhouse::ClickHouseSink sink(o);
    for (const auto& r : rows.rows()) sink.consume(r);
    sink.close();
    EXPECT_EQ(sink.report().rows_written, rows.rows().size());
  }
  EXPECT_EQ(rows_as_text(run.catalog.blocks("s_async.ior_events")), rows_as_text(rows.rows()));
  auto t = run.server.transcript();
  std::size_t inserts = 0;
  for (const auto& q : t.queries) {
    if (!q.text.starts_with("INSERT")) continue;
    ++inserts;
    EXPECT_EQ(q.setting("async_insert"), "1");
    EXPECT_EQ(q.setting("wait_for_async_insert"), "1");
    for (const auto& s : q.settings) EXPECT_EQ(s.flags, 1u) << s.name;
  }
  EXPECT_GE(inserts, 1u);
  expect_clean(run);
}

}  // namespace
}  // namespace ior::testing::chreplay
