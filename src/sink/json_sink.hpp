#pragma once
// The JSON lines output (-json to standard output, -json-file FILE): one
// JSON object per row (sink/json_row.hpp, docs/JSON.md), for jq, Vector,
// Fluent Bit and other log pipelines. Strings are made valid UTF-8 by the
// same reversible escape as Parquet's text columns (sink/text_row.hpp,
// notice bit 64), then escaped for JSON.
//
// Rows are formatted into a buffer and written with one write(2) per
// 64 KiB and at every flush() (about once a second), on the sink's own
// thread (SinkRunner): a slow reader of standard output or a slow disk
// fills this sink's bounded queue, never the ring-buffer reader's time.
// A file is created at construction, under a temporary name next to FILE
// (base/output_file.hpp: O_EXCL|O_NOFOLLOW, 0600), and renamed to FILE at
// close(); a taken FILE is refused before tracing (without -force). After a
// write error the file is cut back to its last complete line and placed
// under FILE, so what was written stays readable; the rows not written are
// counted lost and the run fails.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/output_file.hpp"
#include "sink/buffered_rows.hpp"
#include "sink/sink.hpp"
#include "sink/text_row.hpp"

namespace ior::sink {

class JsonSink final : public Sink {
 public:
  /// Lines to fd (not owned), e.g. standard output.
  explicit JsonSink(int fd, std::size_t buffer_bytes = 64 * 1024);
  /// Lines into a new file at path; throws Error/SystemError naming it.
  JsonSink(const std::string& path, ExistingOutput existing, std::size_t buffer_bytes = 64 * 1024);
  ~JsonSink() override;

  void consume(const schema::EventRow& row) noexcept override;
  void flush() noexcept override;
  /// From now on a write to fd interrupted by a signal is given up.
  void stop_requested() noexcept override { stopping_.store(true, std::memory_order_relaxed); }
  void close() noexcept override;
  void abandon() noexcept override;  ///< the temporary file is removed, the name untouched
  SinkReport report() const override;
  std::optional<SinkCounts> counts() const noexcept override { return out_.counts(); }

 private:
  void write_out() noexcept;
  void fail(std::string message) noexcept;

  int fd_ = -1;
  std::unique_ptr<OutputFile> file_;
  std::size_t threshold_;
  BufferedRows out_;
  TextRow text_;
  std::uint64_t bytes_written_ = 0;  // complete lines in the file or on fd
  std::string location_;             // where the file is, once closed
  std::string error_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace ior::sink
