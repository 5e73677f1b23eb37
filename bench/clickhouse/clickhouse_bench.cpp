// Google Benchmark of the ClickHouse client's hot path on synthetic rows of
// the canonical schema, 10 000 rows (the default batch):
//   BM_Encode*:      a filled block encoded into a Data packet, compressed
//                    with LZ4, ZSTD or not (the block-to-wire step);
//   BM_RowsToPacket*: the same plus appending the rows into the block's
//                    columns (everything the sink does per batch);
//   BM_AppendOnly:   the append step alone.
// Reports rows/s on one core and the encoded bytes per row.

#include <benchmark/benchmark.h>

#include "clickhouse/event_block.hpp"
#include "clickhouse/protocol/packets.hpp"
#include "clickhouse/protocol/revisions.hpp"
#include "synthetic_rows.hpp"

namespace {

using namespace ior::clickhouse;

constexpr std::size_t kBatch = 10'000;

const std::vector<ior::schema::EventRow>& rows() {
  static const ior::bench::SyntheticRows r(kBatch * 10);
  return r.rows();
}

void encode(benchmark::State& state, protocol::Compression compression, bool append_rows) {
  const auto& src = rows();
  EventBlock block;
  block.reserve(kBatch);
  for (std::size_t i = 0; i < kBatch; ++i) block.append(src[i]);
  std::string packet, scratch;
  std::size_t offset = 0, plain_bytes = 0;
  for (auto _ : state) {
    if (append_rows) {
      block.clear();
      for (std::size_t i = 0; i < kBatch; ++i) block.append(src[offset + i]);
      offset = (offset + kBatch) % src.size();
    }
    packet.clear();
    wire::WireWriter w(packet);
    protocol::write_data(w, block.block(), protocol::revision::kClient, compression, scratch);
    benchmark::DoNotOptimize(packet.data());
    plain_bytes = compression.enabled ? scratch.size() : packet.size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(plain_bytes));
  state.counters["native_B/row"] = static_cast<double>(plain_bytes) / kBatch;
  state.counters["wire_B/row"] = static_cast<double>(packet.size()) / kBatch;
}

constexpr protocol::Compression kLz4{.enabled = true, .method = wire::CompressionMethod::kLz4, .zstd_level = 1};
constexpr protocol::Compression kZstd{.enabled = true, .method = wire::CompressionMethod::kZstd, .zstd_level = 1};

void BM_EncodeLz4(benchmark::State& s) { encode(s, kLz4, false); }
void BM_EncodeZstd(benchmark::State& s) { encode(s, kZstd, false); }
void BM_EncodeUncompressed(benchmark::State& s) { encode(s, {}, false); }
void BM_RowsToPacketLz4(benchmark::State& s) { encode(s, kLz4, true); }
void BM_RowsToPacketZstd(benchmark::State& s) { encode(s, kZstd, true); }
void BM_RowsToPacketUncompressed(benchmark::State& s) { encode(s, {}, true); }

// The append step alone (rows into columns), to see where the time goes.
void BM_AppendOnly(benchmark::State& state) {
  const auto& src = rows();
  EventBlock block;
  block.reserve(kBatch);
  for (auto _ : state) {
    block.clear();
    for (std::size_t i = 0; i < kBatch; ++i) block.append(src[i]);
    benchmark::DoNotOptimize(block.rows());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
}

BENCHMARK(BM_EncodeLz4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EncodeZstd)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EncodeUncompressed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RowsToPacketLz4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RowsToPacketZstd)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RowsToPacketUncompressed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AppendOnly)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
