#include "trace/syscall_numbers.hpp"

#include <sys/syscall.h>

#include <cstring>

namespace ior::trace {
namespace {

struct Entry {
  const char* name;  // as in bpf/syscalls.def (the tracepoint's name)
  long nr;
};

// The native syscall numbers of this architecture, from the C library's
// <sys/syscall.h>. The tracepoint names newstat/newlstat/newfstat are the
// stat/lstat/fstat syscalls.
constexpr Entry kNumbers[] = {
#ifdef SYS_open
    {"open", SYS_open},
#endif
#ifdef SYS_openat
    {"openat", SYS_openat},
#endif
#ifdef SYS_openat2
    {"openat2", SYS_openat2},
#endif
#ifdef SYS_open_tree
    {"open_tree", SYS_open_tree},
#endif
#ifdef SYS_open_tree_attr
    {"open_tree_attr", SYS_open_tree_attr},
#endif
#ifdef SYS_creat
    {"creat", SYS_creat},
#endif
#ifdef SYS_access
    {"access", SYS_access},
#endif
#ifdef SYS_chdir
    {"chdir", SYS_chdir},
#endif
#ifdef SYS_chmod
    {"chmod", SYS_chmod},
#endif
#ifdef SYS_chown
    {"chown", SYS_chown},
#endif
#ifdef SYS_chroot
    {"chroot", SYS_chroot},
#endif
#ifdef SYS_faccessat
    {"faccessat", SYS_faccessat},
#endif
#ifdef SYS_faccessat2
    {"faccessat2", SYS_faccessat2},
#endif
#ifdef SYS_fanotify_mark
    {"fanotify_mark", SYS_fanotify_mark},
#endif
#ifdef SYS_fchmodat
    {"fchmodat", SYS_fchmodat},
#endif
#ifdef SYS_fchmodat2
    {"fchmodat2", SYS_fchmodat2},
#endif
#ifdef SYS_fchownat
    {"fchownat", SYS_fchownat},
#endif
#ifdef SYS_fspick
    {"fspick", SYS_fspick},
#endif
#ifdef SYS_futimesat
    {"futimesat", SYS_futimesat},
#endif
#ifdef SYS_getxattr
    {"getxattr", SYS_getxattr},
#endif
#ifdef SYS_getxattrat
    {"getxattrat", SYS_getxattrat},
#endif
#ifdef SYS_lchown
    {"lchown", SYS_lchown},
#endif
#ifdef SYS_lgetxattr
    {"lgetxattr", SYS_lgetxattr},
#endif
#ifdef SYS_listxattr
    {"listxattr", SYS_listxattr},
#endif
#ifdef SYS_listxattrat
    {"listxattrat", SYS_listxattrat},
#endif
#ifdef SYS_llistxattr
    {"llistxattr", SYS_llistxattr},
#endif
#ifdef SYS_lremovexattr
    {"lremovexattr", SYS_lremovexattr},
#endif
#ifdef SYS_lsetxattr
    {"lsetxattr", SYS_lsetxattr},
#endif
#ifdef SYS_mkdir
    {"mkdir", SYS_mkdir},
#endif
#ifdef SYS_mkdirat
    {"mkdirat", SYS_mkdirat},
#endif
#ifdef SYS_mount_setattr
    {"mount_setattr", SYS_mount_setattr},
#endif
#ifdef SYS_newfstatat
    {"newfstatat", SYS_newfstatat},
#endif
#ifdef SYS_lstat
    {"newlstat", SYS_lstat},
#endif
#ifdef SYS_stat
    {"newstat", SYS_stat},
#endif
#ifdef SYS_readlink
    {"readlink", SYS_readlink},
#endif
#ifdef SYS_readlinkat
    {"readlinkat", SYS_readlinkat},
#endif
#ifdef SYS_removexattr
    {"removexattr", SYS_removexattr},
#endif
#ifdef SYS_removexattrat
    {"removexattrat", SYS_removexattrat},
#endif
#ifdef SYS_rmdir
    {"rmdir", SYS_rmdir},
#endif
#ifdef SYS_setxattr
    {"setxattr", SYS_setxattr},
#endif
#ifdef SYS_setxattrat
    {"setxattrat", SYS_setxattrat},
#endif
#ifdef SYS_statfs
    {"statfs", SYS_statfs},
#endif
#ifdef SYS_statx
    {"statx", SYS_statx},
#endif
#ifdef SYS_truncate
    {"truncate", SYS_truncate},
#endif
#ifdef SYS_unlink
    {"unlink", SYS_unlink},
#endif
#ifdef SYS_unlinkat
    {"unlinkat", SYS_unlinkat},
#endif
#ifdef SYS_utimensat
    {"utimensat", SYS_utimensat},
#endif
#ifdef SYS_link
    {"link", SYS_link},
#endif
#ifdef SYS_linkat
    {"linkat", SYS_linkat},
#endif
#ifdef SYS_rename
    {"rename", SYS_rename},
#endif
#ifdef SYS_renameat
    {"renameat", SYS_renameat},
#endif
#ifdef SYS_renameat2
    {"renameat2", SYS_renameat2},
#endif
#ifdef SYS_symlink
    {"symlink", SYS_symlink},
#endif
#ifdef SYS_symlinkat
    {"symlinkat", SYS_symlinkat},
#endif
#ifdef SYS_cachestat
    {"cachestat", SYS_cachestat},
#endif
#ifdef SYS_close
    {"close", SYS_close},
#endif
#ifdef SYS_close_range
    {"close_range", SYS_close_range},
#endif
#ifdef SYS_dup
    {"dup", SYS_dup},
#endif
#ifdef SYS_dup2
    {"dup2", SYS_dup2},
#endif
#ifdef SYS_fadvise64
    {"fadvise64", SYS_fadvise64},
#endif
#ifdef SYS_fallocate
    {"fallocate", SYS_fallocate},
#endif
#ifdef SYS_fchdir
    {"fchdir", SYS_fchdir},
#endif
#ifdef SYS_fchmod
    {"fchmod", SYS_fchmod},
#endif
#ifdef SYS_fchown
    {"fchown", SYS_fchown},
#endif
#ifdef SYS_fdatasync
    {"fdatasync", SYS_fdatasync},
#endif
#ifdef SYS_fgetxattr
    {"fgetxattr", SYS_fgetxattr},
#endif
#ifdef SYS_finit_module
    {"finit_module", SYS_finit_module},
#endif
#ifdef SYS_flistxattr
    {"flistxattr", SYS_flistxattr},
#endif
#ifdef SYS_flock
    {"flock", SYS_flock},
#endif
#ifdef SYS_fremovexattr
    {"fremovexattr", SYS_fremovexattr},
#endif
#ifdef SYS_fsconfig
    {"fsconfig", SYS_fsconfig},
#endif
#ifdef SYS_fsetxattr
    {"fsetxattr", SYS_fsetxattr},
#endif
#ifdef SYS_fstatfs
    {"fstatfs", SYS_fstatfs},
#endif
#ifdef SYS_fsync
    {"fsync", SYS_fsync},
#endif
#ifdef SYS_ftruncate
    {"ftruncate", SYS_ftruncate},
#endif
#ifdef SYS_getdents
    {"getdents", SYS_getdents},
#endif
#ifdef SYS_getdents64
    {"getdents64", SYS_getdents64},
#endif
#ifdef SYS_ioctl
    {"ioctl", SYS_ioctl},
#endif
#ifdef SYS_lseek
    {"lseek", SYS_lseek},
#endif
#ifdef SYS_mmap
    {"mmap", SYS_mmap},
#endif
#ifdef SYS_fstat
    {"newfstat", SYS_fstat},
#endif
#ifdef SYS_pread64
    {"pread64", SYS_pread64},
#endif
#ifdef SYS_preadv
    {"preadv", SYS_preadv},
#endif
#ifdef SYS_preadv2
    {"preadv2", SYS_preadv2},
#endif
#ifdef SYS_pwrite64
    {"pwrite64", SYS_pwrite64},
#endif
#ifdef SYS_pwritev
    {"pwritev", SYS_pwritev},
#endif
#ifdef SYS_pwritev2
    {"pwritev2", SYS_pwritev2},
#endif
#ifdef SYS_quotactl_fd
    {"quotactl_fd", SYS_quotactl_fd},
#endif
#ifdef SYS_read
    {"read", SYS_read},
#endif
#ifdef SYS_readahead
    {"readahead", SYS_readahead},
#endif
#ifdef SYS_readv
    {"readv", SYS_readv},
#endif
#ifdef SYS_sync_file_range
    {"sync_file_range", SYS_sync_file_range},
#endif
#ifdef SYS_syncfs
    {"syncfs", SYS_syncfs},
#endif
#ifdef SYS_vmsplice
    {"vmsplice", SYS_vmsplice},
#endif
#ifdef SYS_write
    {"write", SYS_write},
#endif
#ifdef SYS_writev
    {"writev", SYS_writev},
#endif
#ifdef SYS_fcntl
    {"fcntl", SYS_fcntl},
#endif
#ifdef SYS_dup3
    {"dup3", SYS_dup3},
#endif
#ifdef SYS_io_cancel
    {"io_cancel", SYS_io_cancel},
#endif
#ifdef SYS_io_destroy
    {"io_destroy", SYS_io_destroy},
#endif
#ifdef SYS_io_getevents
    {"io_getevents", SYS_io_getevents},
#endif
#ifdef SYS_io_pgetevents
    {"io_pgetevents", SYS_io_pgetevents},
#endif
#ifdef SYS_io_setup
    {"io_setup", SYS_io_setup},
#endif
#ifdef SYS_io_submit
    {"io_submit", SYS_io_submit},
#endif
#ifdef SYS_io_uring_enter
    {"io_uring_enter", SYS_io_uring_enter},
#endif
#ifdef SYS_io_uring_register
    {"io_uring_register", SYS_io_uring_register},
#endif
#ifdef SYS_io_uring_setup
    {"io_uring_setup", SYS_io_uring_setup},
#endif
#ifdef SYS_sync
    {"sync", SYS_sync},
#endif
#ifdef SYS_syslog
    {"syslog", SYS_syslog},
#endif
#if defined(__x86_64__) || defined(__aarch64__)
    // Newer than Debian 12's headers. From 424 (pidfd_send_signal) on, a new
    // syscall has the same number on every architecture but alpha
    // (arch/x86/entry/syscalls/syscall_64.tbl, scripts/syscall.tbl for arm64).
#ifndef SYS_cachestat
    {"cachestat", 451},
#endif
#ifndef SYS_fchmodat2
    {"fchmodat2", 452},
#endif
#ifndef SYS_setxattrat
    {"setxattrat", 463},
#endif
#ifndef SYS_getxattrat
    {"getxattrat", 464},
#endif
#ifndef SYS_listxattrat
    {"listxattrat", 465},
#endif
#ifndef SYS_removexattrat
    {"removexattrat", 466},
#endif
#ifndef SYS_open_tree_attr
    {"open_tree_attr", 467},
#endif
#endif
};

}  // namespace

long native_syscall_nr(std::string_view name) {
  for (const auto& e : kNumbers) {
    if (name == e.name) return e.nr;
  }
  return -1;
}

}  // namespace ior::trace
