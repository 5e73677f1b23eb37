#include "cli/sink_factory.hpp"

#include <time.h>
#include <cstdlib>
#include <unistd.h>

#include "base/error.hpp"
#include "base/uuid_text.hpp"
#include "cli/ch_hosts.hpp"
#include "cli/flag_parser.hpp"
#include "cli/output_names.hpp"
#include "cli/secrets.hpp"
#include "cli/spool_location.hpp"
#include "cli/syscall_colors.hpp"
#include "cli/version.hpp"
#include "clickhouse/net/ca_file.hpp"
#include "sink/console_sink.hpp"
#include "sink/json_sink.hpp"

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

parquet::ParquetSinkOptions parquet_options(const Options& o, const RunIdentity& id) {
  parquet::ParquetSinkOptions p;
  p.path = o.parquet_file.empty() ? default_parquet_path(o, id) : o.parquet_file;
  if (!o.parquet_rotate.empty()) {
    auto r = parse_parquet_rotate(o.parquet_rotate);
    p.rotate_rows = r.rows;
    p.rotate_ms = r.ms;
  }
  if (p.rotate_rows != 0 || p.rotate_ms != 0) {
    // Found at the tenth or the thousandth file the run would keep it
    // under its temporary name: said now instead.
    constexpr std::size_t kNameMax = 255;
    const std::string far = parquet::ParquetSink::rotated_path(p.path, 9'999'999);
    if (far.size() - (far.rfind('/') == std::string::npos ? 0 : far.rfind('/') + 1) > kNameMax) {
      throw UsageError("flag -parquet-file: the rotated file names (" + parquet::ParquetSink::rotated_path(p.path, 1) +
                       ", ...) would be longer than " + std::to_string(kNameMax) + " bytes");
    }
  }
  p.writer.row_group_rows = o.parquet_rowgroup;
  p.writer.compression = parquet::parse_compression(o.parquet_compression);
  p.writer.zstd_level = static_cast<int>(o.parquet_zstd_level);
  p.existing = o.force ? ExistingOutput::kReplace : ExistingOutput::kRefuse;
  // o.argv has every secret flag value <redacted> (options.cpp).
  p.writer.metadata = {{"ior.version", kVersion},
                       {"ior.hostname", id.hostname},
                       {"ior.collection_id", uuid_text(id.collection_id)},
                       {"ior.kernel", id.kernel},
                       {"ior.flags", join_argv(o.argv)}};
  return p;
}


clickhouse::wire::CompressionMethod parse_ch_compression(const std::string& text, bool* enabled) {
  *enabled = text != "none";
  if (text == "lz4" || text == "none") return clickhouse::wire::CompressionMethod::kLz4;
  if (text == "zstd") return clickhouse::wire::CompressionMethod::kZstd;
  throw UsageError("flag -ch-compression: \"" + text + "\" is not lz4, zstd or none");
}

clickhouse::writer::OnFull parse_on_full(const std::string& text) {
  if (text == "block") return clickhouse::writer::OnFull::kBlock;
  if (text == "drop") return clickhouse::writer::OnFull::kDrop;
  throw UsageError("flag -ch-on-full: \"" + text + "\" is not block or drop");
}

clickhouse::ClickHouseSinkOptions clickhouse_options(const Options& o, const ClickHouseHooks& hooks) {
  if ((o.ch_insecure || !o.ch_ca_file.empty()) && !o.ch_secure) {
    throw UsageError("flags -ch-insecure and -ch-ca-file need -ch-secure");
  }
  if (o.ch_insecure && !o.ch_ca_file.empty()) throw UsageError("flags -ch-insecure and -ch-ca-file exclude each other");
  if (o.ch_cluster_discover && o.ch_cluster.empty()) throw UsageError("flag -ch-cluster-discover needs -ch-cluster");
  if (!o.ch_ca_file.empty()) {
    // Checked now, before anything is traced: a CA file that cannot be
    // loaded would fail every connection, and the spool would hide it.
    try {
      clickhouse::net::check_ca_file(o.ch_ca_file);
    } catch (const Error& e) {
      throw UsageError(std::string("flag -ch-ca-file: ") + e.what());
    }
  }
  clickhouse::ClickHouseSinkOptions c;
  auto& w = c.writer;
  w.hosts = parse_ch_hosts(o.ch_host);
  w.client.port = static_cast<std::uint16_t>(o.ch_port != 0 ? o.ch_port : (o.ch_secure ? 9440 : 9000));
  w.client.user = o.ch_user;
  // No database in the Hello: ior's own may not exist yet, and `default` is
  // refused to a user allowed only its own (18.16 then closes the
  // connection without a reason). Every statement names its database.
  w.client.database.clear();
  w.client.compression.method = parse_ch_compression(o.ch_compression, &w.client.compression.enabled);
  w.client.tls.enabled = o.ch_secure;
  w.client.tls.ca_file = o.ch_ca_file;
  w.client.tls.insecure = o.ch_insecure;
  w.client.cancel = hooks.cancel;
  if (hooks.warn) w.client.on_cleartext_password = cleartext_password_warning(hooks.warn);
  w.batch_rows = o.ch_batch;
  w.flush_interval = std::chrono::milliseconds(o.ch_flush_ms);
  w.connections = o.ch_conns;
  const std::string root = spool_root(o.ch_spool, std::getenv("STATE_DIRECTORY"));
  if (!root.empty()) {
    std::vector<std::string> named;
    for (const auto& h : w.hosts) named.push_back(host_text(h, w.client.port));
    w.spool_dir = root + "/" + spool_target_dir({named, w.client.port, o.ch_db, o.ch_table});
  }
  w.spool_max_bytes = o.ch_spool_max;
  w.memory_bytes = o.ch_memory;
  c.drain_timeout = std::chrono::milliseconds(o.ch_drain_ms);
  w.on_full = parse_on_full(o.ch_on_full);
  c.schema.database = o.ch_db;
  c.schema.table = o.ch_table;
  c.schema.cluster = o.ch_cluster;
  c.schema.ttl_days = static_cast<int>(o.ch_ttl_days);
  c.discover_cluster = o.ch_cluster_discover;
  c.async_insert = o.ch_async;
  // Last, after every usage error: nothing is read when the flags are wrong.
  w.client.password = load_clickhouse_password(o, hooks.warn);
  if (!w.client.password.empty()) protect_secrets_in_memory();
  return c;
}

}  // namespace

flamegraph::FlamegraphSinkOptions flamegraph_options(const Options& o, const RunIdentity& id) {
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
  return f;
}

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

SinkPlan plan_sinks(const Options& o, const RunIdentity& identity, const ClickHouseHooks& hooks) {
  SinkPlan plan;
  // Every flag is checked, also those of sinks that are off: a typo in
  // -fields is an error whether or not -flamegraph is on.
  auto parquet = parquet_options(o, identity);
  auto flamegraph = flamegraph_options(o, identity);
  std::vector<OutputName> names;
  if (o.parquet) {
    names.push_back({parquet.path, o.parquet_file.empty() ? "-parquet" : "-parquet-file",
                     parquet.rotate_rows != 0 || parquet.rotate_ms != 0});
  }
  if (o.flamegraph) {
    names.push_back({flamegraph.name + ".collapsed", "-flamegraph", false});
    names.push_back({flamegraph.name + ".svg", "-flamegraph", false});
  }
  if (!o.json_file.empty()) names.push_back({o.json_file, "-json-file", false});
  refuse_shared_output_names(names);
  if (o.parquet) plan.parquet = std::move(parquet);
  if (o.flamegraph) plan.flamegraph = std::move(flamegraph);
  if (o.clickhouse) plan.clickhouse = clickhouse_options(o, hooks);
  plan.json_stdout = o.json;
  if (!o.json_file.empty()) plan.json_file = o.json_file;
  plan.json_existing = o.force ? ExistingOutput::kReplace : ExistingOutput::kRefuse;
  plan.console = o.console ||
                 !(o.parquet || o.clickhouse || o.flamegraph || o.live || o.json || !o.json_file.empty());
  return plan;
}

AddedSinks add_sinks(SinkPlan plan, sink::FanOut& sinks) {
  AddedSinks added;
  if (plan.parquet) sinks.add(std::make_unique<parquet::ParquetSink>(std::move(*plan.parquet)));
  if (plan.clickhouse) {
    added.clickhouse = &static_cast<const clickhouse::ClickHouseSink&>(
        sinks.add(std::make_unique<clickhouse::ClickHouseSink>(std::move(*plan.clickhouse))));
  }
  if (plan.flamegraph) sinks.add(std::make_unique<flamegraph::FlamegraphSink>(std::move(*plan.flamegraph)));
  if (plan.json_file) sinks.add(std::make_unique<sink::JsonSink>(*plan.json_file, plan.json_existing));
  if (plan.json_stdout) sinks.add(std::make_unique<sink::JsonSink>(STDOUT_FILENO));
  if (plan.console) sinks.add(std::make_unique<sink::ConsoleSink>(STDOUT_FILENO));
  return added;
}

}  // namespace ior::cli
