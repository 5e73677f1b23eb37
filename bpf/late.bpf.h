/* Strings read again at the exit.
 *
 * bpf_probe_read_user_str cannot fault a page in: a path in a page not yet
 * mapped (a literal in a binary's rodata at its first use, a file mapping
 * not yet touched) is unreadable at the enter, though the syscall reads it
 * a moment later. The syscall has faulted that page in by its exit, so the
 * enter notes the pointers in the task's slot and the exit reads them again
 * and sends them with its record (IOR_EVENT_EXIT_STR); userspace puts them
 * in the row. A bad pointer (EFAULT) stays unreadable at the exit too.
 * Only syscalls with strings look at the slot at their exit, and a string
 * read at the enter costs nothing more. */
#ifndef IOR_LATE_BPF_H
#define IOR_LATE_BPF_H

#include "maps.bpf.h"
#include "emit.bpf.h"
#include "pair.bpf.h"
#include "read.bpf.h"

#define IOR_STR_FAULTS (IOR_STR0_FAULT | IOR_STR1_FAULT)

/* At the enter of a syscall with strings, after reading them: remember the
 * unreadable ones, or forget what an earlier syscall left (its exit never
 * came). slot may be NULL (the task has none yet). */
static __always_inline void late__note(struct task_struct *task, struct ior_task_slot *slot, __u16 id,
				       __u8 flags, __u64 ptr0, __u64 ptr1)
{
	if (!(flags & IOR_STR_FAULTS)) {
		if (slot)
			slot->late_syscall = 0;
		return;
	}
	if (!slot)
		slot = pair__slot(task, 1);
	if (!slot)
		return; /* no memory for a slot: the strings stay unreadable */
	slot->late_syscall = id;
	slot->late_mask = flags & IOR_STR_FAULTS;
	slot->late_ptr[0] = (flags & IOR_STR0_FAULT) ? ptr0 : 0;
	slot->late_ptr[1] = (flags & IOR_STR1_FAULT) ? ptr1 : 0;
}

/* At the exit of a syscall with strings: the task's slot when strings
 * noted at its enter are to be read again (late__exit sends them), NULL
 * when the caller sends a plain exit record. */
static __always_inline struct ior_task_slot *late__pending(struct task_struct *task, __u16 id)
{
	struct ior_task_slot *slot = pair__slot(task, 0);

	if (!slot || !slot->late_syscall)
		return NULL;
	if (slot->late_syscall != id) {
		slot->late_syscall = 0;
		return NULL;
	}
	return slot;
}

/* Sends the exit with the strings late__pending found (or counts the
 * record lost). ino: an O_TMPFILE open's new inode, else 0. */
static __always_inline void late__exit(struct ior_task_slot *slot, __u16 id, long ret, __u32 pid, __u32 tid,
				       __u64 ino)
{
	struct ior_exit_str_event *e;
	struct ior_scratch *s;
	__u32 zero = 0, len0 = 0, len1 = 0;
	__u8 flags = 0, mask = slot->late_mask;

	slot->late_syscall = 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return;
	e = (struct ior_exit_str_event *)s->buf;
	header__fill(&e->exit.hdr, IOR_EVENT_EXIT_STR, id, pid, tid);
	e->exit.ret = ret;
	e->reread = mask;
	e->pad[0] = e->pad[1] = 0;
	e->ino = ino;
	if (mask & IOR_STR0_FAULT)
		len0 = args__read_str(s->buf + sizeof(*e), (const void *)slot->late_ptr[0], IOR_STR0_TRUNCATED,
				      IOR_STR0_FAULT, &flags);
	if (mask & IOR_STR1_FAULT)
		len1 = args__read_str(s->buf + ((sizeof(*e) + len0) & IOR_STR_OFF_MASK),
				      (const void *)slot->late_ptr[1], IOR_STR1_TRUNCATED, IOR_STR1_FAULT, &flags);
	e->str_len[0] = (__u16)len0;
	e->str_len[1] = (__u16)len1;
	e->str_flags = flags;
	event__output(e, (sizeof(*e) + len0 + len1) & (IOR_SCRATCH_SIZE - 1), IOR_CNT_DROP_EXIT);
}

#endif /* IOR_LATE_BPF_H */
