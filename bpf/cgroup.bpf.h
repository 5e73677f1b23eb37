/* The cgroup id of every enter, read once per task instead of per syscall.
 *
 * bpf_get_current_cgroup_id follows four pointers (task, css_set, cgroup,
 * kernfs node), 30 ns per enter on this project's VM (docs/PERFORMANCE.md).
 * A task's slot keeps the id with the css_set it was read from and the count
 * of cgroup moves at the time; the id is used again while the task still
 * points to that css_set and no task has moved since:
 * - every move of a task to another cgroup v2 cgroup goes through
 *   cgroup_attach_task, whose tracepoint (after the move) counts it; the count
 *   is global because the tracepoint names only the leader of a process
 *   moved whole;
 * - the count is read before the css_set, so an enter racing a move caches
 *   what it read with the count from before: the next enter reads again;
 * - a css_set freed and reused at the same address for another cgroup needs
 *   a move of the task into it, which changes the count;
 * - css_set changes within one v2 cgroup (cgroup v1 moves, controllers
 *   enabled) keep the id, and the changed pointer only makes it read again.
 * Without the tracepoint (cgroup_moves_counted 0) every enter reads the id. */
#ifndef IOR_CGROUP_BPF_H
#define IOR_CGROUP_BPF_H

#include "maps.bpf.h"

static __always_inline __u64 cgroup__id(struct task_struct *task, struct ior_task_slot *slot)
{
	struct css_set *cset;
	__u64 moves, id;

	if (!cgroup_moves_counted || !slot)
		return bpf_get_current_cgroup_id();
	/* Loads stay in this order: volatile for the compiler; x86 does not
	 * reorder loads (arm64 may, and then only makes a cached id older by
	 * the one move racing this enter). */
	moves = *(volatile __u64 *)&cgroup_moves;
	cset = *(struct css_set *volatile *)&task->cgroups;
	if (slot->cg_cset == (__u64)cset && slot->cg_moves == moves)
		return slot->cg_id;
	/* From that css_set, not the task again: id and pointer stay a pair. */
	id = cset->dfl_cgrp->kn->id;
	slot->cg_cset = (__u64)cset;
	slot->cg_id = id;
	slot->cg_moves = moves;
	return id;
}

#endif /* IOR_CGROUP_BPF_H */
