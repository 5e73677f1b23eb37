#pragma once
// Which syscalls of bpf/syscalls.def an architecture has no number for, so
// ior skips them there (one message each). Written down here from the
// kernel's tables, not from the C library the tracer is built with, so a
// syscall left out because the build's headers are older than the kernel is
// a failure:
// - x86_64: arch/x86/entry/syscalls/syscall_64.tbl, which has every one;
// - arm64: the generic table, include/uapi/asm-generic/unistd.h as arm64
//   configures it (arch/arm64/include/uapi/asm/unistd.h: __ARCH_WANT_RENAMEAT,
//   __ARCH_WANT_NEW_STAT; since 6.11 scripts/syscall.tbl with the abis
//   common, 64, renameat, rlimit, memfd_secret), which keeps only the *at
//   forms of the old path syscalls.
// tests/event/syscall_numbers_test.cpp checks the arm64 list against that
// header on any machine, tests/trace/tracer_test.cpp what the tracer skips.

#include <set>
#include <string>

namespace ior::testing {

inline const std::set<std::string> kAbsentOnX86_64 = {};

inline const std::set<std::string> kAbsentOnArm64 = {
    "access", "chmod",    "chown",   "creat", "dup2",     "futimesat", "getdents", "lchown",  "link",
    "mkdir",  "newlstat", "newstat", "open",  "readlink", "rename",    "rmdir",    "symlink", "unlink",
    "mknod",  "pipe",     "utime",   "utimes",   "epoll_create", "eventfd", "signalfd", "inotify_init",
};

}  // namespace ior::testing
