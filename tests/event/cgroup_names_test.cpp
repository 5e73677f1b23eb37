// Cgroup ids to paths through the real cgroup2 tree: a cgroup made here is
// found by its id (its directory's inode number), a removed one is unknown,
// the cache stays within its bounds and asks the kernel once per id.
#include "event/cgroup_names.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ior::event {
namespace {

TEST(Cgroup2MountPoint, FoundInMountinfoWithItsEscapesDecoded) {
  const std::string hybrid =
      "25 1 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
      "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n"
      "27 25 0:24 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n";
  EXPECT_EQ(cgroup2_mount_point(hybrid), "/sys/fs/cgroup/unified");
  EXPECT_EQ(cgroup2_mount_point("30 1 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"),
            "/sys/fs/cgroup");
  EXPECT_EQ(cgroup2_mount_point("31 1 0:27 / /mnt/my\\040cgroups rw - cgroup2 none rw\n"), "/mnt/my cgroups");
  EXPECT_EQ(cgroup2_mount_point("27 25 0:24 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"), "");
  EXPECT_EQ(cgroup2_mount_point(""), "");
}

TEST(CgroupNames, NoCgroup2GivesUnknownPathsAndNoId) {
  CgroupNamesOptions none;
  none.mount_point = "-";
  CgroupNames names(none);
  EXPECT_EQ(names.lookup(1).path, "");
  EXPECT_EQ(names.lookup(0).path, "");
  EXPECT_EQ(names.stats().resolved, 1u);
  EXPECT_EQ(names.stats().unresolved, 1u);
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

#define REQUIRE_ROOT()                                                    \
  do {                                                                    \
    if (geteuid() != 0) {                                                 \
      if (in_ci()) FAIL() << "cgroup tests must run as root in CI";       \
      GTEST_SKIP() << "needs root to create cgroups and open handles";   \
    }                                                                     \
  } while (0)

std::string mountinfo() {
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::uint64_t inode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_ino;
}

TEST(CgroupNames, ACgroupMadeHereIsFoundByItsIdAndARemovedOneIsUnknown) {
  REQUIRE_ROOT();
  const std::string mnt = cgroup2_mount_point(mountinfo());
  ASSERT_FALSE(mnt.empty()) << "no cgroup2 mounted";
  const std::string id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::string top = mnt + "/ior_test_cgroup_" + std::to_string(::getpid());
  const std::string leaf = top + "/docker-" + id + ".scope";
  ASSERT_EQ(::mkdir(top.c_str(), 0755), 0) << top;
  ASSERT_EQ(::mkdir(leaf.c_str(), 0755), 0) << leaf;
  const std::uint64_t top_id = inode_of(top), leaf_id = inode_of(leaf);

  CgroupNames names;
  EXPECT_EQ(names.mount_point(), mnt);
  const std::string rel = top.substr(mnt.size());
  EXPECT_EQ(names.lookup(leaf_id).path, rel + "/docker-" + id + ".scope");
  EXPECT_EQ(names.lookup(leaf_id).container_id, id);
  EXPECT_EQ(names.lookup(top_id).path, rel);
  EXPECT_EQ(names.lookup(top_id).container_id, "");
  EXPECT_EQ(names.lookup(1).path, "/");  // the root cgroup
  for (int i = 0; i < 100; ++i) names.lookup(i % 2 ? leaf_id : top_id);
  EXPECT_EQ(names.stats().resolved, 3u) << "once per id, then from the cache";

  ::rmdir(leaf.c_str());
  ::rmdir(top.c_str());
  CgroupNames fresh;
  EXPECT_EQ(fresh.lookup(leaf_id).path, "") << "a removed cgroup has no path";
  EXPECT_EQ(fresh.stats().unresolved, 1u);
  EXPECT_EQ(names.lookup(leaf_id).path, rel + "/docker-" + id + ".scope") << "ids are not reused: kept";
}

TEST(CgroupNames, TheCacheStaysWithinItsEntriesAndBytes) {
  REQUIRE_ROOT();
  CgroupNamesOptions few;
  few.max_entries = 8;
  CgroupNames names(few);
  for (std::uint64_t id = 1; id <= 100; ++id) {
    names.lookup(id);
    ASSERT_LE(names.size(), 8u);
  }
  EXPECT_EQ(names.stats().resolved, 100u);
  EXPECT_GE(names.stats().cache_resets, 12u);
  CgroupNamesOptions tight;
  tight.max_bytes = 1000;
  CgroupNames small(tight);
  for (std::uint64_t id = 1; id <= 100; ++id) {
    small.lookup(id);
    ASSERT_LE(small.size(), 1000u / 128);
  }
}

}  // namespace
}  // namespace ior::event
