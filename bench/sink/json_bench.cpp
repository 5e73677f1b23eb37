// Google Benchmark of the JSON lines output on the Parquet benchmark's
// synthetic rows (bench/parquet/synthetic_rows.hpp): the row formatting
// alone, and the whole sink (text check, formatting, 64 KiB writes) into
// /dev/null. One core; rows/s and MB/s of JSON text.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include "sink/json_row.hpp"
#include "sink/json_sink.hpp"
#include "synthetic_rows.hpp"

namespace {

const ior::bench::SyntheticRows& rows() {
  static const ior::bench::SyntheticRows r(500'000);
  return r;
}

void BM_JsonRowFormat(benchmark::State& state) {
  rows();  // made before the timing
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const auto& r : rows().rows()) {
      out.clear();
      ior::sink::append_json_row(out, r);
      bytes += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  auto n = static_cast<std::int64_t>(rows().rows().size());
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["B/row"] = static_cast<double>(bytes) / static_cast<double>(n);
}
BENCHMARK(BM_JsonRowFormat)->Unit(benchmark::kMillisecond);

void BM_JsonSinkToDevNull(benchmark::State& state) {
  rows();  // made before the timing
  const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  for (auto _ : state) {
    ior::sink::JsonSink sink(fd);
    for (const auto& r : rows().rows()) sink.consume(r);
    sink.close();
    if (sink.report().rows_written != rows().rows().size()) state.SkipWithError("rows not written");
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows().rows().size()));
}
BENCHMARK(BM_JsonSinkToDevNull)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
