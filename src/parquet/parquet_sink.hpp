#pragma once
// The -parquet sink: rows into Parquet files, optionally rotated by rows or
// by time (each closed file is complete and readable while the trace goes on).
//
// Rotation by time follows the rows' own time, not the moment they reach
// the sink: periods of rotate_ms from the start of the run, and a row whose
// syscall ended (timestamp_ns + duration_ns) in a later period than the
// file's rows closes the file, so a busy host's files change exactly at the
// period's end. The rows reach the sink in the order their syscalls ended
// (trace/ring_merge.hpp), or nearly: a late one goes to the next file,
// whose start time is widened for it. A quiet host's file is closed by the clock a
// second after its period is over. Each file's ior.start_time and
// ior.end_time bound every row in it: the period (the first file from the
// start of the run, the last to its close), widened for a syscall that
// started before the period (timestamp_ns) or a row that came late.
//
// Each file is written under a hidden temporary name next to its final name
// and renamed once complete (base/output_file.hpp): a file under a final name
// always has its footer. The first file is created by the constructor, so a
// bad path, missing permission or a taken name (without -force: for rotation
// any NAME.<n>.parquet) is a startup error, before tracing begins. A write error later
// (full disk, ...) salvages the file (cut back to its last complete row
// group, footer written), counts the rows of the failed row group and every
// later row as lost, and reports failed: the run exits non-zero.

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
  std::uint64_t rotate_ms = 0;      ///< a new file for every period this long of row time (0: never)
  ExistingOutput existing = ExistingOutput::kRefuse;  ///< kReplace: -force
  WriterOptions writer;             ///< writer.metadata goes into every file
  /// The files' start/end times and the close of a quiet period's file; must outlive the sink.
  const SinkClock* clock = &system_sink_clock();
};

class ParquetSink final : public sink::Sink {
 public:
  explicit ParquetSink(ParquetSinkOptions options);  ///< throws when the file cannot be created
  ~ParquetSink() override;

  void consume(const schema::EventRow& row) noexcept override;
  void consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept override;
  void flush() noexcept override;  ///< closes a time-rotated file whose period is over
  void close() noexcept override;
  void abandon() noexcept override;  ///< the temporary file is removed, the name untouched
  sink::SinkReport report() const override;
  std::optional<sink::SinkCounts> counts() const noexcept override;

  /// The path of file number n (1-based) when rotating: a.parquet -> a.3.parquet.
  static std::string rotated_path(const std::string& base, std::uint64_t n);
  /// The numbers n of the names rotated_path(base, n) taken in base's
  /// directory (any kind of file, links included), in order; empty when
  /// the directory cannot be listed.
  static std::vector<std::uint64_t> rotated_numbers_taken(const std::string& base);
  /// n when file_name (no directory) is rotated_path(base, n)'s last
  /// component, as rotated_path writes it (no leading zero); 0 otherwise.
  static std::uint64_t rotated_number(const std::string& base, std::string_view file_name);

 private:
  /// A quiet period's file is closed this long after the period's end: rows
  /// of syscalls that ended in it may still be on their way to the sink.
  static constexpr std::uint64_t kQuietCloseDelayNs = 1'000'000'000;

  void open_next();
  /// Closes the current file as ending at end_ns; the next row opens the next one.
  void rotate(std::uint64_t end_ns);
  void close_current(std::uint64_t end_ns);
  /// The start and end times of the current file ending at end_ns.
  std::vector<std::pair<std::string, std::string>> file_times(std::uint64_t end_ns) const;
  /// The end of the rotate_ms period that holds time t (not before file_start_ns_'s).
  std::uint64_t period_end_after(std::uint64_t t) const;
  void check_taken_rotated_names() const;
  void fail(const std::exception& e) noexcept;
  bool rotating() const { return options_.rotate_rows != 0 || options_.rotate_ms != 0; }

  ParquetSinkOptions options_;
  std::unique_ptr<FileWriter> writer_;
  bool between_files_ = false;     // a rotation closed a file; the next row opens the next
  std::uint64_t run_start_ns_ = 0;   // unix ns; the periods of rotate_ms count from it
  std::uint64_t file_start_ns_ = 0;  // the current (or next) file's start: the run's, or the last file's end
  std::uint64_t period_end_ns_ = 0;  // rotate_ms: the end of the current file's period
  std::uint64_t first_row_ns_ = UINT64_MAX;  // the earliest timestamp_ns in the current file
  std::uint64_t last_row_ns_ = 0;            // the latest row end in it (timestamp_ns + duration_ns)
  std::uint64_t file_index_ = 0;
  std::uint64_t rows_in_file_ = 0;
  Counter rows_written_;  // the sink's thread writes, the -live footer reads
  Counter rows_lost_;
  std::vector<std::string> files_;  // "wrote path (rows, bytes)" of every closed file, or what is left of it
  std::vector<std::string> not_placed_;  // why each complete file is under its temporary name
  std::string error_;
  bool closed_ = false;
};

/// "2026-11-25T04:22:01.123456789Z" for Unix-epoch nanoseconds.
std::string utc_timestamp(std::uint64_t unix_ns);

}  // namespace ior::parquet
