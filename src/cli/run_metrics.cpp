#include "cli/run_metrics.hpp"

#include <utility>

namespace ior::cli {
namespace {

using metrics::Family;
using metrics::Label;
using metrics::MetricType;

double d(std::uint64_t v) { return static_cast<double>(v); }

Family counter(std::string name, std::string help) {
  return {std::move(name), std::move(help), MetricType::kCounter, {}};
}
Family gauge(std::string name, std::string help) { return {std::move(name), std::move(help), MetricType::kGauge, {}}; }

Family& add(std::vector<Family>& out, Family f, double value) {
  f.samples.push_back({{}, value});
  out.push_back(std::move(f));
  return out.back();
}

// One sample per (label value, number).
Family& add_by(std::vector<Family>& out, Family f, const std::string& label,
               std::initializer_list<std::pair<const char*, std::uint64_t>> values) {
  for (const auto& [v, n] : values) f.samples.push_back({{{label, v}}, d(n)});
  out.push_back(std::move(f));
  return out.back();
}

void process_families(std::vector<Family>& out, const MetricsInput& in) {
  add(out, gauge("ior_build_info", "ior's version, as a label; always 1"), 1).samples[0].labels = {
      {"version", in.version}};
  add(out, gauge("ior_start_time_seconds", "when tracing started, Unix time"),
      d(in.summary->identity->start_unix_ns) / 1e9);
  add(out, gauge("ior_uptime_seconds", "seconds since tracing started"), in.uptime_s);
}

// The account's kernel, decode and pairing stages.
void pipeline_families(std::vector<Family>& out, const SummaryInput& s) {
  const auto& k = s.counters.kernel;
  const auto& p = *s.stats;
  add(out, counter("ior_ring_buffer_records_read_total", "records read from the BPF ring buffer"), d(p.records.get()));
  add_by(out, counter("ior_ring_buffer_drops_total", "records lost because the ring buffer was full, by kind"), "kind",
         {{"enter", k.drop_enter}, {"exit", k.drop_exit}, {"task", k.drop_task}});
  add(out, counter("ior_ring_buffer_wakeups_total", "forced wake-ups of the reader (ring buffer over half full)"),
      d(k.wakeups));
  if (s.off_traced_cpus_s >= 0) {
    add(out, counter("ior_threads_off_traced_cpus_seconds_total",
                     "seconds ior's threads ran off the CPUs whose syscalls it recorded most"),
        s.off_traced_cpus_s);
    add(out, gauge("ior_threads_off_traced_cpus", "1 while ior's threads run off the busiest traced CPUs"),
        s.off_traced_cpus_now ? 1 : 0);
    add(out, counter("ior_threads_placement_releases_total",
                     "times ior's threads went back on every CPU because ior fell behind"),
        d(s.placement_releases));
  }
  add(out, counter("ior_processes_not_followed_total", "-follow: new processes not followed (the map was full)"),
      d(k.follow_full));
  add_by(out, counter("ior_records_decoded_total", "records decoded, by kind"), "kind",
         {{"enter", p.enters.get()}, {"exit", p.exits.get()}, {"task", p.task_events.get()}});
  add_by(out, counter("ior_records_undecodable_total", "records that could not be decoded, by reason"), "reason",
         {{"short", p.decode_short.get()},
          {"unknown_kind", p.decode_unknown_kind.get()},
          {"bad_syscall", p.decode_bad_syscall.get()}});
  add(out, counter("ior_records_failed_total", "records whose processing failed after decoding (out of memory)"),
      d(p.internal_errors.get()));
  add(out, counter("ior_syscalls_paired_total", "enter and exit records paired into one syscall"),
      d(p.rows.get() + p.rows_failed.get()));
  add_by(out, counter("ior_enter_records_unpaired_total", "enter records that did not become a syscall, by reason"),
         "reason",
         {{"thread_exited", p.enter_thread_gone.get()},
          {"running_at_end", p.enter_unfinished.get()},
          {"next_enter_first", p.enter_replaced.get()},
          {"forgotten", p.enter_forgotten.get()},
          {"wrong_exit", p.exit_mismatch.get()},
          {"not_kept", p.enter_failed.get()}});
  add(out, counter("ior_exit_records_enter_unseen_total",
                   "exit records whose enter tracepoint never ran (seccomp refused the syscall, or it began before "
                   "tracing), paired with the registers they carry: in ior_syscalls_paired_total"),
      d(p.exit_enter_unseen.get()));
  add_by(out, counter("ior_exit_records_unpaired_total", "exit records without their enter record, by reason"),
         "reason", {{"no_enter", p.exit_without_enter.get()}, {"wrong_exit", p.exit_mismatch.get()}});
  add(out, counter("ior_rows_not_built_total", "paired syscalls whose row could not be built (out of memory)"),
      d(p.rows_failed.get()));
  add_by(out, counter("ior_rows_filtered_total", "rows removed by a filter, each under its first reason"), "filter",
         {{"errors", p.rows_not_failed.get()},
          {"min_duration", p.rows_too_fast.get()},
          {"comm_path", p.rows_no_match.get()},
          {"tps_names_only", p.rows_names_only.get()}});
  add(out, counter("ior_rows_to_sinks_total", "rows handed to the outputs"), d(p.rows_emitted.get()));
  add(out, counter("ior_rows_not_copied_total", "rows that could not be copied for the outputs (out of memory)"),
      d(s.rows_not_packed));
}

void sink_families(std::vector<Family>& out, const MetricsInput& in) {
  const auto& sinks = in.summary->sinks;
  Family received = counter("ior_sink_rows_received_total", "rows handed to this output");
  Family written = counter("ior_sink_rows_written_total",
                           "rows this output stored (written, or acknowledged by a server); a Parquet file's "
                           "rows count when the file is complete");
  Family dropped = counter("ior_sink_rows_dropped_total",
                           "rows this output dropped: queue_full (it fell behind by -sink-queue), "
                           "output_full (memory and spool full, or left at the stop with no spool)");
  Family lost = counter("ior_sink_rows_lost_total", "rows this output accepted but could not store (write errors)");
  Family spooled = gauge("ior_sink_rows_spooled", "rows of this run in the output's spool now, to be sent later");
  Family replayed_earlier = counter("ior_sink_rows_replayed_earlier_total",
                                    "rows of earlier runs stored from the spool by this run");
  Family maybe_dup = counter("ior_sink_rows_maybe_duplicated_total", "rows that may be stored twice (0 unless an INSERT failed midway)");
  Family queue = gauge("ior_sink_queue_bytes", "rows waiting for this output, in bytes");
  Family queue_limit = gauge("ior_sink_queue_limit_bytes", "the bound of ior_sink_queue_bytes (-sink-queue)");
  Family failed = gauge("ior_sink_failed", "1 when this output failed (the run will exit non-zero)");
  for (std::size_t i = 0; i < sinks.size(); ++i) {
    const auto& r = sinks[i];
    const std::vector<Label> l = {{"sink", r.name}};
    auto sample = [&](Family& f, double v) { f.samples.push_back({l, v}); };
    sample(received, d(r.rows_received));
    sample(written, d(r.rows_written));
    dropped.samples.push_back({{{"sink", r.name}, {"reason", "queue_full"}}, d(r.rows_dropped_queue)});
    dropped.samples.push_back({{{"sink", r.name}, {"reason", "output_full"}}, d(r.rows_dropped)});
    sample(lost, d(r.rows_lost));
    sample(spooled, d(r.rows_spooled));
    sample(replayed_earlier, d(r.rows_replayed_earlier));
    sample(maybe_dup, d(r.rows_maybe_duplicated));
    if (i < in.queues.size()) {
      sample(queue, d(in.queues[i].queued_bytes));
      sample(queue_limit, d(in.queues[i].max_queue_bytes));
    }
    sample(failed, r.failed ? 1 : 0);
  }
  for (Family* f : {&received, &written, &dropped, &lost, &spooled, &replayed_earlier, &maybe_dup, &queue,
                    &queue_limit, &failed}) {
    out.push_back(std::move(*f));
  }
}

void clickhouse_families(std::vector<Family>& out, const ClickHouseState& c) {
  const auto& s = c.stats;
  add(out, gauge("ior_clickhouse_connections_open", "sender connections to a ClickHouse server open now"),
      d(s.connections_open));
  add(out, gauge("ior_clickhouse_senders", "sender threads (-ch-conns), each with at most one connection"),
      d(c.senders));
  add(out, gauge("ior_clickhouse_failing", "1 when the latest INSERT failed and none was acknowledged since"),
      s.failing ? 1 : 0);
  add(out,
      gauge("ior_clickhouse_unanswered_seconds",
            "how long INSERTs have been out with neither a reply nor a failure (a stopped server); 0 when none is out"),
      static_cast<double>(s.unanswered_ms) / 1000.0);
  add(out, counter("ior_clickhouse_insert_errors_total", "failed INSERT exchanges (each retried)"),
      d(s.insert_errors));
  add(out, counter("ior_clickhouse_batches_retried_total", "batches sent again after a failure"),
      d(s.batches_retried));
  add(out, counter("ior_clickhouse_rows_replayed_total", "rows of this run stored from the spool"),
      d(s.rows_replayed));
  add(out, gauge("ior_clickhouse_memory_bytes", "batches queued and in flight, in bytes"), d(s.memory_bytes));
  add(out, gauge("ior_clickhouse_memory_limit_bytes", "the bound of ior_clickhouse_memory_bytes (-ch-memory)"),
      d(c.memory_limit_bytes));
  add(out, gauge("ior_clickhouse_queued_batches", "batches waiting for a sender"), d(s.queued_batches));
  if (c.spool_limit_bytes != 0) {
    add(out, gauge("ior_clickhouse_spool_bytes", "bytes in the spool directory (counted against -ch-spool-max)"),
        d(s.spool.bytes));
    add(out, gauge("ior_clickhouse_spool_limit_bytes", "-ch-spool-max"), d(c.spool_limit_bytes));
    add(out, gauge("ior_clickhouse_spool_files", "batch files in the spool"), d(s.spool.files));
    add_by(out, gauge("ior_clickhouse_spool_rows", "rows in the spool, of this run or of earlier runs"), "run",
           {{"this", s.spool.rows_own}, {"earlier", s.spool.rows_earlier}});
  }
}

void error_family(std::vector<Family>& out, const MetricsInput& in) {
  Family f = gauge("ior_last_error_info",
                   "the latest error of an output, as the error label (escaped like ior's terminal output, "
                   "at most 512 bytes); 1 while there is one");
  if (in.clickhouse && !in.clickhouse->stats.last_error.empty()) {
    f.samples.push_back({{{"sink", "clickhouse"}, {"error", metrics::label_text(in.clickhouse->stats.last_error)}}, 1});
  }
  for (const auto& r : in.summary->sinks) {
    // A failed output's error is the last line of its report.
    if (!r.failed || r.lines.empty() || (r.name == "clickhouse" && !f.samples.empty())) continue;
    f.samples.push_back({{{"sink", r.name}, {"error", metrics::label_text(r.lines.back())}}, 1});
  }
  out.push_back(std::move(f));
}

}  // namespace

std::vector<Family> metric_families(const MetricsInput& in) {
  std::vector<Family> out;
  process_families(out, in);
  pipeline_families(out, *in.summary);
  sink_families(out, in);
  if (in.clickhouse) clickhouse_families(out, *in.clickhouse);
  error_family(out, in);
  return out;
}

}  // namespace ior::cli
