#include "cli/summary.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "base/terminal_text.hpp"
#include "base/uuid_text.hpp"
#include "event/syscall_table.hpp"
#include "ior_event.h"

namespace ior::cli {
namespace {

// Labels are padded to one column; a longer one (a tracepoint such as
// sys_enter_copy_file_range) keeps one space so it never runs into its value.
void line(std::string& out, std::string_view label, const std::string& value) {
  constexpr std::size_t kLabelWidth = 26;
  out += "  ";
  out += label;
  out.append(label.size() < kLabelWidth ? kLabelWidth - label.size() : 1, ' ');
  out += value;
  out += '\n';
}

std::string num(std::uint64_t v) { return std::to_string(v); }

std::string rate(std::uint64_t n, double seconds) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%llu (%.1f/s)", static_cast<unsigned long long>(n),
                seconds > 0 ? static_cast<double>(n) / seconds : 0.0);
  return buf;
}

void per_tracepoint(std::string& out, const event::PipelineStats& s, double seconds) {
  struct Seen {
    std::string name;
    std::uint64_t n;
  };
  std::vector<Seen> seen;
  for (std::size_t id = 1; id < s.per_syscall.size(); ++id) {
    auto name = event::syscall_name(static_cast<std::uint16_t>(id));
    static constexpr const char* kSide[] = {"sys_enter_", "sys_exit_"};
    for (std::size_t side = 0; side < 2; ++side) {
      std::uint64_t n = s.per_syscall[id][side].get();
      if (n != 0) seen.push_back({kSide[side] + std::string(name), n});
    }
  }
  std::sort(seen.begin(), seen.end(),
            [](const Seen& a, const Seen& b) { return a.n != b.n ? a.n > b.n : a.name < b.name; });
  for (const auto& t : seen) line(out, "  " + t.name, rate(t.n, seconds));
}

}  // namespace

std::string format_summary(const SummaryInput& in) {
  const auto& c = in.counters;
  const auto& s = *in.stats;
  std::string out;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", c.elapsed_s);
  out += std::string("ior: traced ") + seconds + " s on " + terminal_text(in.identity->hostname) +
         " (collection " + uuid_text(in.identity->collection_id) + ")";
  // Said only when noticeable: the run took this much longer than it traced.
  if (in.finish_s >= 0.5) {
    char finish[48];
    std::snprintf(finish, sizeof finish, "; the outputs finished %.1f s later", in.finish_s);
    out += finish;
  }
  out += '\n';

  std::string traced = num(in.attached_syscalls) + " (enter+exit)";
  if (!in.skipped_syscalls.empty()) {
    traced += "; not on this architecture:";
    for (const auto& n : in.skipped_syscalls) traced += " " + terminal_text(n);
  }
  line(out, "syscalls traced", traced);
  if (in.peak_rss_bytes != 0) line(out, "peak memory (RSS)", num(in.peak_rss_bytes >> 20) + " MiB");
  line(out, "tracepoints seen", rate(s.enters.get() + s.exits.get(), c.elapsed_s));
  per_tracepoint(out, s, c.elapsed_s);
  line(out, "task events", num(s.task_events.get()) + " (fork/exit/exec)");
  line(out, "syscalls", rate(c.rows, c.elapsed_s));
  line(out, "ring-buffer drops",
       num(c.kernel.drops()) + " (enter " + num(c.kernel.drop_enter) + ", exit " +
           num(c.kernel.drop_exit) + ", task " + num(c.kernel.drop_task) + "); forced wake-ups " +
           num(c.kernel.wakeups));
  // Said only when the threads moved: a quiet run has nothing to report.
  if (in.off_traced_cpus_s > 0 || in.placement_releases != 0) {
    char off[160];
    std::snprintf(off, sizeof off, "off the busiest traced CPUs %.1f s; back on all CPUs %llu times (ior fell behind)",
                  in.off_traced_cpus_s, static_cast<unsigned long long>(in.placement_releases));
    line(out, "ior's threads", off);
  }
  if (c.kernel.follow_full != 0) {
    line(out, "not followed", num(c.kernel.follow_full) + " new processes (" + num(IOR_MAX_FOLLOWED) +
                                  " followed at once at most)");
  }
  line(out, "decode errors",
       num(c.decode_errors) + " (short " + num(s.decode_short.get()) + ", unknown kind " +
           num(s.decode_unknown_kind.get()) + ", bad syscall id " +
           num(s.decode_bad_syscall.get()) + ")");
  line(out, "fd names", "from /proc " + num(s.fd_from_proc.get()) + ", unknown " +
                            num(s.fd_unknown.get()) + ", dropped (reused before /proc was read) " +
                            num(s.fd_proc_stale.get()) + ", forgotten (table full) " +
                            num(s.fd_evicted.get()));
  line(out, "paths", "unresolved " + num(s.path_unresolved.get()) + ", cwd from /proc " +
                         num(s.cwd_from_proc.get()) + ", read at the exit " + num(s.strings_at_exit.get()));
  if (s.threads_evicted.get() != 0) {
    line(out, "thread states forgotten", num(s.threads_evicted.get()) + " (too many threads or pending paths)");
  }
  out += format_account(in);
  for (const auto& r : in.sinks) {
    for (const auto& l : r.lines) line(out, "", terminal_text(l));  // server text, file names
  }
  return out;
}

std::string format_account(const SummaryInput& in) {
  const auto& k = in.counters.kernel;
  const auto& s = *in.stats;
  const std::uint64_t decode_errors = s.decode_short.get() + s.decode_unknown_kind.get() + s.decode_bad_syscall.get();
  const std::uint64_t paired = s.rows.get() + s.rows_failed.get();
  // Exits whose enter tracepoint never ran, paired with their registers.
  const std::uint64_t unseen = s.exit_enter_unseen.get();
  const std::uint64_t with_enter = paired - unseen;
  const std::uint64_t to_sinks = s.rows_emitted.get();
  std::string out = "  account of every row (each line adds up; details in parentheses):\n";
  line(out, "kernel records",
       num(s.records.get() + k.drops()) + " = read " + num(s.records.get()) + " + lost in the ring buffer " +
           num(k.drops()) + " (enter " + num(k.drop_enter) + ", exit " + num(k.drop_exit) + ", task " +
           num(k.drop_task) + ")");
  line(out, "records read",
       num(s.records.get()) + " = enter " + num(s.enters.get()) + " + exit " + num(s.exits.get()) + " + task " +
           num(s.task_events.get()) + " + undecodable " + num(decode_errors) + " (failed after decoding " +
           num(s.internal_errors.get()) + ")");
  line(out, "enter records",
       num(s.enters.get()) + " = paired " + num(with_enter) + " + no exit " + num(s.enters_unpaired()) +
           " (thread exited " + num(s.enter_thread_gone.get()) + ", running at the end " +
           num(s.enter_unfinished.get()) + ", next enter first " + num(s.enter_replaced.get()) +
           ", forgotten (thread bounds) " + num(s.enter_forgotten.get()) +
           ") + wrong exit " + num(s.exit_mismatch.get()) + " + not kept " + num(s.enter_failed.get()));
  line(out, "exit records",
       num(s.exits.get()) + " = paired " + num(with_enter) + " + enter unseen " + num(unseen) +
           " (seccomp refused it, or it began before tracing: a row from its registers) + no enter " +
           num(s.exit_without_enter.get()) + " + wrong exit " + num(s.exit_mismatch.get()));
  line(out, "syscalls paired",
       num(paired) + " = not built " + num(s.rows_failed.get()) + " + filtered out " +
           num(s.rows_filtered_out()) + " (-errors " + num(s.rows_not_failed.get()) + ", -min-duration " +
           num(s.rows_too_fast.get()) + ", -comm/-path " + num(s.rows_no_match.get()) + ", -tps names only " +
           num(s.rows_names_only.get()) + ") + to the sinks " + num(to_sinks));
  for (const auto& r : in.sinks) {
    line(out, "sink " + terminal_text(r.name),
         num(to_sinks) + " = not copied " + num(in.rows_not_packed) + " + queue full " +
             num(r.rows_dropped_queue) + " + written " + num(r.rows_written) + " + spooled " +
             num(r.rows_spooled) + " + dropped " + num(r.rows_dropped) + " + lost " + num(r.rows_lost) +
             (r.failed ? "  FAILED" : ""));
    if (r.rows_replayed_earlier != 0 || r.rows_found_stored_earlier != 0 || r.rows_maybe_duplicated != 0) {
      line(out, "", "also: replayed from earlier runs " + num(r.rows_replayed_earlier) +
                        ", found already stored from earlier runs " + num(r.rows_found_stored_earlier) +
                        ", possibly stored twice " + num(r.rows_maybe_duplicated));
    }
  }
  return out;
}

std::optional<std::string> rows_lost_line(const SummaryInput& in) {
  const auto& s = *in.stats;
  std::vector<std::string> parts;
  auto part = [&](std::uint64_t n, const std::string& what) {
    if (n != 0) parts.push_back(num(n) + " " + what);
  };
  part(in.counters.kernel.drops(), "records lost in the ring buffer");
  part(s.decode_short.get() + s.decode_unknown_kind.get() + s.decode_bad_syscall.get(), "records undecodable");
  part(s.enter_failed.get() + s.enter_forgotten.get(), "enters not kept or forgotten");
  part(s.rows_failed.get(), "rows not built");
  part(in.rows_not_packed, "rows not copied to the outputs");
  for (const auto& r : in.sinks) {
    const std::uint64_t lost = r.rows_dropped_queue + r.rows_dropped + r.rows_lost;
    if (lost == 0) continue;
    std::string why;
    auto reason = [&](std::uint64_t n, const char* what) {
      if (n == 0) return;
      why += (why.empty() ? "" : ", ") + std::string(what) + " " + num(n);
    };
    reason(r.rows_dropped_queue, "queue full");
    reason(r.rows_dropped, "dropped");
    if (r.rows_maybe_stored != 0) why += " (" + num(r.rows_maybe_stored) + " of them perhaps stored: never answered)";
    reason(r.rows_lost, "lost");
    parts.push_back(num(lost) + " rows not stored by " + terminal_text(r.name) + " (" + why + ")");
  }
  if (parts.empty()) return std::nullopt;
  std::string out = "ior: not every syscall was stored: ";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : "; ") + parts[i];
  return out;
}

}  // namespace ior::cli

namespace ior::cli {
namespace {

std::string ms(std::uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string us(std::uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ns) / 1e3);
  return buf;
}

// One aligned table: first column left-aligned, the others right-aligned.
// Cells hold names chosen by any user (files, comm): each is escaped and
// shortened to its last kMaxCell columns.
std::string table(const std::string& title, const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  constexpr std::size_t kMaxCell = 60;
  auto cells_of = [](const std::vector<std::string>& r) {
    std::vector<std::string> cells;
    for (const auto& c : r) cells.push_back(terminal_text_tail(c, kMaxCell));
    return cells;
  };
  std::vector<std::vector<std::string>> shown = {cells_of(header)};
  for (const auto& r : rows) shown.push_back(cells_of(r));
  std::vector<std::size_t> width(header.size());
  for (const auto& r : shown) {
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], terminal_width(r[c]));
  }
  std::string out = title + "\n";
  for (const auto& r : shown) {
    std::string l = "  ";
    for (std::size_t c = 0; c < r.size(); ++c) {
      std::string pad(width[c] - terminal_width(r[c]), ' ');
      l += c == 0 ? r[c] + pad : "  " + pad + r[c];
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  }
  return out;
}

}  // namespace

std::string top_tables_shortfall(const std::vector<sink::SinkReport>& sinks) {
  for (const auto& r : sinks) {
    const std::uint64_t missed = r.rows_dropped_queue + r.rows_dropped + r.rows_lost;
    if (r.name == "summary" && missed != 0) {
      return "  (these tables lack " + std::to_string(missed) + " of the run's " + std::to_string(r.rows_received) +
             " rows: their queue was full; each output's own count is in the account above)\n";
    }
  }
  return "";
}

std::string format_top_tables(const sink::TopStats& stats, std::size_t top_n) {
  auto sys = stats.syscalls();
  if (sys.empty()) return "";
  std::string out;
  auto syscall_rows = [&](std::vector<sink::SyscallTally> v) {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < v.size() && i < top_n; ++i) {
      const auto& t = v[i];
      rows.push_back({t.name, std::to_string(t.calls), ms(t.total_ns), us(t.p50_ns), us(t.p90_ns), us(t.p99_ns)});
    }
    return rows;
  };
  const std::vector<std::string> sys_header = {"syscall", "calls", "total ms", "p50 us", "p90 us", "p99 us"};
  out += table("top syscalls by count:", sys_header, syscall_rows(sys));
  std::sort(sys.begin(), sys.end(), [](const auto& a, const auto& b) { return a.total_ns > b.total_ns; });
  out += table("top syscalls by total time:", sys_header, syscall_rows(sys));
  std::vector<std::vector<std::string>> rows;
  auto files = stats.files(top_n);
  for (std::size_t i = 0; i < files.size() && i < top_n; ++i) {
    rows.push_back({files[i].name, std::to_string(files[i].calls), ms(files[i].total_ns)});
  }
  if (!rows.empty()) out += table("top files by total time:", {"file", "calls", "total ms"}, rows);
  rows.clear();
  for (const auto& f : stats.files(top_n, sink::TopStats::FileOrder::kBytes)) {
    rows.push_back({f.name, num(f.bytes()), num(f.read_bytes), num(f.write_bytes), num(f.transfer_bytes),
                    num(f.calls)});
  }
  if (!rows.empty()) {
    out += table("top files by bytes:", {"file", "bytes", "read", "written", "transferred", "calls"}, rows);
  }
  if (stats.files_folded() != 0) {
    out += "  (approximate: " + std::to_string(stats.files_folded()) + " file names folded into [other] to keep " +
           "the table within " + std::to_string(stats.limits().max_file_bytes >> 20) +
           " MiB; a file's figures count from when it last entered the table)\n";
  }
  rows.clear();
  auto procs = stats.processes(top_n);
  for (std::size_t i = 0; i < procs.size() && i < top_n; ++i) {
    rows.push_back({procs[i].pid == 0 ? "[other]" : procs[i].name, std::to_string(procs[i].pid),
                    std::to_string(procs[i].calls), ms(procs[i].total_ns)});
  }
  out += table("top processes by total time:", {"comm", "pid", "calls", "total ms"}, rows);
  if (const std::uint64_t apart = stats.processes_named_apart(); apart != 0) {
    out += "  (" + std::to_string(apart) + (apart == 1 ? " pid's rows carried" : " pids' rows carried") +
           " several names: an exec, threads named apart, or a pid the kernel gave to a later process, whose "
           "calls count here too; each is named by its busiest name)\n";
  }
  if (stats.process_rows_in_other() != 0) {
    out += "  (approximate: " + std::to_string(stats.process_rows_in_other()) + " rows of processes beyond the first " +
           std::to_string(stats.limits().max_processes) + " are tallied under [other])\n";
  }
  return out;
}

}  // namespace ior::cli
