// End to end: -pid with and without -follow, and `ior -- CMD`, with the real
// ior binary and real BPF, on a workload that forks a child which forks and
// execs a grandchild (tests/support/workload_filters.cpp). With -follow
// every row of all three is there, without it none but the parent's; in
// every case ior stops by itself once what it traces has exited.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;

std::set<std::uint32_t> pids_of(const std::vector<ManifestLine>& manifest) {
  std::set<std::uint32_t> out;
  for (const auto& m : manifest) out.insert(m.pid);
  return out;
}

std::set<std::uint32_t> pids_of(const std::vector<ConsoleRow>& rows) {
  std::set<std::uint32_t> out;
  for (const auto& r : rows) out.insert(r.pid);
  return out;
}

// Every manifest line is a row of the same process and thread.
void expect_manifest_in_rows(const std::vector<ManifestLine>& manifest, const std::vector<ConsoleRow>& rows) {
  for (const auto& m : manifest) {
    bool found = false;
    for (const auto& r : rows) {
      if (r.pid == m.pid && r.tid == m.tid && r.name == m.name && r.ret == m.ret && r.file == m.file) found = true;
    }
    EXPECT_TRUE(found) << "no row for " << m.pid << "." << m.tid << " " << m.name << " " << m.ret << " " << m.file;
  }
}

struct PidRun {
  int ior_exit = -1;
  std::chrono::milliseconds ior_after_workload{};  ///< how long ior ran on after the workload's output closed
  std::string err;
  std::vector<ConsoleRow> rows;
  std::vector<ManifestLine> manifest;
  std::uint32_t parent = 0;
};

// ior -pid PARENT [flags] around `forktree DIR wait orphan`: the parent
// exits at once, the child works 500 ms later. No signal is sent to ior.
PidRun trace_forktree_pid(const std::vector<std::string>& flags, const std::string& dir) {
  PidRun run;
  Subprocess target({WORKLOAD_BINARY, "forktree", dir, "wait", "orphan"});
  EXPECT_TRUE(target.wait_for_stderr("ready", 30s)) << target.err();
  run.parent = static_cast<std::uint32_t>(target.pid());
  std::vector<std::string> argv = {IOR_BINARY, "-pid", std::to_string(target.pid())};
  argv.insert(argv.end(), flags.begin(), flags.end());
  Subprocess ior(argv);
  EXPECT_TRUE(ior.wait_for_stderr("ior: tracing", 30s)) << ior.err();
  ::kill(target.pid(), SIGUSR1);
  EXPECT_EQ(target.wait(30s), 0) << target.err();  // also waits for the orphans' output
  auto done = std::chrono::steady_clock::now();
  run.ior_exit = ior.wait(30s);  // -duration is 60 s: only the stop rule ends it in time
  run.ior_after_workload = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - done);
  run.err = ior.err();
  if (run.ior_exit == 0) run.rows = parse_console(ior.out());
  run.manifest = parse_manifest(target.out());
  return run;
}

TEST(FollowE2E, FollowTracesTheChildAndTheExecdGrandchildAndStopsAfterTheLast) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_forktree_pid({"-follow"}, dir.path());
  ASSERT_EQ(run.ior_exit, 0) << run.err;
  ASSERT_EQ(run.manifest.size(), 9u);
  const auto pids = pids_of(run.manifest);
  ASSERT_EQ(pids.size(), 3u);  // parent, child, exec'd grandchild
  expect_manifest_in_rows(run.manifest, run.rows);
  // Nothing but the three (the grandchild's loader rows are its own pid's).
  EXPECT_EQ(pids_of(run.rows), pids);
  bool grandchild_loader = false;
  for (const auto& r : run.rows) grandchild_loader |= r.name == "openat" && r.file.find("libc.so") != std::string::npos;
  EXPECT_TRUE(grandchild_loader) << "the exec'd grandchild's start-up is traced";
  EXPECT_NE(run.err.find("ior: process " + std::to_string(run.parent) +
                         " and every process it started have exited: tracing stopped"),
            std::string::npos)
      << run.err;
  EXPECT_LT(run.ior_after_workload, 10s);
}

TEST(FollowE2E, WithoutFollowOnlyTheProcessIsTracedAndIorStopsWhenItExits) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_forktree_pid({}, dir.path());
  ASSERT_EQ(run.ior_exit, 0) << run.err;
  ASSERT_EQ(run.manifest.size(), 9u);
  std::vector<ManifestLine> parent_lines;
  for (const auto& m : run.manifest) {
    if (m.pid == run.parent) parent_lines.push_back(m);
  }
  EXPECT_EQ(parent_lines.size(), 3u);
  expect_manifest_in_rows(parent_lines, run.rows);
  EXPECT_EQ(pids_of(run.rows), std::set<std::uint32_t>{run.parent});
  EXPECT_NE(run.err.find("ior: process " + std::to_string(run.parent) + " has exited: tracing stopped"),
            std::string::npos)
      << run.err;
  EXPECT_LT(run.ior_after_workload, 10s);
}

// The kernel sees forks only once ior is attached: children already running
// then are found in /proc and followed too.
TEST(FollowE2E, DescendantsRunningBeforeIorStartedAreFollowedToo) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  Subprocess shell({"/bin/sh", "-c", std::string(WORKLOAD_BINARY) + " slowfail " + dir.path() + " & wait"});
  ASSERT_TRUE(shell.wait_for_stderr("ready", 30s)) << shell.err();
  std::ifstream children("/proc/" + std::to_string(shell.pid()) + "/task/" + std::to_string(shell.pid()) +
                         "/children");
  pid_t workload = 0;
  ASSERT_TRUE(children >> workload);
  Subprocess ior({IOR_BINARY, "-pid", std::to_string(shell.pid()), "-follow"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 30s)) << ior.err();
  ::kill(workload, SIGUSR1);
  ASSERT_EQ(shell.wait(30s), 0) << shell.err();
  ASSERT_EQ(ior.wait(30s), 0) << ior.err();  // stops by itself once the shell and the workload ended
  auto lines = parse_manifest(shell.out());
  ASSERT_EQ(lines.size(), 8u);
  auto rows = parse_console(ior.out());
  // Not compared by file: the interrupted read (its row says -ERESTARTSYS,
  // not -EINTR) and the thread's write to the pipe: that fd came from an
  // untraced pipe() and is named through /proc when ior handles the row,
  // by which time the process may have exited (fd-unknown).
  std::vector<ManifestLine> exact;
  for (const auto& m : lines) {
    if (m.ret == -EINTR) continue;
    if (m.tid != m.pid) {
      bool found = false;
      for (const auto& r : rows) found |= r.tid == m.tid && r.name == m.name && r.ret == m.ret;
      EXPECT_TRUE(found) << "no row for the thread's " << m.name;
      continue;
    }
    exact.push_back(m);
  }
  EXPECT_EQ(exact.size(), 6u);
  expect_manifest_in_rows(exact, rows);
  EXPECT_EQ(pids_of(rows), (std::set<std::uint32_t>{static_cast<std::uint32_t>(workload)}))
      << "the shell only waits (wait4 is not traced)";
  EXPECT_NE(ior.err().find("and every process it started have exited: tracing stopped"), std::string::npos)
      << ior.err();
}

TEST(FollowE2E, ACommandAfterDoubleDashIsTracedWithItsChildrenUntilTheyExit) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string manifest = dir.path() + "/manifest";
  // The shell opens the manifest and becomes the workload (same pid).
  Subprocess ior({IOR_BINARY, "--", "/bin/sh", "-c",
                  "exec " + std::string(WORKLOAD_BINARY) + " forktree " + dir.path() + " nowait orphan > " + manifest});
  ASSERT_EQ(ior.wait(60s), 0) << ior.err();  // no -duration: until the command and its children ended
  std::ifstream in(manifest);
  std::stringstream text;
  text << in.rdbuf();
  auto lines = parse_manifest(text.str());
  ASSERT_EQ(lines.size(), 9u) << text.str();
  auto rows = parse_console(ior.out());
  expect_manifest_in_rows(lines, rows);
  const auto pids = pids_of(lines);
  EXPECT_EQ(pids_of(rows), pids);
  // The shell's own start-up is the command's first rows: nothing was missed before the exec.
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().comm, "sh");
  EXPECT_NE(ior.err().find("ior: tracing"), std::string::npos);
  EXPECT_NE(ior.err().find("and every process it started have exited (its status 0): tracing stopped"),
            std::string::npos)
      << ior.err();
}

TEST(FollowE2E, AShortCommandsRelativeNamesAreAbsoluteThoughItExitsFirst) {
  // cat of two empty files in ior's directory exits within a millisecond,
  // before ior reads its first rows: its cwd is learned while it is held
  // before its exec, not from /proc afterwards (gone then: the names stayed
  // relative, "path-unresolved", in 4 runs of 6 of `ior -- cp big dst`).
  IOR_REQUIRE_ROOT();
  TempDir dir;
  for (const char* f : {"one", "two"}) std::ofstream(dir.path() + "/" + f).flush();
  for (int run = 0; run < 5; ++run) {
    Subprocess ior({"/bin/sh", "-c", "cd '" + dir.path() + "' && exec " + std::string(IOR_BINARY) + " -- /bin/cat one two"});
    ASSERT_EQ(ior.wait(60s), 0) << ior.err();
    std::set<std::string> files;
    for (const auto& r : parse_console(ior.out())) {
      if (r.comm != "cat") continue;
      EXPECT_EQ(r.notice.find("path-unresolved"), std::string::npos) << r.name << " " << r.file;
      if (r.file.find("one") != std::string::npos || r.file.find("two") != std::string::npos) files.insert(r.file);
    }
    EXPECT_EQ(files, (std::set<std::string>{dir.path() + "/one", dir.path() + "/two"})) << "run " << run;
  }
}

TEST(FollowE2E, ACommandThatCannotRunIsOneErrorBeforeTracing) {
  IOR_REQUIRE_ROOT();
  Subprocess ior({IOR_BINARY, "--", "/nonexistent/command", "arg"});
  EXPECT_EQ(ior.wait(60s), 1) << ior.err();
  EXPECT_NE(ior.err().find("cannot run \"/nonexistent/command\""), std::string::npos) << ior.err();
  EXPECT_EQ(ior.err().find("ior: tracing"), std::string::npos) << ior.err();
}

// A -pid process with a file open and a directory set before ior started:
// its fd closed and opened again for another file, and a relative chdir,
// all before the reader gets to their rows. The open fds and the cwd are
// read at the attach, so each row names what the process had then, not
// what /proc shows by the time the row is handled.
TEST(FollowE2E, APidProcessesOpenFilesAndCwdAreTheOnesItHadAtEachSyscall) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string d = dir.path();
  std::filesystem::create_directories(d + "/sub/sub");
  Subprocess shell({"/bin/sh", "-c",
                    "cd " + d + " && exec 3> A && echo ready >&2 && while [ ! -e go ]; do sleep 0.02; done; "
                    "echo one >&3; exec 3>&-; exec 3> B; echo two >&3; cd sub; : > f; echo done >&2"});
  ASSERT_TRUE(shell.wait_for_stderr("ready", 30s)) << shell.err();
  Subprocess ior({IOR_BINARY, "-pid", std::to_string(shell.pid())});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 30s)) << ior.err();
  std::ofstream(d + "/go") << "";
  ASSERT_EQ(shell.wait(30s), 0) << shell.err();
  ASSERT_EQ(ior.wait(30s), 0) << ior.err();
  std::vector<std::string> writes;
  std::string chdir_to, created;
  for (const auto& r : parse_console(ior.out())) {
    if (r.name == "write" && r.ret == 4) writes.push_back(r.file);
    if (r.name == "chdir" && r.ret == 0) chdir_to = r.file;
    if (r.name == "openat" && r.file.ends_with("/f")) created = r.file;
  }
  EXPECT_EQ(writes, (std::vector<std::string>{d + "/A", d + "/B"})) << ior.out();
  EXPECT_EQ(chdir_to, d + "/sub") << ior.out();
  EXPECT_EQ(created, d + "/sub/f") << ior.out();
}

// Log rotation: another process renames a file the shell holds open; the
// shell's later writes name the file as it is called now.
TEST(FollowE2E, WritesToARenamedOpenFileNameItsNewName) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string d = dir.path();
  Subprocess ior({IOR_BINARY, "--", "/bin/sh", "-c",
                  "exec 3> " + d + "/app.log; echo before >&3; mv " + d + "/app.log " + d +
                      "/app.log.1; echo after >&3"});
  ASSERT_EQ(ior.wait(60s), 0) << ior.err();
  std::vector<std::string> writes;
  bool renamed = false;
  for (const auto& r : parse_console(ior.out())) {
    if (r.name == "write" && (r.ret == 7 || r.ret == 6)) writes.push_back(r.file);
    renamed |= r.name.starts_with("rename") && r.ret == 0 && r.file == d + "/app.log" &&
               r.new_file == d + "/app.log.1";
  }
  EXPECT_TRUE(renamed) << ior.out();
  EXPECT_EQ(writes, (std::vector<std::string>{d + "/app.log", d + "/app.log.1"})) << ior.out();
}

// The command is forked (and held) before the outputs are set up: an output
// that cannot be made must end the held child and ior at once, with the one
// error, and leave no process behind.
TEST(FollowE2E, ASetupErrorAfterTheCommandIsForkedIsOneErrorAndLeavesNoProcess) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string taken = dir.path() + "/taken.parquet";
  std::ofstream(taken) << "x";
  Subprocess ior({IOR_BINARY, "-parquet", "-parquet-file", taken, "-duration", "30", "--", "/bin/sleep", "30"});
  EXPECT_EQ(ior.wait(20s), 1) << ior.err();
  EXPECT_NE(ior.err().find("exists"), std::string::npos) << ior.err();
  EXPECT_EQ(ior.err().find("ior: tracing"), std::string::npos) << ior.err();
  // The held child has not exec'd: its command line is ior's, with the file's name.
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream f(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (cmdline.find(taken) != std::string::npos) left.push_back(e.path().filename().string());
  }
  EXPECT_TRUE(left.empty()) << "left running: pid " << (left.empty() ? "" : left.front());
  for (const auto& pid : left) ::kill(std::stoi(pid), SIGKILL);
}

// Without a target, a process met running whose thread has a cwd of its
// own (unshare(CLONE_FS) before tracing began): that thread's relative
// names are under its own cwd even when it ends before ior handles its
// first row (ior reads such cwds at the start; read at the row, the thread
// was gone and the process's cwd named its file).
TEST(MetRunningE2E, AThreadWithACwdOfItsOwnSetBeforeTracingNamesItsFilesFromIt) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  Subprocess target({WORKLOAD_BINARY, "metcwds", dir.path()});
  ASSERT_TRUE(target.wait_for_stderr("ready", 30s)) << target.err();
  Subprocess ior({IOR_BINARY, "-duration", "60", "-path", dir.path()});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 30s)) << ior.err();
  ::kill(target.pid(), SIGUSR1);
  ASSERT_EQ(target.wait(30s), 0) << target.err();
  std::this_thread::sleep_for(500ms);  // the ring read (every 10 ms) and the rows handled
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(30s), 0) << ior.err();
  const auto manifest = parse_manifest(target.out());
  ASSERT_EQ(manifest.size(), 2u) << target.out();
  expect_manifest_in_rows(manifest, parse_console(ior.out()));
}

}  // namespace
}  // namespace ior::testing
