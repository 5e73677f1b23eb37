#include "cli/report_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "base/error.hpp"
#include "base/saturating.hpp"
#include "base/terminal_text.hpp"
#include "cli/flag_parser.hpp"
#include "cli/messages.hpp"
#include "cli/options.hpp"
#include "cli/report_inputs.hpp"
#include "cli/report_rows.hpp"
#include "cli/report_time.hpp"
#include "cli/run_identity.hpp"
#include "cli/sink_factory.hpp"
#include "cli/standard_output.hpp"
#include "cli/summary.hpp"
#include "event/row_filter.hpp"
#include "event/syscall_selector.hpp"
#include "event/syscall_table.hpp"
#include "ior_event.h"
#include "flamegraph/flamegraph_sink.hpp"
#include "parquet/parquet_sink.hpp"
#include "parquet/reader/file_reader.hpp"
#include "schema/columns.hpp"
#include "schema/schema_version.hpp"
#include "sink/json_row.hpp"
#include "sink/text_row.hpp"
#include "sink/top_stats.hpp"

namespace ior::cli {
namespace {

struct ReportFlags {
  std::uint64_t pid = 0, tid = 0;
  std::string comm, path, container, tps, tps_exclude, since, until;
  bool errors = false;
  std::uint64_t min_duration_ns = 0;
  std::string format = "table";
  std::uint64_t top = 10;
  bool flamegraph = false;
  Options fg;  // -name, -fields, -count, -flamegraph-max-stacks, -force
  bool help = false;
};

// Output for -format csv/json: buffered, written in large pieces. Only an
// explicit flush() writes: a destructor that wrote would throw a second
// exception while a failed write (a full disk, a closed pipe) unwinds, and
// that ends the process in std::terminate instead of one line and exit 1.
class Out {
 public:
  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= (1u << 20)) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    write_stdout(buf_);
    buf_.clear();
  }

 private:
  std::string buf_;
};

// -tps/-tpsExclude: regexes run once per distinct syscall name.
class SyscallMatch {
 public:
  SyscallMatch(const std::string& tps, const std::string& exclude) {
    if (!tps.empty() || !exclude.empty()) selector_.emplace(tps, exclude);
  }
  bool active() const { return selector_.has_value(); }
  bool selects(std::string_view name) {
    if (!selector_) return true;
    auto it = memo_.find(name);
    if (it != memo_.end()) return it->second;
    if (memo_.size() >= 4096) memo_.clear();  // names come from files: bounded
    bool ok = selector_->selects(name);
    memo_.emplace(std::string(name), ok);
    return ok;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::optional<event::SyscallSelector> selector_;
  std::unordered_map<std::string, bool, Hash, std::equal_to<>> memo_;
};

// An output write that failed (a full disk, a closed pipe) while a file was
// being read: it ends the report, where a failure of the file only leaves
// that file out. Not an ior::Error, so the file's handler lets it pass.
struct OutputFailed {
  std::exception_ptr error;
};

// Out's writes while a file is read, marked as the output's failures.
void flush_output(Out& out) {
  try {
    out.maybe_flush();
  } catch (...) {
    throw OutputFailed{std::current_exception()};
  }
}

void add_unique(std::vector<std::string_view>& v, std::string_view c) {
  if (std::find(v.begin(), v.end(), c) == v.end()) v.push_back(c);
}

std::vector<std::string_view> columns_for(const ReportFlags& f, const flamegraph::FlamegraphSinkOptions* fg) {
  std::vector<std::string_view> c;
  if (f.format != "table") {
    for (const auto& col : schema::kColumnInfo) c.push_back(col.name);
    return c;
  }
  if (fg) {
    for (auto field : fg->fields) {
      switch (field) {
        case flamegraph::Field::kPath:
          for (auto n : {"filename", "pathname", "oldname"}) add_unique(c, n);
          break;
        case flamegraph::Field::kComm: add_unique(c, "comm"); break;
        case flamegraph::Field::kTracepoint: add_unique(c, "syscall_name"); break;
        case flamegraph::Field::kPid: add_unique(c, "pid"); break;
        case flamegraph::Field::kTid: add_unique(c, "tid"); break;
        case flamegraph::Field::kFlags: add_unique(c, "flags"); break;
      }
    }
    switch (fg->value) {
      case flamegraph::ValueKind::kCount: break;
      case flamegraph::ValueKind::kDuration: add_unique(c, "duration_ns"); break;
      case flamegraph::ValueKind::kDurationToPrev: add_unique(c, "duration_to_prev_ns"); break;
      case flamegraph::ValueKind::kBytes: add_unique(c, "bytes"); break;
    }
  } else {
    // What TopStats::consume reads.
    for (auto n : {"trace_id", "syscall_name", "duration_ns", "filename", "pathname", "oldname", "filename2", "bytes",
                   "byte_class", "pid", "comm"}) {
      add_unique(c, n);
    }
  }
  if (f.pid != 0) add_unique(c, "pid");
  if (f.tid != 0) add_unique(c, "tid");
  if (!f.comm.empty()) add_unique(c, "comm");
  if (!f.path.empty()) {
    for (auto n : {"filename", "pathname", "oldname", "newname"}) add_unique(c, n);
  }
  if (!f.container.empty()) add_unique(c, "container_id");
  if (f.errors) add_unique(c, "ret_type");
  if (f.min_duration_ns != 0) add_unique(c, "duration_ns");
  if (!f.tps.empty() || !f.tps_exclude.empty()) add_unique(c, "syscall_name");
  if (!f.since.empty() || !f.until.empty()) add_unique(c, "timestamp_ns");
  return c;
}

// The recording's first timestamp: from the statistics, or by reading the
// column where a file has none. A file that cannot be read is left out
// here as in the report itself, which names it.
std::uint64_t first_timestamp(const std::vector<ReportInput>& files) {
  std::optional<std::uint64_t> first;
  for (const auto& in : files) {
    std::optional<std::uint64_t> m;
    try {
      parquet::reader::FileReader r(std::make_unique<parquet::reader::FileSource>(in.path, in.symlinks));
      m = r.min_from_statistics("timestamp_ns");
      if (!m) {
        r.read({"timestamp_ns"}, {}, [&](std::span<const schema::EventRow> rows) {
          for (const auto& row : rows) m = m ? std::min(*m, row.timestamp_ns) : row.timestamp_ns;
        });
      }
    } catch (const Error&) {
      // m keeps what was read before the failure
    }
    if (m) first = first ? std::min(*first, *m) : *m;
  }
  return first.value_or(0);
}

void note_old_version(const std::string& path, const parquet::reader::FileInfo& info) {
  if (info.missing_columns.empty()) return;
  std::string cols;
  for (auto c : info.missing_columns) cols += (cols.empty() ? "" : ", ") + std::string(c);
  std::string who = info.schema_version ? "schema version " + std::to_string(*info.schema_version)
                                        : (info.ior_version.empty() ? std::string("no schema version")
                                                                    : "ior " + info.ior_version);
  print_message("ior report: " + path + " (" + who + ") has no " + cols + ": read as empty");
}

}  // namespace

int run_report_command(int argc, const char* const* argv) {
  ReportFlags f;
  FlagParser p;
  p.add_uint("pid", &f.pid, "only rows of this process id", 0, UINT32_MAX);
  p.add_uint("tid", &f.tid, "only rows of this thread id", 0, UINT32_MAX);
  p.add_string("comm", &f.comm, "only rows whose thread name contains this");
  p.add_string("path", &f.path, "only rows whose file name contains this");
  p.add_string("container", &f.container, "only rows whose container id starts with this");
  p.add_bool("errors", &f.errors, "only failing syscalls");
  p.add_duration_ns("min-duration", &f.min_duration_ns, "only syscalls at least this slow, e.g. 1ms");
  p.add_string("tps", &f.tps, "only syscalls whose tracepoint matches these comma-separated regexes");
  p.add_string("tpsExclude", &f.tps_exclude, "not the syscalls whose tracepoint matches these regexes");
  p.add_string("since", &f.since, "only rows from this time on: RFC 3339 (2026-12-05T08:30:00Z) or a duration "
               "after the first row (90s)");
  p.add_string("until", &f.until, "only rows before this time (same forms as -since)");
  p.add_string("format", &f.format, "table (the end-of-run tables, default), csv (RFC 4180) or json (JSON lines)");
  p.add_uint("top", &f.top, "rows per table (default 10)", 1, 1'000'000);
  p.add_bool("flamegraph", &f.flamegraph, "write NAME.collapsed and NAME.svg instead of the tables");
  p.add_string("name", &f.fg.name, "flame graph base name (default: the first file's name without .parquet)");
  p.add_string("fields", &f.fg.fields, "flame graph frames: any of path, comm, tracepoint, pid, tid, flags; "
               "default pid,path,tracepoint");
  p.add_string("count", &f.fg.count, "flame graph value: count (default), duration, durationToPrev, bytes");
  p.add_uint("flamegraph-max-stacks", &f.fg.flamegraph_max_stacks, "distinct stacks kept (default 100000)", 1,
             100'000'000);
  p.add_bool("force", &f.fg.force, "replace existing flame graph files");
  p.add_bool("help", &f.help, "this help");
  p.add_bool("h", &f.help, "same as -help");
  auto args = p.parse(argc, argv, 2);
  if (f.help) {
    std::string u = "usage: ior report [flags] FILE.parquet... (files, glob patterns, or NAME.parquet for the "
                    "rotated set NAME.1.parquet, NAME.2.parquet, ...)\n" + p.usage();
    write_stdout(u);
    return 0;
  }
  if (args.empty()) throw UsageError("report: no file given (ior report [flags] FILE.parquet...)");
  if (f.format != "table" && f.format != "csv" && f.format != "json") {
    throw UsageError("flag -format: \"" + f.format + "\" (table, csv, json)");
  }
  if (f.flamegraph && f.format != "table") throw UsageError("flag -flamegraph: not with -format " + f.format);
  // Flags of one output given without it would be ignored without a word.
  for (const char* name : {"name", "fields", "count", "flamegraph-max-stacks", "force"}) {
    if (p.given(name) && !f.flamegraph) throw UsageError("flag -" + std::string(name) + " needs -flamegraph");
  }
  if (p.given("top") && (f.flamegraph || f.format != "table")) {
    throw UsageError("flag -top: only for the tables (not with -flamegraph or -format csv|json)");
  }
  if (!f.tps.empty() || !f.tps_exclude.empty()) {
    // As ior itself refuses them: a selection of no syscall would keep no row.
    const event::SyscallSelector selector(f.tps, f.tps_exclude);
    bool any = false;
    for (std::uint16_t id = 1; id < IOR_SC_COUNT && !any; ++id) any = selector.selects(event::syscall_name(id));
    if (!any) {
      throw UsageError("report: no syscall selected: -tps/-tpsExclude exclude every tracepoint (names such as "
                       "sys_enter_read)");
    }
  }
  std::optional<ReportTime> since, until;
  if (!f.since.empty()) since = parse_report_time("since", f.since);
  if (!f.until.empty()) until = parse_report_time("until", f.until);
  std::vector<std::string> input_notes;
  const auto files = expand_report_inputs(args, &input_notes);
  for (const auto& note : input_notes) print_message(note);

  std::optional<flamegraph::FlamegraphSinkOptions> fg_options;
  if (f.flamegraph) {
    if (f.fg.name.empty()) {
      std::string base = files.front().path.substr(files.front().path.rfind('/') + 1);
      if (base.size() > 8 && base.ends_with(".parquet")) base.resize(base.size() - 8);
      f.fg.name = base;
    }
    RunIdentity id;
    id.hostname = "recording";
    fg_options = flamegraph_options(f.fg, id);
    fg_options->svg.subtitle = std::to_string(files.size()) + " file(s): " + files.front().path +
                               (files.size() > 1 ? ", ..." : "");
  }
  const auto columns = columns_for(f, fg_options ? &*fg_options : nullptr);

  std::uint64_t since_ns = 0, until_ns = UINT64_MAX;
  if ((since && since->relative) || (until && until->relative)) {
    std::uint64_t first = first_timestamp(files);
    // Past the last representable time: -since keeps nothing, -until everything.
    if (since && since->relative) since->value_ns = saturating_add(since->value_ns, first);
    if (until && until->relative) until->value_ns = saturating_add(until->value_ns, first);
  }
  if (since) since_ns = since->value_ns;
  if (until) until_ns = until->value_ns;

  std::vector<parquet::reader::RangeCondition> where;
  if (f.pid != 0) where.push_back({"pid", f.pid, f.pid});
  if (f.tid != 0) where.push_back({"tid", f.tid, f.tid});
  if (since || until) where.push_back({"timestamp_ns", since_ns, until_ns == 0 ? 0 : until_ns - 1});
  if (f.min_duration_ns != 0) where.push_back({"duration_ns", f.min_duration_ns, UINT64_MAX});
  if (f.errors) where.push_back({"ret_type", 3, 3});
  const bool windowed = since || until;
  const bool empty_window = until_ns <= since_ns;

  event::RowFilter filter({.comm = f.comm, .path = f.path, .errors_only = f.errors,
                           .min_duration_ns = f.min_duration_ns, .container = f.container});
  SyscallMatch tps(f.tps, f.tps_exclude);

  sink::TopStats top;
  std::unique_ptr<flamegraph::FlamegraphSink> fg;
  if (fg_options) fg = std::make_unique<flamegraph::FlamegraphSink>(*fg_options);
  Out out;
  sink::TextRow as_text;  // csv/json rows are text as in the file: the reader undid the escape for the tables
  const bool csv = f.format == "csv", json = f.format == "json";
  const bool tty = isatty(STDOUT_FILENO) != 0;
  if (csv) out.buf() += csv_header();

  std::uint64_t rows_in_files = 0, rows_kept = 0, groups = 0, groups_skipped = 0, rows_read = 0;
  std::map<std::string, std::pair<std::string, std::string>> set_runs;  // rotated set -> its first file and run
  std::size_t files_read = 0;
  // Files that could not be read, or not to their end: each is named and
  // the report goes on with the others (and exits 1), as one bad file of a
  // long rotated set must not hide the rest of the recording.
  std::vector<std::string> left_out;
  std::string first_failure;
  for (const auto& [path, symlinks, rotated_set] : files) {
    std::uint64_t file_rows = 0, file_rows_delivered = 0;
    std::unique_ptr<parquet::reader::FileReader> reader;  // kept past a failure: its counts are in the account
    bool reader_failed = false;
    try {
      reader = std::make_unique<parquet::reader::FileReader>(std::make_unique<parquet::reader::FileSource>(path, symlinks));
      auto& r = *reader;
      if (!rotated_set.empty()) {
        const std::string& run = r.info().collection_id;
        auto [first, inserted] = set_runs.try_emplace(rotated_set, path, run);
        const auto& [first_path, first_run] = first->second;
        if (!inserted && !run.empty() && !first_run.empty() && run != first_run) {
          print_message("ior report: " + path + " is from another run (collection " + run + ") than " + first_path +
                        " (" + first_run + "): left out");
          continue;
        }
      }
      note_old_version(path, r.info());
      ++files_read;
      file_rows = r.info().num_rows;
      rows_in_files += file_rows;
      if (empty_window) continue;
      r.read(columns, where, [&](std::span<const schema::EventRow> rows) {
        file_rows_delivered += rows.size();
        for (const auto& row : rows) {
          if (f.pid != 0 && row.pid != f.pid) continue;
          if (f.tid != 0 && row.tid != f.tid) continue;
          if (windowed && (row.timestamp_ns < since_ns || row.timestamp_ns >= until_ns)) continue;
          if (tps.active() && !tps.selects(row.syscall_name)) continue;
          if (!filter.keeps(row)) continue;
          ++rows_kept;
          if (csv) {
            append_csv_row(out.buf(), as_text.apply(row), tty);
            flush_output(out);
          } else if (json) {
            sink::append_json_row(out.buf(), as_text.apply(row));
            flush_output(out);
          } else if (fg) {
            fg->consume(row);
          } else {
            top.consume(row);
          }
        }
      });
    } catch (const OutputFailed& failed) {
      std::rethrow_exception(failed.error);
    } catch (const Error& e) {
      // A file cut short counts in the account with what it gave before
      // its failure, which stays in the report.
      std::string what = e.what();
      if (what.rfind(path + ": ", 0) != 0) what = path + ": " + what;
      if (first_failure.empty()) first_failure = what;
      if (!reader) {
        left_out.push_back(what + ": left out");
      } else {
        reader_failed = true;
        left_out.push_back(what + ": the rest of this file is not in this report (" +
                           std::to_string(file_rows_delivered) + " of its " + std::to_string(file_rows) +
                           " rows were read)");
      }
    }
    if (reader) {
      // A file cut short: the row group that failed was not read.
      const std::uint64_t failed = reader_failed ? 1 : 0;
      groups += reader->stats().row_groups - std::min(failed, reader->stats().row_groups);
      groups_skipped += reader->stats().row_groups_skipped;
      rows_read += reader->stats().rows_read;
    }
  }
  out.flush();
  // One file alone that cannot be read is the error it always was.
  if (files.size() == 1 && left_out.size() == 1 && rows_kept == 0) throw FormatError(first_failure);
  for (const auto& l : left_out) print_message("ior report: " + l);
  const int status = left_out.empty() ? 0 : 1;
  std::string account = "ior report: " + std::to_string(files_read) + (files_read == 1 ? " file, " : " files, ") +
                        std::to_string(rows_in_files) + " rows; row groups read " +
                        std::to_string(groups - groups_skipped) + ", skipped by statistics " +
                        std::to_string(groups_skipped) + "; rows read " + std::to_string(rows_read) +
                        ", kept by the filters " + std::to_string(rows_kept);
  if (!left_out.empty()) {
    account += "; " + std::to_string(left_out.size()) + (left_out.size() == 1 ? " file" : " files") +
               " not read, or not to the end (named above)";
  }
  if (fg) {
    fg->close();
    auto rep = fg->report();
    print_message(account);
    for (const auto& l : rep.lines) print_message("ior report: " + l);
    return rep.failed ? 1 : status;
  }
  if (csv || json) {
    print_message(account);
    return status;
  }
  std::string text = message_line(account) + format_top_tables(top, f.top);
  write_stdout(text);
  return status;
}

}  // namespace ior::cli
