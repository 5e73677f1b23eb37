/* Pairing enter and exit in the kernel: one ring-buffer record per syscall.
 *
 * The enter of a syscall without strings (fd-class, the bulk of the traffic)
 * is built in a per-task slot (task storage) instead of the ring; its exit
 * reserves one record with the enter, the return value and the exit time.
 * That saves a reservation, a submit and a wake-up query per syscall, and
 * userspace one record to read and pair.
 *
 * Whatever does not pair in the kernel reaches userspace as the enter and exit
 * records it would have got without the slot, so its pairing (and every
 * count of the summary's account) sees what it saw before:
 * - an enter whose slot still holds an older enter (its exit never came: a
 *   syscall switched off by -live in flight) sends the older one first;
 * - an exit with another syscall's enter in its slot sends that enter as a
 *   lone one;
 * - an exit with an empty slot (or the other syscall's) is one whose enter
 *   tracepoint never ran (seccomp refused it, or it began before ior
 *   attached): the exit program sends it with the arguments from the
 *   registers, IOR_EVENT_EXIT_ARGS (ior.bpf.c);
 * - a thread that dies, and ior stopping (flush_pending), send the enter of
 *   a syscall still running as a lone enter record.
 * Strings stay in the two-record path: copying up to two 4 KiB strings into
 * the slot and out again costs more than the second record saves. */
#ifndef IOR_PAIR_BPF_H
#define IOR_PAIR_BPF_H

#include "maps.bpf.h"
#include "emit.bpf.h"

/* Syscalls whose enter waits in the slot: no strings, and not PIPE or
 * SOCKET (their exit record carries the new fds and their inodes). */
static __always_inline int pair__eligible(const struct ior_syscall_spec *spec)
{
	return spec->s0 < 0 && spec->s1 < 0 && spec->cls != IOR_CLASS_PIPE && spec->cls != IOR_CLASS_SOCKET;
}

/* Sends the enter waiting in slot as a lone enter record, empties the slot. */
static __always_inline void pair__flush(struct ior_enter_event *slot)
{
	if (cfg_cost_stage == IOR_COST_FULL)
		event__output(slot, sizeof(*slot), IOR_CNT_DROP_ENTER);
	slot->hdr.kind = 0;
}

/* task's slot (task: current), created when create is set; NULL when there
 * is none (or the kernel could not make one: then the two-record path runs). */
static __always_inline struct ior_task_slot *pair__slot(struct task_struct *task, int create)
{
	return bpf_task_storage_get(&pending, task, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* The exit of an eligible syscall. Returns 1 when it was handled (sent
 * paired, or lost and counted), 0 when the caller sends an exit record. */
static __always_inline int pair__exit(struct task_struct *task, __u16 id, long ret)
{
	struct ior_task_slot *task_slot = pair__slot(task, 0);
	struct ior_enter_event *slot;
	struct ior_paired_event *e;
	void *ring;

	if (!task_slot)
		return 0;
	slot = &task_slot->enter;
	if (!slot->hdr.kind)
		return 0;
	if (slot->hdr.syscall != id) {
		pair__flush(slot);
		return 0;
	}
	e = event__reserve(sizeof(*e), &ring);
	if (!e) {
		/* Lost as the enter and exit records of the pair would be. */
		slot->hdr.kind = 0;
		counter__add(IOR_CNT_DROP_ENTER);
		counter__add(IOR_CNT_DROP_EXIT);
		return 1;
	}
	__builtin_memcpy(&e->enter, slot, sizeof(*slot));
	slot->hdr.kind = 0;
	e->enter.hdr.kind = IOR_EVENT_PAIRED;
	e->exit_time_ns = bpf_ktime_get_ns();
	e->ret = ret;
	event__submit(e, ring);
	return 1;
}

#endif /* IOR_PAIR_BPF_H */
