#include "event/pipeline.hpp"

#include <cstring>
#include <unordered_map>

#include "event/fd_table.hpp"
#include "event/proc_fd_lookup.hpp"
#include "event/record_decoder.hpp"
#include "event/row_builder.hpp"
#include "event/row_filter.hpp"
#include "event/thread_state.hpp"

namespace ior::event {

struct Pipeline::Impl {
  Impl(PipelineOptions o, RowConsumer& c)
      : options(std::move(o)),
        consumer(c),
        proc(options.proc_root),
        fds(proc),
        filter(options.comm_filter, options.path_filter) {
    ctx.wall_offset_ns = options.wall_offset_ns;
    ctx.hostname = options.hostname;
    ctx.collection_id = options.collection_id;
    threads.reserve(4096);
  }

  void on_enter();
  void keep_enter();
  void on_exit();
  void on_task();
  void emit(ThreadState& t);
  void forget_thread(std::uint32_t tid);
  void reset_threads_after_exec(std::uint32_t pid, std::uint32_t keep_tid);

  PipelineOptions options;
  RowConsumer& consumer;
  PipelineStats stats;
  ProcFdLookup proc;
  FdTable fds;
  RowFilter filter;
  RowContext ctx;
  std::unordered_map<std::uint32_t, ThreadState> threads;
  DecodedRecord rec;
  schema::EventRow row;
};

void Pipeline::Impl::on_enter() {
  const auto& h = rec.hdr;
  stats.enters.add();
  stats.per_syscall[h.syscall][0].add();
  try {
    keep_enter();
  } catch (...) {
    stats.enter_failed.add();
  }
}

void Pipeline::Impl::keep_enter() {
  const auto& h = rec.hdr;
  ThreadState& t = threads[h.tid];
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
  p.comm_len = static_cast<std::uint8_t>(strnlen(p.comm, sizeof p.comm));
  p.str_flags = rec.enter.str_flags;
  p.str0.assign(rec.str0);
  p.str1.assign(rec.str1);
  t.pending_valid = true;
}

void Pipeline::Impl::on_exit() {
  const auto& h = rec.hdr;
  stats.exits.add();
  stats.per_syscall[h.syscall][1].add();
  auto it = threads.find(h.tid);
  if (it == threads.end() || !it->second.pending_valid) {
    stats.exit_without_enter.add();
    if (it != threads.end()) {
      it->second.last_exit_ns = h.time_ns;
      it->second.last_seen_ns = h.time_ns;
    }
    return;
  }
  ThreadState& t = it->second;
  t.last_seen_ns = h.time_ns;
  t.pending_valid = false;
  if (t.pending.syscall != h.syscall) {
    stats.exit_mismatch.add();
  } else {
    emit(t);
  }
  t.last_exit_ns = h.time_ns;
}

void Pipeline::Impl::emit(ThreadState& t) {
  const auto& h = rec.hdr;
  try {
    build_row(ctx, h.pid, h.tid, t, rec.exit.ret, h.time_ns, fds, row);
  } catch (...) {
    stats.rows_failed.add();
    apply_fd_effects(h.pid, t.pending, rec.exit.ret, fds);
    return;
  }
  stats.rows.add();
  if (row.notice & schema::kNoticeFdFromProc) stats.fd_from_proc.add();
  if (row.notice & schema::kNoticeFdUnknown) stats.fd_unknown.add();
  if (filter.keeps(row)) {
    consumer.on_row(row);
    stats.rows_emitted.add();
  } else {
    stats.rows_filtered_out.add();
  }
  apply_fd_effects(h.pid, t.pending, rec.exit.ret, fds);
}

void Pipeline::Impl::forget_thread(std::uint32_t tid) {
  auto it = threads.find(tid);
  if (it == threads.end()) return;
  if (it->second.pending_valid) stats.enter_thread_gone.add();
  threads.erase(it);
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
      it = threads.erase(it);
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
      fds.fork(rec.task.parent_pid, h.pid);
      break;
    case IOR_EVENT_TASK_EXIT:
      forget_thread(h.tid);
      if (rec.task.flags & IOR_TASK_GROUP_DEAD) fds.drop_process(h.pid);
      break;
    case IOR_EVENT_EXEC:
      // execve kills every other thread of the process (de_thread) and
      // closes the O_CLOEXEC fds; the exec'ing thread continues as h.tid.
      reset_threads_after_exec(h.pid, h.tid);
      fds.exec(h.pid);
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
        m.on_exit();
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
      it = m.threads.erase(it);
      continue;
    }
    if (idle) t.next_check_ns = now_mono_ns + stale;
    ++it;
  }
}

void Pipeline::finish() {
  for (auto& [tid, t] : impl_->threads) {
    if (t.pending_valid) {
      impl_->stats.enter_unfinished.add();
      t.pending_valid = false;
    }
  }
}

const PipelineStats& Pipeline::stats() const { return impl_->stats; }

}  // namespace ior::event
