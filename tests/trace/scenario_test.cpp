// `ior_workload scenario` traced by the real BPF programs, compared with the
// manifest the workload prints of what it did: exact syscalls, arguments,
// strings and return values per thread, enter/exit pairing, task events, and
// the in-kernel pid filter.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <map>
#include <optional>

#include "ior_event.h"
#include "trace/ring_reader.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

struct StringArgs {
  std::string_view name;
  int s0, s1;
  int cls;
};

constexpr StringArgs kStringArgs[] = {
#define IOR_SYSCALL(id, name, nr, cls, ret, fx, s0, s1, n0, n1, n2) {#name, s0, s1, IOR_CLASS_##cls},
#include "syscalls.def"
#undef IOR_SYSCALL
};

const StringArgs* string_args(std::string_view name) {
  for (const auto& s : kStringArgs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

struct ScenarioRun {
  std::uint32_t pid = 0;  // the workload process
  std::vector<ManifestLine> manifest;
  std::vector<Record> records;
  std::uint64_t malformed = 0;
  trace::TracerCounters counters;
};

// Runs the scenario in a fresh directory; the workload is held before exec
// until the tracer is attached. pid_filter: trace only the workload's pid
// in-kernel; otherwise the whole host, kept here for the workload's tree.
ScenarioRun run_scenario(bool pid_filter) {
  TempDir dir;
  HeldChild child({WORKLOAD_BINARY, "scenario", dir.path()});
  ScenarioRun run;
  run.pid = static_cast<std::uint32_t>(child.pid());
  trace::TracerOptions o;
  o.self_pid = static_cast<std::uint32_t>(getpid());
  o.ring_bytes = 64u << 20;
  if (pid_filter) o.pid = run.pid;
  trace::Tracer tracer(o);
  tracer.attach();
  Collector all;
  TreeCollector tree(run.pid);
  Collector& c = pid_filter ? all : tree;
  trace::RingReader reader(tracer, c, {});
  reader.start();
  run.manifest = parse_manifest(child.finish());
  reader.stop();
  run.records = std::move(c.records);
  run.malformed = c.malformed;
  run.counters = tracer.counters();
  return run;
}

const ScenarioRun& host_wide_run() {
  static const ScenarioRun run = run_scenario(false);
  return run;
}

struct Pair {
  Record enter, exit;
};

// Pairs each thread's enters with their exits; any other order is an error.
std::map<std::uint32_t, std::vector<Pair>> pair_by_tid(const std::vector<Record>& records,
                                                       std::vector<std::string>& errors) {
  std::map<std::uint32_t, std::vector<Pair>> pairs;
  std::map<std::uint32_t, std::optional<Record>> pending;
  for (const auto& r : records) {
    auto& p = pending[r.tid];
    if (r.is_enter()) {
      if (p) errors.push_back("tid " + std::to_string(r.tid) + ": " + std::string(p->name()) + " never exited");
      p = r;
    } else if (r.is_exit()) {
      if (!p || p->syscall != r.syscall) {
        errors.push_back("tid " + std::to_string(r.tid) + ": exit of " + std::string(r.name()) + " without enter");
      } else {
        if (r.time_ns < p->time_ns) errors.push_back("exit before enter: " + std::string(r.name()));
        pairs[r.tid].push_back({*p, r});
      }
      p.reset();
    }
  }
  for (const auto& [tid, p] : pending) {
    if (p) errors.push_back("tid " + std::to_string(tid) + ": " + std::string(p->name()) + " never exited");
  }
  return pairs;
}

// Syscalls without strings (but pipe's) come as one paired record from the
// kernel (bpf/pair.bpf.h), the others as an enter and an exit record.
bool paired_in_kernel(std::string_view name) {
  const auto* s = string_args(name);
  return s && s->s0 < 0 && s->s1 < 0 && s->cls != IOR_CLASS_PIPE;
}

bool strings_match(const Pair& p, const ManifestLine& m) {
  const auto* s = string_args(m.name);
  if (!s || s->s0 < 0) return true;
  if (s->s1 < 0) return p.enter.str0 == m.file;
  return p.enter.str0 + " -> " + p.enter.str1 == m.file;
}

// Finds every manifest line, in order per thread, among the traced pairs;
// fd syscalls must name the fd the manifest's openat returned for the file.
void expect_manifest_traced(const ScenarioRun& run, std::uint32_t only_pid = 0) {
  std::vector<std::string> errors;
  auto pairs = pair_by_tid(run.records, errors);
  std::map<std::uint32_t, std::size_t> cursor;
  std::map<std::pair<std::uint32_t, std::string>, std::int64_t> fd_of;
  std::size_t checked = 0;
  for (const auto& m : run.manifest) {
    if (only_pid && m.pid != only_pid) continue;
    if (m.name == "openat") fd_of[{m.pid, m.file}] = m.ret;
    const auto& list = pairs[m.tid];
    auto& i = cursor[m.tid];
    while (i < list.size() && !(list[i].enter.name() == m.name && list[i].exit.ret == m.ret &&
                                strings_match(list[i], m))) {
      ++i;
    }
    ASSERT_LT(i, list.size()) << "not traced: " << m.name << " " << m.file << " = " << m.ret
                              << " (tid " << m.tid << ")";
    const auto& e = list[i].enter;
    EXPECT_EQ(e.pid, m.pid) << m.name;
    EXPECT_EQ(e.comm, "ior_workload") << m.name;
    EXPECT_EQ(e.paired, paired_in_kernel(m.name)) << m.name;
    EXPECT_EQ(list[i].exit.paired, e.paired) << m.name;
    auto fd = fd_of.find({m.pid, m.file});
    bool fd_call = !string_args(m.name) || string_args(m.name)->s0 < 0;
    if (fd_call && m.name != "close_range" && fd != fd_of.end()) {
      EXPECT_EQ(static_cast<std::int64_t>(e.args[0]), fd->second) << m.name << " " << m.file;
    }
    ++i;
    ++checked;
  }
  EXPECT_GE(checked, 20u);
  EXPECT_TRUE(errors.empty()) << errors.front() << " (and " << errors.size() - 1 << " more)";
}

// The main thread's pairs from the first enter of `name` that satisfies
// `pred`, searching from pairs[from]; returns its index or pairs.size().
template <typename Pred>
std::size_t find_pair(const std::vector<Pair>& pairs, std::size_t from, std::string_view name,
                      Pred pred) {
  for (std::size_t i = from; i < pairs.size(); ++i) {
    if (pairs[i].enter.name() == name && pred(pairs[i].enter)) return i;
  }
  return pairs.size();
}

std::uint32_t other_pid(const ScenarioRun& run) {
  for (const auto& m : run.manifest) {
    if (m.pid != run.pid) return m.pid;
  }
  return 0;
}

class ScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override { IOR_REQUIRE_ROOT(); }
};

TEST_F(ScenarioTest, EverySyscallOfTheManifestIsTracedWithItsResult) {
  const auto& run = host_wide_run();
  ASSERT_FALSE(run.manifest.empty());
  EXPECT_EQ(run.malformed, 0u);
  EXPECT_EQ(run.counters.drops(), 0u);
  expect_manifest_traced(run);
}

TEST_F(ScenarioTest, ArgumentsAreTheOnesTheWorkloadPassed) {
  const auto& run = host_wide_run();
  std::vector<std::string> errors;
  const auto pairs = pair_by_tid(run.records, errors)[run.pid];
  auto any = [](const Record&) { return true; };
  auto i = find_pair(pairs, 0, "openat", [](const Record& e) { return e.str0.ends_with("/data.bin"); });
  ASSERT_LT(i, pairs.size());
  const auto& open = pairs[i];
  EXPECT_EQ(open.enter.args[0], static_cast<std::uint64_t>(O_CREAT | O_RDWR | O_TRUNC));
  EXPECT_EQ(open.enter.args[1], 0644u);
  EXPECT_EQ(static_cast<int>(open.enter.args[2]), AT_FDCWD);
  const auto fd = static_cast<std::uint64_t>(open.exit.ret);
  auto on_fd = [fd](const Record& e) { return e.args[0] == fd; };

  i = find_pair(pairs, i, "write", on_fd);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].enter.args[1], 4096u);  // count
  EXPECT_EQ(pairs[i].exit.ret, 4096);
  i = find_pair(pairs, i, "pread64", on_fd);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].enter.args[1], 100u);   // count
  EXPECT_EQ(pairs[i].enter.args[2], 1000u);  // offset
  EXPECT_EQ(pairs[i].exit.ret, 100);
  i = find_pair(pairs, i, "mmap", on_fd);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].enter.args[1], 4096u);                                            // length
  EXPECT_EQ(pairs[i].enter.args[2], static_cast<std::uint64_t>(MAP_PRIVATE | MAP_ANONYMOUS));  // flags
  i = find_pair(pairs, i, "dup2", on_fd);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].enter.args[1], 100u);
  EXPECT_EQ(pairs[i].exit.ret, 100);
  i = find_pair(pairs, i, "fcntl", on_fd);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].enter.args[1], static_cast<std::uint64_t>(F_DUPFD_CLOEXEC));
  EXPECT_GE(pairs[i].exit.ret, 200);
  i = find_pair(pairs, i, "mkdir", any);
  ASSERT_LT(i, pairs.size());
  EXPECT_TRUE(pairs[i].enter.str0.ends_with("/sub")) << pairs[i].enter.str0;
  EXPECT_EQ(pairs[i].enter.args[1], 0755u);
  i = find_pair(pairs, i, "rename", any);
  ASSERT_LT(i, pairs.size());
  EXPECT_TRUE(pairs[i].enter.str0.ends_with("/data.bin")) << pairs[i].enter.str0;
  EXPECT_TRUE(pairs[i].enter.str1.ends_with("/renamed.bin")) << pairs[i].enter.str1;
  EXPECT_EQ(pairs[i].enter.str_flags, 0);
  i = find_pair(pairs, i, "close_range", any);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].enter.args[0], 100u);
  EXPECT_EQ(pairs[i].enter.args[1], 300u);
  EXPECT_EQ(pairs[i].exit.ret, 0);
  i = find_pair(pairs, i, "close", on_fd);
  ASSERT_LT(i, pairs.size());
  EXPECT_EQ(pairs[i].exit.ret, 0);
}

TEST_F(ScenarioTest, ForkExecAndExitsAreRecordedForTheProcessTree) {
  const auto& run = host_wide_run();
  std::uint32_t child = other_pid(run);
  ASSERT_NE(child, 0u);
  std::uint32_t thread = 0;
  for (const auto& m : run.manifest) {
    if (m.pid == run.pid && m.tid != run.pid) thread = m.tid;
  }
  ASSERT_NE(thread, 0u);

  std::vector<Record> forks, execs;
  std::map<std::uint32_t, Record> exits;  // by tid
  std::optional<std::size_t> fork_at, first_child_record;
  for (std::size_t i = 0; i < run.records.size(); ++i) {
    const auto& r = run.records[i];
    if (r.kind == IOR_EVENT_FORK) {
      forks.push_back(r);
      fork_at = i;
    }
    if (r.kind == IOR_EVENT_EXEC) execs.push_back(r);
    if (r.kind == IOR_EVENT_TASK_EXIT) exits[r.tid] = r;
    if (r.pid == child && r.kind != IOR_EVENT_FORK && !first_child_record) first_child_record = i;
  }
  ASSERT_EQ(forks.size(), 1u);  // the std::thread is not a new process
  EXPECT_EQ(forks[0].parent_pid, run.pid);
  EXPECT_EQ(forks[0].pid, child);
  EXPECT_EQ(forks[0].tid, child);
  EXPECT_EQ(forks[0].comm, "ior_workload");
  ASSERT_TRUE(first_child_record);
  EXPECT_LT(*fork_at, *first_child_record);

  ASSERT_EQ(execs.size(), 1u);
  EXPECT_EQ(execs[0].pid, run.pid);
  EXPECT_EQ(execs[0].comm, "ior_workload");

  ASSERT_TRUE(exits.count(thread));
  EXPECT_EQ(exits[thread].pid, run.pid);
  EXPECT_EQ(exits[thread].task_flags, 0u);  // the main thread still runs
  ASSERT_TRUE(exits.count(child));
  EXPECT_EQ(exits[child].task_flags, static_cast<std::uint32_t>(IOR_TASK_GROUP_DEAD));
  ASSERT_TRUE(exits.count(run.pid));
  EXPECT_EQ(exits[run.pid].task_flags, static_cast<std::uint32_t>(IOR_TASK_GROUP_DEAD));
  EXPECT_EQ(run.records.back().kind, IOR_EVENT_TASK_EXIT);
}

TEST_F(ScenarioTest, PidFilterKeepsOnlyThatProcessInTheKernel) {
  auto run = run_scenario(true);
  std::uint32_t child = other_pid(run);
  ASSERT_NE(child, 0u);
  EXPECT_EQ(run.counters.drops(), 0u);
  std::size_t forks = 0;
  for (const auto& r : run.records) {
    if (r.kind == IOR_EVENT_FORK) {
      ++forks;  // named by the child, announced for the traced parent
      EXPECT_EQ(r.parent_pid, run.pid);
      EXPECT_EQ(r.pid, child);
      continue;
    }
    ASSERT_EQ(r.pid, run.pid) << r.name() << " kind " << r.kind;
  }
  EXPECT_EQ(forks, 1u);
  expect_manifest_traced(run, run.pid);
}

}  // namespace
}  // namespace ior::testing
