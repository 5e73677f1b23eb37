#include "cli/live_run.hpp"

#include "base/alt_signal_stack.hpp"
#include "base/error.hpp"
#include "cli/run_counters.hpp"
#include "event/clock.hpp"
#include "flamegraph/stack_aggregator.hpp"
#include "live/ui/live_ui.hpp"
#include "live/ui/terminal_check.hpp"

namespace ior::cli {
namespace {

// The families the view switches at run time. Only syscalls that change
// neither the fd table nor the cwd (effect NONE in bpf/syscalls.def): ior
// must keep seeing open, close, dup, fcntl, chdir and friends to name the
// files of the calls it records.
struct Family {
  const char* name;
  std::vector<const char*> members;
};
const std::vector<Family>& families() {
  static const std::vector<Family> kFamilies = {
      {"read", {"read", "readv", "pread64", "preadv", "preadv2", "readahead"}},
      {"write", {"write", "writev", "pwrite64", "pwritev", "pwritev2"}},
      {"stat", {"newstat", "newlstat", "newfstat", "newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat",
                "faccessat2", "readlink", "readlinkat"}},
      {"sync", {"fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "msync"}},
      {"mmap", {"mmap", "munmap", "mremap"}},
      {"dir", {"getdents", "getdents64"}},
      {"xattr", {"getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr", "setxattr",
                 "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr"}},
      {"seek", {"lseek", "fadvise64", "ioctl", "flock"}},
  };
  return kFamilies;
}

}  // namespace

void check_live_terminal(const Options& o) {
  if (!o.live) return;
  if (auto why = live::ui::terminal_problem(); !why.empty()) {
    throw UsageError("flag -live needs a terminal: " + why);
  }
}

live::FlameSpec live_flame_spec(const Options& o) {
  live::FlameSpec spec;
  std::vector<flamegraph::Field> kept;
  for (auto f : flamegraph::parse_fields(o.fields)) {
    if (f != flamegraph::Field::kTid && f != flamegraph::Field::kFlags) kept.push_back(f);
  }
  if (!kept.empty()) spec.fields = kept;
  auto v = flamegraph::parse_value_kind(o.count);
  spec.value = v == flamegraph::ValueKind::kDurationToPrev ? flamegraph::ValueKind::kCount : v;
  return spec;
}

LiveRunEnd run_live_view(const Options& o, StopSignals& signals, trace::Tracer& tracer, TargetWatch* watch,
                         const event::Pipeline& pipeline, const sink::FanOut& sinks, live::LiveSink& sink,
                         std::chrono::steady_clock::time_point start) {
  using clock = std::chrono::steady_clock;
  live::ui::UiOptions uo;
  uo.interval = std::chrono::milliseconds(o.live_interval_ms);
  uo.flame = live_flame_spec(o);
  uo.output_prefix = o.name.empty() ? "ior-live" : o.name + "-live";
  for (const auto& f : families()) {
    std::string members;
    for (const char* m : f.members) members += (members.empty() ? "" : " ") + std::string(m);
    uo.switches.emplace_back(f.name, members);
  }
  uo.set_switch = [&tracer](std::size_t index, bool on) {
    bool any = false;
    for (const char* m : families()[index].members) any = tracer.set_recording(m, on) || any;
    return any;
  };
  // This thread draws; the sinks' threads have signal stacks of their own.
  const AltSignalStack alt_stack;
  live::ui::LiveUi ui(sink, uo);
  ui.start(clock::now());

  auto seconds = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
  RunCounters prev = snapshot(seconds(), tracer.counters(), pipeline.stats(), sinks.queue_states());
  const auto deadline = start + std::chrono::milliseconds(o.duration_ms);
  auto next_status = clock::now();
  LiveRunEnd end;
  while (true) {
    end.sig = signals.wait(std::chrono::milliseconds(50));  // also the key poll period
    if (end.sig != 0) break;
    const auto now = clock::now();
    if (!o.live_until_quit && now >= deadline) break;
    if (!end.targets_exited && watch != nullptr && watch->all_exited(tracer, event::monotonic_now_ns())) {
      end.targets_exited = true;  // keep the view: what they did is what the operator looks at
      ui.show_message("the traced processes have exited; q quits");
    }
    if (now >= next_status) {
      const auto states = sinks.queue_states();
      RunCounters c = snapshot(seconds(), tracer.counters(), pipeline.stats(), states);
      const double dt = c.elapsed_s - prev.elapsed_s;
      live::FooterRun run;  // the keys are the view's: it fills them in
      run.elapsed_s = c.elapsed_s;
      run.events_per_s = dt > 0 ? static_cast<double>(c.records - prev.records) / dt : 0.0;
      run.rows = c.rows_emitted;
      run.drops = c.kernel.drops();
      run.mismatches = c.mismatches;
      ui.set_status(run, states);
      prev = c;
      next_status = now + std::chrono::seconds(1);
    }
    if (!ui.tick(now)) break;
  }
  ui.stop();
  return end;
}

}  // namespace ior::cli
