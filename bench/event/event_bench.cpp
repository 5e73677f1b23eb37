// The userspace path per record: decode + pair + fd table + row, fed with
// synthetic ring-buffer bytes (no kernel). The records sit in one buffer the
// way libbpf's ring buffer presents them: each behind an 8-byte header and
// rounded up to 8 bytes. items/s = events (tracepoint hits: an enter or an
// exit record, a paired record counting as both) per second; rows/s = rows
// delivered to the consumer.
#include <benchmark/benchmark.h>
#include <fcntl.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "event/pipeline.hpp"
#include "sink/fan_out.hpp"
#include "record_builder.hpp"

namespace {

namespace t = ior::testing;

class TouchingConsumer final : public ior::event::RowConsumer {
 public:
  void on_row(const ior::schema::EventRow& r) noexcept override {
    sum_ += r.duration_ns + r.timestamp_ns + r.filename.size() + r.comm.size() +
            static_cast<std::uint64_t>(r.fd) + r.syscall_name.size();
  }
  std::uint64_t sum_ = 0;
};

struct Ring {
  std::vector<std::byte> bytes;
  std::vector<std::pair<std::size_t, std::size_t>> records;  // offset, length
  std::int64_t events = 0;

  void push(const t::Record& r) {
    std::uint16_t kind = 0;
    std::memcpy(&kind, r.data(), sizeof kind);
    events += kind == IOR_EVENT_PAIRED ? 2 : 1;
    constexpr std::size_t kHeader = 8;
    std::size_t at = bytes.size() + kHeader;
    records.emplace_back(at, r.size());
    bytes.resize(at + ((r.size() + 7) & ~std::size_t{7}));
    std::copy(r.begin(), r.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  }
};

// How the mix names its files: absolute paths, or relative to the cwd
// (openat(AT_FDCWD, ...), newfstatat(AT_FDCWD, ...)), or to a directory fd:
// what making the names absolute costs.
enum class Names { kAbsolute, kRelativeToCwd, kRelativeToDirfd };

constexpr std::string_view kDataDir = "/var/lib/postgresql/15/main";
constexpr std::uint64_t kDirfd = 9;

// A database-like mix on `threads` threads spread over 4 processes: openat,
// read, pread64, write, newfstatat and close, each an enter and an exit;
// with `paired`, the fd syscalls (read, pread64, write, close) as one paired
// record at their exit, as the kernel sends them (bpf/pair.bpf.h).
// With `interleaved`, every thread's enter comes before any thread's exit
// (blocking I/O on many CPUs), the worst case for the per-thread lookup.
// Relative names: each process first chdirs to the data directory and opens
// it as kDirfd (once per pass over the ring, as a real process would not).
Ring make_ring(int rounds, std::uint32_t threads, bool interleaved, Names names = Names::kAbsolute,
               bool paired = true) {
  Ring ring;
  std::uint64_t now = 1'000'000;
  if (names != Names::kAbsolute) {
    for (std::uint32_t pid = 1000; pid < 1004; ++pid) {
      auto chdir = t::spec(IOR_SC_chdir, pid, pid, now);
      chdir.str0 = kDataDir;
      ring.push(t::enter_record(chdir));
      ring.push(t::exit_record(IOR_SC_chdir, pid, pid, now + 500, 0));
      auto open = t::spec(IOR_SC_openat, pid, pid, now + 1000);
      open.args = {O_RDONLY | O_DIRECTORY, 0, static_cast<std::uint64_t>(AT_FDCWD)};
      open.str0 = kDataDir;
      ring.push(t::enter_record(open));
      ring.push(t::exit_record(IOR_SC_openat, pid, pid, now + 1500, static_cast<std::int64_t>(kDirfd)));
      now += 2000;
    }
  }
  struct Call {
    std::uint16_t id;
    std::int64_t ret;
    bool path;
  };
  const Call calls[] = {{IOR_SC_openat, -1, true},  {IOR_SC_read, 8192, false},
                        {IOR_SC_pread64, 8192, false}, {IOR_SC_write, 512, false},
                        {IOR_SC_newfstatat, 0, true}, {IOR_SC_close, 0, false}};
  for (int round = 0; round < rounds; ++round) {
    for (const Call& c : calls) {
      std::vector<t::Record> exits;
      for (std::uint32_t th = 0; th < threads; ++th) {
        std::uint32_t pid = 1000 + th % 4;
        std::uint32_t tid = 2000 + th;
        auto fd = static_cast<std::uint64_t>(10 + th / 4);
        std::string path = "base/16384/" + std::to_string(2600 + round % 50);
        if (names == Names::kAbsolute) path = std::string(kDataDir) + "/" + path;
        const std::uint64_t dirfd = names == Names::kRelativeToDirfd ? kDirfd : static_cast<std::uint64_t>(AT_FDCWD);
        auto e = t::spec(c.id, pid, tid, now);
        e.comm = "postgres";
        // Who: four processes, each in a cgroup of its own (looked up per row).
        e.uid = 999;
        e.gid = 999;
        e.ppid = 1;
        e.cgroup_id = 5000 + pid;
        // openat: flags, mode, dirfd; newfstatat: dirfd, flags; the rest: the fd first.
        if (c.id == IOR_SC_openat) {
          e.args = {std::uint64_t{O_RDWR}, 0, dirfd};
        } else if (c.id == IOR_SC_newfstatat) {
          e.args = {dirfd, 0, 0};
        } else {
          e.args = {fd, 8192, 0};
        }
        if (c.path) e.str0 = path;
        std::int64_t ret = c.ret < 0 ? static_cast<std::int64_t>(fd) : c.ret;
        t::Record x;
        if (paired && !c.path) {
          x = t::paired_record(e, now + 700, ret);
        } else {
          ring.push(t::enter_record(e));
          x = t::exit_record(c.id, pid, tid, now + 700, ret);
        }
        if (interleaved) {
          exits.push_back(std::move(x));
        } else {
          ring.push(x);
        }
        now += 1000;
      }
      for (const auto& x : exits) ring.push(x);
    }
  }
  return ring;
}

void BM_Pipeline_Feed(benchmark::State& state) {
  auto threads = static_cast<std::uint32_t>(state.range(0));
  bool interleaved = state.range(1) != 0;
  bool paired = state.range(2) != 0;
  Ring ring = make_ring(static_cast<int>(48'000 / threads), threads, interleaved, Names::kAbsolute, paired);
  TouchingConsumer consumer;
  ior::event::PipelineOptions options;
  options.proc_root = "/nonexistent";
  options.hostname = "bench";
  ior::event::Pipeline pipeline(options, consumer);
  for (auto _ : state) {
    for (auto [at, len] : ring.records) pipeline.feed({ring.bytes.data() + at, len});
  }
  benchmark::DoNotOptimize(consumer.sum_);
  if (pipeline.stats().mismatches() != 0) state.SkipWithError("records did not pair");
  state.SetItemsProcessed(state.iterations() * ring.events);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(ring.bytes.size()));
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(pipeline.stats().rows_emitted.get()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Pipeline_Feed)
    ->ArgNames({"threads", "interleaved", "paired"})
    ->Args({8, 0, 1})
    ->Args({8, 1, 1})
    ->Args({256, 1, 1})
    ->Args({4096, 1, 1})
    ->Args({8, 0, 0})
    ->Args({8, 1, 0})
    ->Args({4096, 1, 0})
    ->Unit(benchmark::kMillisecond);

// The same mix, 8 threads, names relative to the cwd (names=1) or to a
// directory fd (names=2), against absolute names (names=0).
void BM_Pipeline_FeedNames(benchmark::State& state) {
  Ring ring = make_ring(48'000 / 8, 8, false, static_cast<Names>(state.range(0)));
  TouchingConsumer consumer;
  ior::event::PipelineOptions options;
  options.proc_root = "/nonexistent";
  options.hostname = "bench";
  ior::event::Pipeline pipeline(options, consumer);
  for (auto _ : state) {
    for (auto [at, len] : ring.records) pipeline.feed({ring.bytes.data() + at, len});
  }
  benchmark::DoNotOptimize(consumer.sum_);
  if (pipeline.stats().mismatches() != 0) state.SkipWithError("records did not pair");
  if (pipeline.stats().path_unresolved.get() != 0) state.SkipWithError("a name was not made absolute");
  state.SetItemsProcessed(state.iterations() * ring.events);
}
BENCHMARK(BM_Pipeline_FeedNames)->ArgName("names")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// The same through the hand-off ior runs with: rows packed into chunks
// and published to a sink thread (as the ring reader does after each poll).
// What the ring-buffer reader pays per event; the sink thread runs beside it.
class CountingSink final : public ior::sink::Sink {
 public:
  void consume(const ior::schema::EventRow& r) noexcept override { sum_ += r.duration_ns + r.filename.size(); }
  void close() noexcept override {}
  ior::sink::SinkReport report() const override { return {}; }
  std::uint64_t sum_ = 0;
};

class RowsToFanOut final : public ior::event::RowConsumer {
 public:
  explicit RowsToFanOut(ior::sink::FanOut& f) : fan_(f) {}
  void on_row(const ior::schema::EventRow& r) noexcept override { fan_.consume(r); }

 private:
  ior::sink::FanOut& fan_;
};

void BM_Pipeline_FeedToSinkThread(benchmark::State& state) {
  Ring ring = make_ring(48'000 / 8, 8, false);
  ior::sink::FanOut fan(ior::sink::FanOutOptions{.chunk_bytes = 1u << 20, .queue_bytes_per_sink = 256u << 20});
  fan.add(std::make_unique<CountingSink>());
  RowsToFanOut consumer(fan);
  ior::event::PipelineOptions options;
  options.proc_root = "/nonexistent";
  options.hostname = "bench";
  ior::event::Pipeline pipeline(options, consumer);
  for (auto _ : state) {
    std::size_t n = 0;
    for (auto [at, len] : ring.records) {
      pipeline.feed({ring.bytes.data() + at, len});
      if (++n % 4096 == 0) fan.publish();
    }
    fan.publish();
  }
  fan.close();
  if (pipeline.stats().mismatches() != 0) state.SkipWithError("records did not pair");
  state.SetItemsProcessed(state.iterations() * ring.events);
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(pipeline.stats().rows_emitted.get()), benchmark::Counter::kIsRate);
  state.counters["sink_drops"] = static_cast<double>(fan.reports()[0].rows_dropped_queue);
}
BENCHMARK(BM_Pipeline_FeedToSinkThread)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
