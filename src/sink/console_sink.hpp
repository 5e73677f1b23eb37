#pragma once
// The Go tool's console format: one CSV line per syscall,
//   durationToPrevNs,durationNs,comm,pid.tid,name,ret,notice,file
// comm and file are escaped for the terminal (base/terminal_text.hpp, with '
// escaped too) and CSV-quoted when they hold a comma or double quote; file is
// one name, or for renames and links the two names each in single quotes,
// 'old' -> 'new' (so a file named "a -> b" is not taken for a rename).
// written through a large buffer with write(2), so the terminal or pipe costs
// one syscall per buffer, not per row. The tracer excludes ior's own pid, so
// these writes are never traced.

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "schema/row_repeats.hpp"
#include "sink/buffered_rows.hpp"
#include "sink/sink.hpp"

namespace ior::sink {

class ConsoleSink final : public Sink {
 public:
  /// Writes to fd (not owned). buffer_bytes: flush threshold.
  explicit ConsoleSink(int fd, std::size_t buffer_bytes = 64 * 1024);
  ~ConsoleSink() override;

  static constexpr const char* kHeader =
      "durationToPrevNs,durationNs,comm,pid.tid,name,ret,notice,file";

  void consume(const schema::EventRow& row) noexcept override;
  /// The same line; a comm or file field whose columns repeat the row just
  /// written is copied from that row's line instead of escaped again.
  void consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept override;
  void flush() noexcept override;
  /// From now on a write interrupted by a signal is given up (counted lost).
  void stop_requested() noexcept override { stopping_.store(true, std::memory_order_relaxed); }
  void close() noexcept override;
  SinkReport report() const override;
  std::optional<SinkCounts> counts() const noexcept override { return out_.counts(); }

 private:
  void write_out() noexcept;
  void append_line(const schema::EventRow& row, bool same_comm, bool same_file);
  /// A loop's line, whose comm and file are the line before's and which has
  /// no notice (the caller knows), built on the stack and appended at once;
  /// false when those fields are gone from the buffer or do not fit.
  bool append_repeated_line(const schema::EventRow& row);

  int fd_;
  std::size_t threshold_;
  BufferedRows out_;
  std::string error_;
  bool closed_ = false;
  // Where the last line's comm and file fields are in the buffer, as
  // written (escaped, quoted): a loop's rows repeat both, and escaping is
  // most of a line's cost. Gone when the buffer is written out.
  struct Field {
    std::size_t at = 0;
    std::size_t size = 0;
    bool valid = false;
  };
  template <class Make>
  void append_field(Field& field, bool same, Make&& make);
  Field comm_field_;
  Field file_field_;
  schema::RepeatTracker last_row_;
  std::atomic<bool> stopping_{false};
};

/// Appends the console "file" field for a row: filename, pathname, or
/// 'old' -> 'new'; escaped, and CSV-quoted when it holds a comma or quote.
void append_file_field(std::string& out, const schema::EventRow& row);

/// Appends notice bits as words joined by '|' ("truncated|fd-from-proc").
void append_notice(std::string& out, std::uint8_t notice);

}  // namespace ior::sink
