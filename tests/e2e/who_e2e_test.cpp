// End to end: who made each syscall. The scenario workload runs as nobody in
// a cgroup v2 of the test's own, named as Docker names its scopes; every one
// of its rows carries that uid/gid, parent, cgroup id and path and container
// id, in the Parquet file as chDB and DuckDB read it. -container keeps
// exactly one container's rows.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
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

// A cgroup directory of the test's own, removed at the end.
class TestCgroup {
 public:
  explicit TestCgroup(std::string path) : path_(std::move(path)) { created_ = ::mkdir(path_.c_str(), 0755) == 0; }
  ~TestCgroup() {
    if (created_) ::rmdir(path_.c_str());
  }
  bool created() const { return created_; }
  const std::string& path() const { return path_; }
  std::uint64_t id() const {
    struct stat st {};
    return ::stat(path_.c_str(), &st) == 0 ? st.st_ino : 0;
  }

 private:
  std::string path_;
  bool created_ = false;
};

std::string upper_hex(const std::string& s) {
  static const char* d = "0123456789ABCDEF";
  std::string h;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    h += d[c >> 4];
    h += d[c & 15];
  }
  return h;
}

const std::string kIdA = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const std::string kIdB = "b1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

// sh moves itself into the cgroup, then becomes the workload (as nobody when asked).
std::string in_cgroup(const std::string& cgroup, const std::string& dir, bool as_nobody) {
  const std::string w = WORKLOAD_BINARY;
  return "/bin/sh -c 'echo $$ > " + cgroup + "/cgroup.procs && exec " +
         (as_nobody ? "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " : "") + w + " scenario " + dir +
         " > " + dir + "/manifest'";
}

TEST(WhoE2E, RowsNameTheUserTheParentTheCgroupAndTheContainer) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  const std::string mount = cgroup2_mount();
  ASSERT_FALSE(mount.empty()) << "no cgroup v2 hierarchy mounted";
  TestCgroup outer(mount + "/ior-who-" + std::to_string(::getpid()));
  ASSERT_TRUE(outer.created()) << outer.path() << ": " << std::strerror(errno);
  TestCgroup leaf(outer.path() + "/docker-" + kIdA + ".scope");
  ASSERT_TRUE(leaf.created()) << leaf.path();
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);  // nobody writes its scenario there
  TempDir out;
  const std::string file = out.path() + "/who.parquet";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-parquet", "-parquet-file", file},
                          {"/bin/sh", "-c", "exec " + in_cgroup(leaf.path(), dir.path(), true)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto manifest = parse_manifest(read_file(dir.path() + "/manifest"));
  ASSERT_EQ(manifest.size(), 25u);
  std::set<std::uint32_t> pids;
  for (const auto& m : manifest) pids.insert(m.pid);
  ASSERT_EQ(pids.size(), 2u);  // the scenario forks a child
  const std::uint32_t main_pid = manifest.front().pid;  // the first line is the main process's
  const std::uint32_t child_pid = *pids.begin() == main_pid ? *pids.rbegin() : *pids.begin();

  // The workload is the exec'd shell started by this test: its parent is
  // this process; the forked child's parent is the workload.
  const std::string where = " " + std::to_string(leaf.id()) + " " +
                            upper_hex(leaf.path().substr(mount.size())) + " " + kIdA;
  const std::set<std::string> want = {
      std::to_string(main_pid) + " " + std::to_string(::getpid()) + " 65534 65534" + where,
      std::to_string(child_pid) + " " + std::to_string(main_pid) + " 65534 65534" + where};
  for (const std::string engine : {"chdb", "duckdb"}) {
    SCOPED_TRACE(engine);
    const std::string from = engine == "chdb" ? "file('" + file + "', Parquet)" : "read_parquet('" + file + "')";
    auto lines = reader_query(
        engine, "SELECT DISTINCT concat(CAST(pid AS VARCHAR), ' ', CAST(ppid AS VARCHAR), ' ', CAST(uid AS VARCHAR), "
                "' ', CAST(gid AS VARCHAR), ' ', CAST(cgroup_id AS VARCHAR), ' ', hex(cgroup), ' ', container_id) "
                "AS w FROM " + from);
    std::set<std::string> got;
    for (const auto& l : lines) got.insert(json_field(l, "w"));
    EXPECT_EQ(got, want);
  }
}

TEST(WhoE2E, ContainerKeepsExactlyTheRowsOfThatContainer) {
  IOR_REQUIRE_ROOT();
  const std::string mount = cgroup2_mount();
  ASSERT_FALSE(mount.empty()) << "no cgroup v2 hierarchy mounted";
  TestCgroup outer(mount + "/ior-who-c-" + std::to_string(::getpid()));
  ASSERT_TRUE(outer.created()) << outer.path() << ": " << std::strerror(errno);
  TestCgroup a(outer.path() + "/docker-" + kIdA + ".scope");
  TestCgroup b(outer.path() + "/libpod-" + kIdB + ".scope");
  ASSERT_TRUE(a.created() && b.created());
  TempDir kept;
  TempDir other;
  // Both at once; the prefix is as short as docker ps prints it. No -comm:
  // the host's other processes are in no container and must not appear.
  auto run = trace_around({"-duration", "120", "-container", kIdA.substr(0, 12)},
                          {"/bin/sh", "-c",
                           in_cgroup(a.path(), kept.path(), false) + " & " + in_cgroup(b.path(), other.path(), false) +
                               "; wait"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto kept_lines = parse_manifest(read_file(kept.path() + "/manifest"));
  ASSERT_EQ(kept_lines.size(), 25u);
  ASSERT_EQ(parse_manifest(read_file(other.path() + "/manifest")).size(), 25u);  // it ran too
  std::set<std::uint32_t> pids;
  for (const auto& m : kept_lines) pids.insert(m.pid);
  for (const auto& r : run.rows) EXPECT_TRUE(pids.contains(r.pid)) << r.pid << " " << r.comm << " " << r.name;
  for (const auto& m : kept_lines) {
    bool found = false;
    for (const auto& r : run.rows) {
      found |= r.pid == m.pid && r.tid == m.tid && r.name == m.name && r.ret == m.ret && r.manifest_file() == m.file;
    }
    EXPECT_TRUE(found) << "no row for " << m.pid << "." << m.tid << " " << m.name << " " << m.file;
  }
}

// Another process moves a running two-thread process A -> B -> A (cgroup.procs
// moves every thread; the kernel's move tracepoint names only the leader):
// each row's cgroup id is the one the thread was in when it made the syscall,
// though the kernel side keeps each thread's cgroup id between syscalls.
TEST(WhoE2E, AProcessMovedWhileItRunsNamesEachCgroupFromTheMoveOn) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  const std::string mount = cgroup2_mount();
  ASSERT_FALSE(mount.empty()) << "no cgroup v2 hierarchy mounted";
  TestCgroup outer(mount + "/ior-who-m-" + std::to_string(::getpid()));
  ASSERT_TRUE(outer.created()) << outer.path() << ": " << std::strerror(errno);
  TestCgroup a(outer.path() + "/a");
  TestCgroup b(outer.path() + "/b");
  ASSERT_TRUE(a.created() && b.created());
  TempDir dir;
  TempDir out;
  const std::string file = out.path() + "/moved.parquet";
  const std::string d = dir.path();
  // The shell stays in a; the workload (2 threads, 2 000 preads/s) is moved
  // between the times written to t1a..t2b (the wall clock, as in the rows).
  const std::string script = "echo $$ > " + a.path() + "/cgroup.procs || exit 1; " + std::string(WORKLOAD_BINARY) +
                             " paced 2000 3 2 1 > /dev/null & w=$!; sleep 1; "
                             "date +%s%N > " + d + "/t1a; echo $w > " + b.path() + "/cgroup.procs; date +%s%N > " + d +
                             "/t1b; sleep 1; date +%s%N > " + d + "/t2a; echo $w > " + a.path() +
                             "/cgroup.procs; date +%s%N > " + d + "/t2b; wait $w";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-tps", "pread64", "-parquet", "-parquet-file",
                           file},
                          {"/bin/sh", "-c", script});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto at = [&](const std::string& name) { return std::stoull(read_file(d + "/" + name)); };
  const std::uint64_t t1a = at("t1a"), t1b = at("t1b"), t2a = at("t2a"), t2b = at("t2b");
  constexpr std::uint64_t kMargin = 20'000'000;  // 20 ms either side of a move
  auto lines = reader_query("chdb", "SELECT tid, timestamp_ns AS t, cgroup_id AS c FROM file('" + file +
                                        "', Parquet) WHERE syscall_name = 'pread64'");
  // phase -> thread -> rows; every row is in a's or b's cgroup.
  std::map<int, std::map<std::string, int>> rows;
  for (const auto& l : lines) {
    const std::uint64_t t = std::stoull(json_field(l, "t"));
    const std::uint64_t c = std::stoull(json_field(l, "c"));
    int phase = -1;
    if (t + kMargin < t1a) phase = 0;
    if (t > t1b + kMargin && t + kMargin < t2a) phase = 1;
    if (t > t2b + kMargin) phase = 2;
    if (phase < 0) {
      EXPECT_TRUE(c == a.id() || c == b.id()) << c;  // during a move: either
      continue;
    }
    EXPECT_EQ(c, phase == 1 ? b.id() : a.id()) << "phase " << phase << " t " << t << " tid " << json_field(l, "tid");
    ++rows[phase][json_field(l, "tid")];
  }
  // Both reading threads in every phase (the main thread's few pread64 are
  // the loader's).
  for (int phase = 0; phase < 3; ++phase) {
    int busy = 0;
    for (const auto& [tid, n] : rows[phase]) busy += n > 100;
    EXPECT_EQ(busy, 2) << "phase " << phase;
  }
}

}  // namespace
}  // namespace ior::testing
