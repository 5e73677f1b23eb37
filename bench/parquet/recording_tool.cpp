// For bench/report_vs_duckdb.sh: writes a synthetic recording of N rows with
// ior's writer, streaming (the rows are never all in memory), and times ior's
// reader alone on the columns `ior report` projects for its tables.
//   recording_tool write OUT.parquet N    rows shaped like a real trace
//   recording_tool read FILE.parquet      wall_s cpu_s rows rows_per_cpu_s
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "parquet/file_writer.hpp"
#include "parquet/reader/file_reader.hpp"

namespace {

double now(clockid_t c) {
  timespec ts{};
  clock_gettime(c, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The shape of bench/parquet/synthetic_rows.hpp (8 processes, 20 thread
// names, 15 syscalls, 2000 files, lognormal durations), generated row by row.
int write(const char* out, std::size_t n) {
  std::mt19937_64 rng(1);
  std::vector<std::string> comms, syscalls, paths;
  for (int i = 0; i < 20; ++i) comms.push_back("worker-" + std::to_string(i * 7919 % 1000));
  for (const char* s : {"read", "write", "openat", "close", "pread64", "pwrite64", "newfstatat", "lseek", "fsync",
                        "getdents64", "mmap", "statx", "readv", "writev", "fcntl"}) {
    syscalls.emplace_back(s);
  }
  for (int i = 0; i < 2000; ++i) {
    paths.push_back("/var/lib/service/data/" + std::to_string(i % 37) + "/segment-" +
                    std::to_string(i * 104729 % 100000) + ".db");
  }
  std::lognormal_distribution<double> dur(8.0, 1.5);
  ior::parquet::FileWriter w(out, {}, ior::ExistingOutput::kReplace);
  std::uint64_t ts = 1'764'000'000'000'000'000ull;
  for (std::size_t i = 0; i < n; ++i) {
    ior::schema::EventRow r;
    ts += rng() % 20'000;
    r.timestamp_ns = ts;
    auto proc = static_cast<std::uint32_t>(rng() % 8);
    r.pid = 1000 + proc * 17;
    r.tid = r.pid + static_cast<std::uint32_t>(rng() % 6);
    r.comm = comms[(proc * 3 + rng() % 2) % comms.size()];
    auto sc = static_cast<std::size_t>(rng() % syscalls.size());
    r.syscall_name = syscalls[sc];
    r.trace_id = static_cast<std::uint16_t>(sc + 1);
    r.event_type = 4;
    r.ret_value = rng() % 8 == 0 ? -11 : static_cast<std::int64_t>(rng() % 65536);
    r.ret_type = r.ret_value < 0 ? 3 : 2;
    r.bytes = r.ret_value > 0 && sc < 2 ? static_cast<std::uint64_t>(r.ret_value) : 0;
    r.byte_class = sc == 0 ? "read" : sc == 1 ? "write" : "none";
    r.fd = static_cast<std::int32_t>(3 + rng() % 60);
    r.filename = paths[static_cast<std::size_t>(rng() % paths.size())];
    r.flags = 02 | 0100000;
    r.duration_ns = static_cast<std::uint64_t>(dur(rng));
    r.duration_to_prev_ns = rng() % 100'000;
    r.hostname = "db-host-01";
    r.collection_id[0] = 0x42;
    w.append(r);
  }
  w.close();
  return 0;
}

int read(const char* path) {
  double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  ior::parquet::reader::FileReader r(std::make_unique<ior::parquet::reader::FileSource>(path));
  std::uint64_t sum = 0;
  r.read({"trace_id", "syscall_name", "duration_ns", "filename", "pathname", "bytes", "byte_class", "pid", "comm"}, {},
         [&](std::span<const ior::schema::EventRow> rows) {
           for (const auto& row : rows) sum += row.duration_ns + row.filename.size() + row.pid;
         });
  double wall = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  auto n = static_cast<double>(r.stats().rows_read);
  std::printf("wall_s %.3f cpu_s %.3f rows %.0f rows_per_cpu_s %.0f check %llu\n", wall, cpu, n, n / cpu,
              static_cast<unsigned long long>(sum % 1000));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "write" && argc == 4) return write(argv[2], std::strtoull(argv[3], nullptr, 10));
  if (mode == "read" && argc == 3) return read(argv[2]);
  std::fprintf(stderr, "usage: recording_tool write OUT N | read FILE\n");
  return 2;
}
