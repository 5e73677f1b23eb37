// The userspace path per record: decode + pair + fd table + row, fed with
// synthetic ring-buffer bytes (no kernel). items/s = records (events) per second.
#include <benchmark/benchmark.h>
#include <fcntl.h>

#include <vector>

#include "event/pipeline.hpp"
#include "record_builder.hpp"

namespace {

namespace t = ior::testing;

class SummingConsumer final : public ior::event::RowConsumer {
 public:
  void on_row(const ior::schema::EventRow& r) override {
    sum_ += r.duration_ns + r.filename.size() + r.comm.size();
  }
  std::uint64_t sum_ = 0;
};

// A realistic mix on 8 threads of 4 processes: open, read, write, pread,
// fstat-like path calls and close, each as an enter and an exit record.
std::vector<t::Record> make_stream(int iterations) {
  std::vector<t::Record> out;
  std::uint64_t now = 1'000'000;
  for (int i = 0; i < iterations; ++i) {
    for (std::uint32_t th = 0; th < 8; ++th) {
      std::uint32_t pid = 1000 + th % 4;
      std::uint32_t tid = pid * 10 + th;
      auto fd = static_cast<std::uint64_t>(3 + th);
      auto add = [&](std::uint16_t id, std::int64_t ret, std::array<std::uint64_t, 3> args,
                     std::string_view s0 = {}) {
        auto e = t::spec(id, pid, tid, now);
        e.args = args;
        e.str0 = s0;
        e.comm = "postgres";
        out.push_back(t::enter_record(e));
        out.push_back(t::exit_record(id, pid, tid, now + 700, ret));
        now += 1000;
      };
      add(IOR_SC_openat, static_cast<std::int64_t>(fd), {O_RDONLY, 0, 0},
          "/var/lib/postgresql/15/main/base/16384/2619");
      add(IOR_SC_read, 8192, {fd, 8192, 0});
      add(IOR_SC_pread64, 8192, {fd, 8192, 81920});
      add(IOR_SC_write, 512, {fd, 512, 0});
      add(IOR_SC_newfstatat, 0, {0, 0, 0}, "/var/lib/postgresql/15/main/pg_wal");
      add(IOR_SC_close, 0, {fd, 0, 0});
    }
  }
  return out;
}

void BM_Pipeline_Feed(benchmark::State& state) {
  auto stream = make_stream(1000);
  SummingConsumer consumer;
  ior::event::PipelineOptions options;
  options.proc_root = "/nonexistent";
  options.hostname = "bench";
  ior::event::Pipeline pipeline(options, consumer);
  for (auto _ : state) {
    for (const auto& r : stream) pipeline.feed(r);
  }
  benchmark::DoNotOptimize(consumer.sum_);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(pipeline.stats().rows_emitted.get()), benchmark::Counter::kIsRate);
  std::int64_t bytes = 0;
  for (const auto& r : stream) bytes += static_cast<std::int64_t>(r.size());
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_Pipeline_Feed)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
