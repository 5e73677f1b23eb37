#include "event/pipeline.hpp"

#include <malloc.h>

#include <algorithm>
#include <array>
#include <span>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "event/fd_table.hpp"
#include "event/path_args.hpp"
#include "event/proc_fd_lookup.hpp"
#include "event/proc_name_check.hpp"
#include "event/record_decoder.hpp"
#include "event/row_builder.hpp"
#include "event/row_effects.hpp"
#include "event/row_filter.hpp"
#include "event/syscall_table.hpp"
#include "event/thread_state.hpp"

namespace ior::event {

struct Pipeline::Impl {
  Impl(PipelineOptions o, RowConsumer& c)
      : options(std::move(o)),
        consumer(c),
        proc(options.proc_root),
        fds(proc, options.fd_limits, stats.fd_evicted),
        filter(options.filters),
        cgroups(options.cgroups),
        proc_names(c, stats.fd_proc_stale) {
    ctx.wall_offset_ns = options.wall_offset_ns;
    ctx.hostname = options.hostname;
    ctx.collection_id = options.collection_id;
    threads.reserve(4096);
  }

  ThreadState& thread_for_enter(std::uint32_t tid);
  ThreadState* find_thread(std::uint32_t tid);
  void shed_threads(std::uint32_t keep_tid);
  void forget_strings_after_exit(ThreadState& t);
  void erase_thread(std::unordered_map<std::uint32_t, ThreadState>::iterator it);
  void return_freed_memory();

  ThreadState* on_enter();
  ThreadState& keep_enter();
  void on_exit();
  void count_exit();
  void pair_exit(ThreadState& t);
  void take_strings_read_at_exit(ThreadState& t);
  void on_paired();
  void on_exit_args();
  void on_task();
  void emit(ThreadState& t);
  void count_and_pass(std::uint16_t syscall);
  void find_name_uses(std::uint32_t pid, std::uint16_t syscall);
  std::size_t sources_before_change(std::uint32_t pid, std::uint16_t syscall, std::array<NameSource, 4>& out);
  void forget_thread(std::uint32_t tid);
  void reset_threads_after_exec(std::uint32_t pid, std::uint32_t keep_tid);

  PipelineOptions options;
  RowConsumer& consumer;
  PipelineStats stats;
  ProcFdLookup proc;
  FdTable fds;
  RowFilter filter;
  PathResolver paths;
  std::array<NameUse, ProcNameCheck::kMaxUses> name_uses{};  // of the row being built
  std::size_t name_use_count = 0;
  std::array<NameSource, 4> replaced_sources{};  // what the row's syscall may replace (a member: not cleared per row)
  CgroupNames cgroups;
  ProcNameCheck proc_names;
  RowContext ctx;
  std::unordered_map<std::uint32_t, ThreadState> threads;
  std::size_t string_bytes = 0;  ///< heap capacity of the threads' pending strings
  std::uint64_t next_process_sweep_ns = 0;
  std::size_t held_since_trim = 0;  ///< most bytes the tables held since the last malloc_trim
  // The thread of the last lookup: a busy thread's syscalls come in runs,
  // and a map lookup (a division by the bucket count) per record is a
  // measurable part of a row. Map nodes do not move on rehash, so only
  // erase_thread invalidates it.
  std::uint32_t last_tid = 0;
  ThreadState* last_thread = nullptr;
  DecodedRecord rec;
  schema::EventRow row;
};

// The thread whose enter is now pending, or nullptr when it could not be kept.
ThreadState* Pipeline::Impl::on_enter() {
  const auto& h = rec.hdr;
  stats.enters.add();
  stats.per_syscall[h.syscall][0].add();
  try {
    return &keep_enter();
  } catch (...) {
    stats.enter_failed.add();
    return nullptr;
  }
}

ThreadState& Pipeline::Impl::keep_enter() {
  const auto& h = rec.hdr;
  ThreadState& t = thread_for_enter(h.tid);
  if (t.pid != h.pid && t.pid != 0) {
    // The tid was recycled by another process (its thread-exit record was
    // lost): nothing of the old thread may pair with or time the new one.
    if (t.pending_valid) stats.enter_thread_gone.add();
    t.pending_valid = false;
    t.last_exit_ns = 0;
  }
  t.pid = h.pid;
  t.last_seen_ns = h.time_ns;
  if (t.pending_valid) stats.enter_replaced.add();
  PendingEnter& p = t.pending;
  p.syscall = h.syscall;
  p.time_ns = h.time_ns;
  std::memcpy(p.args, rec.enter.args, sizeof p.args);
  std::memcpy(p.comm, rec.enter.comm, sizeof p.comm);
  p.comm_len = comm_length(p.comm);
  p.str_flags = rec.enter.str_flags;
  p.out_fds[0] = p.out_fds[1] = -1;
  p.out_ino[0] = p.out_ino[1] = 0;
  p.uid = rec.enter.uid;
  p.gid = rec.enter.gid;
  p.ppid = rec.enter.ppid;
  p.mnt_ns = rec.enter.mnt_ns;
  p.enter_unseen = h.kind == IOR_EVENT_EXIT_ARGS;
  p.cgroup_id = rec.enter.cgroup_id;
  const std::size_t before = string_capacity(t);
  try {
    // Most records carry no strings: clear() is inline, assign() a call.
    const auto take = [](std::string& kept, std::string_view now) {
      if (now.empty()) {
        kept.clear();
      } else {
        kept.assign(now);
      }
    };
    take(p.str0, rec.str0);
    take(p.str1, rec.str1);
  } catch (...) {
    string_bytes += string_capacity(t) - before;  // assign never shrinks
    throw;
  }
  string_bytes += string_capacity(t) - before;
  t.pending_valid = true;
  if (string_bytes > options.max_pending_string_bytes) shed_threads(h.tid);  // keeps h.tid's state
  return t;
}

void Pipeline::Impl::count_exit() {
  stats.exits.add();
  stats.per_syscall[rec.hdr.syscall][1].add();
}

void Pipeline::Impl::on_exit() {
  const auto& h = rec.hdr;
  count_exit();
  ThreadState* t = find_thread(h.tid);
  if (t == nullptr || !t->pending_valid) {
    stats.exit_without_enter.add();
    // No row without its enter, but the fds it made are known all the same:
    // an accept that was waiting when ior attached names its connection.
    if (h.kind == IOR_EVENT_EXIT_FDS) learn_new_fds(h.pid, h.syscall, rec.exit_fds, h.time_ns, fds);
    if (t != nullptr) {
      t->last_exit_ns = h.time_ns;
      t->last_seen_ns = h.time_ns;
    }
    return;
  }
  pair_exit(*t);
}

// The exit of the thread's pending enter.
void Pipeline::Impl::pair_exit(ThreadState& t) {
  const auto& h = rec.hdr;
  t.last_seen_ns = h.time_ns;
  t.pending_valid = false;
  if (t.pending.syscall != h.syscall) {
    stats.exit_mismatch.add();
  } else {
    if (h.kind == IOR_EVENT_EXIT_FDS) {
      t.pending.out_fds[0] = rec.exit_fds.fd[0];
      t.pending.out_fds[1] = rec.exit_fds.fd[1];
      t.pending.out_ino[0] = rec.exit_fds.ino[0];
      t.pending.out_ino[1] = rec.exit_fds.ino[1];
    } else if (h.kind == IOR_EVENT_EXIT_STR) {
      take_strings_read_at_exit(t);
      t.pending.out_ino[0] = rec.exit_str.ino;  // an O_TMPFILE open's
    }
    emit(t);
  }
  t.last_exit_ns = h.time_ns;
  forget_strings_after_exit(t);
}

// The strings the enter could not read (their page was not mapped yet),
// read again by the kernel at the exit: a string that came whole replaces
// the missing one, and the row no longer says "unreadable" for it.
void Pipeline::Impl::take_strings_read_at_exit(ThreadState& t) {
  PendingEnter& p = t.pending;
  const std::uint8_t reread = rec.exit_str.reread;
  const std::uint8_t flags = rec.exit_str.str_flags;
  const std::size_t before = string_capacity(t);
  const auto take = [&](std::string& kept, std::string_view late, std::uint8_t fault, std::uint8_t truncated) {
    if (!(reread & fault) || !(p.str_flags & fault) || (flags & fault)) return;
    kept.assign(late);
    p.str_flags = static_cast<std::uint8_t>((p.str_flags & ~fault) | (flags & truncated));
    stats.strings_at_exit.add();
  };
  try {
    take(p.str0, rec.str0, IOR_STR0_FAULT, IOR_STR0_TRUNCATED);
    take(p.str1, rec.str1, IOR_STR1_FAULT, IOR_STR1_TRUNCATED);
  } catch (...) {  // out of memory: the row keeps saying "unreadable"
  }
  string_bytes += string_capacity(t) - before;  // assign never shrinks
}

// A syscall the kernel paired (one record for its enter and exit): the same
// steps as for its two records, so rows, fd effects and every count (the
// pair counts as two records read) are the same as if both had come alone.
void Pipeline::Impl::on_paired() {
  stats.records.add();
  ThreadState* t = on_enter();
  rec.hdr = rec.exit.hdr;
  if (t == nullptr) {
    on_exit();
    return;
  }
  // The enter just made t's pending one: its exit needs no second lookup.
  count_exit();
  pair_exit(*t);
}

// The exit of a syscall whose enter tracepoint never ran (seccomp refused
// it, or it began before ior attached), with the arguments its registers
// held: a row like any other, timed at the exit, flagged enter-unseen. One
// exit record; no enter is counted.
void Pipeline::Impl::on_exit_args() {
  ThreadState* t = nullptr;
  try {
    t = &keep_enter();
  } catch (...) {
  }
  rec.hdr = rec.exit.hdr;
  count_exit();
  stats.exit_enter_unseen.add();
  if (t == nullptr) {
    stats.rows_failed.add();  // out of memory: counted as a row not built
    return;
  }
  pair_exit(*t);
}

ThreadState& Pipeline::Impl::thread_for_enter(std::uint32_t tid) {
  if (ThreadState* known = find_thread(tid)) return *known;
  if (threads.size() >= options.max_threads) shed_threads(tid);
  ThreadState& t = threads[tid];
  last_tid = tid;
  last_thread = &t;
  return t;
}

ThreadState* Pipeline::Impl::find_thread(std::uint32_t tid) {
  if (last_thread != nullptr && last_tid == tid) return last_thread;
  auto it = threads.find(tid);
  if (it == threads.end()) return nullptr;
  last_tid = tid;
  last_thread = &it->second;
  return last_thread;
}

void Pipeline::Impl::erase_thread(std::unordered_map<std::uint32_t, ThreadState>::iterator it) {
  if (&it->second == last_thread) last_thread = nullptr;
  string_bytes -= string_capacity(it->second);
  threads.erase(it);
}

// A thread keeps its string buffers for the next syscall (no allocation in
// steady state), except long ones: one 4 KiB path must not pin 4 KiB per
// thread for the thread's whole life.
void Pipeline::Impl::forget_strings_after_exit(ThreadState& t) {
  constexpr std::size_t kKeep = 256;
  if (string_capacity(t) <= 2 * kKeep) return;
  const std::size_t before = string_capacity(t);
  if (t.pending.str0.capacity() > kKeep) std::string().swap(t.pending.str0);
  if (t.pending.str1.capacity() > kKeep) std::string().swap(t.pending.str1);
  string_bytes -= before - string_capacity(t);
}

// Over a bound: first the states without a pending enter (they only carry
// the previous exit time: the next row's duration_to_prev_ns becomes 0),
// then pending enters, oldest first (their exits will count as mismatches),
// down to 7/8 of the count and 3/4 of the string bytes, so this O(n) pass
// runs once per many new threads. keep_tid survives: the caller holds it.
void Pipeline::Impl::shed_threads(std::uint32_t keep_tid) {
  const std::size_t max_count = options.max_threads - options.max_threads / 8;
  const std::size_t max_strings = options.max_pending_string_bytes - options.max_pending_string_bytes / 4;
  for (auto it = threads.begin(); it != threads.end();) {
    if (!it->second.pending_valid && it->first != keep_tid) {
      erase_thread(it++);
      stats.threads_evicted.add();
    } else {
      ++it;
    }
  }
  if (threads.size() <= max_count && string_bytes <= max_strings) return;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_age;
  by_age.reserve(threads.size());
  for (const auto& [tid, t] : threads) {
    if (tid != keep_tid) by_age.emplace_back(t.last_seen_ns, tid);
  }
  std::sort(by_age.begin(), by_age.end());
  for (const auto& [seen, tid] : by_age) {
    if (threads.size() <= max_count && string_bytes <= max_strings) break;
    erase_thread(threads.find(tid));  // all left but keep_tid have a pending enter
    stats.threads_evicted.add();
    stats.enter_forgotten.add();
  }
}

void Pipeline::Impl::emit(ThreadState& t) {
  const auto& h = rec.hdr;
  try {
    build_row(ctx, h.pid, h.tid, t, rec.exit.ret, h.time_ns, fds, paths, cgroups, row);
  } catch (...) {
    stats.rows_failed.add();
    apply_fd_effects(h.pid, h.tid, t.pending, rec.exit.ret, h.time_ns, nullptr, fds);
    return;
  }
  stats.rows.add();
  if (row.notice & schema::kNoticeFdFromProc) stats.fd_from_proc.add();
  name_use_count = 0;
  if (fds.last_proc_read_ns() > proc_names.handled_to()) find_name_uses(h.pid, h.syscall);
  if (row.notice & schema::kNoticeFdUnknown) stats.fd_unknown.add();
  if (row.notice & schema::kNoticePathUnresolved) stats.path_unresolved.add();
  if (row.notice & schema::kNoticeCwdFromProc) stats.cwd_from_proc.add();
  count_and_pass(h.syscall);
  // While a /proc read is fresh, what the syscall may replace, before it does.
  std::size_t befores = 0;
  if (fds.last_proc_read_ns() > proc_names.handled_to()) befores = sources_before_change(h.pid, h.syscall, replaced_sources);
  // The source of the row's first name, for a chdir (a path syscall: this
  // row's fill() set it).
  apply_fd_effects(h.pid, h.tid, t.pending, rec.exit.ret, h.time_ns, &row, fds, paths.source0());
  if (befores != 0) proc_names.after_change(t.pending.time_ns, std::span(replaced_sources.data(), befores), fds);
  if (proc_names.watching() && syscall_info(h.syscall).effect == FdEffect::kCloseRange) {
    proc_names.after_close_range(h.pid, t.pending.time_ns, fds);
  }
}

// The direct /proc reads behind the fds and the cwd the syscall may change
// (its fd arguments, the fd it returns, the cwd), that may still be wrong.
std::size_t Pipeline::Impl::sources_before_change(std::uint32_t pid, std::uint16_t syscall,
                                                  std::array<NameSource, 4>& out) {
  const SyscallInfo& info = syscall_info(syscall);
  if (info.effect == FdEffect::kNone) return 0;
  std::size_t n = 0;
  const std::int32_t returned = info.ret == RetKind::kFd ? static_cast<std::int32_t>(rec.exit.ret) : -1;
  for (const std::int32_t fd : {row.fd, row.fd2, returned}) {
    if (fd < 0) continue;
    const FdEntry* e = fds.find(pid, fd);
    if (e != nullptr && e->from_proc && proc_names.fresh(e->source)) out[n++] = e->source;
  }
  // The syscalls that may move the process's cwd (row_builder's apply_fd_effects).
  if (info.effect == FdEffect::kChdir || info.effect == FdEffect::kFchdir || info.effect == FdEffect::kChroot ||
      info.effect == FdEffect::kSetns) {
    if (const NameSource s = fds.cwd_source(pid); proc_names.fresh(s)) out[n++] = s;
  }
  return n;
}

// The row's names made from /proc reads are checked against the records
// that may still come from before the read (event/proc_name_check.hpp):
// the paths its names were made into, or the names of its fds.
void Pipeline::Impl::find_name_uses(std::uint32_t pid, std::uint16_t syscall) {
  const auto use = [&](const NameSource& s, NameUse::Column column, NameUse::Undo undo) {
    if (s.any() && name_use_count < name_uses.size()) name_uses[name_use_count++] = NameUse{s, column, undo};
  };
  const SyscallInfo& info = syscall_info(syscall);
  switch (info.cls) {
    case IOR_CLASS_OPEN:
      use(paths.source0(), NameUse::Column::kFilename, NameUse::Undo::kPassed);
      return;
    case IOR_CLASS_PATH:
      use(paths.source0(), NameUse::Column::kPathname, NameUse::Undo::kPassed);
      return;
    case IOR_CLASS_NAME:
      if (!path_args(syscall).str0_is_link_target) {
        use(paths.source0(), NameUse::Column::kOldname, NameUse::Undo::kPassed);
      }
      use(paths.source1(), NameUse::Column::kNewname, NameUse::Undo::kPassedNew);
      return;
    default:
      break;
  }
  if (info.effect == FdEffect::kGetcwd) return;
  const std::pair<std::int32_t, NameUse::Column> fd_columns[] = {{row.fd, NameUse::Column::kFilename},
                                                                 {row.fd2, NameUse::Column::kFilename2}};
  for (const auto& [fd, column] : fd_columns) {
    if (fd < 0) continue;
    if (const FdEntry* e = fds.find(pid, fd)) use(e->source, column, NameUse::Undo::kFd);
  }
}

// Hands the row to the consumer or counts why not (each row once, under
// the first reason that applies).
void Pipeline::Impl::count_and_pass(std::uint16_t syscall) {
  if (options.no_rows_of[syscall]) {
    stats.rows_names_only.add();
    return;
  }
  switch (filter.judge(row)) {
    case FilterVerdict::kKeep:
      proc_names.pass(row, std::span<const NameUse>(name_uses.data(), name_use_count));
      stats.rows_emitted.add();
      return;
    case FilterVerdict::kSucceeded:
      stats.rows_not_failed.add();
      return;
    case FilterVerdict::kTooFast:
      stats.rows_too_fast.add();
      return;
    case FilterVerdict::kNoMatch:
      stats.rows_no_match.add();
      return;
  }
}

void Pipeline::Impl::forget_thread(std::uint32_t tid) {
  auto it = threads.find(tid);
  if (it == threads.end()) return;
  if (it->second.pending_valid) stats.enter_thread_gone.add();
  erase_thread(it);
}

void Pipeline::Impl::reset_threads_after_exec(std::uint32_t pid, std::uint32_t keep_tid) {
  for (auto it = threads.begin(); it != threads.end();) {
    if (it->second.pid != pid) {
      ++it;
      continue;
    }
    // execve is not traced, so a pending enter here belongs to a thread that
    // de_thread killed (also when the exec'ing thread took over the leader's tid).
    if (it->second.pending_valid) stats.enter_thread_gone.add();
    if (it->first != keep_tid) {
      erase_thread(it++);
    } else {
      it->second.pending_valid = false;
      ++it;
    }
  }
}

void Pipeline::Impl::on_task() {
  const auto& h = rec.hdr;
  stats.task_events.add();
  switch (h.kind) {
    case IOR_EVENT_FORK:
      // The child's tid is new: a stale state under a recycled tid must go.
      forget_thread(h.tid);
      if (h.pid == rec.task.parent_pid) {
        if (rec.task.flags & IOR_TASK_OWN_FS) fds.new_thread_cwd(h.pid, rec.task.parent_tid, h.tid);
        break;
      }
      if (rec.task.flags & IOR_TASK_SHARED_FILES) {
        fds.fork_sharing_files(rec.task.parent_pid, rec.task.parent_tid, h.pid);
      } else {
        fds.fork(rec.task.parent_pid, rec.task.parent_tid, h.pid);
      }
      fds.set_mnt_ns(h.pid, rec.task.mnt_ns);
      break;
    case IOR_EVENT_TASK_EXIT:
      forget_thread(h.tid);
      fds.drop_thread(h.pid, h.tid);
      if (rec.task.flags & IOR_TASK_GROUP_DEAD) fds.drop_process(h.pid);
      break;
    case IOR_EVENT_EXEC:
      // execve kills every other thread of the process (de_thread) and
      // closes the O_CLOEXEC fds; the exec'ing thread continues as h.tid,
      // and a cwd of its own (under its old tid) is the process's now.
      fds.exec(h.pid, rec.task.parent_tid);
      reset_threads_after_exec(h.pid, h.tid);
      break;
    default:
      break;
  }
}

Pipeline::Pipeline(PipelineOptions options, RowConsumer& consumer)
    : impl_(std::make_unique<Impl>(std::move(options), consumer)) {}

Pipeline::~Pipeline() = default;

void Pipeline::feed(std::span<const std::byte> record) noexcept {
  Impl& m = *impl_;
  m.stats.records.add();
  try {
    switch (decode_record(record, m.rec)) {
      case DecodeStatus::kShort:
        m.stats.decode_short.add();
        return;
      case DecodeStatus::kUnknownKind:
        m.stats.decode_unknown_kind.add();
        return;
      case DecodeStatus::kBadSyscall:
        m.stats.decode_bad_syscall.add();
        return;
      case DecodeStatus::kOk:
        break;
    }
    switch (m.rec.hdr.kind) {
      case IOR_EVENT_ENTER:
        m.on_enter();
        break;
      case IOR_EVENT_EXIT:
      case IOR_EVENT_EXIT_FDS:
      case IOR_EVENT_EXIT_STR:
        m.on_exit();
        break;
      case IOR_EVENT_PAIRED:
        m.on_paired();
        break;
      case IOR_EVENT_EXIT_ARGS:
        m.on_exit_args();
        break;
      default:
        m.on_task();
        break;
    }
  } catch (...) {
    m.stats.internal_errors.add();
  }
}

void Pipeline::sweep(std::uint64_t now_mono_ns) {
  Impl& m = *impl_;
  const std::uint64_t stale = m.options.stale_enter_ns;
  for (auto it = m.threads.begin(); it != m.threads.end();) {
    ThreadState& t = it->second;
    bool idle = now_mono_ns > t.last_seen_ns + stale && now_mono_ns >= t.next_check_ns;
    if (idle && !m.proc.thread_exists(t.pid, it->first)) {
      if (t.pending_valid) m.stats.enter_thread_gone.add();
      m.erase_thread(it++);
      continue;
    }
    if (idle) t.next_check_ns = now_mono_ns + stale;
    ++it;
  }
  if (now_mono_ns >= m.next_process_sweep_ns) {
    if (m.next_process_sweep_ns != 0) m.fds.drop_dead_processes();
    m.next_process_sweep_ns = now_mono_ns + stale;
  }
  m.return_freed_memory();
}

// The tables free their entries when processes and threads end, but malloc
// keeps the freed small chunks in its arenas: after a fork storm the RSS
// stayed 10 MB up (measured). Once the tables shrank by 8 MiB, malloc_trim
// gives the free pages back to the kernel; that costs a heap walk, so only then.
void Pipeline::Impl::return_freed_memory() {
  constexpr std::size_t kWorthTrimming = std::size_t{8} << 20;
  const std::size_t thread_bytes = string_bytes + threads.size() * sizeof(ThreadState);
  const std::size_t held = fds.bytes() + thread_bytes;
  held_since_trim = std::max(held_since_trim, fds.take_peak_bytes() + thread_bytes);
  if (held_since_trim - held < kWorthTrimming) return;
  ::malloc_trim(0);
  held_since_trim = held;
}

void Pipeline::learn_process(std::uint32_t pid) {
  Impl& m = *impl_;
  (void)m.fds.cwd(pid, pid);
  for (std::int32_t fd : m.proc.open_fds(pid, m.options.fd_limits.max_fds_per_process)) {
    (void)m.fds.resolve(pid, fd, FdUse::kSucceeded);
  }
}

void Pipeline::learn_own_thread_cwds_of_running() {
  constexpr std::size_t kMaxProcessesAsked = 1u << 16;
  Impl& m = *impl_;
  for (const std::uint32_t pid : m.proc.process_ids(kMaxProcessesAsked)) m.fds.learn_own_thread_cwds(pid);
}

void Pipeline::handled_up_to(std::uint64_t t) noexcept {
  try {
    impl_->proc_names.handled_up_to(t);
  } catch (...) {
    impl_->stats.internal_errors.add();
  }
}

void Pipeline::finish() {
  try {
    impl_->proc_names.release();
  } catch (...) {
    impl_->stats.internal_errors.add();
  }
  for (auto& [tid, t] : impl_->threads) {
    if (t.pending_valid) {
      impl_->stats.enter_unfinished.add();
      t.pending_valid = false;
    }
  }
}

const PipelineStats& Pipeline::stats() const { return impl_->stats; }

PipelineMemory Pipeline::memory() const {
  const Impl& m = *impl_;
  return {.fd_processes = m.fds.process_count(),
          .fd_entries = m.fds.entry_count(),
          .fd_names = m.fds.name_count(),
          .fd_thread_cwds = m.fds.thread_cwd_count(),
          .fd_bytes = m.fds.bytes(),
          .threads = m.threads.size(),
          .thread_string_bytes = m.string_bytes};
}

}  // namespace ior::event
