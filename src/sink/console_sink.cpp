#include "sink/console_sink.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "base/short_bytes.hpp"
#include "base/terminal_text.hpp"
#include "base/write_all.hpp"
#include "schema/columns.hpp"

namespace ior::sink {
namespace {

// A run of numbers and separators, formatted on the stack and appended to
// the line at once. A run holds at most two numbers (20 bytes each at most)
// and three separators.
class NumberRun {
 public:
  template <class T>
  NumberRun& number(T v) {
    p_ = std::to_chars(p_, buf_ + sizeof buf_, v).ptr;
    return *this;
  }
  NumberRun& put(char c) {
    *p_++ = c;
    return *this;
  }
  /// Appends the run to out and starts an empty one.
  void append_to(std::string& out) {
    out.append(buf_, static_cast<std::size_t>(p_ - buf_));
    p_ = buf_;
  }

 private:
  char buf_[64];
  char* p_ = buf_;
};

// comm and file names: escaped for the terminal, with ' escaped as well
// because it quotes the two names of a rename.
constexpr TerminalTextOptions console_text_options() {
  TerminalTextOptions o;
  o.also_escape = "'";
  return o;
}
constexpr TerminalTextOptions kConsoleText = console_text_options();

// Escaping adds neither commas nor double quotes, so whether a field needs
// CSV quotes is seen on the raw text (memchr, fast on every row).
bool needs_csv_quotes(std::string_view raw) {
  return raw.find(',') != std::string_view::npos || raw.find('"') != std::string_view::npos;
}

// CSV-quotes the field that starts at out[start] (escaped text holds no
// control byte, so one row stays one line).
void quote_field_from(std::string& out, std::size_t start) {
  const std::string field = out.substr(start);
  out.resize(start);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_text_field(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  append_terminal_text(out, text, kConsoleText);
  if (needs_csv_quotes(text)) quote_field_from(out, start);
}

}  // namespace

void append_file_field(std::string& out, const schema::EventRow& row) {
  // Two names: a rename's or link's, or the source and destination of a
  // two-fd syscall (a pipe's read and write end).
  std::string_view first = row.oldname;
  std::string_view second = row.newname;
  if (first.empty() && second.empty() && !row.filename2.empty()) {
    first = row.filename;
    second = row.filename2;
  }
  if (first.empty() && second.empty()) {
    append_text_field(out, !row.filename.empty() ? row.filename : row.pathname);
    return;
  }
  const std::size_t start = out.size();
  out.push_back('\'');
  append_terminal_text(out, first, kConsoleText);
  out.append("' -> '");
  append_terminal_text(out, second, kConsoleText);
  out.push_back('\'');
  if (needs_csv_quotes(first) || needs_csv_quotes(second)) quote_field_from(out, start);
}

void append_notice(std::string& out, std::uint8_t notice) {
  static constexpr struct {
    std::uint8_t bit;
    const char* word;
  } kWords[] = {{schema::kNoticeTruncated, "truncated"},
                {schema::kNoticeUnreadable, "unreadable"},
                {schema::kNoticeFdFromProc, "fd-from-proc"},
                {schema::kNoticeFdUnknown, "fd-unknown"},
                {schema::kNoticePathUnresolved, "path-unresolved"},
                {schema::kNoticeCwdFromProc, "cwd-from-proc"},
                {schema::kNoticeEnterUnseen, "enter-unseen"}};
  bool first = true;
  for (const auto& w : kWords) {
    if ((notice & w.bit) == 0) continue;
    if (!first) out.push_back('|');
    out.append(w.word);
    first = false;
  }
}

ConsoleSink::ConsoleSink(int fd, std::size_t buffer_bytes) : fd_(fd), threshold_(buffer_bytes) {
  out_.text.reserve(threshold_ + 8192);
  out_.text.append(kHeader).push_back('\n');
  out_.rows_from = out_.text.size();
}

ConsoleSink::~ConsoleSink() { close(); }

namespace {

// The RowRepeats bits of the columns a cached field is made of.
constexpr std::uint64_t kCommBits = schema::column_bits({"comm"});
constexpr std::uint64_t kFileBits = schema::column_bits({"filename", "filename2", "pathname", "oldname", "newname"});
// column_index() of a name that is no column is kColumnCount: a bit past them.
static_assert(((kCommBits | kFileBits) >> schema::kColumnCount) == 0);

}  // namespace

void ConsoleSink::consume(const schema::EventRow& row) noexcept { consume_in_batch(row, schema::RowRepeats{}); }

void ConsoleSink::consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept {
  const bool follows = last_row_.follows(repeats);
  const auto same = [&](std::uint64_t bits) { return follows && (repeats.columns & bits) == bits; };
  // Forgotten first: a line that fails half-way leaves the cached fields
  // undefined, and the next row must not copy them.
  last_row_.forget();
  try {
    append_line(row, same(kCommBits), same(kFileBits));
    last_row_.appended(repeats);
  } catch (...) {
    out_.lost.add();  // out of memory for the line: counted, the next rows go on
  }
}

// The field as on the line before (same), copied from there; otherwise
// made by make(out) at the end of the buffer.
template <class Make>
void ConsoleSink::append_field(Field& field, bool same, Make&& make) {
  std::string& out = out_.text;
  if (same && field.valid) {
    out.reserve(out.size() + field.size);  // no reallocation while copying from itself
    const std::size_t at = out.size();
    out.append(out, field.at, field.size);
    field.at = at;
    return;
  }
  field.valid = false;
  const std::size_t at = out.size();
  make(out);
  field = {at, out.size() - at, true};
}

namespace {

// A number and the separator after it (at most 21 bytes).
template <class T>
[[gnu::always_inline]] inline char* put_number(char* to, T v, char separator) {
  char* end = std::to_chars(to, to + 20, v).ptr;
  *end = separator;
  return end + 1;
}

}  // namespace

bool ConsoleSink::append_repeated_line(const schema::EventRow& row) {
  // Numbers: two u64, two u32, one i64 (at most 20 characters each) and
  // seven separators: 107 bytes.
  constexpr std::size_t kNumbers = 112;
  char line[512];
  if (!comm_field_.valid || !file_field_.valid ||
      kNumbers + comm_field_.size + row.syscall_name.size() + file_field_.size > sizeof line) {
    return false;
  }
  const std::string& out = out_.text;
  char* p = line;
  p = put_number(p, row.duration_to_prev_ns, ',');
  p = put_number(p, row.duration_ns, ',');
  const std::size_t comm_at = static_cast<std::size_t>(p - line);
  p = copy_bytes(p, out.data() + comm_field_.at, comm_field_.size);
  *p++ = ',';
  p = put_number(p, row.pid, '.');
  p = put_number(p, row.tid, ',');
  p = copy_bytes(p, row.syscall_name.data(), row.syscall_name.size());
  *p++ = ',';
  p = put_number(p, row.ret_value, ',');
  *p++ = ',';  // no notice
  const std::size_t file_at = static_cast<std::size_t>(p - line);
  p = copy_bytes(p, out.data() + file_field_.at, file_field_.size);
  *p++ = '\n';
  const std::size_t at = out_.text.size();
  out_.text.append(line, static_cast<std::size_t>(p - line));
  comm_field_.at = at + comm_at;
  file_field_.at = at + file_at;
  return true;
}

void ConsoleSink::append_line(const schema::EventRow& row, bool same_comm, bool same_file) {
  if (same_comm && same_file && row.notice == 0 && append_repeated_line(row)) {
    ++out_.pending;
    if (out_.text.size() >= threshold_) write_out();
    return;
  }
  // The numbers of a line are formatted into one stack buffer and appended
  // at once (three appends a line instead of about fifteen).
  std::string& out = out_.text;
  NumberRun run;
  run.number(row.duration_to_prev_ns).put(',').number(row.duration_ns).put(',').append_to(out);
  append_field(comm_field_, same_comm, [&](std::string& o) { append_text_field(o, row.comm); });
  run.put(',').number(row.pid).put('.').number(row.tid).put(',').append_to(out);
  out.append(row.syscall_name);
  run.put(',').number(row.ret_value).put(',').append_to(out);
  append_notice(out, row.notice);
  out.push_back(',');
  append_field(file_field_, same_file, [&](std::string& o) { append_file_field(o, row); });
  out.push_back('\n');
  ++out_.pending;
  if (out.size() >= threshold_) write_out();
}

void ConsoleSink::flush() noexcept { write_out(); }

void ConsoleSink::write_out() noexcept {
  comm_field_.valid = file_field_.valid = false;  // the buffer's bytes go
  std::size_t out = 0;
  if (error_.empty() && !out_.text.empty()) {
    if (int err = write_all(fd_, out_.text, stopping_, &out); err != 0) {
      error_ = err == EINTR ? std::string("console: standard output took no more output at the stop (a paused "
                                          "terminal or a pipe nobody reads)")
                            : std::string("console: write to standard output failed: ") + std::strerror(err);
    }
  }
  out_.settle(error_.empty(), out);  // a write cut short still delivered its whole lines
}

void ConsoleSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  write_out();
}

SinkReport ConsoleSink::report() const {
  SinkReport r;
  r.name = "console";
  r.rows_written = out_.written.get();
  r.rows_lost = out_.lost.get();
  if (!error_.empty()) {
    r.lines.push_back(error_);
    r.failed = true;
  }
  return r;
}

}  // namespace ior::sink
