#pragma once
// The -parquet sink: rows into Parquet files, optionally rotated by rows or
// by time (each closed file is complete and readable while the trace goes on).
//
// Each file is written under a hidden temporary name next to its final name
// and renamed once complete (base/output_file.hpp): a file under a final name
// always has its footer. The first file is created by the constructor, so a
// bad path, missing permission or a taken name (without -force: for rotation
// any NAME.<n>.parquet) is a startup error, before tracing begins. A write error later
// (full disk, ...) salvages the file (cut back to its last complete row
// group, footer written), counts the rows of the failed row group and every
// later row as lost, and reports failed: the run exits non-zero.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/counter.hpp"
#include "parquet/file_writer.hpp"
#include "parquet/sink_clock.hpp"
#include "parquet/writer_options.hpp"
#include "sink/sink.hpp"

namespace ior::parquet {

struct ParquetSinkOptions {
  std::string path;                 ///< the file, or the base name when rotating
  std::uint64_t rotate_rows = 0;    ///< start a new file after this many rows (0: never)
  std::uint64_t rotate_ms = 0;      ///< start a new file after this long (0: never)
  ExistingOutput existing = ExistingOutput::kRefuse;  ///< kReplace: -force
  WriterOptions writer;             ///< writer.metadata goes into every file
  /// Time for rotate_ms and the files' start/end times; must outlive the sink.
  const SinkClock* clock = &system_sink_clock();
};

class ParquetSink final : public sink::Sink {
 public:
  explicit ParquetSink(ParquetSinkOptions options);  ///< throws when the file cannot be created
  ~ParquetSink() override;

  void consume(const schema::EventRow& row) noexcept override;
  void consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept override;
  void flush() noexcept override;  ///< time-based rotation
  void close() noexcept override;
  void abandon() noexcept override;  ///< the temporary file is removed, the name untouched
  sink::SinkReport report() const override;
  std::optional<sink::SinkCounts> counts() const noexcept override;

  /// The path of file number n (1-based) when rotating: a.parquet -> a.3.parquet.
  static std::string rotated_path(const std::string& base, std::uint64_t n);

 private:
  void open_next();
  /// Closes the current file; the next row opens the next one.
  void rotate();
  void close_current();
  void refuse_taken_rotated_names() const;
  void fail(const std::exception& e) noexcept;
  bool rotating() const { return options_.rotate_rows != 0 || options_.rotate_ms != 0; }

  ParquetSinkOptions options_;
  std::unique_ptr<FileWriter> writer_;
  bool between_files_ = false;     // a rotation closed a file; the next row opens the next
  std::uint64_t rotated_at_ns_ = 0;  // when (unix ns): the next file's start time
  std::uint64_t file_index_ = 0;
  std::uint64_t rows_in_file_ = 0;
  std::chrono::steady_clock::time_point file_started_;
  Counter rows_written_;  // the sink's thread writes, the -live footer reads
  Counter rows_lost_;
  std::vector<std::string> files_;  // "path (rows, bytes)" of every closed file
  std::string error_;
  bool closed_ = false;
};

/// "2026-11-25T04:22:01.123456789Z" for Unix-epoch nanoseconds.
std::string utc_timestamp(std::uint64_t unix_ns);

}  // namespace ior::parquet
