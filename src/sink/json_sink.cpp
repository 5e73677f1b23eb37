#include "sink/json_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "base/write_all.hpp"
#include "sink/json_row.hpp"

namespace ior::sink {

JsonSink::JsonSink(int fd, std::size_t buffer_bytes) : fd_(fd), threshold_(buffer_bytes) {
  out_.text.reserve(threshold_ + 8192);
}

JsonSink::JsonSink(const std::string& path, ExistingOutput existing, std::size_t buffer_bytes)
    : file_(std::make_unique<OutputFile>(path, OutputOptions{.label = "json", .existing = existing, .durable = true})),
      threshold_(buffer_bytes) {
  fd_ = file_->fd();
  out_.text.reserve(threshold_ + 8192);
}

JsonSink::~JsonSink() { close(); }

void JsonSink::consume(const schema::EventRow& row) noexcept try {
  if (!error_.empty()) {
    out_.lost.add();
    return;
  }
  append_json_row(out_.text, text_.apply(row));
  ++out_.pending;
  if (out_.text.size() >= threshold_) write_out();
} catch (...) {
  out_.lost.add();  // out of memory for the line: counted, the next rows go on
}

void JsonSink::flush() noexcept { write_out(); }

void JsonSink::fail(std::string message) noexcept {
  if (error_.empty()) error_ = std::move(message);
}

void JsonSink::write_out() noexcept {
  std::size_t out = 0;
  if (error_.empty() && !out_.text.empty()) {
    const int err = file_ ? write_all(fd_, out_.text, &out) : write_all(fd_, out_.text, stopping_, &out);
    if (err == 0) {
      bytes_written_ += out_.text.size();
      out_.settle(true);
      return;
    }
    // The whole lines of a write cut short are out: they count as written
    // (settle), and a file keeps them (close cuts it back to here).
    const std::size_t nl = out == 0 ? std::string::npos : out_.text.rfind('\n', out - 1);
    if (nl != std::string::npos) bytes_written_ += nl + 1;
    if (file_) {
      fail("json: write to " + file_->path() + " failed: " + std::strerror(err));
    } else {
      fail(err == EINTR ? std::string("json: standard output took no more output at the stop (a paused terminal "
                                      "or a pipe nobody reads)")
                        : std::string("json: write to standard output failed: ") + std::strerror(err));
    }
  }
  out_.settle(error_.empty(), out);
}

void JsonSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  write_out();
  if (!file_) return;
  location_ = file_->path();
  try {
    // A failed write may have left part of a line: cut back to the last
    // complete one, so every line of the file parses.
    if (!error_.empty() && ::ftruncate(file_->fd(), static_cast<off_t>(bytes_written_)) != 0) {
      file_->discard();
      out_.lose_written();
      location_.clear();
      return;
    }
    file_->commit();
  } catch (const OutputNotPlaced& e) {
    location_ = e.kept_path();  // complete, only not under its name: the rows are written
    fail(e.what());
  } catch (const std::exception& e) {
    fail(e.what());  // fsync failed: the file is removed
    out_.lose_written();
    location_.clear();
  }
}

void JsonSink::abandon() noexcept {
  if (closed_) return;
  closed_ = true;
  abandoned_ = true;
  if (file_) file_->discard();
}

SinkReport JsonSink::report() const {
  SinkReport r;
  r.name = file_ ? "json-file" : "json";
  r.rows_written = out_.written.get();
  r.rows_lost = out_.lost.get();
  if (file_ && closed_ && !abandoned_) {
    r.lines.push_back(location_.empty() ? "wrote no file under " + file_->path()
                                        : "wrote " + location_ + " (" + std::to_string(out_.written.get()) + " rows, " +
                                              std::to_string(bytes_written_) + " bytes)");
  }
  if (!error_.empty()) {
    r.lines.push_back(error_);
    r.failed = true;
  }
  return r;
}

}  // namespace ior::sink
