#pragma once
// Everything the command line can set, with the defaults users get.

#include <cstdint>
#include <string>
#include <vector>

namespace ior::cli {

inline constexpr std::uint64_t kDefaultChBatch = 10'000;

struct Options {
  // what to trace
  std::uint64_t duration_ms = 60'000;  ///< -duration (seconds by default)
  std::uint64_t pid = 0;               ///< -pid (0: all processes)
  std::uint64_t tid = 0;               ///< -tid (0: all threads)
  bool follow = false;                 ///< -follow: also the children of -pid / the command
  std::string uid;                     ///< -uid: comma-separated user ids or names
  std::string cgroup;                  ///< -cgroup: a cgroup v2 directory
  std::vector<std::string> command;    ///< after --: the command ior starts and traces
  bool until_exit = false;             ///< a command without -duration: trace until it ends
  std::string comm;                    ///< -comm substring
  std::string path;                    ///< -path substring
  std::string container;               ///< -container: prefix of the container id
  bool errors = false;                 ///< -errors: only failing syscalls
  std::uint64_t min_duration_ns = 0;   ///< -min-duration: only syscalls at least this slow
  std::string tps;                     ///< -tps regexes
  std::string tps_exclude;             ///< -tpsExclude regexes
  std::uint64_t map_size = 16u << 20;  ///< -mapSize ring buffer bytes
  std::uint64_t str_max = 4095;        ///< -strMax bytes per string argument
  bool avoid_traced_cpus = true;      ///< -avoid-traced-cpus: ior's threads off the CPUs it traces most
  bool wakeup_each = false;            ///< -wakeup-each: measurements only (bench/slowdown.sh)
  std::string cost_stage;              ///< -cost-stage: measurements only (bench/capture_cost.sh)

  // where rows go
  bool console = false;                ///< -console: print rows even with other sinks
  bool quiet = false;                  ///< -quiet: no summary, no status line
  std::uint64_t sink_queue_bytes = 32u << 20;  ///< -sink-queue: per-sink backlog bound
  std::string name;                    ///< -name: run name (file names)
  bool force = false;                  ///< -force: replace existing output files

  // -json, -json-file
  bool json = false;                   ///< JSON lines to standard output (instead of the console rows)
  std::string json_file;               ///< JSON lines into this file

  // -parquet
  bool parquet = false;
  std::string parquet_file;            ///< default <name|hostname>-<YYYY-MM-DD_HH:MM:SS>.parquet
  std::uint64_t parquet_rowgroup = 100'000;
  std::string parquet_compression = "zstd";
  std::uint64_t parquet_zstd_level = 3;
  std::string parquet_rotate;          ///< "N" rows or a duration ("60s", "5m")

  // -clickhouse
  bool clickhouse = false;
  std::string ch_host = "127.0.0.1";   ///< comma-separated; failover in order
  std::uint64_t ch_port = 0;           ///< 0: 9000, or 9440 with -ch-secure
  std::string ch_db = "ior";
  std::string ch_table = "ior_events";
  std::string ch_user = "default";
  std::string ch_password;             ///< also IOR_CH_PASSWORD, -ch-password-file
  std::string ch_password_file;
  std::uint64_t ch_batch = kDefaultChBatch;
  std::uint64_t ch_flush_ms = 1000;
  std::uint64_t ch_conns = 4;
  bool ch_async = false;
  std::string ch_compression = "lz4";
  bool ch_secure = false;
  std::string ch_ca_file;
  bool ch_insecure = false;
  std::string ch_cluster;
  bool ch_cluster_discover = false;    ///< prepare shards from system.clusters too
  std::string ch_spool;                ///< "": the default root (spool_location.hpp); "none": off
  std::uint64_t ch_spool_max = 1ull << 30;
  std::uint64_t ch_memory = 16ull << 20;  ///< batches queued and in flight
  std::uint64_t ch_drain_ms = 10'000;     ///< at stop: for the servers, then the spool
  std::string ch_on_full = "block";
  std::uint64_t ch_ttl_days = 0;

  // -flamegraph
  bool flamegraph = false;
  std::string fields = "pid,path,tracepoint";
  std::string count = "count";
  std::uint64_t flamegraph_max_stacks = 100'000;

  // -live
  bool live = false;                   ///< -live: the full-screen view (needs a terminal)
  std::uint64_t live_interval_ms = 1000;  ///< -live-interval: refresh period
  bool live_until_quit = false;        ///< -live without -duration: until q or a signal

  // -metrics
  std::string metrics;                 ///< ADDR:PORT of the Prometheus endpoint ("": none)

  bool version = false;
  bool help = false;
  std::vector<std::string> argv;       ///< the command line, secrets <redacted>, for metadata
};

/// Parses the command line (argv[0] is the program). Throws UsageError.
Options parse_options(int argc, const char* const* argv);

/// The -help text.
std::string usage_text();

}  // namespace ior::cli
