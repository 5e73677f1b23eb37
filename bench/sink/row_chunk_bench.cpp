// Google Benchmark of the chunk that carries rows from the pipeline thread
// to the sinks' threads (src/sink/row_chunk.hpp): packing a row (on the
// ring reader's thread, a quarter of its time in perf) and unpacking it (on
// each sink's thread). The Parquet benchmark's synthetic rows (a random
// file and thread per row), and one thread's loop on one file, where every
// string repeats the previous row's. One core; rows/s.
#include <benchmark/benchmark.h>

#include <vector>

#include "sink/row_chunk.hpp"
#include "synthetic_rows.hpp"

namespace {

const std::vector<ior::schema::EventRow>& random_rows() {
  static const ior::bench::SyntheticRows r(200'000);
  return r.rows();
}

const std::vector<ior::schema::EventRow>& loop_rows() {
  static const std::vector<ior::schema::EventRow> loop = [] {
    std::vector<ior::schema::EventRow> out(random_rows().begin(), random_rows().end());
    for (auto& r : out) {
      r.comm = out.front().comm;
      r.filename = out.front().filename;
      r.syscall_name = out.front().syscall_name;
      r.tid = r.pid = out.front().pid;
    }
    return out;
  }();
  return loop;
}

// As the fan-out fills chunks: 1 MiB each, the buffer reused. In ior the
// row packed is one object the pipeline refills (in the cache): the first
// 1024 rows, cycled, stand for it, not 200 000 rows read from memory.
void pack(benchmark::State& state, const std::vector<ior::schema::EventRow>& all) {
  const std::vector<ior::schema::EventRow> rs(all.begin(), all.begin() + 1024);
  constexpr int kRounds = 200;
  ior::sink::RowChunk chunk;
  chunk.reserve((std::size_t{1} << 20) + 16 * 1024);
  std::size_t chunks = 0;
  for (auto _ : state) {
    for (int round = 0; round < kRounds; ++round) {
      for (const auto& r : rs) {
        if (chunk.bytes() >= (std::size_t{1} << 20)) {
          chunk.clear();
          ++chunks;
        }
        chunk.append(r);
      }
    }
    benchmark::DoNotOptimize(chunk.bytes());
  }
  const double rows = static_cast<double>(state.iterations()) * kRounds * static_cast<double>(rs.size());
  state.counters["bytes/row"] = static_cast<double>(chunks * (std::size_t{1} << 20) + chunk.bytes()) / rows;
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
}

void BM_RowChunkPackRandom(benchmark::State& state) { pack(state, random_rows()); }
BENCHMARK(BM_RowChunkPackRandom)->Unit(benchmark::kMillisecond);
void BM_RowChunkPackOneLoop(benchmark::State& state) { pack(state, loop_rows()); }
BENCHMARK(BM_RowChunkPackOneLoop)->Unit(benchmark::kMillisecond);

void unpack(benchmark::State& state, const std::vector<ior::schema::EventRow>& rs) {
  std::vector<ior::sink::RowChunk> chunks(1);
  for (const auto& r : rs) {
    if (chunks.back().bytes() >= (std::size_t{1} << 20)) chunks.emplace_back();
    chunks.back().append(r);
  }
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (const auto& c : chunks) {
      c.for_each_row([&](const ior::schema::EventRow& r) { sum += r.filename.size() + r.pid; });
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rs.size()));
}

void BM_RowChunkUnpackRandom(benchmark::State& state) { unpack(state, random_rows()); }
BENCHMARK(BM_RowChunkUnpackRandom)->Unit(benchmark::kMillisecond);
void BM_RowChunkUnpackOneLoop(benchmark::State& state) { unpack(state, loop_rows()); }
BENCHMARK(BM_RowChunkUnpackOneLoop)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
