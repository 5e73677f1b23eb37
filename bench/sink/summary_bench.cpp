// Google Benchmark of the end-of-run summary's tallies (sink/top_stats.hpp),
// which run on every row of every trace in their own sink thread: per
// syscall, per file and per process. Two row shapes: the Parquet
// benchmark's synthetic rows (bench/parquet/synthetic_rows.hpp: a random
// one of 2000 files and 8 processes per row, the worst case for the
// tables' caches; 500 000 of them, so also memory-bound) and two threads of two processes reading their own file
// in turn (what bench/slowdown.sh's two-thread pread makes). One core; rows/s.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sink/top_stats.hpp"
#include "synthetic_rows.hpp"

namespace {

const std::vector<ior::schema::EventRow>& synthetic() {
  static const ior::bench::SyntheticRows r(500'000);
  return r.rows();
}

const std::vector<ior::schema::EventRow>& two_readers() {
  static const std::string files[2] = {"/tmp/ior-bench-a/data", "/tmp/ior-bench-b/data"};
  static const std::vector<ior::schema::EventRow> rows = [] {
    // Few enough to stay in the cache, as the rows a sink thread unpacks
    // from a chunk are: 500 000 EventRows would measure memory bandwidth.
    std::vector<ior::schema::EventRow> out(1024);
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto& r = out[i];
      const std::uint32_t k = i % 2;
      r.pid = 4000 + k;
      r.tid = r.pid;
      r.comm = "ior_workload";
      r.syscall_name = "pread64";
      r.trace_id = 17;
      r.ret_value = 4096;
      r.bytes = 4096;
      r.byte_class = "read";
      r.fd = 3;
      r.filename = files[k];
      r.duration_ns = 300 + i % 97;
    }
    return out;
  }();
  return rows;
}

void run(benchmark::State& state, const std::vector<ior::schema::EventRow>& rs, std::size_t passes) {
  for (auto _ : state) {
    ior::sink::TopStats stats;
    for (std::size_t i = 0; i < passes; ++i) {
      for (const auto& r : rs) stats.consume(r);
    }
    if (stats.counts()->rows_written != rs.size() * passes) state.SkipWithError("rows not tallied");
    benchmark::DoNotOptimize(stats.files(10));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rs.size() * passes));
}

void BM_SummarySynthetic(benchmark::State& state) { run(state, synthetic(), 1); }
void BM_SummaryTwoReaders(benchmark::State& state) { run(state, two_readers(), 500); }
BENCHMARK(BM_SummarySynthetic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SummaryTwoReaders)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
