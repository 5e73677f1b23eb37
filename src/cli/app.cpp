#include "cli/app.hpp"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "base/error.hpp"
#include "base/thread_affinity.hpp"
#include "cli/cgroup_filter.hpp"
#include "cli/command.hpp"
#include "cli/delayed_line.hpp"
#include "cli/live_run.hpp"
#include "cli/messages.hpp"
#include "cli/run_counters.hpp"
#include "cli/run_identity.hpp"
#include "cli/run_metrics.hpp"
#include "cli/sink_factory.hpp"
#include "cli/status_line.hpp"
#include "cli/stop_signals.hpp"
#include "cli/summary.hpp"
#include "cli/target_watch.hpp"
#include "cli/version.hpp"
#include "clickhouse/net/cancellation.hpp"
#include "event/clock.hpp"
#include "event/pipeline.hpp"
#include "event/syscall_selector.hpp"
#include "event/syscall_table.hpp"
#include "live/live_sink.hpp"
#include "metrics/metrics_server.hpp"
#include "ior_event.h"
#include "sink/fan_out.hpp"
#include "sink/top_stats.hpp"
#include "trace/cpu_placement.hpp"
#include "trace/ring_reader.hpp"
#include "trace/tracer.hpp"

namespace ior::cli {
namespace {

class RowsToSinks final : public event::RowConsumer {
 public:
  explicit RowsToSinks(sink::FanOut& sinks) : sinks_(sinks) {}
  void on_row(const schema::EventRow& row) noexcept override { sinks_.consume(row); }

 private:
  sink::FanOut& sinks_;
};

// The ring's records go through the pipeline; the rows of each poll go to
// the sinks' threads in one chunk.
class RecordsToPipeline final : public trace::RecordHandler {
 public:
  RecordsToPipeline(event::Pipeline& p, sink::FanOut& sinks) : pipeline_(p), sinks_(sinks) {}
  void on_record(std::span<const std::byte> record) noexcept override { pipeline_.feed(record); }
  void on_batch_end(std::uint64_t handled_to) noexcept override {
    pipeline_.handled_up_to(handled_to);
    sinks_.publish();
  }

 private:
  event::Pipeline& pipeline_;
  sink::FanOut& sinks_;
};

// -cost-stage drain: the ring is read at full speed and nothing decoded.
class DiscardRecords final : public trace::RecordHandler {
 public:
  void on_record(std::span<const std::byte>) noexcept override { ++records; }
  std::uint64_t records = 0;  // read on the reader thread, printed after it stopped
};

std::uint32_t cost_stage_of(const std::string& stage) {
  if (stage == "attach") return IOR_COST_ATTACH;
  if (stage == "filter") return IOR_COST_FILTER;
  if (stage == "copy") return IOR_COST_COPY;
  return IOR_COST_FULL;  // "" and "drain": the kernel side does everything
}

void warn(const std::string& msg) { print_message(msg); }

std::uint64_t peak_rss_bytes() {
  struct rusage ru {};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;  // ru_maxrss is in KiB
}

// A stop signal before tracing began: what setup created is closed, nothing
// was traced; the status is the shell's for a signal (130 for Ctrl-C).
int stopped_during_setup(int sig, sink::FanOut& sinks) {
  sinks.stop_requested();
  sinks.abandon();
  print_message("ior: stopped by signal " + std::to_string(sig) + " (" + strsignal(sig) +
                ") during setup, before tracing began");
  return 128 + sig;
}

event::PipelineOptions pipeline_options(const Options& o, const RunIdentity& identity,
                                        const event::SyscallSelector& selector) {
  event::PipelineOptions p;
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    p.no_rows_of[id] = selector.traced_for_names_only(event::syscall_name(id));
  }
  p.hostname = identity.hostname;
  p.collection_id = identity.collection_id;
  p.wall_offset_ns = event::realtime_minus_monotonic_ns();
  p.filters = {.comm = o.comm,
               .path = o.path,
               .errors_only = o.errors,
               .min_duration_ns = o.min_duration_ns,
               .container = o.container};
  return p;
}

// What the kernel filters on, checked before anything is loaded or started.
struct KernelFilters {
  std::vector<std::uint32_t> uids;
  std::optional<CgroupTarget> cgroup;
};

KernelFilters kernel_filters(const Options& o) {
  KernelFilters f;
  if (!o.uid.empty()) f.uids = parse_uids(o.uid, IOR_MAX_UIDS);
  if (!o.cgroup.empty()) f.cgroup = open_cgroup(o.cgroup);
  return f;
}

trace::TracerOptions tracer_options(const Options& o, const event::SyscallSelector& selector, std::uint32_t pid,
                                    const KernelFilters& filters) {
  trace::TracerOptions t;
  t.self_pid = static_cast<std::uint32_t>(getpid());
  t.pid = pid;
  t.tid = static_cast<std::uint32_t>(o.tid);
  t.follow = o.follow;
  t.uids = filters.uids;
  t.cgroup_fd = filters.cgroup ? filters.cgroup->dir.get() : -1;
  t.ring_bytes = o.map_size;
  t.str_max = static_cast<std::uint32_t>(o.str_max);
  t.select = [&selector](std::string_view name) { return selector.traces(name); };
  t.warn = warn;
  t.wakeup_each_record = o.wakeup_each;
  t.cost_stage = cost_stage_of(o.cost_stage);
  return t;
}

struct Stopwatch {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); }
};

// Until the programs are attached nothing is traced: when setup fails (an
// exception leaves run_trace) the outputs already created are abandoned, so
// a run that recorded nothing neither replaces an earlier recording
// (-force) nor takes its name.
struct AbandonUntilTracing {
  sink::FanOut& sinks;
  bool tracing = false;
  ~AbandonUntilTracing() {
    if (!tracing) sinks.abandon();
  }
};

// Why tracing ended.
struct StopCause {
  int sig = 0;                  ///< a stop signal, or 0
  bool targets_exited = false;  ///< -pid's process (and those followed) or the command ended
};

// Waits for -duration, a stop signal or the end of the traced processes,
// updating the status line once a second.
StopCause wait_for_stop(const Options& o, StopSignals& signals, trace::Tracer& tracer, TargetWatch* watch,
                        const event::Pipeline& pipeline, const sink::FanOut& sinks, const Stopwatch& clock) {
  StatusLine status(!o.quiet && isatty(STDERR_FILENO));
  const auto tick = std::chrono::milliseconds(watch != nullptr ? 100 : 1000);
  const auto deadline = clock.start + std::chrono::milliseconds(o.duration_ms);
  auto next_status = clock.start;
  StopCause cause;
  while (cause.sig == 0) {
    auto now = std::chrono::steady_clock::now();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (o.until_exit) left = tick;
    if (left.count() <= 0) break;
    if (watch != nullptr && watch->all_exited(tracer, event::monotonic_now_ns())) {
      cause.targets_exited = true;
      break;
    }
    cause.sig = signals.wait(std::min(left, tick));
    if (std::chrono::steady_clock::now() >= next_status) {
      status.update(snapshot(clock.seconds(), tracer.counters(), pipeline.stats(), sinks.queue_states()));
      next_status += std::chrono::seconds(1);
    }
  }
  status.clear();
  return cause;
}

std::string sigabbrev_or_number(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// The one line that says ior stopped because what it traced has ended.
std::string exited_line(const Options& o, std::uint32_t pid, Command* command) {
  std::string who = command != nullptr ? "the command (pid " + std::to_string(pid) + ")"
                                       : "process " + std::to_string(pid);
  std::string line = "ior: " + who + (o.follow ? " and every process it started have exited" : " has exited");
  if (command != nullptr) {
    if (auto st = command->reap()) {
      // reap() gives the shell's $?: above 128 the command was killed.
      line += " (its status " + std::to_string(*st);
      if (*st > 128) line += std::string(": killed by ") + sigabbrev_or_number(*st - 128);
      line += ")";
    }
  }
  return line + ": tracing stopped";
}

// Said before the outputs finish when ClickHouse is failing at the stop:
// ior then waits for it up to -ch-drain-timeout, silent otherwise.
std::optional<std::string> clickhouse_wait_line(const Options& o, const clickhouse::ClickHouseSink* ch) {
  if (ch == nullptr) return std::nullopt;
  const auto stats = ch->live_stats();
  // A refused setup is no outage: nothing is waited for, the summary says why.
  if (!stats.refused.empty()) return std::nullopt;
  // A server that stopped answering fails nothing until a timeout: INSERTs
  // out this long without a reply are as telling.
  constexpr std::uint64_t kSilentMs = 2000;
  std::string why = stats.last_error;
  if (!stats.failing) {
    if (stats.unanswered_ms < kSilentMs) return std::nullopt;
    why = "no reply to INSERTs for " + std::to_string(stats.unanswered_ms / 1000) + " s";
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.0f", static_cast<double>(o.ch_drain_ms) / 1000.0);
  const bool spool = !ch->writer_options().spool_dir.empty();
  return std::string("ior: ClickHouse is not answering (") + why + "); waiting up to " + seconds +
         " s for it before what it has not taken " + (spool ? "goes to the spool" : "is dropped") +
         " (Ctrl-C: at once)";
}

// What every stage counted so far: for the summary at the end and for
// the metrics endpoint during the run (any thread).
SummaryInput summary_input(const RunIdentity& identity, const trace::Tracer& tracer, const event::Pipeline& pipeline,
                           const sink::FanOut& sinks, const trace::CpuPlacement* placement, double seconds) {
  SummaryInput in;
  if (placement != nullptr) {
    in.off_traced_cpus_s = static_cast<double>(placement->restricted_ns()) / 1e9;
    in.off_traced_cpus_now = placement->restricted();
    in.placement_releases = placement->backlog_releases();
  }
  in.identity = &identity;
  in.counters = snapshot(seconds, tracer.counters(), pipeline.stats(), sinks.queue_states());
  in.rows_not_packed = sinks.rows_unpacked();
  in.peak_rss_bytes = peak_rss_bytes();
  in.stats = &pipeline.stats();
  in.attached_syscalls = tracer.attached_syscalls().size();
  in.skipped_syscalls = tracer.skipped_syscalls();
  in.sinks = sinks.reports();
  return in;
}

// -metrics: the body of every GET /metrics, on the server's thread.
std::string metrics_body(const RunIdentity& identity, const trace::Tracer& tracer, const event::Pipeline& pipeline,
                         const sink::FanOut& sinks, const trace::CpuPlacement* placement,
                         const clickhouse::ClickHouseSink* ch, double seconds) {
  const SummaryInput in = summary_input(identity, tracer, pipeline, sinks, placement, seconds);
  MetricsInput m;
  m.summary = &in;
  m.queues = sinks.queue_states();
  m.uptime_s = seconds;
  m.version = kVersion;
  if (ch != nullptr) {
    const auto& w = ch->writer_options();
    m.clickhouse = ClickHouseState{.stats = ch->live_stats(),
                                   .memory_limit_bytes = w.memory_bytes,
                                   .spool_limit_bytes = w.spool_dir.empty() ? 0 : w.spool_max_bytes,
                                   .senders = w.connections};
  }
  return metrics::format_families(metric_families(m));
}

// Stops the metrics thread before the objects its body reads go away.
struct StopMetricsOnExit {
  metrics::MetricsServer* server = nullptr;
  ~StopMetricsOnExit() {
    if (server != nullptr) server->stop();
  }
};

// The summary (unless -quiet) and the exit status: 1 when an output failed
// or any row was lost on the way (rows_lost_line).
int report_run(const Options& o, const RunIdentity& identity, int sig, const trace::Tracer& tracer,
               const event::Pipeline& pipeline, const sink::FanOut& sinks, const sink::TopStats* top,
               const trace::CpuPlacement* placement, double traced_s, double finish_s) {
  SummaryInput in = summary_input(identity, tracer, pipeline, sinks, placement, traced_s);
  in.finish_s = finish_s;
  if (!o.quiet) {
    if (sig != 0) std::fprintf(stderr, "ior: stopped by signal %d\n", sig);
    std::fputs(format_summary(in).c_str(), stderr);
    if (top) std::fputs((format_top_tables(*top) + top_tables_shortfall(in.sinks)).c_str(), stderr);
  }
  bool failed = false;
  for (const auto& r : in.sinks) {
    if (!r.failed) continue;
    failed = true;
    for (const auto& l : r.lines) print_message("ior: " + l);
  }
  // Said even with -quiet: a run that lost rows must not look complete.
  if (auto lost = rows_lost_line(in)) {
    print_message(*lost);
    failed = true;
  }
  return failed ? 1 : 0;
}

}  // namespace

int run_trace(const Options& o) {
  check_live_terminal(o);  // a usage error before anything is loaded
  // A stop signal during setup or shutdown cancels every ClickHouse wait.
  auto cancel = std::make_shared<clickhouse::net::Cancellation>();
  StopSignals signals([cancel] { cancel->cancel(); });  // before any thread starts: threads inherit the blocked mask
  event::SyscallSelector selector(o.tps, o.tps_exclude);
  const KernelFilters filters = kernel_filters(o);
  RunIdentity identity = make_run_identity();
  SinkPlan plan = plan_sinks(o, identity, {.cancel = cancel, .warn = warn});
  // Listening now: a taken port is an error before anything is loaded.
  std::optional<metrics::MetricsServer> metrics_server;
  if (!o.metrics.empty()) metrics_server.emplace(metrics::parse_listen_address(o.metrics));

  // A command is started now, held before its exec until the programs are
  // attached; from here on it is what -pid names.
  std::optional<Command> command;
  if (!o.command.empty()) command.emplace(o.command, o.live);
  if (command && o.json) {
    warn("ior: warning: the command writes to the standard output that -json writes rows to: its output can land "
         "inside JSON lines (redirect it, e.g. -- sh -c 'CMD >FILE', or use -json-file)");
  }
  const auto target = command ? static_cast<std::uint32_t>(command->pid()) : static_cast<std::uint32_t>(o.pid);
  std::optional<TargetWatch> watch;
  if (target != 0) watch.emplace(target, o.follow);

  sink::FanOut sinks({.queue_bytes_per_sink = o.sink_queue_bytes});
  AbandonUntilTracing abandon_until_tracing{sinks};
  RowsToSinks rows(sinks);
  event::Pipeline pipeline(pipeline_options(o, identity, selector), rows);
  if (command) pipeline.learn_process(target);
  RecordsToPipeline records(pipeline, sinks);

  trace::Tracer tracer(tracer_options(o, selector, target, filters));  // loaded, not attached
  const auto& attached = tracer.attached_syscalls();
  if (std::none_of(attached.begin(), attached.end(), [&](const std::string& n) { return selector.selects(n); })) {
    throw UsageError("no syscall selected: -tps/-tpsExclude exclude every tracepoint");
  }
  // Outputs are created and the ClickHouse schema prepared after the load
  // (a refused load leaves no empty files) and before the attach (nothing
  // is traced while a server is slow to answer).
  AddedSinks added;
  try {
    added = add_sinks(std::move(plan), sinks);
  } catch (const std::exception&) {
    if (signals.received() == 0) throw;  // else the cancellation is what failed
  }
  if (int sig = signals.received(); sig != 0) return stopped_during_setup(sig, sinks);
  sink::TopStats* top = nullptr;
  if (!o.quiet) top = &static_cast<sink::TopStats&>(sinks.add(std::make_unique<sink::TopStats>()));
  live::LiveSink* live_sink = nullptr;
  if (o.live) live_sink = &static_cast<live::LiveSink&>(sinks.add(std::make_unique<live::LiveSink>()));

  DiscardRecords discard;
  trace::RecordHandler& handler = o.cost_stage.empty() ? static_cast<trace::RecordHandler&>(records) : discard;
  // Before the reader: its thread uses them until the reader is stopped
  // (also by its destructor, when an exception leaves this function).
  std::optional<trace::CpuPlacement> placement;
  trace::RingLevels levels;
  trace::RingReader reader(tracer, handler, [&] {
    pipeline.sweep(event::monotonic_now_ns());
    sinks.flush();
  });
  // ior's threads, not this one: a process started from here later (none
  // today) or the command's exec must keep the CPUs ior was given.
  if (o.avoid_traced_cpus) {
    placement.emplace(own_cpu_affinity(tracer.ring_count()),
                      [spared = gettid()](const CpuMask& cpus) { return set_threads_affinity(cpus, spared) != 0; });
    reader.set_after_poll([&] {
      tracer.ring_levels(levels);  // two loads per ring
      placement->observe(event::monotonic_now_ns(), levels, sinks.fullest_queue());
    });
  }
  Stopwatch clock;
  StopMetricsOnExit stop_metrics;
  if (metrics_server) {
    metrics_server->start([&] {
      return metrics_body(identity, tracer, pipeline, sinks, placement ? &*placement : nullptr, added.clickhouse,
                          clock.seconds());
    });
    stop_metrics.server = &*metrics_server;
    if (!o.live) print_message("ior: metrics at http://" + metrics_server->bound() + "/metrics");
  }
  tracer.attach();
  abandon_until_tracing.tracing = true;
  // Descendants running before the attach were not seen forking: from /proc.
  std::vector<std::uint32_t> running;
  if (watch && o.follow) running = watch->follow_running_descendants(tracer);
  // A -pid process (and its running descendants) had its files open and its
  // directory set before the attach: read them now, before the first record
  // is handled. Read lazily at a row, a fd closed and opened again for
  // another file before the reader got to the row would name the new file.
  // (After the attach: every change from here on is also a record, which
  // the pipeline applies on top.) Without a target, processes are read
  // lazily as they come: see docs/ARCHITECTURE.md, "Files open before ior".
  if (!command && target != 0) {
    running.push_back(target);
    for (std::uint32_t pid : running) pipeline.learn_process(pid);
  }
  if (target == 0) pipeline.learn_own_thread_cwds_of_running();
  signals.tracing_started();
  reader.start();
  if (!o.quiet && !o.live) {
    if (o.until_exit) {
      std::fprintf(stderr, "ior: tracing %zu syscalls of the command until it exits (Ctrl-C stops)\n",
                   tracer.attached_syscalls().size());
    } else {
      std::fprintf(stderr, "ior: tracing %zu syscalls for %.10g s (Ctrl-C stops)\n", tracer.attached_syscalls().size(),
                   static_cast<double>(o.duration_ms) / 1000.0);
    }
  }
  if (command) command->release();
  StopCause cause;
  if (live_sink != nullptr) {
    const auto end = run_live_view(o, signals, tracer, watch ? &*watch : nullptr, pipeline, sinks, *live_sink,
                                   clock.start);
    cause = {.sig = end.sig, .targets_exited = end.targets_exited};
  } else {
    cause = wait_for_stop(o, signals, tracer, watch ? &*watch : nullptr, pipeline, sinks, clock);
  }
  signals.tracing_ended();  // from now on a signal cancels what still waits on a server

  reader.stop();  // detaches, drains the ring, last tick on the reader thread
  pipeline.finish();
  const double traced_s = clock.seconds();
  if (cause.targets_exited && !o.quiet) print_message(exited_line(o, target, command ? &*command : nullptr));
  {
    // Said only when the outputs are still closing after a second: a server
    // that failed once while another host took the rows costs no wait. With
    // a shorter -ch-drain-timeout, halfway through it: said at its end, the
    // line would race the drain's own give-up and name that as the error.
    std::optional<DelayedLine> wait_line;
    if (added.clickhouse != nullptr && !o.quiet) {
      const auto delay = std::min<std::chrono::milliseconds>(std::chrono::seconds(1),
                                                             std::chrono::milliseconds(static_cast<std::int64_t>(o.ch_drain_ms / 2)));
      wait_line.emplace(delay, [&o, &added] { return clickhouse_wait_line(o, added.clickhouse); });
    }
    sinks.close();  // every row queued so far is consumed; a sink that cannot finish is told to stop
  }
  if (!o.cost_stage.empty()) {
    print_message("ior: -cost-stage " + o.cost_stage + ": " + std::to_string(discard.records) +
                  " records read and discarded, no rows built");
  }
  return report_run(o, identity, cause.sig, tracer, pipeline, sinks, top, placement ? &*placement : nullptr, traced_s,
                    clock.seconds() - traced_s);
}

}  // namespace ior::cli
