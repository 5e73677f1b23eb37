// Google Benchmark of ior's Parquet writer on synthetic rows: rows/s (CPU),
// MB/s of raw row bytes, bytes per row in the file.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "parquet/file_writer.hpp"
#include "sink/row_chunk.hpp"
#include "sink/text_row.hpp"
#include "synthetic_rows.hpp"

namespace {

void BM_ParquetWrite(benchmark::State& state, ior::parquet::Compression codec) {
  static const ior::bench::SyntheticRows rows(500'000);
  std::string path = "/tmp/ior_parquet_bench_" + std::to_string(getpid()) + ".parquet";
  std::uint64_t file_bytes = 0;
  std::size_t raw = 0;
  for (const auto& r : rows.rows()) raw += ior::bench::SyntheticRows::raw_bytes(r);
  for (auto _ : state) {
    ior::parquet::WriterOptions o;
    o.compression = codec;
    ior::parquet::FileWriter w(path, o, ior::ExistingOutput::kReplace);  // the same scratch file each round
    for (const auto& r : rows.rows()) w.append(r);
    w.close();
    file_bytes = w.bytes_written();
  }
  std::filesystem::remove(path);
  auto n = static_cast<std::int64_t>(rows.rows().size());
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(raw));
  state.counters["B/row"] = static_cast<double>(file_bytes) / static_cast<double>(n);
}
BENCHMARK_CAPTURE(BM_ParquetWrite, zstd, ior::parquet::Compression::kZstd)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetWrite, snappy, ior::parquet::Compression::kSnappy)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetWrite, none, ior::parquet::Compression::kNone)->Unit(benchmark::kMillisecond);

// The same rows as the Parquet sink gets them: copied into chunks by the
// pipeline (sink/row_chunk.hpp), so every string is at a new address; the
// dictionaries' cache must find values by their bytes, not their pointers,
// and a string equal to the previous row's comes marked as repeated.
// Argument: how many consecutive rows share their strings (a thread doing
// the same syscall on the same file); 1: the synthetic rows as they are,
// every row's strings drawn anew.
void BM_ParquetWriteFromChunks(benchmark::State& state) {
  static const ior::bench::SyntheticRows rows(500'000);
  const auto run = static_cast<std::size_t>(state.range(0));
  std::vector<ior::sink::RowChunk> chunks;
  std::size_t raw = 0;
  for (std::size_t i = 0; i < rows.rows().size(); ++i) {
    if (i % 4096 == 0) chunks.emplace_back();
    ior::schema::EventRow r = rows.rows()[i];
    const ior::schema::EventRow& first = rows.rows()[i - i % run];
    r.comm = first.comm;
    r.syscall_name = first.syscall_name;
    r.filename = first.filename;
    chunks.back().append(r);
    raw += ior::bench::SyntheticRows::raw_bytes(r);
  }
  std::string path = "/tmp/ior_parquet_bench_" + std::to_string(getpid()) + ".parquet";
  for (auto _ : state) {
    ior::parquet::WriterOptions o;
    o.compression = ior::parquet::Compression::kNone;
    ior::parquet::FileWriter w(path, o, ior::ExistingOutput::kReplace);
    for (const auto& c : chunks) {
      c.for_each_row([&](const ior::schema::EventRow& r, const ior::schema::RowRepeats& repeats) {
        w.append(r, repeats);
      });
    }
    w.close();
  }
  std::filesystem::remove(path);
  auto n = static_cast<std::int64_t>(rows.rows().size());
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(raw));
}
BENCHMARK(BM_ParquetWriteFromChunks)->Arg(1)->Arg(16)->Unit(benchmark::kMillisecond);

// What making every string column text costs the writer per row: the
// UTF-8 validation of all string columns of a row (all valid here, as in a
// real trace), the part FileWriter::append added for STRING columns.
void BM_TextRowCheck(benchmark::State& state) {
  static const ior::bench::SyntheticRows rows(500'000);
  ior::sink::TextRow text;
  std::size_t raw = 0;
  for (const auto& r : rows.rows()) raw += ior::bench::SyntheticRows::raw_bytes(r);
  for (auto _ : state) {
    for (const auto& r : rows.rows()) benchmark::DoNotOptimize(&text.apply(r));
  }
  auto n = static_cast<std::int64_t>(rows.rows().size());
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(raw));
}
BENCHMARK(BM_TextRowCheck)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
