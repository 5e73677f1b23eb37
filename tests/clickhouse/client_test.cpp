// The native client against Debian's real clickhouse-server 18.16, started
// by the ctest fixture (tests/clickhouse/server) on free loopback ports.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "base/error.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/columns/composite_columns.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/net/tls_transport.hpp"
#include "clickhouse/net/transport_reader.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse_server.hpp"
#include "schema/columns.hpp"
#include "subprocess.hpp"
#include "synthetic_rows.hpp"

namespace ior::clickhouse {
namespace {

using columns::Block;
using columns::column_as;
using protocol::ServerException;
using Clock = std::chrono::steady_clock;

ClientOptions options_for(const testing::ClickHouseEndpoint& ep) {
  ClientOptions o;
  o.host = ep.host;
  o.port = ep.port;
  o.timeouts.connect = std::chrono::milliseconds(3000);
  o.timeouts.receive = std::chrono::milliseconds(20000);
  return o;
}

// 18.16 creates LowCardinality columns only with this setting.
QueryOptions low_cardinality_ddl() {
  QueryOptions q;
  q.settings = {{"allow_experimental_low_cardinality_type", "1"}};
  return q;
}

std::string scalar(Connection& c, const std::string& sql) {
  QueryResult r = c.query(sql);
  if (r.blocks.empty() || r.blocks[0].rows() == 0) throw Error("no rows from: " + sql);
  return r.blocks[0].at(0).column->text(0);
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IOR_REQUIRE_CLICKHOUSE(ch);
    endpoint_ = ch;
  }
  testing::ClickHouseEndpoint endpoint_;
};

TEST_F(ClientTest, HandshakeNegotiatesTheServersRevisionAndPings) {
  Connection c(options_for(endpoint_));
  EXPECT_EQ(c.server().name, "ClickHouse");
  EXPECT_EQ(c.server().major, 18u);
  EXPECT_EQ(c.server().minor, 16u);
  EXPECT_EQ(c.server().revision, 54412u);
  EXPECT_EQ(c.revision(), 54412u);
  EXPECT_FALSE(c.server().timezone.empty());
  c.ping();
  EXPECT_EQ(scalar(c, "SELECT version()"), "18.16.1");
}

TEST_F(ClientTest, NamesResolveToEveryAddressInTurn) {
  // "localhost" may resolve to ::1 first, where nothing listens; the next
  // address (127.0.0.1) must be tried.
  ClientOptions o = options_for(endpoint_);
  o.host = "localhost";
  Connection c(o);
  c.ping();
}

TEST_F(ClientTest, PasswordsAuthenticateAndAWrongOneFailsWithoutBeingEchoed) {
  ClientOptions o = options_for(endpoint_);
  o.user = endpoint_.password_user;
  o.password = endpoint_.password;
  Connection ok(o);
  // 18.16 has no currentUser(): the query finds itself in system.processes.
  EXPECT_EQ(scalar(ok, "SELECT user FROM system.processes WHERE query LIKE '%ior-whoami%'"), endpoint_.password_user);
  o.password = "Wr0ng-Secret-Value";
  try {
    Connection bad(o);
    FAIL() << "a wrong password was accepted";
  } catch (const ServerException& e) {
    EXPECT_TRUE(e.code() == protocol::error_code::kWrongPassword ||
                e.code() == protocol::error_code::kAuthenticationFailed)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("Wr0ng-Secret-Value"), std::string::npos) << e.what();
  }
}

// A user allowed only its own database logs in with no database in the
// Hello (the server's default for it); naming `default` there makes 18.16
// close the connection without an Exception packet, which ior reports as a
// closed login, not as a plain broken connection.
TEST_F(ClientTest, AUserAllowedOnlyItsOwnDatabaseLogsInWithoutNamingOne) {
  ASSERT_FALSE(endpoint_.own_db_user.empty()) << "ch_server.sh defines the user";
  ClientOptions o = options_for(endpoint_);
  o.user = endpoint_.own_db_user;
  o.password = endpoint_.password;
  EXPECT_EQ(o.database, "") << "the Hello names no database unless told to";
  {
    Connection c(o);
    c.query("CREATE DATABASE IF NOT EXISTS " + endpoint_.own_db);
    EXPECT_EQ(scalar(c, "SELECT count() FROM system.databases WHERE name = '" + endpoint_.own_db + "'"), "1");
  }
  o.database = "default";
  try {
    Connection c(o);
    FAIL() << "18.16 let " << o.user << " use database default";
  } catch (const ServerException& e) {
    FAIL() << "18.16 now says why: " << e.what();
  } catch (const net::ConnectionClosed& e) {
    EXPECT_NE(std::string(e.what()).find("closed the connection at login of user " + o.user +
                                         " without giving a reason (the server's log has it)"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ClientTest, ServerErrorsCarryTheirCodeAndLeaveTheConnectionUsable) {
  Connection c(options_for(endpoint_));
  try {
    c.query("SELECT * FROM default.no_such_table_ior");
    FAIL();
  } catch (const ServerException& e) {
    EXPECT_EQ(e.code(), protocol::error_code::kUnknownTable);
    EXPECT_NE(e.message().find("no_such_table_ior"), std::string::npos);
  }
  EXPECT_FALSE(c.broken());
  c.ping();
  EXPECT_EQ(scalar(c, "SELECT 1 + 1"), "2");
}

TEST_F(ClientTest, SettingsTravelTypedToThisRevisionAndUnknownOnesAreRefusedClearly) {
  Connection c(options_for(endpoint_));
  QueryOptions q;
  q.settings = {{"max_block_size", "1000"}, {"extremes", "1"}, {"send_logs_level", "trace"}};
  QueryResult r = c.query("SELECT number % 3 AS k, count() AS n FROM numbers(10) GROUP BY k WITH TOTALS ORDER BY k", q);
  EXPECT_EQ(r.rows(), 3u);
  ASSERT_EQ(r.totals.rows(), 1u);
  EXPECT_EQ(r.totals.column("n").text(0), "10");
  EXPECT_EQ(r.extremes.rows(), 2u);
  EXPECT_FALSE(r.logs.empty());
  EXPECT_GE(r.profile.rows, 3u);
  q.settings = {{"max_block_size", "1000"}, {"async_insert", "1"}};
  try {
    c.query("SELECT 1", q);
    FAIL();
  } catch (const ServerException&) {
    FAIL() << "the unknown setting reached the server";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("async_insert"), std::string::npos);
  }
  EXPECT_FALSE(c.broken());
  c.ping();
}

TEST_F(ClientTest, AStreamingCallbackCancelsAnEndlessQuery) {
  Connection c(options_for(endpoint_));
  std::size_t seen = 0;
  QueryOptions q;
  q.on_packet = [&](const protocol::Packet& p) {
    seen += p.block.rows();
    return seen < 200000;
  };
  auto start = Clock::now();
  QueryResult r = c.query("SELECT number FROM system.numbers", q);
  EXPECT_GE(seen, 200000u);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(c.broken());
  EXPECT_EQ(scalar(c, "SELECT 42"), "42");
}

long peak_rss_kib() { return testing::proc_status_kib(0, "VmHWM"); }
long rss_kib() { return testing::proc_status_kib(0, "VmRSS"); }
// From here on VmHWM is the peak since now.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// A server that answers with more than a query result may keep (here 240 MB
// of numbers against the default 128 MiB) is refused with one clear error,
// and the client's memory never held the whole answer.
TEST_F(ClientTest, AnAnswerOverTheResultLimitIsAClearErrorAndNeverInMemory) {
  Connection c(options_for(endpoint_));
  const long limit_kib = static_cast<long>(c.options().limits.max_result_bytes / 1024);
  reset_peak_rss();
  const long before = rss_kib();
  try {
    c.query("SELECT number FROM system.numbers LIMIT 30000000");
    FAIL() << "240 MB kept";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("to a query exceeds 134217728 bytes"), std::string::npos) << e.what();
  }
  EXPECT_LT(peak_rss_kib() - before, limit_kib + 32 * 1024);
  EXPECT_TRUE(c.broken());
  Connection again(options_for(endpoint_));
  EXPECT_EQ(scalar(again, "SELECT 42"), "42");
}

TEST_F(ClientTest, OneBlockLargerThanWhatTheResultHasLeftFailsWhileDecoding) {
  ClientOptions o = options_for(endpoint_);
  o.limits.max_result_bytes = 16u << 20;
  Connection c(o);
  QueryResult small = c.query("SELECT number FROM numbers(1000000)");  // 8 MB: fits
  EXPECT_EQ(small.rows(), 1'000'000u);
  QueryOptions one_block;
  one_block.settings = {{"max_block_size", "5000000"}};
  reset_peak_rss();
  const long before = rss_kib();
  try {
    c.query("SELECT number FROM system.numbers LIMIT 5000000", one_block);  // one 40 MB block
    FAIL() << "40 MB kept";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("to a query exceeds 16777216 bytes"), std::string::npos) << e.what();
  }
  EXPECT_LT(peak_rss_kib() - before, 16 * 1024 + 16 * 1024);
}

// The canonical schema's CREATE TABLE for this server.
std::string create_events_table(const std::string& name) {
  return "CREATE TABLE " + name + " (" + column_definitions() + ") ENGINE = MergeTree ORDER BY timestamp_ns";
}

class MillionRows : public ClientTest, public ::testing::WithParamInterface<wire::CompressionMethod> {};

TEST_P(MillionRows, InsertedInBatchesAndReadBackWithExactAggregates) {
  constexpr std::size_t kRows = 1'000'000, kBatch = 100'000;
  ClientOptions o = options_for(endpoint_);
  o.compression.method = GetParam();
  Connection c(o);
  std::string table = GetParam() == wire::CompressionMethod::kLz4 ? "million_lz4" : "million_zstd";
  c.query("DROP TABLE IF EXISTS " + table);
  c.query(create_events_table(table), low_cardinality_ddl());
  bench::SyntheticRows rows(kRows, 7);
  std::uint64_t sum_ts = 0, sum_dur = 0, sum_len = 0;
  std::int64_t sum_ret = 0;
  std::set<std::string_view> files, comms;
  for (const auto& r : rows.rows()) {
    sum_ts += r.timestamp_ns;
    sum_dur += r.duration_ns;
    sum_ret += r.ret_value;
    sum_len += r.filename.size();
    files.insert(r.filename);
    comms.insert(r.comm);
  }
  const Block& header = c.begin_insert("INSERT INTO " + table + " VALUES");
  ASSERT_EQ(header.column_count(), schema::kColumnCount);
  EventBlock batch;
  for (std::size_t i = 0; i < kRows; ++i) {
    batch.append(rows.rows()[i]);
    if (batch.rows() == kBatch) {
      c.send_block(batch.block());
      batch.clear();
    }
  }
  c.end_insert();
  QueryResult r = c.query("SELECT count() AS n, sum(timestamp_ns) AS ts, sum(duration_ns) AS dur, sum(ret_value) AS ret, "
                          "sum(length(filename)) AS len, uniqExact(filename) AS files, uniqExact(comm) AS comms, "
                          "uniqExact(collection_id) AS ids, any(hostname) AS host FROM " + table);
  const Block& b = r.blocks.at(0);
  EXPECT_EQ(b.column("n").text(0), std::to_string(kRows));
  EXPECT_EQ(b.column("ts").text(0), std::to_string(sum_ts));  // both sides wrap at 2^64
  EXPECT_EQ(b.column("dur").text(0), std::to_string(sum_dur));
  EXPECT_EQ(b.column("ret").text(0), std::to_string(sum_ret));
  EXPECT_EQ(b.column("len").text(0), std::to_string(sum_len));
  EXPECT_EQ(b.column("files").text(0), std::to_string(files.size()));
  EXPECT_EQ(b.column("comms").text(0), std::to_string(comms.size()));
  EXPECT_EQ(b.column("ids").text(0), "1");
  EXPECT_EQ(b.column("host").text(0), "db-host-01");
  // Every row back, in frames the server compresses with the same method:
  // decoding the server's own LZ4/ZSTD frames of a million rows.
  std::string method = GetParam() == wire::CompressionMethod::kLz4 ? "lz4" : "zstd";
  QueryOptions q;
  q.settings = {{"network_compression_method", method}};
  std::uint64_t got_ts = 0, got_len = 0;
  std::size_t got_rows = 0;
  std::set<std::string> got_comms;
  q.on_packet = [&](const protocol::Packet& p) {
    if (p.kind != protocol::ServerPacket::kData || p.block.rows() == 0) return true;
    const auto& ts = column_as<columns::UInt64Column>(p.block.column("timestamp_ns"));
    const auto& fn = column_as<columns::StringColumn>(p.block.column("filename"));
    const auto& comm = column_as<columns::LowCardinalityColumn>(p.block.column("comm"));
    for (std::size_t i = 0; i < p.block.rows(); ++i) {
      got_ts += ts.at(i);
      got_len += fn.at(i).size();
      got_comms.emplace(comm.at(i));
    }
    got_rows += p.block.rows();
    return true;
  };
  c.query("SELECT timestamp_ns, filename, comm FROM " + table, q);
  EXPECT_EQ(got_rows, kRows);
  EXPECT_EQ(got_ts, sum_ts);
  EXPECT_EQ(got_len, sum_len);
  EXPECT_EQ(got_comms.size(), comms.size());
  c.query("DROP TABLE " + table);
}

INSTANTIATE_TEST_SUITE_P(Compression, MillionRows,
                         ::testing::Values(wire::CompressionMethod::kLz4, wire::CompressionMethod::kZstd),
                         [](const auto& param_info) {
                           return std::string(param_info.param == wire::CompressionMethod::kLz4 ? "lz4" : "zstd");
                         });

TEST_F(ClientTest, EveryColumnTypeThisServerHasRoundTrips) {
  Connection c(options_for(endpoint_));
  c.query("DROP TABLE IF EXISTS all_types");
  // 18.16 has no DateTime64, Date32 or Bool; chDB covers those (native_chdb_test).
  c.query("CREATE TABLE all_types (u8 UInt8, u16 UInt16, u32 UInt32, u64 UInt64, i8 Int8, i16 Int16, i32 Int32, "
          "i64 Int64, f32 Float32, f64 Float64, s String, fs FixedString(3), id UUID, d Date, dt DateTime, "
          "lc LowCardinality(String), lcn LowCardinality(Nullable(String)), n Nullable(Int32), "
          "ns Nullable(String), au Array(UInt64), as Array(String), an Array(Nullable(Int8))) ENGINE = Memory",
          low_cardinality_ddl());
  const Block& header = c.begin_insert("INSERT INTO all_types VALUES");
  Block b;
  for (const auto& col : header) b.add(col.name, col.column->type().name);
  column_as<columns::UInt8Column>(b.column("u8")).append({0, 255, 7});
  column_as<columns::UInt16Column>(b.column("u16")).append({0, 65535, 7});
  column_as<columns::UInt32Column>(b.column("u32")).append({0, UINT32_MAX, 7});
  column_as<columns::UInt64Column>(b.column("u64")).append({0, UINT64_MAX, 7});
  column_as<columns::Int8Column>(b.column("i8")).append({INT8_MIN, INT8_MAX, -7});
  column_as<columns::Int16Column>(b.column("i16")).append({INT16_MIN, INT16_MAX, -7});
  column_as<columns::Int32Column>(b.column("i32")).append({INT32_MIN, INT32_MAX, -7});
  column_as<columns::Int64Column>(b.column("i64")).append({INT64_MIN, INT64_MAX, -7});
  column_as<columns::Float32Column>(b.column("f32")).append({0.5f, -1.25f, 3e38f});
  column_as<columns::Float64Column>(b.column("f64")).append({0.1, -1e300, 5e-324});
  for (const char* v : {"", "path/with\ttab", "\xff\xfe non-UTF-8"}) column_as<columns::StringColumn>(b.column("s")).append(v);
  for (const char* v : {"", "ab", "xyz"}) column_as<columns::FixedStringColumn>(b.column("fs")).append(v);
  column_as<columns::UuidColumn>(b.column("id")).append({{0x61f0c4045cb311e7ULL, 0x907ba6006ad3dba0ULL}, {}, {UINT64_MAX, 1}});
  column_as<columns::DateColumn>(b.column("d")).append({0, 19675, 40000});
  column_as<columns::DateTimeColumn>(b.column("dt")).append({0, 1700000000, 4000000000u});
  for (const char* v : {"read", "", "read"}) column_as<columns::LowCardinalityColumn>(b.column("lc")).append(v);
  auto& lcn = column_as<columns::LowCardinalityColumn>(b.column("lcn"));
  lcn.append_null();
  lcn.append("");
  lcn.append("x");
  auto& n = column_as<columns::NullableColumn>(b.column("n"));
  n.append_null();
  column_as<columns::Int32Column>(n.nested()).append({-1, 0});
  n.mark_value();
  n.mark_value();
  auto& ns = column_as<columns::NullableColumn>(b.column("ns"));
  column_as<columns::StringColumn>(ns.nested()).append("v");
  ns.mark_value();
  ns.append_null();
  column_as<columns::StringColumn>(ns.nested()).append("");
  ns.mark_value();
  auto& au = column_as<columns::ArrayColumn>(b.column("au"));
  au.end_row();
  column_as<columns::UInt64Column>(au.nested()).append({1, UINT64_MAX});
  au.end_row();
  column_as<columns::UInt64Column>(au.nested()).append(3);
  au.end_row();
  auto& as = column_as<columns::ArrayColumn>(b.column("as"));
  for (const char* v : {"a", ""}) column_as<columns::StringColumn>(as.nested()).append(v);
  as.end_row();
  as.end_row();
  column_as<columns::StringColumn>(as.nested()).append("z");
  as.end_row();
  auto& an = column_as<columns::ArrayColumn>(b.column("an"));
  auto& an_inner = column_as<columns::NullableColumn>(an.nested());
  an_inner.append_null();
  column_as<columns::Int8Column>(an_inner.nested()).append(-1);
  an_inner.mark_value();
  an.end_row();
  an.end_row();
  an.end_row();
  c.send_block(b);
  c.end_insert();
  QueryResult r = c.query("SELECT * FROM all_types");
  ASSERT_EQ(r.blocks.size(), 1u);
  const Block& got = r.blocks[0];
  ASSERT_EQ(got.rows(), 3u);
  for (std::size_t col = 0; col < b.column_count(); ++col) {
    EXPECT_EQ(got.at(col).name, b.at(col).name);
    EXPECT_EQ(got.at(col).column->type().name, b.at(col).column->type().name);
    for (std::size_t row = 0; row < 3; ++row) {
      EXPECT_EQ(got.at(col).column->text(row), b.at(col).column->text(row)) << b.at(col).name << " row " << row;
    }
  }
  // The same values as the server prints them (an independent rendering).
  QueryResult t = c.query("SELECT toString(id) AS id, toString(d) AS d, toString(f64) AS f, hex(fs) AS fs, "
                          "toString(lcn) AS lcn FROM all_types");
  const Block& tb = t.blocks.at(0);
  EXPECT_EQ(tb.column("id").text(0), "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
  EXPECT_EQ(tb.column("d").text(1), "2023-11-14");
  EXPECT_EQ(tb.column("f").text(1), "-1e300");
  EXPECT_EQ(tb.column("fs").text(1), "616200");
  EXPECT_EQ(tb.column("lcn").text(0), "NULL");
  c.query("DROP TABLE all_types");
}

TEST_F(ClientTest, ABlockThatDoesNotMatchTheTableIsRefusedNamingTheColumn) {
  Connection c(options_for(endpoint_));
  c.query("DROP TABLE IF EXISTS mismatch");
  c.query("CREATE TABLE mismatch (a UInt32, b String) ENGINE = Memory");
  c.begin_insert("INSERT INTO mismatch VALUES");
  Block b;
  column_as<columns::UInt32Column>(b.add("a", "UInt32")).append(1);
  column_as<columns::UInt64Column>(b.add("b", "UInt64")).append(2);
  try {
    c.send_block(b);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'b' UInt64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'b' String"), std::string::npos) << e.what();
  }
  c.abandon_insert();
  EXPECT_TRUE(c.broken());
  Connection again(options_for(endpoint_));
  EXPECT_EQ(scalar(again, "SELECT count() FROM mismatch"), "0");
  again.query("DROP TABLE mismatch");
}

// A block kept as sent (the writer's unacknowledged batches) goes out again
// on another connection: as it was when that connection compresses alike,
// re-encoded when it does not, refused naming the column when the table
// changed.
TEST_F(ClientTest, AKeptBlockIsSentAgainOnAnyConnectionOrRefusedForAnotherTable) {
  ClientOptions lz4 = options_for(endpoint_);
  lz4.compression = {.enabled = true};
  Connection c(lz4);
  c.query("DROP TABLE IF EXISTS kept");
  c.query("CREATE TABLE kept (a UInt32, b String) ENGINE = Memory");
  c.begin_insert("INSERT INTO kept VALUES");
  Block b;
  auto& a = column_as<columns::UInt32Column>(b.add("a", "UInt32"));
  auto& s = column_as<columns::StringColumn>(b.add("b", "String"));
  for (std::uint32_t i = 0; i < 1000; ++i) {
    a.append(i);
    s.append("row " + std::to_string(i));
  }
  protocol::EncodedBlock kept;
  c.send_block(b, &kept);
  c.end_insert();
  ASSERT_TRUE(kept.compressed);

  Connection same(lz4);
  same.begin_insert("INSERT INTO kept VALUES");
  same.send_encoded(kept);
  same.end_insert();
  ClientOptions none = options_for(endpoint_);
  none.compression.enabled = false;
  Connection plain(none);  // no compression: decoded, encoded again
  plain.begin_insert("INSERT INTO kept VALUES");
  plain.send_encoded(kept);
  plain.end_insert();
  EXPECT_EQ(scalar(plain, "SELECT count() FROM kept"), "3000");
  EXPECT_EQ(scalar(plain, "SELECT sum(a) FROM kept"), std::to_string(3 * 999 * 1000 / 2));
  EXPECT_EQ(scalar(plain, "SELECT countIf(b = concat('row ', toString(a))) FROM kept"), "3000");

  plain.query("DROP TABLE kept");
  plain.query("CREATE TABLE kept (a UInt64, b String) ENGINE = Memory");
  same.begin_insert("INSERT INTO kept VALUES");
  try {
    same.send_encoded(kept);
    FAIL() << "sent to a table whose column a is UInt64";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'a' UInt32"), std::string::npos) << e.what();
  }
  same.abandon_insert();
  EXPECT_EQ(scalar(plain, "SELECT count() FROM kept"), "0");
  plain.query("DROP TABLE kept");
}

TEST_F(ClientTest, TlsVerifiesTheServerCertificate) {
  ASSERT_NE(endpoint_.secure_port, 0) << "the fixture starts the secure port";
  ClientOptions o = options_for(endpoint_);
  o.port = endpoint_.secure_port;
  o.tls.enabled = true;
  o.tls.ca_file = endpoint_.ca_file;
  {
    Connection c(o);
    EXPECT_EQ(scalar(c, "SELECT 7"), "7");
  }
  // A failed verification is its own error (a setup problem the sink does
  // not spool through): the system's CAs do not know the fixture's own CA,
  // and the server's certificate is no CA of itself.
  const std::string leaf = endpoint_.ca_file.substr(0, endpoint_.ca_file.rfind('/')) + "/server.crt";
  for (const std::string& ca : {std::string(), leaf}) {
    o.tls.ca_file = ca;
    try {
      Connection c(o);
      FAIL() << "an unknown CA was trusted: " << ca;
    } catch (const net::TlsVerifyError& e) {
      EXPECT_NE(std::string(e.what()).find("failed verification against " +
                                           (ca.empty() ? std::string("the system's CAs") : "CA file " + ca) +
                                           ": unable to get local issuer certificate"),
                std::string::npos)
          << e.what();
    }
  }
  o.tls.insecure = true;
  Connection c(o);
  EXPECT_EQ(scalar(c, "SELECT 8"), "8");
  // Plain TCP to the TLS port: a clear failure, not a hang.
  ClientOptions plain = options_for(endpoint_);
  plain.port = endpoint_.secure_port;
  plain.timeouts.receive = std::chrono::milliseconds(2000);
  EXPECT_THROW(Connection{plain}, Error);
}

TEST_F(ClientTest, NotAClickHouseNativePortIsAClearError) {
  ClientOptions o = options_for(endpoint_);
  o.port = endpoint_.http_port;
  o.timeouts.receive = std::chrono::milliseconds(3000);
  try {
    Connection c(o);
    FAIL();
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(std::to_string(endpoint_.http_port)), std::string::npos) << what;
  }
}

// A loopback listener (127.0.0.1 or ::1) that never accepts nor answers.
class SilentListener {
 public:
  explicit SilentListener(bool v6 = false, int backlog = 4) {
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    sockaddr_storage st{};
    socklen_t len;
    if (v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&st);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&st);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *a;
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&st), len) != 0 || ::listen(fd_, backlog) != 0) {
      throw SystemError("test listener", errno);
    }
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&st), &len);
    port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&st)->sin6_port : reinterpret_cast<sockaddr_in*>(&st)->sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_;
};

TEST(ClientNetworkTest, ASilentServerTimesOutAndARefusedPortFailsAtOnce) {
  SilentListener silent;
  ClientOptions o;
  o.port = silent.port();
  o.timeouts.receive = std::chrono::milliseconds(500);
  auto start = Clock::now();
  try {
    Connection c(o);
    FAIL();
  } catch (const SystemError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  std::uint16_t closed = silent.port();
  { SilentListener other; closed = other.port(); }  // closed again: nothing listens
  o.port = closed;
  try {
    Connection c(o);
    FAIL();
  } catch (const SystemError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
  }
  o.host = "no-such-host.invalid";
  EXPECT_THROW(Connection{o}, Error);
}

TEST(ClientNetworkTest, IPv6LiteralsConnect) {
  SilentListener silent(true);
  ClientOptions o;
  o.host = "::1";
  o.port = silent.port();
  o.timeouts.receive = std::chrono::milliseconds(300);
  try {
    Connection c(o);
    FAIL();
  } catch (const SystemError& e) {
    // Connected over IPv6; only the silent peer's answer timed out.
    EXPECT_NE(std::string(e.what()).find("reading from [::1]:" + std::to_string(silent.port()) + " timed out"),
              std::string::npos)
        << e.what();
  }
}

TEST(ClientNetworkTest, ConnectTimesOutWhenTheListenQueueIsFull) {
  // A listener that never accepts, with its queue filled by connections
  // of our own: the kernel then drops further SYNs, so connect() waits.
  SilentListener full(false, 0);
  ClientOptions o;
  o.port = full.port();
  o.timeouts.connect = std::chrono::milliseconds(300);
  o.timeouts.receive = std::chrono::milliseconds(50);  // queued ones connect, then wait for a Hello
  bool timed_out = false;
  for (int i = 0; i < 8 && !timed_out; ++i) {
    auto start = Clock::now();
    try {
      Connection c(o);
    } catch (const SystemError& e) {
      if (std::string(e.what()).find("connect to 127.0.0.1:" + std::to_string(full.port()) + " timed out") !=
          std::string::npos) {
        timed_out = true;
        EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
      }
    }
  }
  EXPECT_TRUE(timed_out) << "connect never waited on a full listen queue";
}

TEST(ClientFaultTest, AServerKilledDuringAnInsertIsAnErrorWithinTheTimeout) {
  IOR_REQUIRE_CLICKHOUSE_INSTALLED();
  testing::OwnClickHouseServer server;
  server.start(testing::own_clickhouse_dir("kill_during_insert"));
  ClientOptions o;
  o.port = server.endpoint().port;
  o.timeouts.receive = std::chrono::milliseconds(5000);
  o.timeouts.send = std::chrono::milliseconds(5000);
  Connection c(o);
  c.query(create_events_table("killed"), low_cardinality_ddl());
  c.begin_insert("INSERT INTO killed VALUES");
  bench::SyntheticRows rows(10'000, 3);
  EventBlock batch;
  for (const auto& r : rows.rows()) batch.append(r);
  // Killed once the insert is under way: a few blocks have gone out.
  std::mutex mu;
  std::condition_variable sent_cv;
  int sent = 0;
  Clock::time_point killed_at{};
  std::thread killer([&] {
    {
      std::unique_lock lock(mu);
      sent_cv.wait_for(lock, std::chrono::seconds(30), [&] { return sent >= 3; });
    }
    server.kill();  // returns when the process is gone
    killed_at = Clock::now();
  });
  Clock::time_point failed_at{};
  std::string error;
  try {
    for (int i = 0; i < 100000; ++i) {
      c.send_block(batch.block());
      {
        std::lock_guard lock(mu);
        ++sent;
      }
      sent_cv.notify_one();
    }
    c.end_insert();
  } catch (const Error& e) {
    failed_at = Clock::now();
    error = e.what();
  }
  killer.join();
  ASSERT_FALSE(error.empty()) << "the insert did not notice the killed server";
  EXPECT_LT(failed_at - killed_at, std::chrono::milliseconds(5000 + 2000)) << error;
  EXPECT_TRUE(c.broken());
  EXPECT_THROW(c.ping(), Error);
}

}  // namespace
}  // namespace ior::clickhouse
