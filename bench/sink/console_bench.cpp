// Google Benchmark of the console output (the default sink, and the one
// bench/slowdown.sh runs ior with) on the Parquet benchmark's synthetic rows
// (bench/parquet/synthetic_rows.hpp): the whole sink (escaping, CSV
// quoting, 64 KiB writes) into /dev/null. One core; rows/s. Rows one by
// one, and rows as the sink's thread gets them in ior: from the fan-out's
// chunks, which mark strings equal to the previous row's, both for the
// synthetic rows (a random file and thread per row) and for one thread's
// loop on one file.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "sink/console_sink.hpp"
#include "sink/row_chunk.hpp"
#include "synthetic_rows.hpp"

namespace {

const ior::bench::SyntheticRows& rows() {
  static const ior::bench::SyntheticRows r(500'000);
  return r;
}

void BM_ConsoleSinkToDevNull(benchmark::State& state) {
  const auto& rs = rows().rows();  // made before the timing
  const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  for (auto _ : state) {
    ior::sink::ConsoleSink sink(fd);
    for (const auto& r : rs) sink.consume(r);
    sink.close();
    if (sink.report().rows_written != rs.size()) state.SkipWithError("rows not written");
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rs.size()));
}
BENCHMARK(BM_ConsoleSinkToDevNull)->Unit(benchmark::kMillisecond);

// The rows in 1 MiB chunks, as the fan-out hands them to a sink's thread.
std::vector<ior::sink::RowChunk> chunks_of(const std::vector<ior::schema::EventRow>& rs) {
  std::vector<ior::sink::RowChunk> out(1);
  for (const auto& r : rs) {
    if (out.back().bytes() >= (std::size_t{1} << 20)) out.emplace_back();
    out.back().append(r);
  }
  return out;
}

void run_from_chunks(benchmark::State& state, const std::vector<ior::sink::RowChunk>& chunks, std::size_t rows) {
  const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  for (auto _ : state) {
    ior::sink::ConsoleSink sink(fd);
    for (const auto& c : chunks) {
      c.for_each_row([&](const ior::schema::EventRow& r, const ior::schema::RowRepeats& repeats) {
        sink.consume_in_batch(r, repeats);
      });
    }
    sink.close();
    if (sink.report().rows_written != rows) state.SkipWithError("rows not written");
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
}

void BM_ConsoleSinkFromChunks(benchmark::State& state) {
  static const auto chunks = chunks_of(rows().rows());
  run_from_chunks(state, chunks, rows().rows().size());
}
BENCHMARK(BM_ConsoleSinkFromChunks)->Unit(benchmark::kMillisecond);

// One thread reading one file in a loop: every row repeats the comm and file.
void BM_ConsoleSinkFromChunksOneLoop(benchmark::State& state) {
  static const std::vector<ior::schema::EventRow> loop = [] {
    std::vector<ior::schema::EventRow> out(rows().rows().begin(), rows().rows().end());
    for (auto& r : out) {
      r.comm = out.front().comm;
      r.filename = out.front().filename;
      r.tid = r.pid = out.front().pid;
    }
    return out;
  }();
  static const auto chunks = chunks_of(loop);
  run_from_chunks(state, chunks, loop.size());
}
BENCHMARK(BM_ConsoleSinkFromChunksOneLoop)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
