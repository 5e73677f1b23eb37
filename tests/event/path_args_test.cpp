// The path_args table against the kernel's argument lists: the slot it names
// must be where bpf/syscalls.def copies the dirfd and flags arguments from.
// The positions below are written from the syscalls' signatures
// (include/linux/syscalls.h), not from either table.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>

#include "event/path_args.hpp"
#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

struct Positions {
  int dirfd0 = -1;  // argument position of the dirfd of the first name
  int dirfd1 = -1;  // ... of the second name
  int flags = -1;   // ... of the flags that can hold AT_EMPTY_PATH (or FSPICK_EMPTY_PATH)
};

const std::map<std::string, Positions>& kernel_positions() {
  static const std::map<std::string, Positions> m = {
      {"openat", {0, -1, -1}},        {"openat2", {0, -1, -1}},      {"open_tree", {0, -1, 2}},
      {"open_tree_attr", {0, -1, 2}}, {"faccessat", {0, -1, -1}},    {"faccessat2", {0, -1, 3}},
      {"fanotify_mark", {3, -1, -1}}, {"fchmodat", {0, -1, -1}},     {"fchmodat2", {0, -1, 3}},
      {"fchownat", {0, -1, 4}},       {"fspick", {0, -1, 2}},        {"futimesat", {0, -1, -1}},
      {"getxattrat", {0, -1, 2}},     {"listxattrat", {0, -1, 2}},   {"mkdirat", {0, -1, -1}},
      {"mount_setattr", {0, -1, 2}},  {"newfstatat", {0, -1, 3}},    {"readlinkat", {0, -1, -1}},
      {"removexattrat", {0, -1, 2}},  {"setxattrat", {0, -1, 2}},    {"statx", {0, -1, 2}},
      {"unlinkat", {0, -1, -1}},      {"utimensat", {0, -1, 3}},     {"linkat", {0, 2, 4}},
      {"renameat", {0, 2, -1}},       {"renameat2", {0, 2, -1}},     {"symlinkat", {-1, 1, -1}},
      {"mknodat", {0, -1, -1}},       {"name_to_handle_at", {0, -1, 4}}, {"file_getattr", {0, -1, 4}},
      {"file_setattr", {0, -1, 4}},
  };
  return m;
}

// syscalls.def's num0..num2 per id: which argument each args[] slot holds.
std::array<std::array<int, 3>, IOR_SC_COUNT> def_slots() {
  std::array<std::array<int, 3>, IOR_SC_COUNT> out{};
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    const SyscallInfo& info = syscall_info(id);
    out[id] = {info.num[0], info.num[1], info.num[2]};
  }
  return out;
}

int position_of(const std::array<int, 3>& slots, std::int8_t slot) { return slot == kNoSlot ? -1 : slots[static_cast<std::size_t>(slot)]; }

TEST(PathArgs, EverySlotHoldsTheArgumentTheKernelTakesThere) {
  const auto slots = def_slots();
  std::size_t with_dirfd = 0;
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    const std::string name(syscall_name(id));
    const PathArgs& a = path_args(id);
    auto it = kernel_positions().find(name);
    const Positions want = it == kernel_positions().end() ? Positions{} : it->second;
    EXPECT_EQ(position_of(slots[id], a.dirfd0), want.dirfd0) << name;
    EXPECT_EQ(position_of(slots[id], a.dirfd1), want.dirfd1) << name;
    EXPECT_EQ(position_of(slots[id], a.flags), want.flags) << name;
    EXPECT_EQ(a.flags != kNoSlot, a.empty_flag != 0) << name;
    with_dirfd += a.dirfd0 != kNoSlot || a.dirfd1 != kNoSlot;
  }
  EXPECT_EQ(with_dirfd, kernel_positions().size());
}

TEST(PathArgs, EverySyscallNamedAtHasADirfd) {
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    const std::string_view name = syscall_name(id);
    // open_by_handle_at's fd is a mount's, for a handle, not a name's directory.
    const bool stat_family = name.ends_with("stat") || name == "creat" || name == "open_by_handle_at";
    if ((name.ends_with("at") || name.ends_with("at2")) && !stat_family) {
      EXPECT_TRUE(kernel_positions().contains(std::string(name))) << name;
    }
  }
}

}  // namespace
}  // namespace ior::event
