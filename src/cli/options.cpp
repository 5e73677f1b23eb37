#include "cli/options.hpp"

#include <unistd.h>

#include <algorithm>

#include "base/error.hpp"
#include "cli/flag_parser.hpp"
#include "metrics/listen_address.hpp"

namespace ior::cli {
namespace {

void define_flags(FlagParser& p, Options& o) {
  p.add_duration("duration", &o.duration_ms, "how long to trace (seconds, or 10s/5m/1h); default 60");
  p.add_uint("pid", &o.pid, "trace only this process id", 1, UINT32_MAX);
  p.add_uint("tid", &o.tid, "trace only this thread id", 1, UINT32_MAX);
  p.add_bool("follow", &o.follow, "with -pid: also trace the processes it starts, and theirs (on by default for "
             "a command after --); ior stops when all of them have exited");
  p.add_string("uid", &o.uid, "trace only processes of these users: comma-separated ids or names (at most 64)");
  p.add_string("cgroup", &o.cgroup, "trace only processes in this cgroup v2 directory or below it, e.g. "
               "/sys/fs/cgroup/system.slice/x.service or /system.slice/x.service");
  p.add_string("comm", &o.comm, "keep rows whose thread name contains this");
  p.add_string("path", &o.path, "keep rows whose file name contains this");
  p.add_string("container", &o.container, "keep rows of this container: a prefix of its id (as docker ps, "
               "crictl ps or podman ps print it), from the cgroup path");
  p.add_bool("errors", &o.errors, "keep only rows of failing syscalls (a negative errno)");
  p.add_duration_ns("min-duration", &o.min_duration_ns,
                    "keep only rows of syscalls at least this slow, e.g. 500us, 10ms, 2s");
  p.add_string("tps", &o.tps, "trace only tracepoints matching these comma-separated regexes");
  p.add_string("tpsExclude", &o.tps_exclude, "do not trace tracepoints matching these regexes");
  p.add_size("mapSize", &o.map_size, "BPF ring buffers, shared by the CPUs (each at least 1M); default 16M",
             4096, 1ull << 30);
  p.add_uint("strMax", &o.str_max, "bytes copied per path/name argument (longer ones are cut and "
             "flagged); default 4095", 1, 4095);
  p.add_bool("avoid-traced-cpus", &o.avoid_traced_cpus,
             "keep ior's threads off the CPUs whose syscalls it records most, while other allowed CPUs are "
             "quieter (on by default; -avoid-traced-cpus=false leaves them to the scheduler)");
  p.add_bool("wakeup-each", &o.wakeup_each,
             "measurements only: the kernel wakes ior for every record (libbpf's default) instead of ior "
             "polling every 10 ms; much costlier to the traced host (bench/slowdown.sh compares both)");
  p.add_string("cost-stage", &o.cost_stage,
               "measurements only: attach (the programs return at once), filter (+ syscall lookup and "
               "task filters), copy (+ the record built, not sent), drain (everything, records read and "
               "discarded); no rows are written (bench/capture_cost.sh prices each part)");
  p.add_bool("console", &o.console, "print one line per syscall even when another sink is on");
  p.add_bool("quiet", &o.quiet, "no status line and no summary");
  p.add_size("sink-queue", &o.sink_queue_bytes,
             "rows each output may fall behind by, in memory, before it drops (counted); default 32M",
             1u << 20, 1ull << 40);
  p.add_string("name", &o.name, "name of this run (used in output file names)");
  p.add_bool("force", &o.force, "replace existing output files (Parquet, JSON, flame graph); without it a taken "
             "name is an error before tracing. A symbolic link there is replaced, never followed; one to a device, a pipe or /proc (/dev/stdout) is refused");
  p.add_bool("json", &o.json, "print every row as one JSON object per line on standard output, instead of "
             "the console rows (docs/JSON.md)");
  p.add_string("json-file", &o.json_file, "write every row as JSON lines into this file (mode 0600; -force "
               "replaces a taken name)");
  p.add_bool("parquet", &o.parquet, "write every row to a Parquet file (mode 0600: it holds every user's "
             "file activity)");
  p.add_string("parquet-file", &o.parquet_file,
               "Parquet file (default <hostname or -name>-<YYYY-MM-DD_HH:MM:SS>.parquet)");
  p.add_uint("parquet-rowgroup", &o.parquet_rowgroup, "rows per Parquet row group; default 100000",
             1, 100'000'000);
  p.add_string("parquet-compression", &o.parquet_compression, "zstd (default), snappy or none");
  p.add_uint("parquet-zstd-level", &o.parquet_zstd_level, "zstd level 1..22; default 3", 1, 22);
  p.add_string("parquet-rotate", &o.parquet_rotate,
               "start a new file every N rows (\"1000000\") or every duration (\"60s\", \"5m\")");
  p.add_bool("clickhouse", &o.clickhouse, "stream every row into ClickHouse (native protocol)");
  p.add_string("ch-host", &o.ch_host, "ClickHouse hosts, comma-separated (tried in turn), each HOST, HOST:PORT or [IPV6]:PORT; "
               "default 127.0.0.1");
  p.add_uint("ch-port", &o.ch_port, "native port of the -ch-host hosts given without one; default 9000, 9440 with -ch-secure", 1, 65535);
  p.add_string("ch-db", &o.ch_db, "database; default ior (created when missing)");
  p.add_string("ch-table", &o.ch_table, "table; default ior_events (created when missing)");
  p.add_string("ch-user", &o.ch_user, "user; default default");
  p.add_string("ch-password", &o.ch_password,
               "password (visible in the process list: prefer IOR_CH_PASSWORD or -ch-password-file)");
  p.mark_secret("ch-password");
  p.add_string("ch-password-file", &o.ch_password_file, "file whose first line is the password");
  p.add_uint("ch-batch", &o.ch_batch, "rows per INSERT; default 10000", 1, 1'000'000);
  p.add_duration("ch-flush", &o.ch_flush_ms, "send a partial batch after this long; default 1s");
  p.add_uint("ch-conns", &o.ch_conns, "parallel INSERT connections; default 4", 1, 64);
  p.add_bool("ch-async", &o.ch_async, "async inserts on servers that have them (21.11+)");
  p.add_string("ch-compression", &o.ch_compression, "lz4 (default), zstd or none");
  p.add_bool("ch-secure", &o.ch_secure, "TLS to the secure native port, certificate verified");
  p.add_string("ch-ca-file", &o.ch_ca_file, "PEM CA file to verify the server with (-ch-secure)");
  p.add_bool("ch-insecure", &o.ch_insecure, "TLS without verifying the certificate (-ch-secure)");
  p.add_string("ch-cluster", &o.ch_cluster,
               "cluster name: local tables on every -ch-host, rows through a Distributed table");
  p.add_bool("ch-cluster-discover", &o.ch_cluster_discover,
             "with -ch-cluster: prepare every shard system.clusters lists, not only the -ch-host ones "
             "(ior logs in to each with its password)");
  p.add_string("ch-spool", &o.ch_spool, "root of the spool for batches no server takes, replayed later (default "
               "$STATE_DIRECTORY/spool or /var/lib/ior/spool; none: no spool)");
  p.add_size("ch-spool-max", &o.ch_spool_max, "spool size limit; default 1G", 1u << 20, 1ull << 50);
  p.add_size("ch-memory", &o.ch_memory, "memory for batches waiting for a server, then the spool; default 16M per "
             "10000 rows of -ch-batch (16M at the default batch)",
             1u << 20, 1ull << 40);
  p.add_duration("ch-drain-timeout", &o.ch_drain_ms, "at stop, how long to wait for the servers before spooling "
                 "what is left; default 10s");
  p.add_string("ch-on-full", &o.ch_on_full, "when queue and spool are full: block (default) or drop");
  p.add_uint("ch-ttl-days", &o.ch_ttl_days, "TTL of rows in days on servers with TTL; default 0 (none)", 0,
             36500);
  p.add_bool("flamegraph", &o.flamegraph, "write NAME.collapsed and NAME.svg, mode 0600 (NAME: -name or the "
             "host)");
  p.add_string("fields", &o.fields, "flame graph frames, in order: any of path, comm, tracepoint, pid, "
               "tid, flags; default pid,path,tracepoint");
  p.add_string("count", &o.count, "flame graph value: count (default), duration, durationToPrev, bytes");
  p.add_uint("flamegraph-max-stacks", &o.flamegraph_max_stacks,
             "distinct stacks kept; later new ones go to [other]; default 100000", 1, 100'000'000);
  p.add_bool("live", &o.live, "full-screen live view of files, processes, syscalls, errors, the latest rows and "
             "a flame graph (docs/LIVE.md); with any output; until q without -duration");
  p.add_duration("live-interval", &o.live_interval_ms, "-live: refresh period; default 1s");
  p.add_string("metrics", &o.metrics, "serve ior's counters for Prometheus at http://ADDR:PORT/metrics; PORT "
               "alone listens on 127.0.0.1 (another address only when given, e.g. 0.0.0.0:9464; docs/METRICS.md)");
  p.add_bool("version", &o.version, "print the version and exit");
  p.add_bool("help", &o.help, "print this help and exit");
  p.add_bool("h", &o.help, "same as -help");
}

}  // namespace

Options parse_options(int argc, const char* const* argv) {
  Options o;
  FlagParser p;
  define_flags(p, o);
  auto positional = p.parse(argc, argv);
  o.argv = p.redacted_args(argc, argv);
  if (!positional.empty() && p.positional_before_double_dash() != 0) {
    throw UsageError("unexpected argument \"" + positional.front() + "\" (to trace a command: ior [flags] -- CMD ARGS)");
  }
  // "ior -- " (a command left out) must not become a trace of the whole host.
  if (p.saw_double_dash() && positional.empty()) throw UsageError("no command after -- (ior [flags] -- CMD ARGS)");
  o.command = std::move(positional);
  if (o.duration_ms == 0) throw UsageError("flag -duration: must be greater than 0");
  if (!o.command.empty()) {
    if (o.pid != 0) throw UsageError("flag -pid: not with a command after -- (ior traces the command's pid)");
    if (!p.given("follow")) o.follow = true;
    o.until_exit = !p.given("duration");
  }
  if (o.follow && o.pid == 0 && o.command.empty()) {
    throw UsageError("flag -follow needs -pid or a command after --");
  }
  if (o.live) {
    if (o.console) throw UsageError("flag -live: not with -console (both would write to the terminal)");
    if (o.json) throw UsageError("flag -live: not with -json (both would write to the terminal)");
    if (o.live_interval_ms < 100) throw UsageError("flag -live-interval: at least 100ms");
    if (!p.given("duration")) o.live_until_quit = true;
  }
  if (!p.given("ch-memory") && o.ch_batch > kDefaultChBatch) {
    // The memory holds as many batches as at the defaults: with larger
    // batches and 16M, all but one or two batches would go to the spool,
    // whose fsync of each large file then holds up the sink's thread.
    o.ch_memory = std::min<std::uint64_t>(o.ch_memory * o.ch_batch / kDefaultChBatch, 1ull << 30);
  }
  // An empty filter would quietly filter nothing: `-uid "$USERS"` with the
  // variable unset must not record every user's activity. Likewise an empty
  // ClickHouse setting meant something and was quietly the default (the
  // spool's default root, no CA file, no cluster, user ""); and one of
  // blanks only is an unset variable quoted around a space, never a name
  // (-ch-spool " " had made a directory " ").
  struct Given {
    const char* flag;
    const std::string* value;
    bool empty_refused;
    bool blanks_refused;
  };
  for (const auto& g : {Given{"uid", &o.uid, true, false}, Given{"cgroup", &o.cgroup, true, false},
                        Given{"comm", &o.comm, true, false}, Given{"path", &o.path, true, false},
                        Given{"container", &o.container, true, false}, Given{"tps", &o.tps, true, false},
                        Given{"tpsExclude", &o.tps_exclude, true, false}, Given{"metrics", &o.metrics, true, false},
                        Given{"name", &o.name, true, false}, Given{"ch-user", &o.ch_user, true, true},
                        Given{"ch-password-file", &o.ch_password_file, true, true},
                        Given{"ch-ca-file", &o.ch_ca_file, true, true}, Given{"ch-cluster", &o.ch_cluster, true, true},
                        Given{"ch-spool", &o.ch_spool, true, true}, Given{"ch-db", &o.ch_db, false, true},
                        Given{"ch-table", &o.ch_table, false, true}}) {
    if (!p.given(g.flag)) continue;
    if (g.empty_refused && g.value->empty()) throw UsageError(std::string("flag -") + g.flag + ": empty value");
    if (g.blanks_refused && !g.value->empty() && g.value->find_first_not_of(" \t\n") == std::string::npos) {
      throw UsageError(std::string("flag -") + g.flag + ": only blanks");
    }
  }
  if (p.given("json-file") && o.json_file.empty()) throw UsageError("flag -json-file: empty file name");
  if (p.given("parquet-file") && o.parquet_file.empty()) throw UsageError("flag -parquet-file: empty file name");
  if (o.json && o.console) throw UsageError("flag -json: not with -console (both print rows on standard output)");
  if (!o.metrics.empty()) (void)metrics::parse_listen_address(o.metrics);  // a usage error now
  if (o.follow && o.tid != 0) {
    // A command after -- turns -follow on without the user naming it.
    throw UsageError(p.given("follow") ? "flag -follow: not with -tid (a thread has no children)"
                                       : "flag -tid: not with a command after -- (ior traces the command and "
                                         "every process it starts)");
  }
  if (o.tid != 0) {
    // /proc lists a thread id too (hidden from readdir); under its process only when it belongs to it.
    const std::string tid = std::to_string(o.tid);
    const std::string path = o.pid != 0 ? "/proc/" + std::to_string(o.pid) + "/task/" + tid : "/proc/" + tid;
    if (::access(path.c_str(), F_OK) != 0) {
      throw UsageError(o.pid != 0 ? "flag -tid: no thread " + tid + " in process " + std::to_string(o.pid)
                                  : "flag -tid: no thread " + tid);
    }
  }
  // An output's flags without the output would be ignored without a word.
  for (const std::string& name : p.given_flags()) {
    if (name.starts_with("parquet-") && !o.parquet) throw UsageError("flag -" + name + " needs -parquet");
    if (name.starts_with("ch-") && !o.clickhouse) throw UsageError("flag -" + name + " needs -clickhouse");
    if (name == "flamegraph-max-stacks" && !o.flamegraph) throw UsageError("flag -" + name + " needs -flamegraph");
    // The live view's flame tab draws -fields and -count too.
    if ((name == "fields" || name == "count") && !o.flamegraph && !o.live) {
      throw UsageError("flag -" + name + " needs -flamegraph or -live");
    }
    if (name == "live-interval" && !o.live) throw UsageError("flag -" + name + " needs -live");
  }
  // The live flame tab draws count, duration and bytes; asked for alone,
  // durationToPrev would be drawn as counts without a word.
  if (o.live && !o.flamegraph && o.count == "durationToPrev") {
    throw UsageError("flag -count: durationToPrev is not drawn by -live (count, duration, bytes; or add -flamegraph)");
  }
  if (!o.cost_stage.empty() && o.cost_stage != "attach" && o.cost_stage != "filter" && o.cost_stage != "copy" &&
      o.cost_stage != "drain") {
    throw UsageError("flag -cost-stage: \"" + o.cost_stage + "\" is none of attach, filter, copy, drain");
  }
  return o;
}

std::string usage_text() {
  Options o;
  FlagParser p;
  define_flags(p, o);
  return "usage: ior [flags]   (as root)\n"
         "       ior [flags] -- CMD ARGS   (starts CMD and traces it and its children until they exit)\n"
         "Traces every file-I/O syscall with eBPF and prints one line per syscall.\n\n" +
         p.usage();
}

}  // namespace ior::cli
