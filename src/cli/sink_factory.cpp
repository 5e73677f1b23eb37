#include "cli/sink_factory.hpp"

#include <time.h>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "cli/flag_parser.hpp"
#include "cli/version.hpp"
#include "base/error.hpp"
#include "base/uuid_text.hpp"
#include "cli/syscall_colors.hpp"
#include "clickhouse/clickhouse_sink.hpp"
#include "flamegraph/flamegraph_sink.hpp"
#include "parquet/parquet_sink.hpp"
#include "sink/console_sink.hpp"

namespace ior::cli {
namespace {

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

std::string default_parquet_path(const Options& o, const RunIdentity& id) {
  time_t secs = static_cast<time_t>(id.start_unix_ns / 1'000'000'000ull);
  struct tm tm {};
  localtime_r(&secs, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%d_%H:%M:%S", &tm);
  return (o.name.empty() ? id.hostname : o.name) + "-" + stamp + ".parquet";
}

std::unique_ptr<sink::Sink> make_parquet_sink(const Options& o, const RunIdentity& id) {
  parquet::ParquetSinkOptions p;
  p.path = o.parquet_file.empty() ? default_parquet_path(o, id) : o.parquet_file;
  if (!o.parquet_rotate.empty()) {
    auto r = parse_parquet_rotate(o.parquet_rotate);
    p.rotate_rows = r.rows;
    p.rotate_ms = r.ms;
  }
  p.writer.row_group_rows = o.parquet_rowgroup;
  p.writer.compression = parquet::parse_compression(o.parquet_compression);
  p.writer.zstd_level = static_cast<int>(o.parquet_zstd_level);
  p.existing = o.force ? ExistingOutput::kReplace : ExistingOutput::kRefuse;
  p.writer.metadata = {{"ior.version", kVersion},
                       {"ior.hostname", id.hostname},
                       {"ior.collection_id", uuid_text(id.collection_id)},
                       {"ior.kernel", id.kernel},
                       {"ior.flags", join_argv(o.argv)}};
  return std::make_unique<parquet::ParquetSink>(std::move(p));
}

}  // namespace

ParquetRotation parse_parquet_rotate(const std::string& text) {
  ParquetRotation r;
  char last = text.empty() ? '\0' : text.back();
  if (last == 's' || last == 'm' || last == 'h') {
    r.ms = parse_duration_ms("parquet-rotate", text);
  } else {
    r.rows = parse_uint("parquet-rotate", text);
  }
  if (r.ms == 0 && r.rows == 0) throw UsageError("flag -parquet-rotate: must be greater than 0");
  return r;
}

std::unique_ptr<sink::Sink> make_flamegraph_sink(const Options& o, const RunIdentity& id) {
  flamegraph::FlamegraphSinkOptions f;
  f.name = o.name.empty() ? id.hostname : o.name;
  f.fields = flamegraph::parse_fields(o.fields);
  f.value = flamegraph::parse_value_kind(o.count);
  f.max_stacks = o.flamegraph_max_stacks;
  f.existing = o.force ? ExistingOutput::kReplace : ExistingOutput::kRefuse;
  std::string frames;
  for (auto field : f.fields) frames += (frames.empty() ? "" : ";") + std::string(flamegraph::field_name(field));
  f.svg.title = "ior: file I/O by " + frames;
  f.svg.subtitle = "host " + id.hostname + "  |  frames " + frames + "  |  value " +
                   std::string(flamegraph::value_kind_name(f.value));
  f.svg.value_unit = value_unit(f.value);
  f.svg.color = syscall_class_color;
  return std::make_unique<flamegraph::FlamegraphSink>(std::move(f));
}

std::vector<std::string> split_hosts(const std::string& text) {
  std::vector<std::string> hosts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string h = text.substr(start, comma - start);
    if (h.empty()) throw UsageError("flag -ch-host: empty host name in \"" + text + "\"");
    hosts.push_back(h);
    start = comma + 1;
  }
  return hosts;
}

// The password from the flag, else IOR_CH_PASSWORD, else the file's first
// line: the latter two keep it out of the process list.
std::string clickhouse_password(const Options& o) {
  if (!o.ch_password.empty()) return o.ch_password;
  if (const char* env = std::getenv("IOR_CH_PASSWORD"); env != nullptr) return env;
  if (o.ch_password_file.empty()) return "";
  std::ifstream in(o.ch_password_file);
  if (!in) throw UsageError("flag -ch-password-file: cannot read " + o.ch_password_file);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

clickhouse::wire::CompressionMethod parse_ch_compression(const std::string& text, bool* enabled) {
  *enabled = text != "none";
  if (text == "lz4" || text == "none") return clickhouse::wire::CompressionMethod::kLz4;
  if (text == "zstd") return clickhouse::wire::CompressionMethod::kZstd;
  throw UsageError("flag -ch-compression: \"" + text + "\" is not lz4, zstd or none");
}

std::unique_ptr<sink::Sink> make_clickhouse_sink(const Options& o) {
  clickhouse::ClickHouseSinkOptions c;
  auto& w = c.writer;
  w.hosts = split_hosts(o.ch_host);
  w.client.port = static_cast<std::uint16_t>(o.ch_port != 0 ? o.ch_port : (o.ch_secure ? 9440 : 9000));
  w.client.user = o.ch_user;
  w.client.password = clickhouse_password(o);
  w.client.database = "default";  // the sink's own database may not exist yet
  w.client.compression.method = parse_ch_compression(o.ch_compression, &w.client.compression.enabled);
  w.client.tls.enabled = o.ch_secure;
  w.client.tls.ca_file = o.ch_ca_file;
  w.client.tls.insecure = o.ch_insecure;
  w.batch_rows = o.ch_batch;
  w.flush_interval = std::chrono::milliseconds(o.ch_flush_ms);
  w.connections = o.ch_conns;
  w.spool_dir = o.ch_spool;
  w.spool_max_bytes = o.ch_spool_max;
  w.on_full = o.ch_on_full == "drop" ? clickhouse::writer::OnFull::kDrop : clickhouse::writer::OnFull::kBlock;
  c.schema.database = o.ch_db;
  c.schema.table = o.ch_table;
  c.schema.cluster = o.ch_cluster;
  c.schema.ttl_days = static_cast<int>(o.ch_ttl_days);
  c.async_insert = o.ch_async;
  return std::make_unique<clickhouse::ClickHouseSink>(std::move(c));
}

void validate_sink_flags(const Options& o) {
  if (o.clickhouse) {
    split_hosts(o.ch_host);
    bool enabled;
    parse_ch_compression(o.ch_compression, &enabled);
    if (o.ch_on_full != "block" && o.ch_on_full != "drop") {
      throw UsageError("flag -ch-on-full: \"" + o.ch_on_full + "\" is not block or drop");
    }
    if ((o.ch_insecure || !o.ch_ca_file.empty()) && !o.ch_secure) {
      throw UsageError("flags -ch-insecure and -ch-ca-file need -ch-secure");
    }
    if (o.ch_insecure && !o.ch_ca_file.empty()) throw UsageError("flags -ch-insecure and -ch-ca-file exclude each other");
    clickhouse_password(o);
  }
  flamegraph::parse_fields(o.fields);
  flamegraph::parse_value_kind(o.count);
  parquet::parse_compression(o.parquet_compression);
  if (!o.parquet_rotate.empty()) parse_parquet_rotate(o.parquet_rotate);
}

void add_sinks(const Options& o, const RunIdentity& identity, sink::FanOut& sinks) {
  if (o.parquet) sinks.add(make_parquet_sink(o, identity));
  if (o.clickhouse) sinks.add(make_clickhouse_sink(o));
  if (o.flamegraph) sinks.add(make_flamegraph_sink(o, identity));
  if (sinks.empty() || o.console) {
    sinks.add(std::make_unique<sink::ConsoleSink>(STDOUT_FILENO));
  }
}

}  // namespace ior::cli
