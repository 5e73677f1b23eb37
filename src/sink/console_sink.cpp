#include "sink/console_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ior::sink {
namespace {

template <class T>
void append_number(std::string& out, T v) {
  char tmp[24];
  auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  (void)ec;
  out.append(tmp, static_cast<std::size_t>(end - tmp));
}

bool needs_quoting(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ',' || c == '"' || c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// CSV-quotes s; control bytes become \xNN so one row stays one line.
void append_csv(std::string& out, std::string_view s) {
  if (!needs_quoting(s)) {
    out.append(s);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out.append("\"\"");
    } else if (c < 0x20 || c == 0x7f) {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

}  // namespace

void append_file_field(std::string& out, const schema::EventRow& row) {
  if (!row.oldname.empty() || !row.newname.empty()) {
    if (!needs_quoting(row.oldname) && !needs_quoting(row.newname)) {
      out.append(row.oldname).append(" -> ").append(row.newname);  // the common case: no copy
    } else {
      std::string both;
      both.append(row.oldname).append(" -> ").append(row.newname);
      append_csv(out, both);
    }
  } else if (!row.filename.empty()) {
    append_csv(out, row.filename);
  } else {
    append_csv(out, row.pathname);
  }
}

void append_notice(std::string& out, std::uint8_t notice) {
  static constexpr struct {
    std::uint8_t bit;
    const char* word;
  } kWords[] = {{schema::kNoticeTruncated, "truncated"},
                {schema::kNoticeUnreadable, "unreadable"},
                {schema::kNoticeFdFromProc, "fd-from-proc"},
                {schema::kNoticeFdUnknown, "fd-unknown"}};
  bool first = true;
  for (const auto& w : kWords) {
    if ((notice & w.bit) == 0) continue;
    if (!first) out.push_back('|');
    out.append(w.word);
    first = false;
  }
}

ConsoleSink::ConsoleSink(int fd, std::size_t buffer_bytes) : fd_(fd), threshold_(buffer_bytes) {
  buf_.reserve(threshold_ + 8192);
  buf_.append(kHeader).push_back('\n');
}

ConsoleSink::~ConsoleSink() { close(); }

void ConsoleSink::consume(const schema::EventRow& row) noexcept try {
  append_number(buf_, row.duration_to_prev_ns);
  buf_.push_back(',');
  append_number(buf_, row.duration_ns);
  buf_.push_back(',');
  append_csv(buf_, row.comm);
  buf_.push_back(',');
  append_number(buf_, row.pid);
  buf_.push_back('.');
  append_number(buf_, row.tid);
  buf_.push_back(',');
  buf_.append(row.syscall_name);
  buf_.push_back(',');
  append_number(buf_, row.ret_value);
  buf_.push_back(',');
  append_notice(buf_, row.notice);
  buf_.push_back(',');
  append_file_field(buf_, row);
  buf_.push_back('\n');
  ++rows_in_buffer_;
  if (buf_.size() >= threshold_) write_out();
} catch (...) {
  ++rows_lost_;  // out of memory for the line: counted, the next rows go on
}

void ConsoleSink::flush() noexcept { write_out(); }

void ConsoleSink::write_out() noexcept {
  std::size_t off = 0;
  while (off < buf_.size() && error_.empty()) {
    ssize_t n = ::write(fd_, buf_.data() + off, buf_.size() - off);
    if (n < 0) {
      if (errno == EINTR && !stopping_.load(std::memory_order_relaxed)) continue;
      error_ = errno == EINTR ? std::string("console: standard output took no more output at the stop (a paused "
                                            "terminal or a pipe nobody reads)")
                              : std::string("console: write to standard output failed: ") + std::strerror(errno);
      break;
    }
    off += static_cast<std::size_t>(n);
  }
  if (error_.empty()) {
    rows_written_ += rows_in_buffer_;
  } else {
    rows_lost_ += rows_in_buffer_;
  }
  rows_in_buffer_ = 0;
  buf_.clear();
}

void ConsoleSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  write_out();
}

SinkReport ConsoleSink::report() const {
  SinkReport r;
  r.name = "console";
  r.rows_written = rows_written_;
  r.rows_lost = rows_lost_;
  if (!error_.empty()) {
    r.lines.push_back(error_);
    r.failed = true;
  }
  return r;
}

}  // namespace ior::sink
