// End to end: -uid and -cgroup filter in the kernel, with the real ior
// binary and real BPF. Two copies of the scenario workload run at once,
// one kept by the filter and one not; the rows are exactly the kept one's.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "reader_runner.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::uint32_t> pids_of(const std::vector<ManifestLine>& manifest) {
  std::set<std::uint32_t> out;
  for (const auto& m : manifest) out.insert(m.pid);
  return out;
}

// Every manifest line is a row, and every row is of the manifest's processes.
void expect_rows_are_exactly(const std::vector<ConsoleRow>& rows, const std::vector<ManifestLine>& manifest) {
  const auto pids = pids_of(manifest);
  ASSERT_EQ(pids.size(), 2u);  // the scenario forks a child
  for (const auto& r : rows) EXPECT_TRUE(pids.contains(r.pid)) << r.pid << " " << r.name << " " << r.file;
  for (const auto& m : manifest) {
    bool found = false;
    for (const auto& r : rows) {
      found |= r.pid == m.pid && r.tid == m.tid && r.name == m.name && r.ret == m.ret && r.manifest_file() == m.file;
    }
    EXPECT_TRUE(found) << "no row for " << m.pid << "." << m.tid << " " << m.name << " " << m.file;
  }
}

TEST(KernelFiltersE2E, UidKeepsExactlyTheRowsOfThatUsersProcesses) {
  IOR_REQUIRE_ROOT();
  TempDir kept;
  TempDir other;
  ASSERT_EQ(::chmod(kept.path().c_str(), 0777), 0);  // nobody writes its scenario there
  const std::string w = WORKLOAD_BINARY;
  // Both at once; -comm keeps the host's other processes of nobody out of the comparison.
  const std::string file = other.path() + "/rows.parquet";
  auto run = trace_around({"-duration", "120", "-uid", "65534", "-comm", "ior_workload", "-console", "-parquet",
                           "-parquet-file", file},
                          {"/bin/sh", "-c",
                           "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " + w + " scenario " +
                               kept.path() + " > " + kept.path() + "/manifest & " + w + " scenario " + other.path() +
                               " > " + other.path() + "/manifest; wait"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto kept_lines = parse_manifest(read_file(kept.path() + "/manifest"));
  auto other_lines = parse_manifest(read_file(other.path() + "/manifest"));
  ASSERT_EQ(kept_lines.size(), 25u);
  ASSERT_EQ(other_lines.size(), 25u);  // root's copy ran too
  expect_rows_are_exactly(run.rows, kept_lines);
  // The ids the kernel filtered on are the ids each row holds (the BPF
  // programs read them from the task's credentials).
  IOR_REQUIRE_READERS();
  auto ids = reader_query("chdb", "SELECT uid, gid, count() AS n FROM file('" + file + "', Parquet) GROUP BY uid, gid");
  ASSERT_EQ(ids.size(), 1u) << ::testing::PrintToString(ids);
  EXPECT_EQ(json_field(ids[0], "uid"), "65534") << ids[0];
  EXPECT_EQ(json_field(ids[0], "gid"), "65534") << ids[0];
  EXPECT_EQ(std::stoull(json_field(ids[0], "n")), run.rows.size()) << ids[0];
}

// A cgroup of the test's own under the cgroup v2 mount, removed at the end.
class TestCgroup {
 public:
  explicit TestCgroup(const std::string& path) : path_(path) { created_ = ::mkdir(path.c_str(), 0755) == 0; }
  ~TestCgroup() {
    if (created_) ::rmdir(path_.c_str());
  }
  bool created() const { return created_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool created_ = false;
};

std::string cgroup2_mount() {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    auto dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos) continue;
    std::istringstream f(line.substr(0, dash));
    std::string field, point;
    for (int i = 0; i < 5 && f >> field; ++i) point = field;
    return point;
  }
  return "";
}

TEST(KernelFiltersE2E, CgroupKeepsExactlyTheRowsOfProcessesInItOrBelow) {
  IOR_REQUIRE_ROOT();
  const std::string mount = cgroup2_mount();
  ASSERT_FALSE(mount.empty()) << "no cgroup v2 hierarchy mounted";
  const std::string name = "/ior-test-" + std::to_string(::getpid());
  TestCgroup outer(mount + name);
  ASSERT_TRUE(outer.created()) << outer.path() << ": " << std::strerror(errno);
  TestCgroup inner(outer.path() + "/inner");  // a descendant: kept too
  ASSERT_TRUE(inner.created()) << inner.path();
  TestCgroup sibling(mount + name + "-sibling");
  ASSERT_TRUE(sibling.created()) << sibling.path();
  TempDir kept;
  TempDir other;
  const std::string w = WORKLOAD_BINARY;
  // Each inner shell moves itself into its cgroup, then becomes the
  // workload. The filter is given relative to the mount, as /proc/PID/cgroup
  // prints it.
  auto in_cgroup = [&](const std::string& cgroup, const std::string& dir) {
    return "/bin/sh -c 'echo $$ > " + cgroup + "/cgroup.procs && exec " + w + " scenario " + dir + " > " + dir +
           "/manifest'";
  };
  auto run = trace_around({"-duration", "120", "-cgroup", name, "-comm", "ior_workload"},
                          {"/bin/sh", "-c",
                           in_cgroup(inner.path(), kept.path()) + " & " + in_cgroup(sibling.path(), other.path()) +
                               "; wait"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto kept_lines = parse_manifest(read_file(kept.path() + "/manifest"));
  ASSERT_EQ(kept_lines.size(), 25u);
  ASSERT_EQ(parse_manifest(read_file(other.path() + "/manifest")).size(), 25u);
  expect_rows_are_exactly(run.rows, kept_lines);
}

}  // namespace
}  // namespace ior::testing
