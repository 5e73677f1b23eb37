#include "parquet/parquet_sink.hpp"

#include "base/output_file.hpp"
#include "base/saturating.hpp"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace ior::parquet {

std::string utc_timestamp(std::uint64_t unix_ns) {
  time_t secs = static_cast<time_t>(unix_ns / 1'000'000'000ull);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned long long>(unix_ns % 1'000'000'000ull));
  return buf;
}

std::string ParquetSink::rotated_path(const std::string& base, std::uint64_t n) {
  const std::string ext = ".parquet";
  std::string stem = base;
  if (stem.size() > ext.size() && stem.compare(stem.size() - ext.size(), ext.size(), ext) == 0) {
    stem.resize(stem.size() - ext.size());
  }
  return stem + "." + std::to_string(n) + ext;
}

ParquetSink::ParquetSink(ParquetSinkOptions options) : options_(std::move(options)) {
  run_start_ns_ = options_.clock->unix_ns();
  file_start_ns_ = run_start_ns_;
  open_next();
  if (rotating()) check_taken_rotated_names();
}

std::uint64_t ParquetSink::rotated_number(const std::string& base, std::string_view n) {
  const std::string name = std::filesystem::path(rotated_path(base, 1)).filename().string();
  const std::string_view stem = std::string_view(name).substr(0, name.size() - std::string_view("1.parquet").size());
  constexpr std::string_view ext = ".parquet";
  if (n.size() <= stem.size() + ext.size() || !n.starts_with(stem) || !n.ends_with(ext)) return 0;
  const std::string_view number = n.substr(stem.size(), n.size() - stem.size() - ext.size());
  if (number.size() > 19 || number.front() == '0') return 0;
  std::uint64_t v = 0;
  for (char c : number) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::vector<std::uint64_t> ParquetSink::rotated_numbers_taken(const std::string& base) {
  const std::filesystem::path first = rotated_path(base, 1);
  std::error_code ec;
  const auto dir = first.has_parent_path() ? first.parent_path() : std::filesystem::path(".");
  std::vector<std::uint64_t> out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (const std::uint64_t n = rotated_number(base, e.path().filename().string()); n != 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Names of later files are known only when they are reached; refusing one
// then would stop the run half way, so every NAME.<n>.parquet taken is
// checked now: without -force any is refused; with it, one that -force
// never replaces (a directory, a device, a link to /dev/null or /proc).
// An unreadable directory cannot be listed: each rename still refuses to
// replace a taken name (the file is then kept under its temporary name).
void ParquetSink::check_taken_rotated_names() const {
  for (const std::uint64_t n : rotated_numbers_taken(options_.path)) {
    const std::string path = rotated_path(options_.path, n);
    if (options_.existing == ExistingOutput::kRefuse) throw Error("parquet: " + path + " exists; -force replaces it");
    if (n > 1) check_output_path(path, OutputOptions{.label = "parquet", .existing = options_.existing});
  }
}

ParquetSink::~ParquetSink() { close(); }

void ParquetSink::open_next() {
  ++file_index_;
  std::string path = rotating() ? rotated_path(options_.path, file_index_) : options_.path;
  WriterOptions w = options_.writer;
  if (rotating()) w.metadata.emplace_back("ior.file_index", std::to_string(file_index_));
  // A later rotated name taken during the run must not stop the trace: that
  // file is kept under its temporary name and reported when it is closed.
  const bool later = file_index_ > 1 && options_.existing == ExistingOutput::kRefuse;
  writer_ = std::make_unique<FileWriter>(path, std::move(w), later ? ExistingOutput::kRefuseAtRename : options_.existing);
  rows_in_file_ = 0;
  first_row_ns_ = UINT64_MAX;
  last_row_ns_ = 0;
}

std::uint64_t ParquetSink::period_end_after(std::uint64_t t) const {
  const std::uint64_t period = options_.rotate_ms * 1'000'000ull;
  t = std::max(t, file_start_ns_);
  if (t < run_start_ns_) return run_start_ns_ + period;
  const std::uint64_t periods = (t - run_start_ns_) / period + 1;
  if (periods > (UINT64_MAX - run_start_ns_) / period) return UINT64_MAX;  // a row from the far future
  return run_start_ns_ + periods * period;
}

std::vector<std::pair<std::string, std::string>> ParquetSink::file_times(std::uint64_t end_ns) const {
  return {{"ior.start_time", utc_timestamp(std::min(file_start_ns_, first_row_ns_))},
          {"ior.end_time", utc_timestamp(std::max(end_ns, last_row_ns_))}};
}

void ParquetSink::rotate(std::uint64_t end_ns) {
  close_current(end_ns);
  between_files_ = true;
  rows_in_file_ = 0;
  file_start_ns_ = end_ns;  // the files cover the run without gaps
}

void ParquetSink::close_current(std::uint64_t end_ns) {
  if (!writer_) return;
  std::uint64_t rows = writer_->rows_committed() + writer_->rows_buffered();
  try {
    writer_->close(file_times(end_ns));
  } catch (const OutputNotPlaced& e) {
    // Complete, only not under its name: the rows are written, the run
    // failed. Each such file is explained (rotation can leave several).
    not_placed_.push_back(e.what());
  }
  rows_written_.add(rows);
  files_.push_back("wrote " + writer_->location() + " (" + std::to_string(rows) + " rows, " +
                   std::to_string(writer_->bytes_written()) + " bytes)");
  writer_.reset();
}

void ParquetSink::fail(const std::exception& e) noexcept {
  if (error_.empty()) error_ = e.what();
  if (writer_) {
    const std::uint64_t appended = writer_->rows_committed() + writer_->rows_buffered();
    bool ok = writer_->salvage(file_times(options_.clock->unix_ns()));
    std::string path = ok ? writer_->location() : writer_->path();
    if (!writer_->not_placed().empty()) error_ += "; " + writer_->not_placed();
    const std::uint64_t kept = ok ? writer_->rows_committed() : 0;
    rows_written_.add(kept);
    rows_lost_.add(appended - kept);
    // Each line says what is there: "wrote" only of a file that is.
    files_.push_back(ok ? "wrote " + path + " (cut back to its last complete row group: " + std::to_string(kept) +
                              " rows)"
                        : "nothing is left of " + path + " (it could not be completed, see the error)");
    writer_.reset();
  }
}

void ParquetSink::consume(const schema::EventRow& row) noexcept { consume_in_batch(row, schema::RowRepeats{}); }

void ParquetSink::consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept {
  if (!writer_ && !between_files_) {
    rows_lost_.add();
    return;
  }
  const std::uint64_t row_end = saturating_add(row.timestamp_ns, row.duration_ns);
  try {
    if (options_.rotate_ms != 0 && rows_in_file_ != 0 && row_end >= period_end_ns_) rotate(period_end_ns_);
    // The next file is opened by its first row: a run whose rows end at a
    // rotation leaves no empty file.
    if (between_files_) {
      between_files_ = false;
      open_next();
    }
    if (options_.rotate_ms != 0 && rows_in_file_ == 0) period_end_ns_ = period_end_after(row_end);
    writer_->append(row, repeats);
    ++rows_in_file_;
    first_row_ns_ = std::min(first_row_ns_, row.timestamp_ns);
    last_row_ns_ = std::max(last_row_ns_, row_end);
    if (options_.rotate_rows != 0 && rows_in_file_ >= options_.rotate_rows) rotate(options_.clock->unix_ns());
  } catch (const std::exception& e) {
    fail(e);
  } catch (...) {
    fail(std::runtime_error("unknown error"));
  }
}

void ParquetSink::flush() noexcept {
  if (!writer_ || options_.rotate_ms == 0 || rows_in_file_ == 0) return;
  const std::uint64_t now = options_.clock->unix_ns();
  if (now < period_end_ns_ || now - period_end_ns_ < kQuietCloseDelayNs) return;
  try {
    rotate(period_end_ns_);
  } catch (const std::exception& e) {
    fail(e);
  } catch (...) {
    fail(std::runtime_error("unknown error"));
  }
}

void ParquetSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  try {
    close_current(options_.clock->unix_ns());
  } catch (const std::exception& e) {
    fail(e);
  } catch (...) {
    fail(std::runtime_error("unknown error"));
  }
}

void ParquetSink::abandon() noexcept {
  if (closed_) return;
  closed_ = true;
  writer_.reset();  // a file never closed is removed
}

std::optional<sink::SinkCounts> ParquetSink::counts() const noexcept {
  sink::SinkCounts c;
  c.rows_written = rows_written_.get();  // rows of closed files (and salvaged row groups)
  c.rows_lost = rows_lost_.get();
  return c;
}

sink::SinkReport ParquetSink::report() const {
  sink::SinkReport r;
  r.name = "parquet";
  const sink::SinkCounts c = *counts();
  r.rows_written = c.rows_written;
  r.rows_lost = c.rows_lost;
  for (const auto& f : files_) r.lines.push_back(f);
  for (const auto& why : not_placed_) {
    r.failed = true;
    r.lines.push_back(why);
  }
  if (!error_.empty()) {
    r.failed = true;
    r.lines.push_back(error_);
  }
  return r;
}

}  // namespace ior::parquet
