// ior's Connection against the replay of a current ClickHouse server's
// TCPHandler (replay_server.hpp): the handshake at every revision from
// 54429 to 54492, queries answered in several blocks with Progress,
// ProfileEvents, Log, ProfileInfo, totals and extremes, INSERTs checked
// value by value by the replay's own decoder, and server exceptions at
// login, during a SELECT and in the middle of an INSERT.

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "replay_catalog.hpp"
#include "replay_test_support.hpp"
#include "synthetic_rows.hpp"

namespace ior::testing::chreplay {
namespace {

using clickhouse::Connection;
using clickhouse::QueryOptions;
using clickhouse::QueryResult;
using clickhouse::protocol::ServerException;

// A result of every column type the replay writes.
Block sample_header() {
  return header_block({{"n", "UInt64"},
                            {"s", "String"},
                            {"lc", "LowCardinality(String)"},
                            {"id", "UUID"},
                            {"t", "DateTime"},
                            {"e", "Enum8('read' = 1, 'write' = 2)"},
                            {"i", "Int32"}});
}

// Blocks of sample_header() of the sizes given.
std::vector<Block> sample_blocks(const std::vector<std::size_t>& sizes) {
  std::vector<Block> out;
  std::size_t n = 0;
  for (std::size_t rows : sizes) {
    Block b = sample_header();
    for (std::size_t r = 0; r < rows; ++r, ++n) {
      b.columns[0].values.push_back(std::to_string(n * 1'000'000'007ull));
      b.columns[1].values.push_back(n % 7 == 0 ? std::string() : "/data/file-" + std::to_string(n) + "\n\t\"x\"");
      b.columns[2].values.push_back(n % 3 == 0 ? "" : "worker-" + std::to_string(n % 5));
      b.columns[3].values.push_back("0123abcd-4567-89ef-" + std::string(n % 2 ? "8000" : "0fed") + "-00000000" +
                                    std::to_string(1000 + n % 9000));
      b.columns[4].values.push_back(std::to_string(1'764'000'000 + n));
      b.columns[5].values.push_back(n % 2 ? "1" : "2");
      b.columns[6].values.push_back(std::to_string(-static_cast<std::int64_t>(n) * 3));
    }
    b.rows = rows;
    out.push_back(std::move(b));
  }
  return out;
}

void expect_same_values(const std::vector<Block>& sent, const QueryResult& got) {
  ASSERT_EQ(got.blocks.size(), sent.size());
  for (std::size_t b = 0; b < sent.size(); ++b) {
    const auto& s = sent[b];
    const auto& g = got.blocks[b];
    ASSERT_EQ(g.rows(), s.rows);
    ASSERT_EQ(g.column_count(), s.columns.size());
    for (std::size_t c = 0; c < s.columns.size(); ++c) {
      EXPECT_EQ(g.at(c).name, s.columns[c].name);
      EXPECT_EQ(g.at(c).column->type().name, s.columns[c].type);
      for (std::size_t r = 0; r < s.rows; ++r) {
        ASSERT_EQ(g.at(c).column->text(r), s.columns[c].values[r]) << s.columns[c].name << " row " << r;
      }
    }
  }
}

TEST(ModernClientTest, HandshakeWithACurrentServerSpeaksRevision54460) {
  ReplayServer server;
  server.set_databases([](const std::string& db) { return db == "ior_db"; });
  auto o = options_for(server);
  o.database = "ior_db";
  o.quota_key = "team-a";
  {
    Connection c(o);
    EXPECT_EQ(c.server().name, "ClickHouse");
    EXPECT_EQ(c.server().major, 26u);
    EXPECT_EQ(c.server().minor, 3u);
    EXPECT_EQ(c.server().patch, 1u);
    EXPECT_EQ(c.server().revision, rev::kCurrent);
    EXPECT_EQ(c.server().timezone, "Europe/Amsterdam");
    EXPECT_EQ(c.server().display_name, "replay-fixture");
    EXPECT_EQ(c.revision(), 54460u);
    // Two pings: each is the next packet after the addendum, so an addendum
    // with a byte too many or too few would show as a protocol violation.
    c.ping();
    c.ping();
  }
  server.stop();
  auto t = server.transcript();
  EXPECT_TRUE(t.violations.empty()) << joined(t.violations);
  ASSERT_EQ(t.hellos.size(), 1u);
  EXPECT_EQ(t.hellos[0].client_name, "ClickHouse ior");
  EXPECT_EQ(t.hellos[0].major, o.version.major);
  EXPECT_EQ(t.hellos[0].minor, o.version.minor);
  EXPECT_EQ(t.hellos[0].revision, 54460u);
  EXPECT_EQ(t.hellos[0].database, "ior_db");
  EXPECT_EQ(t.hellos[0].user, "default");
  EXPECT_EQ(t.hellos[0].password, "");
  ASSERT_EQ(t.addenda.size(), 1u);
  EXPECT_EQ(t.addenda[0].quota_key, "team-a");
  EXPECT_EQ(t.pings, 2u);
}

TEST(ModernClientTest, ARefusedLoginIsTheServersException516) {
  ReplayServer server;
  server.set_login("ior_writer", "right");
  auto o = options_for(server);
  o.user = "ior_writer";
  o.password = "wrong";
  try {
    Connection c(o);
    FAIL() << "the login was accepted";
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), 516);
    EXPECT_EQ(e.name(), "DB::Exception");
    EXPECT_NE(e.message().find("Authentication failed"), std::string::npos) << e.message();
  }
  o.password = "right";
  Connection c(o);
  c.ping();
  EXPECT_TRUE(server.transcript().violations.empty()) << joined(server.transcript().violations);
}

TEST(ModernClientTest, AMissingDatabaseInHelloIsTheServersException81) {
  ReplayServer server;
  auto o = options_for(server);
  o.database = "not_created_yet";
  try {
    Connection c(o);
    FAIL() << "the connection was accepted";
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), 81);
  }
  o.database = "default";
  Connection c(o);
  c.ping();
}

// A server configured to send only chunked packets (proto_caps, 54470+)
// cannot talk to a 54460 client: it says so right after the handshake.
TEST(ModernClientTest, AServerThatRequiresChunkedPacketsIsReportedByItsMessage) {
  ServerIdentity id;
  id.proto_caps_send = "chunked";
  ReplayServer server(id);
  Connection c(options_for(server));  // the refusal follows the Hello
  try {
    c.query("SELECT 1");
    FAIL() << "no exception";
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), 210);
    EXPECT_NE(std::string(e.what()).find("Incompatible protocol: send is chunked, client requested notchunked"),
              std::string::npos)
        << e.what();
  }
  // "chunked_optional" lets the server fall back to what the client asked.
  id.proto_caps_send = "chunked_optional";
  id.proto_caps_recv = "chunked_optional";
  ReplayServer optional(id, [](Exchange& ex) { ex.reply_done(); });
  Connection c2(options_for(optional));
  c2.query("SELECT 1");
  optional.stop();
  EXPECT_TRUE(optional.transcript().violations.empty()) << joined(optional.transcript().violations);
}

// Every layout change between the oldest revision the replay decodes
// settings for (54429) and the current one: the client must lay out the
// query and blocks at min(54460, server) and read what the server sends at
// that revision.
class RevisionTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RevisionTest, QueryAndInsertAtTheNegotiatedRevision) {
  const std::uint64_t server_rev = GetParam();
  ServerIdentity id;
  id.revision = server_rev;
  id.password_rules = {{".{12,}", "be at least 12 characters long"}};
  Catalog catalog;
  const auto blocks = sample_blocks({2, 3});
  ReplayServer server(id, [&](Exchange& ex) {
    if (ex.query().text == "SELECT sample") {
      ex.reply_rows(sample_header(),
                    blocks, {.logs = {{.time = 1'764'000'000, .host = "h", .query_id = ex.query().query_id,
                                       .thread_id = 7, .priority = 4, .source = "executeQuery", .text = "slow"}}});
    } else {
      catalog.answer(ex);
    }
  });
  auto o = options_for(server);
  o.quota_key = "q";
  o.version.patch = 9;
  Connection c(o);
  const std::uint64_t r = std::min<std::uint64_t>(server_rev, 54460);
  ASSERT_EQ(c.revision(), r);
  QueryOptions q;
  q.query_id = "query-" + std::to_string(server_rev);
  q.settings = {{"max_block_size", "1000", true}, {"log_comment", "ior test", false}};
  QueryResult res = c.query("SELECT sample", q);
  expect_same_values(blocks, res);
  EXPECT_EQ(res.logs.size(), r >= rev::kServerLogs ? 2u : 0u);
  EXPECT_EQ(res.profile_events.empty(), r < rev::kIncrementalProfileEvents);

  // An INSERT of real rows into the table the modern schema creates.
  clickhouse::SchemaOptions schema;
  schema.database = "revdb";
  schema.materialized_views = false;
  clickhouse::prepare_schema(c, schema);
  bench::SyntheticRows rows(300, 5);
  clickhouse::EventBlock eb;
  for (const auto& row : rows.rows()) eb.append(row);
  const auto& header = c.begin_insert(clickhouse::insert_sql(schema));
  EXPECT_EQ(header.column_count(), schema::kColumnCount);
  c.send_block(eb.block());
  c.end_insert();
  c.ping();
  server.stop();

  auto t = server.transcript();
  EXPECT_TRUE(t.violations.empty()) << joined(t.violations);
  EXPECT_TRUE(catalog.unknown().empty()) << joined(catalog.unknown());
  EXPECT_EQ(t.addenda.size(), r >= rev::kAddendum ? 1u : 0u);
  ASSERT_FALSE(t.queries.empty());
  const ClientQuery& sent = t.queries.front();
  EXPECT_EQ(sent.query_id, q.query_id);
  EXPECT_EQ(sent.text, "SELECT sample");
  EXPECT_EQ(sent.stage, 2u);
  EXPECT_EQ(sent.info.query_kind, 1u);
  EXPECT_EQ(sent.info.interface, 1u);
  EXPECT_EQ(sent.info.client_name, "ClickHouse ior");
  EXPECT_EQ(sent.info.tcp_revision, 54460u);
  EXPECT_EQ(sent.info.initial_query_id, q.query_id);
  EXPECT_EQ(sent.info.quota_key, "q");
  EXPECT_EQ(sent.info.patch, r >= rev::kVersionPatch ? 9u : 54460u);
  EXPECT_FALSE(sent.info.has_trace_context);
  ASSERT_EQ(sent.settings.size(), 2u);
  EXPECT_EQ(sent.settings[0].name, "max_block_size");
  EXPECT_EQ(sent.settings[0].value, "1000");
  EXPECT_EQ(sent.settings[0].flags, 1u);  // important
  EXPECT_EQ(sent.settings[1].name, "log_comment");
  EXPECT_EQ(sent.settings[1].value, "ior test");
  EXPECT_EQ(sent.settings[1].flags, 0u);
  EXPECT_TRUE(sent.parameters.empty());
  ASSERT_EQ(t.inserted.size(), 1u);
  EXPECT_EQ(rows_as_text({t.inserted[0].second.block}), rows_as_text(rows.rows()));
}

INSTANTIATE_TEST_SUITE_P(ServerRevisions, RevisionTest,
                         ::testing::Values(54429, 54441, 54442, 54448, 54449, 54451, 54453, 54454, 54456, 54458,
                                           54459, 54460, 54461, 54462, 54463, 54470, 54477, 54481, 54485, 54492));

struct CompressionCase {
  bool compression;
  Method response;
};

class ResultTest : public ::testing::TestWithParam<CompressionCase> {};

TEST_P(ResultTest, ASelectInSeveralBlocksWithEveryPacketAroundIt) {
  const auto param = GetParam();
  const auto blocks = sample_blocks({3, 1000, 2});
  Block totals = sample_blocks({1})[0];
  Block extremes = sample_blocks({2})[0];
  const std::vector<LogLine> logs = {
      {.time = 1'764'000'001, .microseconds = 17, .host = "db1", .query_id = "q", .thread_id = 42, .priority = 6,
       .source = "executeQuery", .text = "(from 127.0.0.1:51234) SELECT ..."},
      {.time = 1'764'000'002, .host = "db1", .query_id = "q", .thread_id = 42, .priority = 7,
       .source = "MergeTreeSelectProcessor", .text = "Reading 2 ranges"}};
  ReplayServer server({}, [&](Exchange& ex) {
    ex.response_method = param.response;
    ex.reply_rows(sample_header(),
                  blocks, {.totals = totals, .extremes = extremes, .logs = logs});
  });
  auto o = options_for(server);
  o.compression.enabled = param.compression;
  Connection c(o);
  std::vector<clickhouse::protocol::ServerPacket> order;
  QueryOptions q;
  q.on_packet = [&](const clickhouse::protocol::Packet& p) {
    order.push_back(p.kind);
    return true;
  };
  QueryResult res = c.query("SELECT * FROM t", q);
  expect_same_values(blocks, res);
  ASSERT_EQ(res.totals.rows(), 1u);
  EXPECT_EQ(res.totals.at(0).column->text(0), totals.columns[0].values[0]);
  ASSERT_EQ(res.extremes.rows(), 2u);
  EXPECT_EQ(res.extremes.at(3).column->text(1), extremes.columns[3].values[1]);
  // Progress packets carry increments, elapsed time included: they add up.
  EXPECT_EQ(res.progress.rows, 1005u);
  EXPECT_EQ(res.progress.total_rows, 1005u);
  EXPECT_EQ(res.progress.elapsed_ns, 1'000'000u + 2'000'000u + 3'000'000u + 500'000u + 250'000u);
  EXPECT_EQ(res.profile.rows, 1005u);
  EXPECT_EQ(res.profile.blocks, 3u);
  EXPECT_TRUE(res.profile.calculated_rows_before_limit);
  // Log blocks: InternalTextLogsQueue's columns, uncompressed.
  ASSERT_EQ(res.logs.size(), 2u);
  ASSERT_EQ(res.logs[0].column_count(), 8u);
  EXPECT_EQ(res.logs[0].at(7).name, "text");
  EXPECT_EQ(res.logs[0].at(7).column->text(0), logs[0].text);
  EXPECT_EQ(res.logs[0].at(1).column->text(0), "17");
  EXPECT_EQ(res.logs[0].at(5).column->text(1), "7");
  // ProfileEvents: one before each block and one at the end, each with the
  // two memory gauges after the counters.
  ASSERT_EQ(res.profile_events.size(), 4u);
  const auto& pe = res.profile_events[0];
  ASSERT_EQ(pe.column_count(), 6u);
  EXPECT_EQ(pe.at(3).column->type().name, "Enum8('increment' = 1, 'gauge' = 2)");
  EXPECT_EQ(pe.at(4).column->text(0), "SelectedRows");
  EXPECT_EQ(pe.at(5).column->text(0), "3");
  EXPECT_EQ(pe.at(3).column->text(1), "2");
  EXPECT_EQ(pe.at(4).column->text(2), "MemoryTrackerPeakUsage");
  using K = clickhouse::protocol::ServerPacket;
  std::vector<K> want = {K::kData, K::kLog};
  for (int i = 0; i < 3; ++i) want.insert(want.end(), {K::kProgress, K::kProfileEvents, K::kData});
  want.insert(want.end(), {K::kTotals, K::kExtremes, K::kProfileInfo, K::kProgress, K::kLog, K::kProfileEvents,
                           K::kData, K::kProgress, K::kEndOfStream});
  EXPECT_EQ(order, want);
  c.ping();  // the stream is in sync after the end
  server.stop();
  EXPECT_TRUE(server.transcript().violations.empty()) << joined(server.transcript().violations);
  EXPECT_EQ(server.transcript().queries.at(0).compression, param.compression ? 1u : 0u);
}

INSTANTIATE_TEST_SUITE_P(Compression, ResultTest,
                         ::testing::Values(CompressionCase{false, Method::kLz4}, CompressionCase{true, Method::kLz4},
                                           CompressionCase{true, Method::kZstd}, CompressionCase{true, Method::kNone}));

TEST(ModernClientTest, AnExceptionAfterSomeBlocksEndsTheQueryNotTheConnection) {
  ReplayServer server({}, [&](Exchange& ex) {
    if (ex.query().text == "SELECT 1") {
      ex.reply_rows(header_block({{"1", "UInt8"}}), {[] {
                      Block b = header_block({{"1", "UInt8"}});
                      b.columns[0].values = {"1"};
                      b.rows = 1;
                      return b;
                    }()});
      return;
    }
    ex.reply_rows(sample_header(),
                  sample_blocks({5, 5}),
                  {.fail_after_blocks = ServerError{.code = 241,
                                                    .message = "Memory limit (for query) exceeded: would use 9.32 GiB "
                                                               "(MEMORY_LIMIT_EXCEEDED)",
                                                    .stack_trace = "0. DB::Exception::Exception() @ 0xd2c9a5b"}});
  });
  Connection c(options_for(server));
  try {
    c.query("SELECT * FROM big");
    FAIL() << "no exception";
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), 241);
    EXPECT_NE(std::string(e.what()).find("Memory limit"), std::string::npos) << e.what();
    ASSERT_EQ(e.chain().size(), 1u);
    EXPECT_EQ(e.chain()[0].stack_trace, "0. DB::Exception::Exception() @ 0xd2c9a5b");
  }
  EXPECT_FALSE(c.broken());
  EXPECT_EQ(c.query("SELECT 1").rows(), 1u);
  server.stop();
  EXPECT_TRUE(server.transcript().violations.empty()) << joined(server.transcript().violations);
}

TEST(ModernClientTest, InsertedBlocksDecodeToTheRowsSent) {
  Catalog catalog;
  ReplayServer server({}, [&](Exchange& ex) { catalog.answer(ex); });
  Connection c(options_for(server));
  clickhouse::SchemaOptions schema;
  schema.database = "ins";
  auto report = clickhouse::prepare_schema(c, schema);
  EXPECT_TRUE(report.created);
  bench::SyntheticRows rows(2500, 9);
  QueryOptions q;
  q.settings = {{"insert_deduplicate", "1", true}};
  std::vector<clickhouse::protocol::ServerPacket> before_header;
  q.on_packet = [&](const clickhouse::protocol::Packet& p) {
    before_header.push_back(p.kind);
    return true;
  };
  const auto& header = c.begin_insert(clickhouse::insert_sql(schema), q);
  // TableColumns (with ingested_at's DEFAULT) came before the sample block.
  ASSERT_GE(before_header.size(), 2u);
  EXPECT_EQ(before_header[0], clickhouse::protocol::ServerPacket::kTableColumns);
  ASSERT_EQ(header.column_count(), schema::kColumnCount);
  for (std::size_t i = 0; i < header.column_count(); ++i) {
    EXPECT_EQ(header.at(i).name, schema::kColumnInfo[i].name);
    EXPECT_EQ(header.at(i).column->type().name, schema::clickhouse_type_name(schema::kColumnInfo[i].type));
  }
  clickhouse::EventBlock first, second;
  for (std::size_t i = 0; i < rows.rows().size(); ++i) (i < 1000 ? first : second).append(rows.rows()[i]);
  c.send_block(first.block());
  c.send_block(second.block());
  QueryResult done = c.end_insert();
  // ProfileEvents after each block and at the end, read when the INSERT
  // ends; no Progress for an INSERT below 54484.
  EXPECT_EQ(done.profile_events.size(), 3u);
  EXPECT_EQ(done.progress.written_rows, 0u);
  EXPECT_EQ(catalog.row_count("ins.ior_events"), rows.rows().size());
  EXPECT_EQ(rows_as_text(catalog.blocks("ins.ior_events")), rows_as_text(rows.rows()));
  server.stop();
  auto t = server.transcript();
  EXPECT_TRUE(t.violations.empty()) << joined(t.violations);
  ASSERT_EQ(t.inserted.size(), 2u);
  EXPECT_GE(t.inserted[0].second.frames, 1u);  // LZ4 frames by default
  EXPECT_EQ(t.inserted[0].second.methods, 2u);
  EXPECT_EQ(t.queries.back().setting("insert_deduplicate"), "1");
}

// A server with send_logs_level set answers every INSERT block with Log
// and ProfileEvents packets; ior reads them when the INSERT ends.
TEST(ModernClientTest, LogsAndProfileEventsAfterEveryInsertBlockAreReadAtTheEnd) {
  std::vector<LogLine> logs;
  for (int i = 0; i < 50; ++i) {
    logs.push_back({.time = 1'764'000'000, .host = "db1", .query_id = "q", .thread_id = 9, .priority = 7,
                    .source = "MergeTreeDataWriter", .text = "Wrote block " + std::to_string(i) + std::string(60, '.')});
  }
  std::uint64_t received = 0;
  ReplayServer server({}, [&](Exchange& ex) {
    ex.start_insert(header_block({{"n", "UInt64"}, {"s", "LowCardinality(String)"}}),
                    {.table_columns = columns_description({{"n", "UInt64"}, {"s", "LowCardinality(String)"}}),
                     .logs = logs});
    while (auto b = ex.next_insert_block()) received += b->rows;
    ex.finish_insert(received, 0);
  });
  Connection c(options_for(server));
  const auto& header = c.begin_insert("INSERT INTO t (n, s) VALUES");
  ASSERT_EQ(header.column_count(), 2u);
  for (int b = 0; b < 20; ++b) {
    clickhouse::columns::Block block;
    auto& n = clickhouse::columns::column_as<clickhouse::columns::UInt64Column>(block.add("n", "UInt64"));
    auto& lc = clickhouse::columns::column_as<clickhouse::columns::LowCardinalityColumn>(
        block.add("s", "LowCardinality(String)"));
    for (int r = 0; r < 500; ++r) {
      n.append(static_cast<std::uint64_t>(b * 500 + r));
      lc.append(r % 3 ? "openat" : "");
    }
    c.send_block(block);
  }
  QueryResult done = c.end_insert();
  EXPECT_EQ(received, 10'000u);
  EXPECT_EQ(done.logs.size(), 22u);  // after the header, after each block, at the end
  EXPECT_EQ(done.profile_events.size(), 21u);
  c.ping();
  server.stop();
  auto t = server.transcript();
  EXPECT_TRUE(t.violations.empty()) << joined(t.violations);
  ASSERT_EQ(t.inserted.size(), 20u);
  EXPECT_EQ(t.inserted[3].second.block.column("n").values[7], std::to_string(3 * 500 + 7));
  EXPECT_EQ(t.inserted[3].second.block.column("s").values[7], "openat");
  EXPECT_EQ(t.inserted[3].second.block.column("s").values[6], "");
}

TEST(ModernClientTest, AnInsertRefusedMidwayLeavesTheConnectionInSync) {
  Catalog catalog;
  catalog.set_fault([](std::size_t n) { return n == 0 ? InsertFault::kRefuseAfterFirstBlock : InsertFault::kNone; });
  ReplayServer server({}, [&](Exchange& ex) { catalog.answer(ex); });
  Connection c(options_for(server));
  clickhouse::SchemaOptions schema;
  schema.database = "mid";
  schema.materialized_views = false;
  clickhouse::prepare_schema(c, schema);
  bench::SyntheticRows rows(900, 3);
  clickhouse::EventBlock a, b;
  for (std::size_t i = 0; i < rows.rows().size(); ++i) (i % 2 ? a : b).append(rows.rows()[i]);
  c.begin_insert(clickhouse::insert_sql(schema));
  c.send_block(a.block());
  c.send_block(b.block());  // the server has refused already and skips it
  try {
    c.end_insert();
    FAIL() << "the refused INSERT was acknowledged";
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), 252);
  }
  EXPECT_FALSE(c.broken());
  EXPECT_EQ(catalog.row_count("mid.ior_events"), 0u);
  // The same connection inserts again: the server skipped the rest of the
  // refused INSERT up to its empty block, so both sides are in step.
  c.begin_insert(clickhouse::insert_sql(schema));
  c.send_block(a.block());
  c.end_insert();
  EXPECT_EQ(catalog.row_count("mid.ior_events"), a.rows());
  server.stop();
  EXPECT_TRUE(server.transcript().violations.empty()) << joined(server.transcript().violations);
}

TEST(ModernClientTest, AnInsertIntoAMissingTableFailsBeforeAnyBlock) {
  Catalog catalog;
  ReplayServer server({}, [&](Exchange& ex) { catalog.answer(ex); });
  Connection c(options_for(server));
  try {
    c.begin_insert("INSERT INTO nowhere.t (a) VALUES");
    FAIL() << "no exception";
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), 60);
  }
  c.ping();
  server.stop();
  EXPECT_TRUE(server.transcript().violations.empty()) << joined(server.transcript().violations);
}

TEST(ModernClientTest, ACancelledSelectEndsWithTheServersEndOfStream) {
  ReplayServer server({}, [&](Exchange& ex) {
    ex.reply_rows(sample_header(),
                  sample_blocks({10, 10, 10}), {.expect_cancel_after = 1});
  });
  Connection c(options_for(server));
  QueryOptions q;
  q.on_packet = [](const clickhouse::protocol::Packet& p) {
    return !(p.kind == clickhouse::protocol::ServerPacket::kData && p.block.rows() > 0);
  };
  QueryResult r = c.query("SELECT * FROM t", q);
  EXPECT_EQ(r.rows(), 0u);
  c.ping();
  server.stop();
  auto t = server.transcript();
  EXPECT_TRUE(t.violations.empty()) << joined(t.violations);
  EXPECT_EQ(t.cancels, 1u);
}

}  // namespace
}  // namespace ior::testing::chreplay
