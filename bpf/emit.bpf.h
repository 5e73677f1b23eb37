/* Putting records into the ring buffer: wake-up policy and drop counting. */
#ifndef IOR_EMIT_BPF_H
#define IOR_EMIT_BPF_H

#include "maps.bpf.h"

static __always_inline void counter__add(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);
	if (c)
		*c += 1;
}

/* Every record's header, stamped with the time now. */
static __always_inline void header__fill(struct ior_event_header *h, __u16 kind, __u16 syscall,
					__u32 pid, __u32 tid)
{
	h->kind = kind;
	h->syscall = syscall;
	h->pid = pid;
	h->tid = tid;
	h->reserved = 0;
	h->time_ns = bpf_ktime_get_ns();
}

/* Waking the reader per record costs the traced process microseconds per
 * syscall; the reader polls every 10 ms instead. Only a ring that is more than
 * half full forces a wake-up, so a burst cannot overrun it unseen. */
static __always_inline __u64 event__wakeup_flags(void *ring)
{
	if (cfg_wakeup_each)
		return 0; /* libbpf's default: wake the reader when it waits */
	/* The ring's size is known before load: one query per record, not two. */
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) > cfg_ring_half) {
		counter__add(IOR_CNT_WAKEUPS);
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/* This CPU's ring: a program runs on one CPU from start to end (migration
 * is disabled while it runs), so its reserve and submit use one ring. */
static __always_inline void *ring__mine(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&events, &cpu);
}

/* A record of size bytes in this CPU's ring, NULL when it is full; *ring is
 * the ring, for event__submit. */
static __always_inline void *event__reserve(__u64 size, void **ring)
{
	*ring = ring__mine();
	return *ring ? bpf_ringbuf_reserve(*ring, size, 0) : NULL;
}

static __always_inline void event__submit(void *e, void *ring)
{
	bpf_ringbuf_submit(e, event__wakeup_flags(ring));
}

static __always_inline void event__output(void *data, __u64 size, __u32 drop_counter)
{
	void *ring = ring__mine();

	if (!ring || bpf_ringbuf_output(ring, data, size, event__wakeup_flags(ring)) < 0)
		counter__add(drop_counter);
}

/* What bpf_get_current_uid_gid gives for task (current): its real uid and
 * gid as the initial user namespace sees them, which are the kernel's own
 * kuid/kgid values. Two guarded loads instead of a helper call and its
 * id-map lookup, 15-20 ns per enter (docs/PERFORMANCE.md). */
static __always_inline __u64 task__uid_gid(struct task_struct *task)
{
	const struct cred *cred = task->cred;

	return (__u64)cred->gid.val << 32 | cred->uid.val;
}

/* True when task (current) is not to be traced. Fills pid/tid with what
 * bpf_get_current_pid_tgid gives, read from the task itself. The cheapest
 * tests first; every filter of the command line must pass. */
static __always_inline int task__filtered(struct task_struct *task, __u32 *pid, __u32 *tid)
{
	*pid = task->tgid;
	*tid = task->pid;
	if (*pid == cfg_self_pid)
		return 1;
	if (cfg_follow) {
		if (!bpf_map_lookup_elem(&followed, pid))
			return 1;
	} else if (cfg_pid && *pid != cfg_pid) {
		return 1;
	}
	if (cfg_tid && *tid != cfg_tid)
		return 1;
	if (cfg_uid_filter) {
		__u32 uid = (__u32)task__uid_gid(task);

		if (!bpf_map_lookup_elem(&uid_allowed, &uid))
			return 1;
	}
	/* 1: under the cgroup (itself or a descendant); 0: not; <0: no cgroup in the slot */
	if (cfg_cgroup_filter && bpf_current_task_under_cgroup(&cgroup_allowed, 0) != 1)
		return 1;
	return 0;
}

#endif /* IOR_EMIT_BPF_H */
