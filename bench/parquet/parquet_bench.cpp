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
// dictionaries' cache must find values by their bytes, not their pointers.
void BM_ParquetWriteFromChunks(benchmark::State& state) {
  static const ior::bench::SyntheticRows rows(500'000);
  std::vector<ior::sink::RowChunk> chunks;
  for (std::size_t i = 0; i < rows.rows().size(); ++i) {
    if (i % 4096 == 0) chunks.emplace_back();
    chunks.back().append(rows.rows()[i]);
  }
  std::string path = "/tmp/ior_parquet_bench_" + std::to_string(getpid()) + ".parquet";
  std::size_t raw = 0;
  for (const auto& r : rows.rows()) raw += ior::bench::SyntheticRows::raw_bytes(r);
  for (auto _ : state) {
    ior::parquet::WriterOptions o;
    o.compression = ior::parquet::Compression::kNone;
    ior::parquet::FileWriter w(path, o, ior::ExistingOutput::kReplace);
    for (const auto& c : chunks) c.for_each_row([&](const ior::schema::EventRow& r) { w.append(r); });
    w.close();
  }
  std::filesystem::remove(path);
  auto n = static_cast<std::int64_t>(rows.rows().size());
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(raw));
}
BENCHMARK(BM_ParquetWriteFromChunks)->Unit(benchmark::kMillisecond);

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
