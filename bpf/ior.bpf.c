// SPDX-License-Identifier: GPL-2.0
/*
 * ior's kernel side: one program per syscalls:sys_enter_X / sys_exit_X
 * tracepoint of every syscall in syscalls.def, plus fork/exit/exec of tasks.
 *
 * Each enter sends one record with the syscall's arguments, the thread's comm
 * and its string arguments (exact length, no padding); each exit a 32-byte
 * record with the return value. Userspace pairs them per thread. Programs
 * always return 0 (1 would pass the event on into perf's sampling path).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "ior_event.h"
#include "maps.bpf.h"
#include "emit.bpf.h"
#include "read.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* args[i] for a compile-time index; a sentinel (< 0) gives 0. Spelled as a
 * switch so each access is a constant-offset ctx load, which the verifier
 * requires (computed ctx pointers are rejected). */
static __always_inline __u64 ARG(struct trace_event_raw_sys_enter *ctx, int i)
{
	switch (i) {
	case 0: return ctx->args[0];
	case 1: return ctx->args[1];
	case 2: return ctx->args[2];
	case 3: return ctx->args[3];
	case 4: return ctx->args[4];
	case 5: return ctx->args[5];
	default: return 0;
	}
}

static __always_inline int enter__emit(struct trace_event_raw_sys_enter *ctx, __u16 sc, int s0,
				       int s1, int n0, int n1, int n2)
{
	__u32 pid, tid, zero = 0, len0 = 0, len1 = 0;
	struct ior_enter_event *e;
	struct ior_scratch *s;
	__u8 flags = 0;

	if (task__filtered(&pid, &tid))
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	e = (struct ior_enter_event *)s->buf;
	e->hdr.kind = IOR_EVENT_ENTER;
	e->hdr.syscall = sc;
	e->hdr.pid = pid;
	e->hdr.tid = tid;
	e->hdr.reserved = 0;
	e->hdr.time_ns = bpf_ktime_get_ns();
	e->args[0] = ARG(ctx, n0);
	e->args[1] = ARG(ctx, n1);
	e->args[2] = ARG(ctx, n2);
	if (n0 == IOR_ARG_OPEN_HOW) {
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
		e->args[0] = how.flags;
		e->args[1] = how.mode;
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (s0 >= 0)
		len0 = args__read_str(s->buf + sizeof(*e), (const void *)ARG(ctx, s0),
				      IOR_STR0_TRUNCATED, IOR_STR0_FAULT, &flags);
	if (s1 >= 0)
		len1 = args__read_str(s->buf + ((sizeof(*e) + len0) & IOR_STR_OFF_MASK),
				      (const void *)ARG(ctx, s1), IOR_STR1_TRUNCATED, IOR_STR1_FAULT,
				      &flags);
	e->str_len[0] = (__u16)len0;
	e->str_len[1] = (__u16)len1;
	e->str_flags = flags;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	event__output(e, (sizeof(*e) + len0 + len1) & (IOR_SCRATCH_SIZE - 1), IOR_CNT_DROP_ENTER);
	return 0;
}

static __always_inline int exit__emit(struct trace_event_raw_sys_exit *ctx, __u16 sc)
{
	struct ior_exit_event *e;
	__u32 pid, tid;

	if (task__filtered(&pid, &tid))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		counter__add(IOR_CNT_DROP_EXIT);
		return 0;
	}
	e->hdr.kind = IOR_EVENT_EXIT;
	e->hdr.syscall = sc;
	e->hdr.pid = pid;
	e->hdr.tid = tid;
	e->hdr.reserved = 0;
	e->hdr.time_ns = bpf_ktime_get_ns();
	e->ret = ctx->ret;
	bpf_ringbuf_submit(e, event__wakeup_flags());
	return 0;
}

#define IOR_SYSCALL(name, cls, s0, s1, n0, n1, n2)                                       \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                      \
	int handle_enter_##name(struct trace_event_raw_sys_enter *ctx)                   \
	{                                                                                \
		return enter__emit(ctx, IOR_SC_##name, s0, s1, n0, n1, n2);              \
	}                                                                                \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                       \
	int handle_exit_##name(struct trace_event_raw_sys_exit *ctx)                     \
	{                                                                                \
		return exit__emit(ctx, IOR_SC_##name);                                   \
	}
#include "syscalls.def"
#undef IOR_SYSCALL

static __always_inline void task__emit(__u16 kind, __u32 pid, __u32 tid, __u32 parent_pid,
				       __u32 flags, struct task_struct *task)
{
	struct ior_task_event e = {};

	e.hdr.kind = kind;
	e.hdr.pid = pid;
	e.hdr.tid = tid;
	e.hdr.time_ns = bpf_ktime_get_ns();
	e.parent_pid = parent_pid;
	e.flags = flags;
	BPF_CORE_READ_STR_INTO(&e.comm, task, comm);
	event__output(&e, sizeof(e), IOR_CNT_DROP_TASK);
}

/* A new process inherits its parent's fds: userspace copies the fd table.
 * New threads share the table and need nothing. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = BPF_CORE_READ(parent, tgid);
	__u32 ptid = BPF_CORE_READ(parent, pid);
	__u32 cpid = BPF_CORE_READ(child, tgid);

	if (cpid == ppid || ppid == cfg_self_pid)
		return 0;
	if ((cfg_pid && ppid != cfg_pid) || (cfg_tid && ptid != cfg_tid))
		return 0;
	task__emit(IOR_EVENT_FORK, cpid, BPF_CORE_READ(child, pid), ppid, 0, child);
	return 0;
}

/* A thread ended: its pending enter will never see an exit. When it was the
 * last one (signal->live reached 0; read this way on every kernel, whatever
 * the tracepoint's arguments), the process's fd table goes too. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_task_exit, struct task_struct *p)
{
	__u32 pid, tid, flags = 0;

	if (task__filtered(&pid, &tid))
		return 0;
	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		flags |= IOR_TASK_GROUP_DEAD;
	task__emit(IOR_EVENT_TASK_EXIT, pid, tid, 0, flags, p);
	return 0;
}

/* exec closes O_CLOEXEC fds and renames the process. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p)
{
	__u32 pid, tid;

	if (task__filtered(&pid, &tid))
		return 0;
	task__emit(IOR_EVENT_EXEC, pid, tid, 0, 0, p);
	return 0;
}
