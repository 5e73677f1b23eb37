// End to end: the real ior binary with real BPF traces the test workload,
// and the rows it prints must be exactly what the workload says it did.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "summary_account.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::string pid_tid(std::uint32_t pid, std::uint32_t tid) {
  return std::to_string(pid) + "." + std::to_string(tid);
}

// Every manifest line appears as a row of the same thread, in the manifest's
// order for that thread, with the same syscall, return value and file.
void expect_rows_match_manifest(const std::vector<ConsoleRow>& rows,
                                const std::vector<ManifestLine>& manifest) {
  std::map<std::string, std::size_t> next;  // per thread: where to search from
  for (const auto& m : manifest) {
    auto key = pid_tid(m.pid, m.tid);
    std::size_t i = next[key];
    for (; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.pid == m.pid && r.tid == m.tid && r.name == m.name && r.ret == m.ret &&
          r.manifest_file() == m.file && r.two_names == (m.name == "rename" || m.name == "link")) {
        break;
      }
    }
    ASSERT_LT(i, rows.size()) << "no row for " << key << " " << m.name << " ret " << m.ret
                              << " file " << m.file << " (after row " << next[key] << ")";
    EXPECT_EQ(rows[i].comm, "ior_workload");
    EXPECT_GT(rows[i].duration_ns, 0u) << m.name;
    next[key] = i + 1;
  }
}

// The records of two CPUs travel in two rings: every read of a file opened
// on the other CPU, and every fd number closed there and opened again here,
// must be put in the order the threads made them (src/trace/ring_merge.hpp).
TEST(TraceE2E, FdsHandedBetweenThreadsOnTwoCpusNameTheirFiles) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  constexpr long kHandoffs = 30000;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload"},
                          {WORKLOAD_BINARY, "handoff", dir.path(), std::to_string(kHandoffs)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::uint32_t opener = 0, reader = 0;
  {
    std::istringstream in(run.workload_out);
    std::string word;
    in >> word >> opener >> word >> reader;
  }
  ASSERT_NE(opener, 0u) << run.workload_out;
  ASSERT_NE(reader, 0u) << run.workload_out;
  const auto file_of = [&dir](long i) { return dir.path() + "/f" + std::to_string(i % 8); };
  long opens = 0, reads = 0, closes = 0, wrong = 0;
  for (const auto& r : run.rows) {
    if (r.tid == opener && r.name == "openat" && r.file.rfind(dir.path() + "/f", 0) == 0) {
      wrong += r.file != file_of(opens++) || r.ret < 0;
    } else if (r.tid == reader && r.name == "pread64") {
      wrong += r.file != file_of(reads) || r.ret != 100 + reads % 8;
      ++reads;
    } else if (r.tid == reader && r.name == "close") {
      wrong += r.file != file_of(closes++) || r.ret != 0;
    }
    if (wrong == 1 && (r.tid == opener || r.tid == reader)) {
      ADD_FAILURE() << "first wrong row: " << r.name << " " << r.file << " = " << r.ret;
      ++wrong;
    }
  }
  EXPECT_EQ(opens, kHandoffs);
  EXPECT_EQ(reads, kHandoffs);
  EXPECT_EQ(closes, kHandoffs);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
  auto account = parse_account(run.err);
  EXPECT_EQ(account_imbalance(account), "") << run.err;
}

// Threads of one process take the fd numbers each other's closes have just
// freed, while those closes still run (Linux frees the number first), by
// open, dup and fcntl(F_DUPFD_CLOEXEC): every row of a thread names that
// thread's own files, none through /proc or unknown.
TEST(TraceE2E, ThreadsReusingEachOthersFdNumbersNameOnlyTheirOwnFiles) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  constexpr long kThreads = 4, kRounds = 5000;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload"},
                          {WORKLOAD_BINARY, "fdchurn", dir.path(), std::to_string(kThreads), std::to_string(kRounds)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::uint32_t, std::string> own;  // tid -> "DIR/tK_"
  {
    std::istringstream in(run.workload_out);
    std::string word;
    long k = 0;
    std::uint32_t tid = 0;
    while (in >> word >> k >> tid) own[tid] = dir.path() + "/t" + std::to_string(k) + "_";
  }
  ASSERT_EQ(own.size(), static_cast<std::size_t>(kThreads)) << run.workload_out;
  // A thread's own memory (its malloc arena: mmap, munmap) names no file.
  const std::set<std::string> churned = {"openat", "write", "pread64", "dup", "fcntl", "newfstat", "close"};
  std::map<std::string, long> calls;  // syscall -> rows of the churning threads
  long wrong = 0;
  for (const auto& r : run.rows) {
    auto it = own.find(r.tid);
    if (it == own.end() || !churned.count(r.name)) continue;
    ++calls[r.name];
    const bool ok = r.file.rfind(it->second, 0) == 0 && r.file.size() == it->second.size() + 1 && r.notice.empty() && r.ret >= 0;
    if (!ok && wrong++ == 0) {
      ADD_FAILURE() << "first wrong row: thread " << r.tid << " " << r.name << " '" << r.file << "' = " << r.ret
                    << " notice '" << r.notice << "', its files are " << it->second << "*";
    }
  }
  EXPECT_EQ(wrong, 0);
  const long n = kThreads * kRounds;
  EXPECT_EQ(calls["openat"], n);
  EXPECT_EQ(calls["write"], n);
  EXPECT_EQ(calls["pread64"], n);
  EXPECT_EQ(calls["dup"] + calls["fcntl"], n);
  EXPECT_EQ(calls["fcntl"], n / 2);
  EXPECT_EQ(calls["newfstat"], n);
  EXPECT_EQ(calls["close"], 2 * n);
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
}

TEST(TraceE2E, ScenarioRowsAreExactlyWhatTheWorkloadDid) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload"},
                          {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto manifest = parse_manifest(run.workload_out);
  ASSERT_EQ(manifest.size(), 25u);
  expect_rows_match_manifest(run.rows, manifest);

  // Two threads of one process and a forked child, each with its own pid.tid.
  std::set<std::string> threads;
  for (const auto& m : manifest) threads.insert(pid_tid(m.pid, m.tid));
  EXPECT_EQ(threads.size(), 3u);
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
  EXPECT_EQ(summary_value(run.err, "decode errors"), 0u);
  auto account = parse_account(run.err);
  EXPECT_EQ(account_imbalance(account), "") << run.err;
  // Every row the console received was written.
  EXPECT_EQ(account_term(account, "sink console", "written"), run.rows.size()) << run.err;
}

TEST(TraceE2E, ByteCountsAreExactAndOnlyAThreadsFirstSyscallHasNoDurationToPrev) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-path", dir.path()},
                          {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // -path keeps only rows naming the directory: every row names it.
  ASSERT_FALSE(run.rows.empty());
  for (const auto& r : run.rows) EXPECT_NE(r.file.find(dir.path()), std::string::npos) << r.file;

  // The bytes the scenario moves (tests/support/workload.cpp), written down
  // here rather than taken from its manifest: the 11-byte thread.txt, a 4 KiB
  // block, pread64 of 100 at offset 1000, read of 10 after seeking to 0,
  // writev of "abc"+"defg", the second thread's read of 7 of thread.txt's 11,
  // the forked child's 5.
  const std::string d = dir.path() + "/";
  const std::multiset<std::tuple<std::string, std::string, std::int64_t>> want_bytes = {
      {"write", d + "thread.txt", 11}, {"write", d + "data.bin", 4096}, {"pread64", d + "data.bin", 100},
      {"read", d + "data.bin", 10},    {"writev", d + "data.bin", 7},   {"read", d + "thread.txt", 7},
      {"write", d + "child.txt", 5}};
  std::multiset<std::tuple<std::string, std::string, std::int64_t>> got_bytes;
  for (const auto& r : run.rows) {
    if (r.name == "read" || r.name == "write" || r.name == "pread64" || r.name == "writev") {
      got_bytes.emplace(r.name, r.file, r.ret);
    }
  }
  EXPECT_EQ(got_bytes, want_bytes);
  // The summary's files by bytes add up the same calls, by class: bytes,
  // read, written, transferred.
  const std::map<std::string, std::vector<std::uint64_t>> want_by_file = {
      {d + "data.bin", {4213, 110, 4103, 0}}, {d + "thread.txt", {18, 7, 11, 0}}, {d + "child.txt", {5, 0, 5, 0}}};
  EXPECT_EQ(top_files_by_bytes(run.err), want_by_file) << run.err;

  // duration_to_prev is the gap since the thread's previous exit, and 0 only
  // for a thread's first traced syscall. The main thread ran the loader's
  // syscalls before any of these; the second thread's and the forked child's
  // first traced syscalls are their openat of thread.txt and child.txt.
  std::multiset<std::pair<std::string, std::string>> without_prev;
  for (const auto& r : run.rows) {
    if (r.duration_to_prev_ns == 0) without_prev.emplace(r.name, r.file);
  }
  const std::multiset<std::pair<std::string, std::string>> firsts = {{"openat", d + "thread.txt"},
                                                                     {"openat", d + "child.txt"}};
  EXPECT_EQ(without_prev, firsts);
}

TEST(TraceE2E, PidFilterKeepsOnlyThatProcessInTheKernel) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  // A shell that waits for a go file, then becomes the workload (same pid).
  std::string go = dir.path() + "/go";
  Subprocess target({"/bin/sh", "-c",
                     "while [ ! -e " + go + " ]; do sleep 0.02; done; exec " +
                         std::string(WORKLOAD_BINARY) + " scenario " + dir.path()});
  std::vector<std::string> argv = {IOR_BINARY, "-duration", "120", "-pid",
                                   std::to_string(target.pid())};
  Subprocess ior(argv);
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  run_and_capture({"/usr/bin/touch", go});
  ASSERT_EQ(target.wait(std::chrono::seconds(30)), 0) << target.err();
  ior.signal(SIGTERM);
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  auto rows = parse_console(ior.out());
  auto manifest = parse_manifest(target.out());
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) EXPECT_EQ(r.pid, static_cast<std::uint32_t>(target.pid())) << r.name;
  // The workload's own rows of this process are there, the forked child's are not.
  std::vector<ManifestLine> own;
  for (const auto& m : manifest) {
    if (m.pid == static_cast<std::uint32_t>(target.pid())) own.push_back(m);
  }
  EXPECT_EQ(own.size(), 22u);
  expect_rows_match_manifest(rows, own);
}

TEST(TraceE2E, TpsSelectsAndTpsExcludeRemovesSyscalls) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_around(
      {"-duration", "120", "-comm", "ior_workload", "-tps", "read,write", "-tpsExclude", "readv,pread"},
      {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<std::string> names;
  for (const auto& r : run.rows) names.insert(r.name);
  EXPECT_EQ(names, (std::set<std::string>{"read", "write", "writev"}));
  // The opens, dups and closes not selected are still recorded for the fd
  // table: every selected row names its file as without -tps.
  std::vector<ManifestLine> selected;
  for (const auto& m : parse_manifest(run.workload_out)) {
    if (names.contains(m.name)) selected.push_back(m);
  }
  EXPECT_GE(selected.size(), 3u);
  expect_rows_match_manifest(run.rows, selected);
  for (const auto& r : run.rows) EXPECT_EQ(r.notice.find("fd-"), std::string::npos) << r.name << " " << r.notice;
}

// Fd numbers closed and opened again for other files while only pread64 is
// selected: the opens and closes are still recorded, so every pread names
// the file it read, never what /proc showed for that number later.
TEST(TraceE2E, TpsKeepsTheFdTableOfSyscallsItDoesNotPrint) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  constexpr long kHandoffs = 3000;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-tps", "^sys_enter_pread64$"},
                          {WORKLOAD_BINARY, "handoff", dir.path(), std::to_string(kHandoffs)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  long reads = 0, wrong = 0;
  for (const auto& r : run.rows) {
    ASSERT_EQ(r.name, "pread64");
    // File k holds 100 + k bytes; the loader's preads of libraries return other sizes.
    if (r.ret < 100 || r.ret > 107) continue;
    const std::string want = dir.path() + "/f" + std::to_string(r.ret - 100);
    if (r.file != want || r.notice.find("fd-") != std::string::npos) {
      if (++wrong == 1) ADD_FAILURE() << "pread " << reads << ": " << r.file << " " << r.notice << ", want " << want;
    }
    ++reads;
  }
  EXPECT_EQ(reads, kHandoffs);
  EXPECT_EQ(wrong, 0);
  // The opens and closes were recorded and counted, not printed.
  const auto account = parse_account(run.err);
  EXPECT_EQ(account_imbalance(account), "") << run.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(run.err, m, std::regex(R"(-tps names only (\d+)\))"))) << run.err;
  EXPECT_GE(std::stoull(m[1]), static_cast<unsigned long long>(2 * kHandoffs)) << run.err;
}

TEST(TraceE2E, LongPathsAreCutAtStrMaxAndFlagged) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-strMax", "16"},
                          {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string want = (dir.path() + "/sub").substr(0, 16);
  bool seen = false;
  for (const auto& r : run.rows) {
    if (r.name != "mkdir") continue;
    seen = true;
    EXPECT_EQ(r.file, want);
    EXPECT_EQ(r.notice, "truncated");
  }
  EXPECT_TRUE(seen);
  // The rows of the fd opened under the cut name say so too, through the real tracer.
  std::size_t fd_rows = 0;
  for (const auto& r : run.rows) {
    // The scenario's pread of 100 bytes, writev of 7 and lseek (the loader's preads return other sizes).
    if (!(r.name == "pread64" && r.ret == 100) && !(r.name == "writev" && r.ret == 7) && r.name != "lseek") continue;
    ++fd_rows;
    EXPECT_EQ(r.file, (dir.path() + "/data.bin").substr(0, 16)) << r.name;
    EXPECT_EQ(r.notice, "truncated") << r.name;
  }
  EXPECT_EQ(fd_rows, 3u);
}

TEST(TraceE2E, AFullRingBufferCountsEveryLostRecord) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const long opens = 200000;
  std::string go = dir.path() + "/go";
  Subprocess target({"/bin/sh", "-c",
                     "while [ ! -e " + go + " ]; do sleep 0.02; done; exec " +
                         std::string(WORKLOAD_BINARY) + " opens " + dir.path() + " " +
                         std::to_string(opens)});
  Subprocess ior({IOR_BINARY, "-duration", "120", "-mapSize", "4K", "-pid",
                  std::to_string(target.pid())});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  run_and_capture({"/usr/bin/touch", go});
  ASSERT_EQ(target.wait(std::chrono::seconds(60)), 0) << target.err();
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 1) << ior.err();  // rows were lost
  auto err = ior.err();
  std::uint64_t seen = summary_value(err, "tracepoints seen");
  std::uint64_t dropped = summary_value(err, "ring-buffer drops");
  EXPECT_GT(dropped, 0u) << err;
  EXPECT_NE(err.find("\nior: not every syscall was stored: " + std::to_string(dropped) +
                     " records lost in the ring buffer"),
            std::string::npos)
      << err;
  // 2 syscalls per iteration, 2 records each; the rest is the process's start-up.
  const std::uint64_t produced_min = 4 * static_cast<std::uint64_t>(opens);
  EXPECT_GE(seen + dropped, produced_min) << err;
  EXPECT_LE(seen + dropped, produced_min + 2000) << err;
  // Lost records leave enters and exits unpaired: the account still adds up.
  auto account = parse_account(err);
  EXPECT_EQ(account_imbalance(account), "") << err;
  EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), dropped);
}

// An output that falls behind drops rows from its queue, counted: the run
// then says so in one line, even with -quiet, and exits 1. The console
// writes into ior's stdout pipe, which this test does not read while the
// workload runs, so its 1 MiB queue fills; the pipe is drained at the stop,
// so the console itself does not fail.
TEST(TraceE2E, RowsAnOutputDroppedMakeTheRunSaySoAndExit1) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  for (const bool quiet : {false, true}) {
    std::vector<std::string> argv{IOR_BINARY, "-duration", "120", "-comm", "ior_workload", "-sink-queue", "1M"};
    if (quiet) argv.push_back("-quiet");
    Subprocess ior(argv);
    if (quiet) {
      std::this_thread::sleep_for(std::chrono::seconds(3));  // -quiet prints no "tracing" line
    } else {
      ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
    }
    run_and_capture({WORKLOAD_BINARY, "preads", dir.path(), "1", "100000", "0"});
    ior.signal(SIGINT);
    ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 1) << ior.err();
    const std::string err = ior.err();
    const auto line = err.find("ior: not every syscall was stored: ");
    ASSERT_NE(line, std::string::npos) << err;
    const std::string said = err.substr(line, err.find('\n', line) - line);
    EXPECT_EQ(err.find("FAILED"), std::string::npos) << err;
    if (quiet) {
      EXPECT_EQ(err, said + "\n");
      continue;
    }
    auto account = parse_account(err);
    EXPECT_EQ(account_imbalance(account), "") << err;
    EXPECT_GT(account_term(account, "sink console", "queue full"), 0u) << err;
    EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << err;
    // The summary's tables have the same small queue and may fall behind too.
    for (const std::string sink : {"console", "summary"}) {
      EXPECT_EQ(account_term(account, "sink " + sink, "lost"), 0u) << err;
      const std::uint64_t full = account_term(account, "sink " + sink, "queue full");
      const std::string part =
          std::to_string(full) + " rows not stored by " + sink + " (queue full " + std::to_string(full) + ")";
      EXPECT_EQ(said.find(part) != std::string::npos, full != 0) << said;
    }
    EXPECT_EQ(said.rfind("ior: not every syscall was stored: ", 0), 0u) << said;
  }
}

// True when the process sleeps in read(2) (its /proc syscall line names it).
bool blocked_in_read(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/syscall");
  long nr = -1;
  return in >> nr && nr == SYS_read;
}

// The number after `label` in text, or -1.
long long number_after(const std::string& text, const std::string& label) {
  auto at = text.find(label);
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + label.size()));
}

// A read still blocked when ior stops has an enter and no exit: no row, and
// the account counts it as running at the end (its enter reaches userspace
// at stop although the kernel keeps it until the exit, bpf/pair.bpf.h).
TEST(TraceE2E, ASyscallRunningAtStopIsCountedAsRunningAtTheEnd) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string go = dir.path() + "/go";
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Opened read-write, the FIFO never reaches end of file: cat's read blocks.
  Subprocess target({"/bin/sh", "-c",
                     "while [ ! -e " + go + " ]; do sleep 0.02; done; exec cat 0<>" + fifo});
  Subprocess ior({IOR_BINARY, "-duration", "120", "-pid", std::to_string(target.pid())});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  run_and_capture({"/usr/bin/touch", go});
  for (int i = 0; i < 1000 && !blocked_in_read(target.pid()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(blocked_in_read(target.pid()));
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  const auto err = ior.err();
  EXPECT_EQ(number_after(err, "running at the end "), 1) << err;
  EXPECT_EQ(number_after(err, "thread exited "), 0) << err;
  auto account = parse_account(err);
  EXPECT_EQ(account_imbalance(account), "") << err;
  EXPECT_EQ(account_term(account, "kernel records", "lost in the ring buffer"), 0u) << err;
}

TEST(TraceE2E, NotRootIsOneClearErrorAndExit1) {
  IOR_REQUIRE_ROOT();  // needs root to drop to nobody
  Subprocess ior({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                  "--inh-caps=-all", IOR_BINARY, "-duration", "1"});
  EXPECT_EQ(ior.wait(std::chrono::seconds(30)), 1);
  EXPECT_NE(ior.err().find("ior: needs root"), std::string::npos) << ior.err();
  EXPECT_NE(ior.err().find("sudo"), std::string::npos) << ior.err();
}

}  // namespace
}  // namespace ior::testing
