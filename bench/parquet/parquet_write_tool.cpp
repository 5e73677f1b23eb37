// For bench/parquet_vs_peers.sh: writes N synthetic rows with ior's writer and
// prints wall and CPU seconds, rows/s and bytes per row; or writes them once
// uncompressed as the source file the peers (chDB, DuckDB) load.
//   parquet_write_tool bench OUT N [ROWGROUP]
//   parquet_write_tool source OUT N
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "parquet/file_writer.hpp"
#include "synthetic_rows.hpp"

namespace {

double now(clockid_t id) {
  struct timespec ts {};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: parquet_write_tool bench|source OUT N [ROWGROUP]\n");
    return 2;
  }
  std::string mode = argv[1];
  std::size_t n = std::strtoull(argv[3], nullptr, 10);
  ior::bench::SyntheticRows rows(n);
  ior::parquet::WriterOptions o;
  if (argc > 4) o.row_group_rows = std::strtoull(argv[4], nullptr, 10);
  if (mode == "source") o.compression = ior::parquet::Compression::kNone;
  double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  ior::parquet::FileWriter w(argv[2], o, ior::ExistingOutput::kReplace);
  for (const auto& r : rows.rows()) w.append(r);
  w.close();
  double wall = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  std::size_t raw = 0;
  for (const auto& r : rows.rows()) raw += ior::bench::SyntheticRows::raw_bytes(r);
  std::printf("wall_s %.3f cpu_s %.3f rows %zu bytes %llu raw_bytes_per_row %.1f\n", wall, cpu, n,
              static_cast<unsigned long long>(w.bytes_written()),
              static_cast<double>(raw) / static_cast<double>(n));
  return 0;
}
