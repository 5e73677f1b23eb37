// Google Benchmark of the console output (the default sink, and the one
// bench/slowdown.sh runs ior with) on the Parquet benchmark's synthetic rows
// (bench/parquet/synthetic_rows.hpp): the whole sink (escaping, CSV
// quoting, 64 KiB writes) into /dev/null. One core; rows/s.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include "sink/console_sink.hpp"
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

}  // namespace

BENCHMARK_MAIN();
