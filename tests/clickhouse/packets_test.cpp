#include <gtest/gtest.h>

#include "base/error.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "clickhouse/protocol/packets.hpp"
#include "clickhouse/protocol/revisions.hpp"
#include "clickhouse/protocol/settings.hpp"
#include "clickhouse/wire/compressed_reader.hpp"

namespace ior::clickhouse::protocol {
namespace {

using wire::MemoryReader;
using wire::WireWriter;

TEST(PacketsTest, ClientHelloAnnouncesIorsRevision) {
  std::string out;
  WireWriter w(out);
  write_hello(w, {.version = {.name = "ior", .major = 1, .minor = 2, .patch = 3},
                  .database = "db",
                  .user = "u",
                  .password = "pw"});
  // id 0; "ClickHouse ior"; 1; 2; 54460 as LEB128 (0xbc 0xa9 0x03); "db"; "u"; "pw"
  std::string want = std::string("\x00\x0e", 2) + "ClickHouse ior" + "\x01\x02" + "\xbc\xa9\x03" + "\x02" "db" +
                     "\x01" "u" + "\x02" "pw";
  ASSERT_EQ(revision::kClient, 54460u);
  EXPECT_EQ(out, want);
}

TEST(PacketsTest, ServerHelloFieldsDependOnTheLowerRevision) {
  std::string in;
  WireWriter w(in);
  w.string("ClickHouse");
  w.varint(18);
  w.varint(16);
  w.varint(54412);
  w.string("Etc/UTC");
  w.string("box");
  w.varint(1);
  MemoryReader r(in);
  ServerHello h = read_hello(r, revision::kClient);
  EXPECT_EQ(h.name, "ClickHouse");
  EXPECT_EQ(h.major, 18u);
  EXPECT_EQ(h.minor, 16u);
  EXPECT_EQ(h.revision, 54412u);
  EXPECT_EQ(h.timezone, "Etc/UTC");
  EXPECT_EQ(h.display_name, "box");
  EXPECT_EQ(h.patch, 1u);
  EXPECT_TRUE(r.at_end());
  // A server speaking to an older client leaves out what that client predates.
  std::string old;
  WireWriter ow(old);
  ow.string("ClickHouse");
  ow.varint(1);
  ow.varint(1);
  ow.varint(54058);
  ow.string("UTC");
  MemoryReader orr(old);
  ServerHello oh = read_hello(orr, 54058);
  EXPECT_EQ(oh.timezone, "UTC");
  EXPECT_EQ(oh.display_name, "");
  EXPECT_TRUE(orr.at_end());
}

TEST(PacketsTest, AddendumOnlyFromRevision54458) {
  std::string out;
  WireWriter w(out);
  write_addendum(w, 54412, "q");
  EXPECT_EQ(out, "");
  write_addendum(w, 54460, "q");
  EXPECT_EQ(out, std::string("\x01q", 2));
}

// Reads a Query packet back field by field, in the order the protocol
// documents, independently of write_query().
struct DecodedQuery {
  std::string id, initial_query_id, address, os_user, host, client_name, quota_key, query;
  std::uint64_t stage = 0, compression = 0, client_revision = 0;
  std::vector<std::pair<std::string, std::string>> settings;
};

DecodedQuery decode_query(const std::string& bytes, std::uint64_t rev) {
  MemoryReader r(bytes);
  DecodedQuery d;
  EXPECT_EQ(r.varint(), 1u);
  d.id = r.string();
  EXPECT_EQ(r.fixed<std::uint8_t>(), 1);  // initial query
  EXPECT_EQ(r.string(), "");              // initial user
  d.initial_query_id = r.string();
  d.address = r.string();
  if (rev >= 54449) {
    EXPECT_EQ(r.fixed<std::int64_t>(), 0);
  }
  EXPECT_EQ(r.fixed<std::uint8_t>(), 1);  // TCP
  d.os_user = r.string();
  d.host = r.string();
  d.client_name = r.string();
  r.varint();
  r.varint();
  d.client_revision = r.varint();
  d.quota_key = r.string();
  if (rev >= 54448) {
    EXPECT_EQ(r.varint(), 0u);
  }
  r.varint();  // patch
  if (rev >= 54442) {
    EXPECT_EQ(r.fixed<std::uint8_t>(), 0);
  }
  if (rev >= 54453) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(r.varint(), 0u);
  }
  for (;;) {
    std::string name = r.string();
    if (name.empty()) break;
    if (rev >= 54429) {
      EXPECT_EQ(r.varint(), 1u);  // important
      d.settings.emplace_back(name, r.string());
    } else {
      d.settings.emplace_back(name, std::to_string(r.varint()));
    }
  }
  if (rev >= 54441) {
    EXPECT_EQ(r.string(), "");
  }
  d.stage = r.varint();
  d.compression = r.varint();
  d.query = r.string();
  if (rev >= 54459) {
    EXPECT_EQ(r.string(), "");  // no parameters
  }
  EXPECT_TRUE(r.at_end());
  return d;
}

TEST(PacketsTest, QueryLayoutFollowsTheRevision) {
  QueryRequest q;
  q.query_id = "qid";
  q.query = "SELECT 1";
  q.settings = {{"max_block_size", "4096"}};
  q.os_user = "root";
  q.client_hostname = "h";
  q.compression = true;
  for (std::uint64_t rev : {std::uint64_t{54412}, revision::kClient}) {
    std::string out;
    WireWriter w(out);
    write_query(w, q, rev);
    DecodedQuery d = decode_query(out, rev);
    EXPECT_EQ(d.id, "qid");
    EXPECT_EQ(d.initial_query_id, "qid");
    EXPECT_EQ(d.os_user, "root");
    EXPECT_EQ(d.client_name, "ClickHouse ior");
    EXPECT_EQ(d.client_revision, revision::kClient);
    ASSERT_EQ(d.settings.size(), 1u);
    EXPECT_EQ(d.settings[0].first, "max_block_size");
    EXPECT_EQ(d.settings[0].second, "4096");
    EXPECT_EQ(d.stage, 2u);
    EXPECT_EQ(d.compression, 1u);
    EXPECT_EQ(d.query, "SELECT 1");
  }
}

TEST(SettingsTest, OldRevisionsGetTypedValuesOrAClearRefusal) {
  std::string out;
  WireWriter w(out);
  write_settings(w, std::vector<Setting>{{"insert_distributed_sync", "1"}, {"network_zstd_compression_level", "-3"},
                                         {"network_compression_method", "ZSTD"}},
                 54412);
  std::string want = std::string("\x17") + "insert_distributed_sync" + "\x01" + "\x1e" +
                     "network_zstd_compression_level" + "\x05" /* zigzag(-3) */ + "\x1a" +
                     "network_compression_method" + "\x04" "ZSTD" + std::string("\x00", 1);
  EXPECT_EQ(out, want);
  std::string before = "keep";
  WireWriter bw(before);
  try {
    write_settings(bw, std::vector<Setting>{{"max_threads", "2"}, {"async_insert", "1"}}, 54412);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("async_insert"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("54412"), std::string::npos);
  }
  EXPECT_EQ(before, "keep");  // nothing half-written
  EXPECT_THROW(write_settings(bw, std::vector<Setting>{{"max_threads", "two"}}, 54412), Error);
  // From 54429 on anything goes as text, the server parses it.
  std::string s;
  WireWriter sw(s);
  write_settings(sw, std::vector<Setting>{{"async_insert", "1", false}}, 54460);
  EXPECT_EQ(s, std::string("\x0c" "async_insert\x00\x01" "1\x00", 17));
}

std::string server_data_packet(std::uint64_t kind, const columns::Block& b, std::uint64_t rev, Compression c) {
  std::string out, scratch;
  WireWriter w(out);
  write_data(w, b, rev, c, scratch);
  out[0] = static_cast<char>(kind);  // a server Data packet has the client's layout
  return out;
}

columns::Block numbers(std::size_t n) {
  columns::Block b;
  auto& c = columns::column_as<columns::UInt64Column>(b.add("n", "UInt64"));
  for (std::size_t i = 0; i < n; ++i) c.append(i);
  return b;
}

columns::Block numbers_and_names(std::size_t n) {
  columns::Block b = numbers(n);
  auto& s = columns::column_as<columns::StringColumn>(b.add("name", "String"));
  for (std::size_t i = 0; i < n; ++i) s.append("/srv/data/file-" + std::to_string(i % 50));
  return b;
}

// A block kept as sent goes out again byte for byte, and decodes back to
// the same rows, at every revision layout and with or without compression.
TEST(PacketsTest, AKeptBlockIsResentAsSentAndDecodesBack) {
  const columns::Block b = numbers_and_names(20'000);
  for (std::uint64_t rev : {std::uint64_t{54412}, revision::kClient}) {
    for (bool compressed : {false, true}) {
      SCOPED_TRACE("revision " + std::to_string(rev) + (compressed ? " lz4" : " plain"));
      const Compression c{.enabled = compressed};
      std::string first, again, scratch;
      WireWriter w1(first);
      EncodedBlock kept;
      write_data(w1, b, rev, c, scratch, &kept);
      WireWriter w2(again);
      write_encoded_data(w2, kept);
      EXPECT_EQ(again, first);
      EXPECT_EQ(kept.rows, 20'000u);
      EXPECT_EQ(kept.revision, rev);
      EXPECT_EQ(kept.compressed, compressed);
      EXPECT_EQ(kept.columns, "n UInt64\nname String\n");
      if (compressed) {
        EncodedBlock plain;
        std::string out;
        WireWriter w3(out);
        write_data(w3, b, rev, Compression{}, scratch, &plain);
        EXPECT_LT(kept.bytes.size() * 2, plain.bytes.size()) << "what the writer keeps is compressed";
      }
      columns::Block back = decode_block(kept);
      ASSERT_EQ(back.rows(), b.rows());
      for (std::size_t i : {std::size_t{0}, std::size_t{12'345}, std::size_t{19'999}}) {
        EXPECT_EQ(back.at(0).column->text(i), b.at(0).column->text(i));
        EXPECT_EQ(back.at(1).column->text(i), b.at(1).column->text(i));
      }
    }
  }
}

TEST(PacketsTest, AKeptBlockThatDoesNotDecodeToItsRowsIsRefused) {
  std::string out, scratch;
  WireWriter w(out);
  EncodedBlock kept;
  write_data(w, numbers(100), revision::kClient, Compression{.enabled = true}, scratch, &kept);
  EncodedBlock wrong_rows = kept;
  wrong_rows.rows = 99;
  EXPECT_THROW(decode_block(wrong_rows), Error);
  EncodedBlock cut = kept;
  cut.bytes.pop_back();
  EXPECT_THROW(decode_block(cut), Error);
  EncodedBlock trailing = kept;
  trailing.compressed = false;  // the frames read as a plain block: garbage
  EXPECT_THROW(decode_block(trailing), Error);
}

TEST(PacketsTest, EveryServerPacketKindIsRead) {
  std::string in;
  WireWriter w(in);
  Compression lz4{.enabled = true};
  in += server_data_packet(1, numbers(3), 54460, lz4);
  in += server_data_packet(7, numbers(1), 54460, lz4);  // Totals
  in += server_data_packet(8, numbers(2), 54460, lz4);  // Extremes
  in += server_data_packet(10, numbers(1), 54460, {});  // Log: never compressed
  in += server_data_packet(14, numbers(1), 54460, {});  // ProfileEvents: never compressed
  w.varint(3);
  for (std::uint64_t v = 1; v <= 6; ++v) w.varint(v);
  w.varint(6);
  w.varint(7);
  w.varint(1);
  w.varint(9);
  w.fixed<std::uint8_t>(1);
  w.varint(5);
  w.fixed<std::uint8_t>(1);
  w.varint(11);
  w.string("t");
  w.string("desc");
  w.varint(12);
  w.varint(1);
  w.fixed<std::uint64_t>(1);
  w.fixed<std::uint64_t>(2);
  w.varint(4);
  w.varint(5);
  PacketContext ctx{.revision = 54460, .compression = true, .limits = {}};
  MemoryReader r(in);
  auto next = [&] { return read_packet(r, ctx); };
  Packet p = next();
  EXPECT_EQ(p.kind, ServerPacket::kData);
  EXPECT_EQ(p.block.rows(), 3u);
  EXPECT_EQ(next().kind, ServerPacket::kTotals);
  EXPECT_EQ(next().block.rows(), 2u);
  EXPECT_EQ(next().kind, ServerPacket::kLog);
  EXPECT_EQ(next().kind, ServerPacket::kProfileEvents);
  p = next();
  EXPECT_EQ(p.progress.rows, 1u);
  EXPECT_EQ(p.progress.written_bytes, 5u);
  EXPECT_EQ(p.progress.elapsed_ns, 6u);
  p = next();
  EXPECT_EQ(p.profile.rows, 7u);
  EXPECT_EQ(p.profile.bytes, 9u);
  EXPECT_TRUE(p.profile.applied_limit);
  EXPECT_EQ(p.profile.rows_before_limit, 5u);
  p = next();
  EXPECT_EQ(p.kind, ServerPacket::kTableColumns);
  EXPECT_EQ(p.text, "desc");
  p = next();
  ASSERT_EQ(p.part_uuids.size(), 1u);
  EXPECT_EQ(p.part_uuids[0].low, 2u);
  EXPECT_EQ(next().kind, ServerPacket::kPong);
  EXPECT_EQ(next().kind, ServerPacket::kEndOfStream);
  EXPECT_TRUE(r.at_end());
}

TEST(PacketsTest, ProgressAt54412HasNoWrittenCounts) {
  std::string in;
  WireWriter w(in);
  w.varint(3);
  w.varint(10);
  w.varint(20);
  w.varint(30);
  w.varint(5);
  MemoryReader r(in);
  PacketContext ctx{.revision = 54412, .compression = false, .limits = {}};
  EXPECT_EQ(read_packet(r, ctx).progress.total_rows, 30u);
  EXPECT_EQ(read_packet(r, ctx).kind, ServerPacket::kEndOfStream);
}

TEST(PacketsTest, NestedExceptionsAreKeptInOrderAndBounded) {
  std::string in;
  WireWriter w(in);
  w.varint(2);
  for (int i = 0; i < 3; ++i) {
    w.fixed<std::int32_t>(100 + i);
    w.string("DB::Exception");
    w.string("level " + std::to_string(i));
    w.string("stack");
    w.fixed<std::uint8_t>(i < 2 ? 1 : 0);
  }
  MemoryReader r(in);
  Packet p = read_packet(r, {});
  ASSERT_EQ(p.exception.size(), 3u);
  EXPECT_EQ(p.exception[2].code, 102);
  ServerException e(p.exception);
  EXPECT_EQ(e.code(), 100);
  EXPECT_EQ(std::string(e.what()), "clickhouse: server error 100 (DB::Exception): level 0");
  PacketContext shallow;
  shallow.limits.max_exception_depth = 2;
  MemoryReader r2(in);
  EXPECT_THROW(read_packet(r2, shallow), ProtocolError);
}

TEST(PacketsTest, UnknownKindsAndBrokenCompressedBlocksAreRejected) {
  std::string in;
  WireWriter(in).varint(99);
  MemoryReader r(in);
  EXPECT_THROW(read_packet(r, {}), ProtocolError);
  // A block spread over many small frames reads whole.
  std::string plain;
  WireWriter pw(plain);
  columns::write_block(numbers(1000), pw, block_format(54460));
  std::string framed;
  WireWriter fw(framed);
  fw.varint(1);
  fw.string("");
  wire::write_frames(plain, wire::CompressionMethod::kLz4, 1, framed, 100);
  PacketContext ctx{.revision = 54460, .compression = true, .limits = {}};
  MemoryReader fr(framed);
  EXPECT_EQ(read_packet(fr, ctx).block.rows(), 1000u);
  // A frame that holds more than the block: the sides disagree on the layout.
  plain += "extra";
  std::string bad;
  WireWriter bw(bad);
  bw.varint(1);
  bw.string("");
  wire::write_frames(plain, wire::CompressionMethod::kLz4, 1, bad);
  MemoryReader br(bad);
  EXPECT_THROW(read_packet(br, ctx), ProtocolError);
  // A corrupted frame fails its checksum.
  std::string corrupt = server_data_packet(1, numbers(10), 54460, {.enabled = true});
  corrupt[corrupt.size() - 3] ^= 0x40;
  MemoryReader cr(corrupt);
  EXPECT_THROW(read_packet(cr, ctx), CompressionError);
}

}  // namespace
}  // namespace ior::clickhouse::protocol
