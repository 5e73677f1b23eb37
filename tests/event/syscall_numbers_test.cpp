// The syscall numbers generated at build time from bpf/syscalls.def: which
// syscalls each architecture lacks (so ior skips them) is exactly the checked-in
// list of absent_syscalls.hpp, for the build's architecture and for arm64 on
// any machine; and a few numbers are what the kernel's tables say.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absent_syscalls.hpp"
#include "event/syscall_table.hpp"
#include "syscall_numbers_tables.hpp"

namespace ior::testing {
namespace {

std::set<std::string> absent_from(const std::map<std::string, long>& numbers) {
  std::set<std::string> absent;
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    if (!event::valid_syscall_id(id)) continue;
    std::string name(event::syscall_name(id));
    if (!numbers.contains(name)) absent.insert(name);
  }
  return absent;
}

TEST(SyscallNumbers, TheBuildsArchitectureLacksExactlyTheListedSyscalls) {
#if defined(__x86_64__)
  EXPECT_EQ(absent_from(native_syscall_numbers()), kAbsentOnX86_64);
#elif defined(__aarch64__)
  EXPECT_EQ(absent_from(native_syscall_numbers()), kAbsentOnArm64);
#else
  GTEST_FAIL() << "ior is built for x86_64 and arm64 only";
#endif
}

TEST(SyscallNumbers, Arm64LacksExactlyTheListedSyscalls) {
  EXPECT_EQ(absent_from(arm64_syscall_numbers()), kAbsentOnArm64);
}

TEST(SyscallNumbers, NumbersAreTheKernelTables) {
  // arch/x86/entry/syscalls/syscall_64.tbl; include/uapi/asm-generic/unistd.h.
  const auto arm64 = arm64_syscall_numbers();
  EXPECT_EQ(arm64.at("openat"), 56);
  EXPECT_EQ(arm64.at("newfstatat"), 79);
  EXPECT_EQ(arm64.at("newfstat"), 80);
  EXPECT_EQ(arm64.at("read"), 63);
  EXPECT_EQ(arm64.at("cachestat"), 451);
  EXPECT_EQ(arm64.at("sendfile64"), 71);
#if defined(__x86_64__)
  const auto x86 = native_syscall_numbers();
  EXPECT_EQ(x86.at("read"), 0);
  EXPECT_EQ(x86.at("newstat"), 4);
  EXPECT_EQ(x86.at("newfstat"), 5);
  EXPECT_EQ(x86.at("newlstat"), 6);
  EXPECT_EQ(x86.at("openat"), 257);
  EXPECT_EQ(x86.at("sendfile64"), 40);
  EXPECT_EQ(x86.at("open_tree_attr"), 467);
#endif
}

TEST(SyscallNumbers, TheSharedNumbersOfTheTableAgreeWithEveryHeaderThatKnowsThem) {
  const auto native = native_syscall_numbers();
  const auto arm64 = arm64_syscall_numbers();
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    if (!event::valid_syscall_id(id)) continue;
    const auto& info = event::syscall_info(id);
    const std::string name(info.name);
    if (info.unified_nr < 0) continue;
    // Numbers from 424 on are the same on every architecture but alpha.
    EXPECT_GE(info.unified_nr, 424) << name;
    EXPECT_EQ(native.at(name), info.unified_nr) << name;
    EXPECT_EQ(arm64.at(name), info.unified_nr) << name;
  }
}

}  // namespace
}  // namespace ior::testing
