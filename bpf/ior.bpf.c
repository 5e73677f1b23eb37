// SPDX-License-Identifier: GPL-2.0
/*
 * ior's kernel side: two programs on the raw syscall tracepoints (sys_enter,
 * sys_exit) that look the syscall number up in syscall_specs and record only
 * the syscalls of syscalls.def, plus fork/exit/exec of tasks.
 *
 * Why raw_syscalls and not one program per syscalls:sys_enter_X: the cost per
 * traced syscall is the same (docs/PERFORMANCE.md), but detaching 216
 * per-syscall perf events waits for one RCU grace period each in the kernel
 * (15 s at every stop, measured), and syscalls without ftrace metadata (e.g.
 * finit_module here) have no per-syscall tracepoint at all.
 *
 * A syscall without strings (the fd syscalls, most of the traffic) sends one
 * 112-byte record at its exit: its enter waited in a per-task slot
 * (pair.bpf.h). A syscall with strings sends one record at the enter with the
 * arguments, the thread's comm and the strings (exact length, no padding),
 * and a 32-byte record at the exit with the return value (56 bytes with the
 * fds and inodes of a pipe, socketpair, socket or accept; with the strings
 * the enter could not read, read again there: late.bpf.h); userspace pairs
 * those per thread.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "ior_event.h"
#include "maps.bpf.h"
#include "emit.bpf.h"
#include "read.bpf.h"
#include "pair.bpf.h"
#include "late.bpf.h"
#include "cgroup.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#if defined(__TARGET_ARCH_x86)
#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */
#endif

/* The spec of a native syscall we trace, or NULL. 32-bit compat syscalls use
 * another numbering and are not traced. task: current. */
static __always_inline const struct ior_syscall_spec *spec__lookup(long nr, struct task_struct *task)
{
	const struct ior_syscall_spec *spec;
	__u32 key;

	if (nr < 0 || nr >= IOR_MAX_SYSCALL_NR)
		return NULL;
	key = (__u32)nr;
	spec = bpf_map_lookup_elem(&syscall_specs, &key);
	if (!spec || !spec->id)
		return NULL;
#if defined(__TARGET_ARCH_x86)
	if (task->thread_info.status & TS_COMPAT)
		return NULL;
#endif
	return spec;
}

/* Syscall argument i (0..4: syscalls.def uses no higher index) from the
 * user registers; other i give 0. On x86 the tracepoint's regs are a BTF
 * pointer, so these are plain guarded loads; the _CORE_ variants would make
 * each one a bpf_probe_read_kernel call (docs/PERFORMANCE.md). arm64's
 * syscall macros read orig_x0 that way whichever is used. */
#if defined(__TARGET_ARCH_x86)
#define IOR_SYSCALL_ARG(n, regs) PT_REGS_PARM##n##_SYSCALL(regs)
#else
#define IOR_SYSCALL_ARG(n, regs) PT_REGS_PARM##n##_CORE_SYSCALL(regs)
#endif
static __always_inline __u64 regs__arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return IOR_SYSCALL_ARG(1, regs);
	case 1: return IOR_SYSCALL_ARG(2, regs);
	case 2: return IOR_SYSCALL_ARG(3, regs);
	case 3: return IOR_SYSCALL_ARG(4, regs);
	case 4: return IOR_SYSCALL_ARG(5, regs);
	default: return 0;
	}
}

/* Who makes the syscall, read at every enter: ids and cgroup can change
 * (setuid, a move to another cgroup), and the parent too (reparenting when it
 * exits). Loads from the task, a few ns; the cgroup id comes from the task's
 * slot while it is known to hold (cgroup.bpf.h). */
static __always_inline void who__fill(struct ior_enter_event *e, struct task_struct *task,
				      struct ior_task_slot *slot)
{
	__u64 uid_gid = task__uid_gid(task);

	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->cgroup_id = cgroup__id(task, slot);
	/* A BTF pointer walk: plain loads the verifier guards, no helper calls. */
	e->ppid = task->real_parent->tgid;
}

/* The fixed part of an enter record: everything but the strings. task: current. */
static __always_inline void enter__fill(struct ior_enter_event *e, const struct ior_syscall_spec *spec,
					struct pt_regs *regs, struct task_struct *task, __u32 pid, __u32 tid,
					struct ior_task_slot *slot)
{
	header__fill(&e->hdr, IOR_EVENT_ENTER, spec->id, pid, tid);
	e->args[0] = regs__arg(regs, spec->n[0]);
	e->args[1] = regs__arg(regs, spec->n[1]);
	e->args[2] = regs__arg(regs, spec->n[2]);
	if (spec->n[0] == IOR_ARG_OPEN_HOW) {
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), (void *)regs__arg(regs, 2));
		e->args[0] = how.flags;
		e->args[1] = how.mode;
	}
	if (spec->n[2] == IOR_ARG_IOCTL_INT) {
		__s32 on = 0;
		__u32 request = (__u32)e->args[1];

		if (request == IOR_FIONBIO || request == IOR_FIOASYNC)
			bpf_probe_read_user(&on, sizeof(on), (void *)regs__arg(regs, 2));
		e->args[2] = (__u32)on;
	}
	/* A name is the thread's mount namespace's: a rename in another one
	 * (unshare -m, a PrivateTmp service) may name another file by the same
	 * text. Only for syscalls with a string: the fd-class hot path pays
	 * nothing. */
	e->mnt_ns = spec->s0 != IOR_ARG_NONE ? task->nsproxy->mnt_ns->ns.inum : 0;
	/* task->comm is NUL-padded (the kernel sets it with strscpy_pad): two
	 * guarded loads instead of the helper's strscpy_pad call, the same
	 * bytes, 10-15 ns less per enter (docs/PERFORMANCE.md). */
	__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	e->str_len[0] = e->str_len[1] = 0;
	e->str_flags = 0;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	who__fill(e, task, slot);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long nr)
{
	const struct ior_syscall_spec *spec;
	__u32 pid, tid, zero = 0, len0 = 0, len1 = 0;
	struct ior_enter_event *e;
	struct ior_task_slot *slot;
	struct task_struct *task;
	struct ior_scratch *s;
	__u8 flags = 0;
	int eligible;

	if (cfg_cost_stage == IOR_COST_ATTACH)
		return 0;
	/* One helper call for the whole program: the rest are loads from it. */
	task = bpf_get_current_task_btf();
	spec = spec__lookup(nr, task);
	if (!spec || task__filtered(task, &pid, &tid) || cfg_cost_stage == IOR_COST_FILTER)
		return 0;
	eligible = pair__eligible(spec);
	slot = pair__slot(task, eligible);
	if (slot && slot->enter.hdr.kind)
		pair__flush(&slot->enter); /* an older enter never saw its exit */
	if (eligible && slot) {
		/* Sent with the exit, as one record. */
		enter__fill(&slot->enter, spec, regs, task, pid, tid, slot);
		return 0;
	}
	if (eligible && cfg_cost_stage != IOR_COST_COPY) {
		/* No slot (the kernel could not make one): the enter record is
		 * built in the ring itself, without the per-CPU scratch lookup
		 * and the copy out of it. */
		void *ring;

		e = event__reserve(sizeof(*e), &ring);
		if (!e) {
			counter__add(IOR_CNT_DROP_ENTER);
			return 0;
		}
		enter__fill(e, spec, regs, task, pid, tid, slot);
		event__submit(e, ring);
		return 0;
	}
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	e = (struct ior_enter_event *)s->buf;
	enter__fill(e, spec, regs, task, pid, tid, slot);
	if (spec->s0 >= 0)
		len0 = args__read_str(s->buf + sizeof(*e), (const void *)regs__arg(regs, spec->s0),
				      IOR_STR0_TRUNCATED, IOR_STR0_FAULT, &flags);
	if (spec->s1 >= 0)
		len1 = args__read_str(s->buf + ((sizeof(*e) + len0) & IOR_STR_OFF_MASK),
				      (const void *)regs__arg(regs, spec->s1), IOR_STR1_TRUNCATED,
				      IOR_STR1_FAULT, &flags);
	e->str_len[0] = (__u16)len0;
	e->str_len[1] = (__u16)len1;
	e->str_flags = flags;
	if (cfg_cost_stage == IOR_COST_COPY)
		return 0;
	late__note(task, slot, spec->id, flags, spec->s0 >= 0 ? regs__arg(regs, spec->s0) : 0,
		   spec->s1 >= 0 ? regs__arg(regs, spec->s1) : 0);
	event__output(e, (sizeof(*e) + len0 + len1) & (IOR_SCRATCH_SIZE - 1), IOR_CNT_DROP_ENTER);
	return 0;
}

/* The inode of the current task's fd, 0 when there is none. */
static __always_inline __u64 fd__inode(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **files;
	struct file *f = NULL;

	if (fd < 0 || !fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	files = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &files[fd]) || !f)
		return 0;
	return BPF_CORE_READ(f, f_inode, i_ino);
}

/* __O_TMPFILE: the same bit on x86_64 and arm64 (asm-generic/fcntl.h);
 * vmlinux.h has no macros. */
#define IOR_O_TMPFILE_BIT 020000000

/* Whether a successful open made an unnamed file in a directory (O_TMPFILE):
 * /proc names its fd DIR/#INODE, and only the kernel side can read the
 * inode. The flags come again from the registers (open_how in user memory
 * for openat2), as they were at the enter. */
static __always_inline bool open__made_tmpfile(const struct ior_syscall_spec *spec, struct pt_regs *regs)
{
	/* Both registers are read whichever is wanted: a load from an offset
	 * chosen at run time (clang's way of writing "one or the other") is
	 * one the verifier refuses on the regs pointer. */
	__u64 arg1 = IOR_SYSCALL_ARG(2, regs), arg2 = IOR_SYSCALL_ARG(3, regs);
	__u64 flags = 0;

	if (spec->id == IOR_SC_openat2) {
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)arg2))
			return false;
	} else if (spec->id == IOR_SC_openat) {
		flags = arg2;
	} else if (spec->id == IOR_SC_open) {
		flags = arg1;
	}
	return flags & IOR_O_TMPFILE_BIT;
}

/* The exit of a syscall that makes fds without a path. pipe(fds),
 * pipe2(fds, flags) and socketpair(domain, type, protocol, fds) write two to
 * user memory, at the argument the saved registers still hold at exit
 * (arm64: orig_x0 for argument 0); socket, accept and an O_TMPFILE open
 * return one. Each fd's inode names it. */
static __always_inline void exit__emit_fds(const struct ior_syscall_spec *spec, struct pt_regs *regs, long ret,
					   __u32 pid, __u32 tid)
{
	void *ring;
	struct ior_exit_fds_event *e = event__reserve(sizeof(*e), &ring);
	int fds[2] = {-1, -1};
	void *user;

	if (!e) {
		counter__add(IOR_CNT_DROP_EXIT);
		return;
	}
	header__fill(&e->exit.hdr, IOR_EVENT_EXIT_FDS, spec->id, pid, tid);
	e->exit.ret = ret;
	if (spec->cls != IOR_CLASS_PIPE) {
		if (ret >= 0)
			fds[0] = (int)ret;
	} else if (ret == 0) {
		user = spec->id == IOR_SC_socketpair ? (void *)PT_REGS_PARM4_CORE_SYSCALL(regs)
						     : (void *)PT_REGS_PARM1_CORE_SYSCALL(regs);
		if (bpf_probe_read_user(fds, sizeof(fds), user))
			fds[0] = fds[1] = -1;
	}
	e->fd[0] = fds[0];
	e->fd[1] = fds[1];
	e->ino[0] = fds[0] >= 0 ? fd__inode(fds[0]) : 0;
	/* Both ends of a pipe are one inode: only a socketpair's second fd needs
	 * a second walk of the fd table. */
	if (spec->id == IOR_SC_socketpair)
		e->ino[1] = fds[1] >= 0 ? fd__inode(fds[1]) : 0;
	else
		e->ino[1] = fds[1] >= 0 ? e->ino[0] : 0;
	event__submit(e, ring);
}

/* The exit of an eligible syscall whose enter was unseen: its enter fields
 * from the registers, as the enter program would have made them. */
static __always_inline void exit__emit_args(const struct ior_syscall_spec *spec, struct pt_regs *regs,
					    struct task_struct *task, struct ior_task_slot *slot, long ret,
					    __u32 pid, __u32 tid)
{
	struct ior_paired_event *e;
	void *ring;

	e = event__reserve(sizeof(*e), &ring);
	if (!e) {
		counter__add(IOR_CNT_DROP_EXIT);
		return;
	}
	enter__fill(&e->enter, spec, regs, task, pid, tid, slot);
	e->enter.hdr.kind = IOR_EVENT_EXIT_ARGS;
	e->exit_time_ns = e->enter.hdr.time_ns;
	e->ret = ret;
	event__submit(e, ring);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	const struct ior_syscall_spec *spec;
	struct ior_task_slot *late, *slot;
	struct task_struct *task;
	struct ior_exit_event *e;
	__u32 pid, tid;
	bool tmpfile;
	void *ring;
	long nr;

	if (cfg_cost_stage == IOR_COST_ATTACH)
		return 0;
	task = bpf_get_current_task_btf();
#if defined(__TARGET_ARCH_x86)
	nr = regs->orig_ax; /* a guarded load, not a helper call */
#elif defined(__TARGET_ARCH_arm64)
	nr = BPF_CORE_READ((struct user_pt_regs *)regs, syscallno);
#else
#error "ior traces x86_64 and arm64 only: syscall numbers and arguments are read from their registers"
#endif
	spec = spec__lookup(nr, task);
	/* The filters first, though a paired enter has passed them: they are
	 * loads without -follow, -uid or -cgroup, and the slot lookup it
	 * would take to skip them would fall on every untraced task's exits. */
	if (!spec || task__filtered(task, &pid, &tid) || cfg_cost_stage != IOR_COST_FULL)
		return 0;
	if (spec->cls == IOR_CLASS_PIPE || spec->cls == IOR_CLASS_SOCKET) {
		exit__emit_fds(spec, regs, ret, pid, tid);
		return 0;
	}
	if (pair__eligible(spec)) {
		if (pair__exit(task, spec->id, ret))
			return 0;
		/* The task has a slot, so this syscall's enter would be waiting
		 * in it: the enter tracepoint never ran for it. Seccomp refuses a
		 * syscall before that tracepoint (an EPERM from a filter), and a
		 * syscall that began before ior attached has none either. Its
		 * arguments are still in the saved registers: one record, a row
		 * like any other, timed at the exit. (Without a slot its enter may
		 * be in the ring: a plain exit record pairs with it.) */
		slot = pair__slot(task, 0);
		if (slot) {
			exit__emit_args(spec, regs, task, slot, ret, pid, tid);
			return 0;
		}
	}
	tmpfile = spec->cls == IOR_CLASS_OPEN && ret >= 0 && open__made_tmpfile(spec, regs);
	if ((spec->s0 >= 0 || spec->s1 >= 0) && (late = late__pending(task, spec->id))) {
		late__exit(late, spec->id, ret, pid, tid, tmpfile ? fd__inode((int)ret) : 0);
		return 0;
	}
	if (tmpfile) {
		exit__emit_fds(spec, regs, ret, pid, tid);
		return 0;
	}
	e = event__reserve(sizeof(*e), &ring);
	if (!e) {
		counter__add(IOR_CNT_DROP_EXIT);
		return 0;
	}
	header__fill(&e->hdr, IOR_EVENT_EXIT, spec->id, pid, tid);
	e->ret = ret;
	event__submit(e, ring);
	return 0;
}

static __always_inline void task__emit(__u16 kind, __u32 pid, __u32 tid, __u32 parent_pid,
				       __u32 parent_tid, __u32 flags, struct task_struct *task)
{
	struct ior_task_event e = {};

	header__fill(&e.hdr, kind, 0, pid, tid);
	e.parent_pid = parent_pid;
	e.parent_tid = parent_tid;
	e.flags = flags;
	if (kind == IOR_EVENT_FORK)
		e.mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	BPF_CORE_READ_STR_INTO(&e.comm, task, comm);
	event__output(&e, sizeof(e), IOR_CNT_DROP_TASK);
}

#define IOR_EEXIST 17 /* errno values: vmlinux.h has none */

/* -follow: a child of a followed process is followed from its fork on. A
 * full map leaves the child untraced, counted. */
static __always_inline void follow__fork(__u32 ppid, __u32 cpid)
{
	__u8 one = 1;
	long err;

	if (!cfg_follow || !bpf_map_lookup_elem(&followed, &ppid))
		return;
	err = bpf_map_update_elem(&followed, &cpid, &one, BPF_NOEXIST);
	if (err == 0)
		__sync_fetch_and_add(&followed_count, 1);
	else if (err != -IOR_EEXIST)
		counter__add(IOR_CNT_FOLLOW_FULL);
}

/* A new process inherits its parent's fds and the forking thread's cwd:
 * userspace copies them. New threads share both and need nothing, but for
 * a thread created without CLONE_FS (its fs_struct is not its parent's),
 * whose cwd is its own from then on. The tracepoint runs in the parent
 * (current), so the filters judge the parent. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = BPF_CORE_READ(parent, tgid);
	__u32 cpid = BPF_CORE_READ(child, tgid);
	__u32 flags = 0;
	__u32 pid, tid;

	if (ppid == cfg_self_pid)
		return 0;
	if (cpid == ppid) {
		if (BPF_CORE_READ(child, fs) == BPF_CORE_READ(parent, fs))
			return 0;
		flags = IOR_TASK_OWN_FS;
	} else {
		follow__fork(ppid, cpid);
		if (BPF_CORE_READ(child, files) == BPF_CORE_READ(parent, files))
			flags = IOR_TASK_SHARED_FILES;
	}
	if (task__filtered(bpf_get_current_task_btf(), &pid, &tid))
		return 0;
	task__emit(IOR_EVENT_FORK, cpid, BPF_CORE_READ(child, pid), ppid, tid, flags, child);
	return 0;
}

/* A thread ended: its pending enter will never see an exit. When it was the
 * last one (signal->live reached 0; read this way on every kernel, whatever
 * the tracepoint's arguments), the process's fd table goes too, and a
 * followed process leaves the map (after its record: the filter needs it). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_task_exit, struct task_struct *p)
{
	struct ior_task_slot *slot;
	__u32 pid, tid, flags = 0;
	int filtered;

	/* A syscall still running in a dying thread: its enter goes first, as
	 * the record it would have been without the slot. */
	slot = bpf_task_storage_get(&pending, p, 0, 0);
	if (slot && slot->enter.hdr.kind)
		pair__flush(&slot->enter);
	/* -follow forgets a process whatever the other filters say (-uid may
	 * filter a followed one), so only then does a filtered exit go on. */
	filtered = task__filtered(bpf_get_current_task_btf(), &pid, &tid);
	if (filtered && !cfg_follow)
		return 0;
	if (p->signal->live.counter == 0)
		flags |= IOR_TASK_GROUP_DEAD;
	if (!filtered)
		task__emit(IOR_EVENT_TASK_EXIT, pid, tid, 0, 0, flags, p);
	if (cfg_follow && (flags & IOR_TASK_GROUP_DEAD) && bpf_map_delete_elem(&followed, &pid) == 0)
		__sync_fetch_and_sub(&followed_count, 1);
	return 0;
}

/* exec closes O_CLOEXEC fds and renames the process. A thread other than
 * the leader that execs takes the leader's tid: old_pid is the tid it had
 * (its cwd may have been its own). */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid)
{
	struct ior_task_slot *slot;
	__u32 pid, tid;

	if (task__filtered(bpf_get_current_task_btf(), &pid, &tid))
		return 0;
	task__emit(IOR_EVENT_EXEC, pid, tid, 0, (__u32)old_pid, 0, p);
	/* Userspace forgets the exec'ing thread's pending enter at this record
	 * (execve itself is not traced): so does the slot. */
	slot = bpf_task_storage_get(&pending, p, 0, 0);
	if (slot) {
		slot->enter.hdr.kind = 0;
		slot->late_syscall = 0;
	}
	return 0;
}

/* Run once by userspace at stop, after the syscall programs are detached:
 * the enters of syscalls still running (a read blocked until now) go to the
 * ring as lone enter records, as they would have without the slot. */
SEC("iter/task")
int flush_pending(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct ior_task_slot *slot;

	if (!task)
		return 0;
	slot = bpf_task_storage_get(&pending, task, 0, 0);
	if (slot && slot->enter.hdr.kind)
		pair__flush(&slot->enter);
	return 0;
}

/* A task moved to another cgroup: cached cgroup ids are read again
 * (cgroup.bpf.h). Fires after the move, once per process moved whole. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(handle_cgroup_move, struct cgroup *dst, const char *path, struct task_struct *task, bool threadgroup)
{
	__sync_fetch_and_add(&cgroup_moves, 1);
	return 0;
}
