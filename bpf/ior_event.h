/*
 * Records the BPF programs put into the ring buffer: the one header shared by
 * the kernel side (bpf/ior.bpf.c) and userspace (src/trace, src/event).
 *
 * Fixed-width types only, no bool, explicit padding: the layout is ABI between
 * the two sides. Every size and offset is asserted at the end of this file,
 * so clang building the BPF object and the C++ compiler building userspace
 * both refuse a layout that differs from the one written down there.
 * Userspace must not assume records are aligned: it memcpy()s the fixed part.
 */
#ifndef IOR_EVENT_H
#define IOR_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Longest string copied per argument (bytes, without the NUL). PATH_MAX is
 * 4096 including the NUL, so the default keeps every valid path whole; a
 * longer argument is cut and flagged (IOR_STR*_TRUNCATED). */
#define IOR_STR_MAX 4095
#define IOR_COMM_LEN 16

enum ior_event_kind {
	IOR_EVENT_ENTER = 1,     /* struct ior_enter_event (+ strings) */
	IOR_EVENT_EXIT = 2,      /* struct ior_exit_event */
	IOR_EVENT_FORK = 3,      /* struct ior_task_event: a new process */
	IOR_EVENT_TASK_EXIT = 4, /* struct ior_task_event: a thread ended */
	IOR_EVENT_EXEC = 5,      /* struct ior_task_event: a process exec'd */
	IOR_EVENT_EXIT_FDS = 6,  /* struct ior_exit_fds_event: exit of a PIPE- or SOCKET-class syscall */
	IOR_EVENT_PAIRED = 7,    /* struct ior_paired_event: enter and exit of a syscall without strings */
	IOR_EVENT_EXIT_STR = 8,  /* struct ior_exit_str_event (+ strings): exit, with strings unreadable at the enter */
	IOR_EVENT_EXIT_ARGS = 9, /* struct ior_paired_event: exit of a syscall whose enter was unseen, its arguments from the registers */
};

/* Which arguments an enter event carries (the Go tool's event classes). */
enum ior_syscall_class {
	IOR_CLASS_OPEN = 1,
	IOR_CLASS_PATH = 2,
	IOR_CLASS_NAME = 3,
	IOR_CLASS_FD = 4,
	IOR_CLASS_FCNTL = 5,
	IOR_CLASS_DUP3 = 6,
	IOR_CLASS_NONE = 7,
	IOR_CLASS_FD2 = 8,  /* two fds: source, destination (copy_file_range, splice...) */
	IOR_CLASS_PIPE = 9, /* the new fds are written to user memory (pipe, pipe2, socketpair) */
	IOR_CLASS_SOCKET = 10, /* the return value is a new socket fd (socket, accept, accept4) */
};

/* Argument-index sentinels used in syscalls.def. */
#define IOR_ARG_NONE (-1)
#define IOR_ARG_OPEN_HOW (-2)
/* ioctl's args[2]: the int its third argument points at, for FIONBIO and
 * FIOASYNC (they set O_NONBLOCK and O_ASYNC from it); 0 for the others. */
#define IOR_ARG_IOCTL_INT (-3)
#define IOR_FIONBIO 0x5421  /* <asm-generic/ioctls.h>, as on x86_64 and arm64 */
#define IOR_FIOASYNC 0x5452

/* Syscall ids (the row's trace_id): the stable ids of syscalls.def. Its lines
 * are in ascending id order, so IOR_SC_COUNT is the largest id + 1. */
enum ior_syscall_id {
	IOR_SC_UNKNOWN = 0,
#define IOR_SYSCALL(id, name, nr, cls, ret, fx, s0, s1, n0, n1, n2) IOR_SC_##name = id,
#include "syscalls.def"
#undef IOR_SYSCALL
	IOR_SC_COUNT
};

struct ior_event_header {
	__u16 kind;     /* enum ior_event_kind */
	__u16 syscall;  /* enum ior_syscall_id; 0 for task events */
	__u32 pid;      /* process id (tgid) */
	__u32 tid;      /* thread id */
	__u32 reserved; /* 0 */
	__u64 time_ns;  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
};

/* str_flags bits */
#define IOR_STR0_TRUNCATED 0x1
#define IOR_STR1_TRUNCATED 0x2
#define IOR_STR0_FAULT 0x4 /* the string could not be read (bad pointer, not paged in) */
#define IOR_STR1_FAULT 0x8

struct ior_enter_event {
	struct ior_event_header hdr;
	__u64 args[3];          /* numeric arguments, see syscalls.def num0..num2 */
	char comm[IOR_COMM_LEN];/* the thread's name, NUL-padded */
	__u16 str_len[2];       /* bytes of string 0 and 1 that follow, no NUL */
	__u8 str_flags;         /* IOR_STR* bits */
	__u8 pad[3];
	__u32 uid;              /* real user and group id (task->cred: bpf_get_current_uid_gid's values) */
	__u32 gid;
	__u64 cgroup_id;        /* cgroup v2 id (bpf_get_current_cgroup_id): its directory's inode */
	__u32 ppid;             /* the parent process (real_parent->tgid) */
	__u32 mnt_ns;           /* syscalls with a string: the thread's mount namespace (its /proc/PID/ns/mnt inode), whose names the strings are; else 0 */
	/* followed by str_len[0] bytes of string 0, then str_len[1] bytes of string 1 */
};

struct ior_exit_event {
	struct ior_event_header hdr;
	__s64 ret;              /* the syscall's return value */
};

/* A whole syscall without string arguments (and not PIPE-class), paired in
 * the kernel: the enter waited in a per-task slot until the exit, which sends
 * this one record instead of two. It stands for an enter record and an exit
 * record everywhere they are counted (drops, the summary's account). */
struct ior_paired_event {
	struct ior_enter_event enter; /* hdr.kind = IOR_EVENT_PAIRED, hdr.time_ns: the enter's; str_len 0 */
	__u64 exit_time_ns;           /* bpf_ktime_get_ns() at the exit */
	__s64 ret;                    /* the syscall's return value */
};

/* The exit of a syscall that makes fds without a path: the programs read
 * the fds it wrote to user memory (PIPE class: userspace cannot) or take the
 * one it returned (SOCKET class, and an OPEN-class open with O_TMPFILE), with
 * each one's inode (both ends of a pipe share one; a socketpair's two sockets
 * have one each), so that they are named as /proc names them
 * ("pipe:[INODE]", "socket:[INODE]", "DIR/#INODE"). */
struct ior_exit_fds_event {
	struct ior_exit_event exit; /* hdr.kind = IOR_EVENT_EXIT_FDS */
	__s32 fd[2];                /* the new fds, -1 when the syscall failed, they were unreadable or there is one */
	__u64 ino[2];               /* the inode of fd[i], 0 when unknown */
};

/* The exit of a syscall whose string argument could not be read at its
 * enter: the page holding it was not mapped yet (a path in a binary's
 * rodata or a file mapping not yet touched), which a BPF program cannot
 * fault in. The syscall itself has faulted it in by its exit, so the
 * programs read those strings again there and send them with the exit. */
struct ior_exit_str_event {
	struct ior_exit_event exit; /* hdr.kind = IOR_EVENT_EXIT_STR */
	__u16 str_len[2];           /* bytes of string 0 and 1 that follow, no NUL */
	__u8 str_flags;             /* IOR_STR* bits of this reading */
	__u8 reread;                /* IOR_STR0_FAULT / IOR_STR1_FAULT: the strings read again here */
	__u8 pad[2];
	__u64 ino;                  /* an O_TMPFILE open: the new fd's inode ("DIR/#INODE"); else 0 */
	/* followed by str_len[0] bytes of string 0, then str_len[1] bytes of string 1 */
};

/* task event flags */
#define IOR_TASK_GROUP_DEAD 0x1 /* TASK_EXIT: the last thread of the process ended */
#define IOR_TASK_OWN_FS 0x2     /* FORK of a thread (pid == parent_pid): created without CLONE_FS, its cwd is its own */
#define IOR_TASK_SHARED_FILES 0x4 /* FORK of a process: created with CLONE_FILES, it shares its parent's fd table */

struct ior_task_event {
	struct ior_event_header hdr; /* FORK: pid/tid of the child; others: of the task */
	__u32 parent_pid;            /* FORK: the parent process; else 0 */
	__u32 flags;                 /* IOR_TASK_* bits */
	char comm[IOR_COMM_LEN];     /* the task's name after the event */
	__u32 parent_tid;            /* FORK: the thread that forked; EXEC: the thread's tid before the exec; else 0 */
	__u32 mnt_ns;                /* FORK: the child's mount namespace (clone(CLONE_NEWNS) gives it a new one); else 0 */
};

/* Syscall number -> what to record (map "syscall_specs", filled by userspace
 * before attach; id 0 = not traced). One entry per syscall of syscalls.def,
 * so -tps/-tpsExclude and syscalls absent on an architecture are just id 0. */
#define IOR_MAX_SYSCALL_NR 1024

struct ior_syscall_spec {
	__u16 id;  /* enum ior_syscall_id, 0: not traced */
	__u8 cls;  /* enum ior_syscall_class */
	__s8 s0;   /* argument index of string 0, or IOR_ARG_NONE */
	__s8 s1;   /* argument index of string 1 */
	__s8 n[3]; /* argument indices of args[0..2] (IOR_ARG_OPEN_HOW: openat2, IOR_ARG_IOCTL_INT: ioctl) */
};

/* -follow: processes followed at once at most (map "followed"); -uid:
 * user ids allowed at most (map "uid_allowed"). */
#define IOR_MAX_FOLLOWED 16384
#define IOR_MAX_UIDS 64

/* Measurements only (-cost-stage, bench/capture_cost.sh): where the syscall
 * programs stop, to price each part of the capture. FULL is a normal run. */
enum ior_cost_stage {
	IOR_COST_FULL = 0,   /* everything (userspace may still discard: "drain") */
	IOR_COST_ATTACH = 1, /* the programs return at once: the attach floor */
	IOR_COST_FILTER = 2, /* + syscall-id lookup and the task filters */
	IOR_COST_COPY = 3,   /* + the enter record built (args, comm, strings, who) in its
	                      * per-task slot or the scratch, not sent; the exit returns */
};

/* Per-CPU counters (map "counters", index = enum below). */
enum ior_counter {
	IOR_CNT_DROP_ENTER = 0, /* ring buffer full: enter event lost (a paired one counts here and in DROP_EXIT) */
	IOR_CNT_DROP_EXIT = 1,  /* ring buffer full: exit event lost */
	IOR_CNT_DROP_TASK = 2,  /* ring buffer full: task event lost */
	IOR_CNT_WAKEUPS = 3,    /* forced wake-ups of the reader (ring half full) */
	IOR_CNT_FOLLOW_FULL = 4,/* -follow: a child not followed, the map of followed processes full */
	IOR_CNT_COUNT = 5,
};

/* The layout both sides agree on, checked by both compilers (a changed field
 * must change these numbers too, and every reader of the records with them). */
#ifdef __cplusplus
#define IOR_ABI_ASSERT(cond) static_assert(cond, #cond)
#else
#define IOR_ABI_ASSERT(cond) _Static_assert(cond, #cond)
#endif
#define IOR_ABI_AT(type, field, offset) IOR_ABI_ASSERT(__builtin_offsetof(struct type, field) == (offset))

IOR_ABI_ASSERT(sizeof(struct ior_event_header) == 24);
IOR_ABI_AT(ior_event_header, kind, 0);
IOR_ABI_AT(ior_event_header, syscall, 2);
IOR_ABI_AT(ior_event_header, pid, 4);
IOR_ABI_AT(ior_event_header, tid, 8);
IOR_ABI_AT(ior_event_header, reserved, 12);
IOR_ABI_AT(ior_event_header, time_ns, 16);

IOR_ABI_ASSERT(sizeof(struct ior_enter_event) == 96);
IOR_ABI_AT(ior_enter_event, hdr, 0);
IOR_ABI_AT(ior_enter_event, args, 24);
IOR_ABI_AT(ior_enter_event, comm, 48);
IOR_ABI_AT(ior_enter_event, str_len, 64);
IOR_ABI_AT(ior_enter_event, str_flags, 68);
IOR_ABI_AT(ior_enter_event, pad, 69);
IOR_ABI_AT(ior_enter_event, uid, 72);
IOR_ABI_AT(ior_enter_event, gid, 76);
IOR_ABI_AT(ior_enter_event, cgroup_id, 80);
IOR_ABI_AT(ior_enter_event, ppid, 88);
IOR_ABI_AT(ior_enter_event, mnt_ns, 92);

IOR_ABI_ASSERT(sizeof(struct ior_exit_event) == 32);
IOR_ABI_AT(ior_exit_event, hdr, 0);
IOR_ABI_AT(ior_exit_event, ret, 24);

IOR_ABI_ASSERT(sizeof(struct ior_paired_event) == 112);
IOR_ABI_AT(ior_paired_event, enter, 0);
IOR_ABI_AT(ior_paired_event, exit_time_ns, 96);
IOR_ABI_AT(ior_paired_event, ret, 104);

IOR_ABI_ASSERT(sizeof(struct ior_exit_fds_event) == 56);
IOR_ABI_AT(ior_exit_fds_event, exit, 0);
IOR_ABI_AT(ior_exit_fds_event, fd, 32);
IOR_ABI_AT(ior_exit_fds_event, ino, 40);

IOR_ABI_ASSERT(sizeof(struct ior_exit_str_event) == 48);
IOR_ABI_AT(ior_exit_str_event, exit, 0);
IOR_ABI_AT(ior_exit_str_event, str_len, 32);
IOR_ABI_AT(ior_exit_str_event, str_flags, 36);
IOR_ABI_AT(ior_exit_str_event, reread, 37);
IOR_ABI_AT(ior_exit_str_event, ino, 40);

IOR_ABI_ASSERT(sizeof(struct ior_task_event) == 56);
IOR_ABI_AT(ior_task_event, hdr, 0);
IOR_ABI_AT(ior_task_event, parent_pid, 24);
IOR_ABI_AT(ior_task_event, flags, 28);
IOR_ABI_AT(ior_task_event, comm, 32);
IOR_ABI_AT(ior_task_event, parent_tid, 48);
IOR_ABI_AT(ior_task_event, mnt_ns, 52);

/* The value of map syscall_specs, written by userspace, read by the programs. */
IOR_ABI_ASSERT(sizeof(struct ior_syscall_spec) == 8);
IOR_ABI_AT(ior_syscall_spec, id, 0);
IOR_ABI_AT(ior_syscall_spec, cls, 2);
IOR_ABI_AT(ior_syscall_spec, s0, 3);
IOR_ABI_AT(ior_syscall_spec, s1, 4);
IOR_ABI_AT(ior_syscall_spec, n, 5);

/* A syscall id travels as __u16 (header, spec). */
IOR_ABI_ASSERT(IOR_SC_COUNT <= 0xffff);

#undef IOR_ABI_AT
#undef IOR_ABI_ASSERT

#endif /* IOR_EVENT_H */
