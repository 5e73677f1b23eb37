#include "cli/sink_factory.hpp"

#include <time.h>
#include <unistd.h>

#include "cli/flag_parser.hpp"
#include "cli/version.hpp"
#include "base/error.hpp"
#include "cli/syscall_colors.hpp"
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
  std::string frames;
  for (auto field : f.fields) frames += (frames.empty() ? "" : ";") + std::string(flamegraph::field_name(field));
  f.svg.title = "ior: file I/O by " + frames;
  f.svg.subtitle = "host " + id.hostname + "  |  frames " + frames + "  |  value " +
                   std::string(flamegraph::value_kind_name(f.value));
  f.svg.value_unit = value_unit(f.value);
  f.svg.color = syscall_class_color;
  return std::make_unique<flamegraph::FlamegraphSink>(std::move(f));
}

void validate_sink_flags(const Options& o) {
  flamegraph::parse_fields(o.fields);
  flamegraph::parse_value_kind(o.count);
  parquet::parse_compression(o.parquet_compression);
  if (!o.parquet_rotate.empty()) parse_parquet_rotate(o.parquet_rotate);
}

void add_sinks(const Options& o, const RunIdentity& identity, sink::FanOut& sinks) {
  if (o.parquet) sinks.add(make_parquet_sink(o, identity));
  if (o.flamegraph) sinks.add(make_flamegraph_sink(o, identity));
  if (sinks.empty() || o.console) {
    sinks.add(std::make_unique<sink::ConsoleSink>(STDOUT_FILENO));
  }
}

}  // namespace ior::cli
