/* Maps and configuration knobs of the BPF side, defined once. */
#ifndef IOR_MAPS_BPF_H
#define IOR_MAPS_BPF_H

#include "ior_event.h"

/* Set by userspace before load (rodata). */
const volatile __u32 cfg_self_pid = 0; /* never trace ior itself */
const volatile __u32 cfg_pid = 0;      /* -pid, 0: all */
const volatile __u32 cfg_tid = 0;      /* -tid, 0: all */
const volatile __u32 cfg_str_max = IOR_STR_MAX;
const volatile __u64 cfg_ring_half = 8 * 1024 * 1024; /* half of one ring's size, set with it */
const volatile __u32 cfg_follow = 0;        /* -follow: trace the processes of map followed */
const volatile __u32 cfg_uid_filter = 0;    /* -uid: only the uids of map uid_allowed */
const volatile __u32 cfg_cgroup_filter = 0; /* -cgroup: only tasks under cgroup_allowed[0] */

/* -follow: how many processes map followed holds. Changed only by atomic
 * adds (here and by userspace, which reads it through the mmap'ed .bss). */
__u64 followed_count = 0;
/* For measurements only: wake the reader for every record as libbpf's
 * default does (rodata, so the verifier removes the unused branch). */
const volatile __u32 cfg_wakeup_each = 0;

/* For measurements only: enum ior_cost_stage (rodata: the verifier removes
 * the branches of the other stages, a normal run pays nothing). */
const volatile __u32 cfg_cost_stage = IOR_COST_FULL;

/* Room for the fixed part and two strings read with size str_max + 2 each
 * (the +1 beyond the NUL tells a string of exactly str_max bytes from a longer
 * one). Offsets and sizes are masked for the verifier. */
#define IOR_SCRATCH_SIZE 16384
#define IOR_STR_OFF_MASK 8191

struct ior_scratch {
	__u8 buf[IOR_SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ior_scratch);
} scratch SEC(".maps");

/* Per task (map pending): the enter of a syscall without strings waiting for
 * its exit (pair.bpf.h; enter.hdr.kind 0 when empty), the task's cgroup id
 * as last read (cgroup.bpf.h), and the string arguments to read again at
 * the exit (late.bpf.h). Created at the task's first syscall without
 * strings or first unreadable string, freed by the kernel with the task. */
struct ior_task_slot {
	struct ior_enter_event enter;
	__u64 cg_cset;  /* task->cgroups when cg_id was read; 0: none read */
	__u64 cg_id;
	__u64 cg_moves; /* cgroup_moves then */
	__u64 late_ptr[2];  /* user pointers of the strings unreadable at the enter */
	__u16 late_syscall; /* their syscall's id; 0: nothing to read again */
	__u8 late_mask;     /* IOR_STR0_FAULT / IOR_STR1_FAULT: which ones */
	__u8 late_pad[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ior_task_slot);
} pending SEC(".maps");

/* How many times a task changed cgroup (cgroup.bpf.h), and whether that count
 * is kept: set by userspace once handle_cgroup_move is attached. */
__u64 cgroup_moves = 0;
__u32 cgroup_moves_counted = 0;

/* One ring buffer per possible CPU (slot = CPU), created by userspace
 * (src/trace/cpu_rings.cpp), each a share of -mapSize: threads on different
 * CPUs never share a ring's lock and positions. The inner map is a template
 * only; userspace sets it to one of its rings before load. */
struct ior_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ior_ring);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IOR_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IOR_MAX_SYSCALL_NR);
	__type(key, __u32);
	__type(value, struct ior_syscall_spec);
} syscall_specs SEC(".maps");

/* -follow: the traced processes (tgid -> 1): the -pid process, filled at
 * fork with the children of those in it, emptied as they exit. Sized by
 * userspace (IOR_MAX_FOLLOWED with -follow, 1 without). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IOR_MAX_FOLLOWED);
	__type(key, __u32);
	__type(value, __u8);
} followed SEC(".maps");

/* -uid: the allowed user ids (uid -> 1). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IOR_MAX_UIDS);
	__type(key, __u32);
	__type(value, __u8);
} uid_allowed SEC(".maps");

/* -cgroup: slot 0 holds the cgroup v2 directory (an fd from userspace). */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_allowed SEC(".maps");

#endif /* IOR_MAPS_BPF_H */
