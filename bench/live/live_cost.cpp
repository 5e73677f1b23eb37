// The CPU the live view costs ior at a given rate of traced syscalls:
//   live_cost [ROWS_PER_SEC [SECONDS [FILES [PIDS [RUN]]]]]   (default 100000 10 2000 50 1)
// A producer thread hands rows to a LiveSink at the rate (as a SinkRunner
// would: its CPU is the sink's consume() cost), the main thread refreshes
// once a second as the UI does (swap, merge, the Files, Processes and
// Syscalls tables built, sorted, cut). A first pass makes the same rows
// without the sink, to subtract their making. Prints the CPU seconds of
// each side per wall second, i.e. the share of one core. Drawing is not included
// (one screen per refresh); the rows are synthetic, with a mix of files,
// processes, syscalls, errors and latencies. RUN > 1 repeats each row's
// key RUN times in a row (a thread reading one file in a loop: what the
// sink's per-thread last-key cache is for); 1 is the worst case, every row
// a fresh draw.
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "live/live_model.hpp"
#include "live/live_sink.hpp"

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const double rate = argc > 1 ? std::atof(argv[1]) : 100000;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  const int files = argc > 3 ? std::atoi(argv[3]) : 2000;
  const int pids = argc > 4 ? std::atoi(argv[4]) : 50;
  const int run = argc > 5 ? std::max(1, std::atoi(argv[5])) : 1;

  std::vector<std::string> names;
  for (int i = 0; i < files; ++i) names.push_back("/srv/data/d" + std::to_string(i % 37) + "/file-" + std::to_string(i));
  const std::string syscalls[] = {"read", "write", "openat", "close", "pread64", "newfstatat", "lseek", "fsync"};
  const std::string comms[] = {"postgres", "nginx", "java", "python3", "rsync"};

  ior::live::LiveSink sink;
  std::atomic<bool> done{false};
  double producer_cpu = 0;
  std::uint64_t produced = 0;
  bool use_sink = false;  // first pass: making the rows only, the baseline
  auto produce = [&] {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> latency(8.5, 1.5);  // ~5 us median, a long tail
    const double cpu0 = thread_cpu_s();
    const auto start = std::chrono::steady_clock::now();
    ior::schema::EventRow row;
    while (true) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (t >= seconds) break;
      const auto due = static_cast<std::uint64_t>(t * rate);
      // rows in batches, as the SinkRunner hands over a chunk every 10 ms
      for (; produced < due; ++produced) {
        if (produced % static_cast<std::uint64_t>(run) != 0) {
          row.timestamp_ns = produced;
          if (use_sink) sink.consume(row);
          continue;
        }
        const auto r = rng();
        // a few hot files get most calls
        const std::size_t file = (r & 3) != 0 ? (r >> 8) % 20 : (r >> 8) % names.size();
        row.pid = 1000 + static_cast<std::uint32_t>((r >> 20) % static_cast<std::uint64_t>(pids));
        row.tid = row.pid;
        row.comm = comms[row.pid % 5];
        row.syscall_name = syscalls[(r >> 32) % 8];
        row.filename = names[file];
        row.duration_ns = static_cast<std::uint64_t>(latency(rng));
        const bool fail = (r >> 40) % 100 == 0;
        row.ret_type = static_cast<std::uint8_t>(fail ? ior::schema::RetType::kError : ior::schema::RetType::kBytes);
        row.ret_value = fail ? -2 : 4096;
        row.bytes = fail ? 0 : 4096;
        row.byte_class = (r >> 33) & 1 ? "read" : "write";
        row.timestamp_ns = produced;
        if (use_sink) sink.consume(row);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    producer_cpu = thread_cpu_s() - cpu0;
    done = true;
  };
  std::thread(produce).join();
  const double making_cpu = producer_cpu;
  produced = 0;
  done = false;
  use_sink = true;
  std::thread producer(produce);

  ior::live::LiveModel model;
  ior::live::Interval spare;
  const double ui_cpu0 = thread_cpu_s();
  auto last = std::chrono::steady_clock::now();
  int refreshes = 0;
  std::size_t rows_shown = 0;
  while (!done) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto now = std::chrono::steady_clock::now();
    spare.clear();
    sink.swap_interval(spare);
    model.apply(spare, std::chrono::duration<double>(now - last).count());
    last = now;
    for (auto v : {ior::live::View::kFiles, ior::live::View::kProcesses, ior::live::View::kSyscalls}) {
      rows_shown += model.table(v).rows.size();
    }
    ++refreshes;
  }
  const double ui_cpu = thread_cpu_s() - ui_cpu0;
  producer.join();

  std::printf("rows\t%llu\nrate\t%.0f\nseconds\t%.1f\nrefreshes\t%d\nkeys\t%zu\n",
              static_cast<unsigned long long>(model.rows_total()), rate, seconds, refreshes, model.keys());
  std::printf("sink_cpu_share\t%.2f%%\t(consume: %.2f%% with the rows made, %.2f%% making them alone)\n",
              100 * (producer_cpu - making_cpu) / seconds, 100 * producer_cpu / seconds, 100 * making_cpu / seconds);
  std::printf("ui_cpu_share\t%.2f%%\t(per refresh %.2f ms: swap, merge, 3 tables)\n", 100 * ui_cpu / seconds,
              refreshes ? 1000 * ui_cpu / refreshes : 0.0);
  std::printf("total_share\t%.2f%%\n", 100 * (producer_cpu - making_cpu + ui_cpu) / seconds);
  return rows_shown == 0 ? 1 : 0;
}
