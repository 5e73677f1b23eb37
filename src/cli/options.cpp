#include "cli/options.hpp"

#include "base/error.hpp"
#include "cli/flag_parser.hpp"

namespace ior::cli {
namespace {

void define_flags(FlagParser& p, Options& o) {
  p.add_duration("duration", &o.duration_ms, "how long to trace (seconds, or 10s/5m/1h); default 60");
  p.add_uint("pid", &o.pid, "trace only this process id", 0, UINT32_MAX);
  p.add_uint("tid", &o.tid, "trace only this thread id", 0, UINT32_MAX);
  p.add_string("comm", &o.comm, "keep rows whose thread name contains this");
  p.add_string("path", &o.path, "keep rows whose file name contains this");
  p.add_string("tps", &o.tps, "trace only tracepoints matching these comma-separated regexes");
  p.add_string("tpsExclude", &o.tps_exclude, "do not trace tracepoints matching these regexes");
  p.add_size("mapSize", &o.map_size, "BPF ring buffer size (power of two); default 16M",
             4096, 1ull << 30);
  p.add_uint("strMax", &o.str_max, "bytes copied per path/name argument (longer ones are cut and "
             "flagged); default 4095", 1, 4095);
  p.add_bool("console", &o.console, "print one line per syscall even when another sink is on");
  p.add_bool("quiet", &o.quiet, "no status line and no summary");
  p.add_string("name", &o.name, "name of this run (used in output file names)");
  p.add_bool("parquet", &o.parquet, "write every row to a Parquet file");
  p.add_string("parquet-file", &o.parquet_file,
               "Parquet file (default <hostname or -name>-<YYYY-MM-DD_HH:MM:SS>.parquet)");
  p.add_uint("parquet-rowgroup", &o.parquet_rowgroup, "rows per Parquet row group; default 100000",
             1, 100'000'000);
  p.add_string("parquet-compression", &o.parquet_compression, "zstd (default), snappy or none");
  p.add_uint("parquet-zstd-level", &o.parquet_zstd_level, "zstd level 1..22; default 3", 1, 22);
  p.add_string("parquet-rotate", &o.parquet_rotate,
               "start a new file every N rows (\"1000000\") or every duration (\"60s\", \"5m\")");
  p.add_bool("flamegraph", &o.flamegraph, "write NAME.collapsed and NAME.svg (NAME: -name or the host)");
  p.add_string("fields", &o.fields, "flame graph frames, in order: any of path, comm, tracepoint, pid, "
               "tid, flags; default pid,path,tracepoint");
  p.add_string("count", &o.count, "flame graph value: count (default), duration, durationToPrev, bytes");
  p.add_uint("flamegraph-max-stacks", &o.flamegraph_max_stacks,
             "distinct stacks kept; later new ones go to [other]; default 100000", 1, 100'000'000);
  p.add_bool("version", &o.version, "print the version and exit");
  p.add_bool("help", &o.help, "print this help and exit");
  p.add_bool("h", &o.help, "same as -help");
}

}  // namespace

Options parse_options(int argc, const char* const* argv) {
  Options o;
  FlagParser p;
  define_flags(p, o);
  for (int i = 0; i < argc; ++i) o.argv.emplace_back(argv[i]);
  auto positional = p.parse(argc, argv);
  if (!positional.empty()) throw UsageError("unexpected argument \"" + positional.front() + "\"");
  if (o.duration_ms == 0) throw UsageError("flag -duration: must be greater than 0");
  return o;
}

std::string usage_text() {
  Options o;
  FlagParser p;
  define_flags(p, o);
  return "usage: ior [flags]   (as root)\n"
         "Traces every file-I/O syscall with eBPF and prints one line per syscall.\n\n" +
         p.usage();
}

}  // namespace ior::cli
