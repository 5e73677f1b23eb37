#pragma once
// `ior report [flags] FILE...`: reads ior's Parquet files (files, a glob,
// a rotated set) with ior's own reader (parquet/reader) and prints the
// end-of-run tables of a live run (the same TopStats and format_top_tables
// fed with the recorded rows), or writes a flame graph (-flamegraph, the
// live run's sink), or prints the rows as CSV or JSON lines (-format).
// The live run's row filters apply (-comm, -path, -container, -errors,
// -min-duration, -tps/-tpsExclude via event/row_filter and
// event/syscall_selector), plus -pid, -tid and a time window (-since,
// -until); -pid, -tid, the window, -min-duration and -errors skip whole
// row groups by their min/max statistics.

namespace ior::cli {

/// argv[1] is "report". Returns the exit status; throws ior::Error.
int run_report_command(int argc, const char* const* argv);

}  // namespace ior::cli
