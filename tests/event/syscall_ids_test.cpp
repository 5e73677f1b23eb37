// The stable ids of bpf/syscalls.def. trace_id is stored in every Parquet
// file and ClickHouse table, so an id once given names its syscall for good.
// The list below is append-only: a new syscall is added to syscalls.def with
// the next id AND appended here; an existing line is never edited. A syscall
// taken out of syscalls.def keeps its line here, so that its id cannot be
// given to another.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

struct Given {
  std::uint16_t id;
  const char* name;
};

constexpr Given kGiven[] = {
    {1, "open"}, {2, "openat"}, {3, "openat2"}, {4, "open_tree"}, {5, "open_tree_attr"}, {6, "creat"},
    {7, "access"}, {8, "chdir"}, {9, "chmod"}, {10, "chown"}, {11, "chroot"}, {12, "faccessat"},
    {13, "faccessat2"}, {14, "fanotify_mark"}, {15, "fchmodat"}, {16, "fchmodat2"}, {17, "fchownat"},
    {18, "fspick"}, {19, "futimesat"}, {20, "getxattr"}, {21, "getxattrat"}, {22, "lchown"},
    {23, "lgetxattr"}, {24, "listxattr"}, {25, "listxattrat"}, {26, "llistxattr"},
    {27, "lremovexattr"}, {28, "lsetxattr"}, {29, "mkdir"}, {30, "mkdirat"}, {31, "mount_setattr"},
    {32, "newfstatat"}, {33, "newlstat"}, {34, "newstat"}, {35, "readlink"}, {36, "readlinkat"},
    {37, "removexattr"}, {38, "removexattrat"}, {39, "rmdir"}, {40, "setxattr"}, {41, "setxattrat"},
    {42, "statfs"}, {43, "statx"}, {44, "truncate"}, {45, "unlink"}, {46, "unlinkat"},
    {47, "utimensat"}, {48, "link"}, {49, "linkat"}, {50, "rename"}, {51, "renameat"},
    {52, "renameat2"}, {53, "symlink"}, {54, "symlinkat"}, {55, "cachestat"}, {56, "close"},
    {57, "close_range"}, {58, "dup"}, {59, "dup2"}, {60, "fadvise64"}, {61, "fallocate"},
    {62, "fchdir"}, {63, "fchmod"}, {64, "fchown"}, {65, "fdatasync"}, {66, "fgetxattr"},
    {67, "finit_module"}, {68, "flistxattr"}, {69, "flock"}, {70, "fremovexattr"}, {71, "fsconfig"},
    {72, "fsetxattr"}, {73, "fstatfs"}, {74, "fsync"}, {75, "ftruncate"}, {76, "getdents"},
    {77, "getdents64"}, {78, "ioctl"}, {79, "lseek"}, {80, "mmap"}, {81, "newfstat"}, {82, "pread64"},
    {83, "preadv"}, {84, "preadv2"}, {85, "pwrite64"}, {86, "pwritev"}, {87, "pwritev2"},
    {88, "quotactl_fd"}, {89, "read"}, {90, "readahead"}, {91, "readv"}, {92, "sync_file_range"},
    {93, "syncfs"}, {94, "vmsplice"}, {95, "write"}, {96, "writev"}, {97, "fcntl"}, {98, "dup3"},
    {99, "io_cancel"}, {100, "io_destroy"}, {101, "io_getevents"}, {102, "io_pgetevents"},
    {103, "io_setup"}, {104, "io_submit"}, {105, "io_uring_enter"}, {106, "io_uring_register"},
    {107, "io_uring_setup"}, {108, "sync"}, {109, "syslog"},
    {110, "copy_file_range"}, {111, "sendfile64"}, {112, "splice"}, {113, "tee"}, {114, "msync"},
    {115, "munmap"}, {116, "mremap"}, {117, "mknod"}, {118, "mknodat"}, {119, "utime"}, {120, "utimes"},
    {121, "name_to_handle_at"}, {122, "open_by_handle_at"}, {123, "memfd_create"}, {124, "pipe"},
    {125, "pipe2"}, {126, "getcwd"}, {127, "mount"}, {128, "umount2"}, {129, "inotify_add_watch"},
    {130, "socket"}, {131, "socketpair"}, {132, "accept"}, {133, "accept4"}, {134, "epoll_create"},
    {135, "epoll_create1"}, {136, "eventfd"}, {137, "eventfd2"}, {138, "timerfd_create"}, {139, "signalfd"},
    {140, "signalfd4"}, {141, "inotify_init"}, {142, "inotify_init1"}, {143, "fanotify_init"},
    {144, "pidfd_open"}, {145, "userfaultfd"}, {146, "unshare"}, {147, "setns"},
    {148, "file_getattr"}, {149, "file_setattr"},
};

TEST(SyscallIds, EveryIdOnceGivenStillNamesItsSyscall) {
  std::map<std::uint16_t, std::string> given;
  for (const auto& g : kGiven) {
    ASSERT_TRUE(given.emplace(g.id, g.name).second) << "id " << g.id << " is listed twice";
  }
  for (const auto& [id, name] : given) {
    if (!valid_syscall_id(id)) continue;  // taken out of the table: its id stays reserved
    EXPECT_EQ(syscall_name(id), name) << "id " << id << " was " << name
                                      << ": ids are never changed or reused (bpf/syscalls.def)";
  }
}

TEST(SyscallIds, EverySyscallOfTheTableIsInTheGoldenList) {
  std::map<std::uint16_t, std::string> given;
  for (const auto& g : kGiven) given.emplace(g.id, g.name);
  for (std::uint16_t id = 0; id < IOR_SC_COUNT; ++id) {
    if (!valid_syscall_id(id)) continue;
    auto it = given.find(id);
    EXPECT_TRUE(it != given.end()) << "append {" << id << ", \"" << syscall_name(id)
                                   << "\"} to kGiven in " << __FILE__;
  }
}

TEST(SyscallIds, NamesAreUniqueAndLookedUpByName) {
  std::map<std::string, std::uint16_t> seen;
  for (std::uint16_t id = 0; id < IOR_SC_COUNT; ++id) {
    if (!valid_syscall_id(id)) continue;
    std::string name(syscall_name(id));
    EXPECT_TRUE(seen.emplace(name, id).second) << name << " has two ids";
    EXPECT_EQ(syscall_id(name), id) << name;
  }
  EXPECT_FALSE(valid_syscall_id(0));
  EXPECT_FALSE(valid_syscall_id(IOR_SC_COUNT));
  EXPECT_EQ(syscall_name(0), "unknown");
  EXPECT_EQ(syscall_id("unknown"), std::nullopt);
}

}  // namespace
}  // namespace ior::event
