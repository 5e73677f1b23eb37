// What -pid/-follow's stop rule reads from /proc, and how -cgroup and -uid
// values are checked (tests/e2e/follow_e2e_test.cpp and
// tests/e2e/kernel_filters_e2e_test.cpp run them against the kernel).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>
#include <string>

#include "base/error.hpp"
#include "cli/cgroup_filter.hpp"
#include "cli/target_watch.hpp"

namespace ior::cli {
namespace {

class FakeProc : public ::testing::Test {
 protected:
  FakeProc() {
    root_ = std::filesystem::temp_directory_path() / ("ior-fakeproc-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  ~FakeProc() override { std::filesystem::remove_all(root_); }

  void process(std::uint32_t pid, std::uint32_t ppid, char state = 'S', const std::string& comm = "sh") {
    auto dir = root_ / std::to_string(pid);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "stat") << pid << " (" << comm << ") " << state << " " << ppid << " 1 1 0 -1 4194560\n";
  }
  std::string root() const { return root_.string(); }

  std::filesystem::path root_;
};

TEST_F(FakeProc, DescendantsAreFoundThroughEveryGeneration) {
  process(1, 0);
  process(10, 1);
  process(11, 10);
  process(12, 11, 'S', "a) (b");  // a name with parentheses and spaces
  process(13, 10);
  process(20, 1);
  process(21, 20);
  std::filesystem::create_directories(root_ / "self");  // not a pid
  auto d = descendants_in_proc(root(), 10);
  std::sort(d.begin(), d.end());
  EXPECT_EQ(d, (std::vector<std::uint32_t>{11, 12, 13}));
  EXPECT_TRUE(descendants_in_proc(root(), 21).empty());
  EXPECT_TRUE(descendants_in_proc(root(), 99).empty());
}

TEST_F(FakeProc, AZombieOrAMissingProcessHasExited) {
  process(10, 1, 'S');
  process(11, 1, 'Z');
  process(12, 1, 'R');
  EXPECT_FALSE(exited_in_proc(root(), 10));
  EXPECT_TRUE(exited_in_proc(root(), 11));
  EXPECT_FALSE(exited_in_proc(root(), 12));
  EXPECT_TRUE(exited_in_proc(root(), 13));
}

TEST(TargetWatchTest, AProcessThatDoesNotExistIsAUsageError) {
  // A child that exited and was reaped: its pid names no process (unless reused at once).
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  ASSERT_GT(gone, 0);
  int st = 0;
  waitpid(gone, &st, 0);
  for (bool follow : {false, true}) {
    try {
      TargetWatch w(static_cast<std::uint32_t>(gone), follow);
      FAIL() << "no error";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), "flag -pid: no process " + std::to_string(gone));
    }
  }
}

TEST(TargetWatchTest, AThreadIdIsAUsageErrorNamingItsProcess) {
  std::uint32_t tid = 0;
  std::atomic<bool> done{false};
  std::thread t([&] {
    tid = static_cast<std::uint32_t>(::gettid());
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (tid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto pid = static_cast<std::uint32_t>(::getpid());
  for (bool follow : {false, true}) {
    try {
      TargetWatch w(tid, follow);
      ADD_FAILURE() << "no error";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), "flag -pid: " + std::to_string(tid) + " is a thread of process " +
                                           std::to_string(pid) + " (use -pid " + std::to_string(pid) + ", or -tid " +
                                           std::to_string(tid) + ")");
    }
  }
  done = true;
  t.join();
  EXPECT_NO_THROW(TargetWatch(pid, false));
}

TEST(CgroupFilterTest, TheCgroup2MountComesFromMountinfo) {
  auto path = std::filesystem::temp_directory_path() / ("ior-mountinfo-" + std::to_string(::getpid()));
  std::ofstream(path) << "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                         "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                         "40 30 0:37 / /sys/fs/cgroup/uni\\040fied rw,relatime shared:9 - cgroup2 cgroup2 rw\n";
  EXPECT_EQ(cgroup2_mount(path.string()), "/sys/fs/cgroup/uni fied");
  std::ofstream(path) << "30 22 0:27 / /sys/fs/cgroup rw - cgroup cgroup rw,cpu\n";
  EXPECT_EQ(cgroup2_mount(path.string()), "");
  std::filesystem::remove(path);
}

std::string cgroup_error(const std::string& text) {
  try {
    open_cgroup(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CgroupFilterTest, TheHierarchysRootByEitherFormHasTheMountsInode) {
  const std::string mount = cgroup2_mount();
  ASSERT_FALSE(mount.empty()) << "no cgroup v2 hierarchy on this host";
  struct stat st {};
  ASSERT_EQ(::stat(mount.c_str(), &st), 0);
  auto by_path = open_cgroup(mount);
  EXPECT_EQ(by_path.path, mount);
  EXPECT_EQ(by_path.id, st.st_ino);
  auto relative = open_cgroup("/");
  EXPECT_EQ(relative.path, mount);
  EXPECT_EQ(relative.id, st.st_ino);
}

TEST(CgroupFilterTest, BadPathsAreUsageErrorsNamingTheFlag) {
  EXPECT_NE(cgroup_error("system.slice").find("flag -cgroup: \"system.slice\" is not an absolute path"),
            std::string::npos);
  EXPECT_NE(cgroup_error("/no/such/cgroup").find("is not a directory of the cgroup v2 hierarchy"),
            std::string::npos);
  EXPECT_NE(cgroup_error("/etc").find("flag -cgroup"), std::string::npos);  // exists, but not a cgroup
  EXPECT_NE(cgroup_error("/etc").find("is not a directory of the cgroup v2 hierarchy"), std::string::npos);
}

TEST(CgroupFilterTest, UidsAreIdsOrNames) {
  EXPECT_EQ(parse_uids("0", 64), std::vector<std::uint32_t>{0});
  EXPECT_EQ(parse_uids("65534,root,1000", 64), (std::vector<std::uint32_t>{65534, 0, 1000}));
  EXPECT_EQ(parse_uids("nobody", 64), std::vector<std::uint32_t>{65534});
  EXPECT_THROW(parse_uids("", 64), UsageError);
  EXPECT_THROW(parse_uids("0,,1", 64), UsageError);
  EXPECT_THROW(parse_uids("no-such-user-here", 64), UsageError);
  EXPECT_THROW(parse_uids("1,2,3", 2), UsageError);
  try {
    parse_uids("no-such-user-here", 64);
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "flag -uid: \"no-such-user-here\" is neither a user id nor a user name");
  }
}

}  // namespace
}  // namespace ior::cli
