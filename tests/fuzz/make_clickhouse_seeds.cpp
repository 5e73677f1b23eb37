// Writes seed inputs for fuzz_clickhouse_packets: well-formed server
// streams (hello; data blocks of every column type, plain and in LZ4/ZSTD
// frames; exceptions; progress; profile info; table columns; end of stream)
// so the fuzzer starts from valid packets and mutates from there.

#include <fstream>
#include <iostream>
#include <string>

#include "clickhouse/columns/block.hpp"
#include "clickhouse/columns/composite_columns.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "clickhouse/protocol/packets.hpp"
#include "clickhouse/protocol/revisions.hpp"
#include "clickhouse/wire/compressed_reader.hpp"

using namespace ior::clickhouse;

namespace {

columns::Block every_type() {
  columns::Block b;
  columns::column_as<columns::UInt64Column>(b.add("u", "UInt64")).append({1, 2});
  columns::column_as<columns::Int32Column>(b.add("i", "Int32")).append({-1, 7});
  columns::column_as<columns::Float64Column>(b.add("f", "Float64")).append({0.5, 2});
  auto& s = columns::column_as<columns::StringColumn>(b.add("s", "String"));
  s.append("a");
  s.append("bc");
  auto& fs = columns::column_as<columns::FixedStringColumn>(b.add("fs", "FixedString(2)"));
  fs.append("x");
  fs.append("yz");
  columns::column_as<columns::UuidColumn>(b.add("id", "UUID")).append({{1, 2}, {3, 4}});
  columns::column_as<columns::DateTime64Column>(b.add("t", "DateTime64(9, 'UTC')")).append({5, 6});
  auto& n = columns::column_as<columns::NullableColumn>(b.add("n", "Nullable(String)"));
  n.append_null();
  columns::column_as<columns::StringColumn>(n.nested()).append("v");
  n.mark_value();
  auto& lc = columns::column_as<columns::LowCardinalityColumn>(b.add("lc", "LowCardinality(Nullable(String))"));
  lc.append("read");
  lc.append_null();
  auto& arr = columns::column_as<columns::ArrayColumn>(b.add("a", "Array(UInt8)"));
  columns::column_as<columns::UInt8Column>(arr.nested()).append(9);
  arr.end_row();
  arr.end_row();
  return b;
}

void save(const std::string& dir, const std::string& name, char mode, const std::string& body) {
  std::ofstream(dir + "/" + name, std::ios::binary) << mode << body;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_clickhouse_seeds DIR\n";
    return 2;
  }
  std::string dir = argv[1];
  for (int mode = 0; mode < 4; ++mode) {
    std::uint64_t rev = (mode & 1) ? protocol::revision::kClient : 54412;
    protocol::Compression comp{.enabled = (mode & 2) != 0, .method = wire::CompressionMethod::kLz4, .zstd_level = 1};
    std::string out;
    wire::WireWriter w(out);
    std::string scratch;
    // A server Data packet has the client Data packet's layout with id 1.
    std::string data;
    wire::WireWriter dw(data);
    protocol::write_data(dw, every_type(), rev, comp, scratch);
    data[0] = 1;
    out += data;
    w.varint(3);  // Progress
    for (int i = 0; i < ((mode & 1) ? 6 : 5); ++i) w.varint(10u + static_cast<unsigned>(i));
    w.varint(6);  // ProfileInfo
    w.varint(2);
    w.varint(1);
    w.varint(100);
    w.fixed<std::uint8_t>(0);
    w.varint(0);
    w.fixed<std::uint8_t>(0);
    w.varint(11);  // TableColumns
    w.string("");
    w.string("columns format version: 1\n");
    w.varint(2);  // Exception with a nested one
    w.fixed<std::int32_t>(60);
    w.string("DB::Exception");
    w.string("Table default.nope doesn't exist");
    w.string("");
    w.fixed<std::uint8_t>(1);
    w.fixed<std::int32_t>(1000);
    w.string("Poco::Exception");
    w.string("inner");
    w.string("");
    w.fixed<std::uint8_t>(0);
    w.varint(5);  // EndOfStream
    save(dir, "stream_" + std::to_string(mode), static_cast<char>(mode), out);
  }
  std::string zstd;
  wire::WireWriter zw(zstd);
  std::string scratch;
  protocol::write_data(zw, every_type(), 54412,
                       {.enabled = true, .method = wire::CompressionMethod::kZstd, .zstd_level = 1}, scratch);
  zstd[0] = 1;
  save(dir, "data_zstd", 2, zstd);
  std::string hello;
  wire::WireWriter hw(hello);
  hw.string("ClickHouse");
  hw.varint(18);
  hw.varint(16);
  hw.varint(54412);
  hw.string("Etc/UTC");
  hw.string("localhost");
  hw.varint(1);
  save(dir, "hello", 4, hello);
  return 0;
}
