// Absolute paths end to end: the real ior with real BPF traces
// `ior_workload abspaths` (cwd after chdir and fchdir, dirfds, "..", a
// symlinked directory, AT_EMPTY_PATH, a path over 1 KiB, hostile bytes, a
// forked and an exec'd child, threads sharing the cwd and threads with their
// own, setns into a mount namespace, chroot, close-on-exec by ioctl, an fd
// passed over SCM_RIGHTS). Every syscall of
// its manifest must be a row with exactly the absolute path the workload
// computed, on the console and in the Parquet file (read back by chDB), and
// the Parquet row must keep the name exactly as passed.

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "reader_runner.hpp"
#include "trace_fixture.hpp"
#include "workload_hex.hpp"

namespace ior::testing {
namespace {

struct Name {
  std::string abs_hex, passed_hex;
  int notice = 0;
};

// The workload's names are ASCII but for the bytes \xff\xfe of its odd
// name, which are never part of valid UTF-8: a name is invalid UTF-8 exactly
// when it has a byte >= 0x80.
bool has_high_byte(const std::string& hex) {
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (std::stoi(hex.substr(i, 2), nullptr, 16) >= 0x80) return true;
  }
  return false;
}

// The Parquet form of a name in a row with an invalid name (docs/PARQUET.md,
// "Text columns"): backslash doubled, each invalid byte as \xNN; in hex.
std::string escaped_hex(const std::string& hex) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int c = std::stoi(hex.substr(i, 2), nullptr, 16);
    std::string text = c == '\\' ? "\\\\" : c >= 0x80 ? std::string("\\x") + d[c >> 4] + d[c & 15]
                                                         : std::string(1, static_cast<char>(c));
    for (char ch : text) {
      out += d[static_cast<unsigned char>(ch) >> 4];
      out += d[static_cast<unsigned char>(ch) & 15];
    }
  }
  return out;
}

// "ABS:PASSED:NOTICE" (hex, hex, decimal).
Name parse_name(const std::string& f) {
  auto a = f.find(':');
  auto b = f.find(':', a + 1);
  return {f.substr(0, a), f.substr(a + 1, b - a - 1), std::stoi(f.substr(b + 1))};
}

struct Expected {
  const ManifestLine* m;
  Name first;
  Name second;
  bool two = false;
};

Expected expected_of(const ManifestLine& m) {
  Expected e{&m, {}, {}, false};
  auto arrow = m.file.find(" -> ");
  e.first = parse_name(m.file.substr(0, arrow));
  if (arrow != std::string::npos) {
    e.two = true;
    e.second = parse_name(m.file.substr(arrow + 4));
  }
  return e;
}

// The row's column that holds the syscall's (first) name.
std::string name_column(const std::string& syscall) {
  if (syscall == "openat" || syscall == "read" || syscall == "write" || syscall == "close" || syscall == "fchdir" ||
      syscall == "lseek" || syscall == "setns" || syscall == "ioctl" || syscall == "dup") {
    return "f";
  }
  return "p";  // chdir, chroot, mkdir, newfstatat
}

std::string notice_words(int notice) {
  if (notice == 0) return "";
  if (notice == 4) return "fd-from-proc";
  if (notice == 8) return "fd-unknown";
  return "?";
}

// The console: each expected line is a row of its thread, in order, whose
// file field (unescaped) is the absolute path.
void expect_console_rows(const TracedRun& run, const std::vector<Expected>& want) {
  std::map<std::uint32_t, std::size_t> next;
  for (const auto& e : want) {
    const ManifestLine& m = *e.m;
    std::size_t i = next[m.tid];
    const std::string file = workload_unhex(e.first.abs_hex);
    const std::string new_file = e.two ? workload_unhex(e.second.abs_hex) : "";
    for (; i < run.rows.size(); ++i) {
      const auto& r = run.rows[i];
      if (r.pid == m.pid && r.tid == m.tid && r.name == m.name && r.ret == m.ret && r.two_names == e.two &&
          r.file == file && r.new_file == new_file) {
        break;
      }
    }
    ASSERT_LT(i, run.rows.size()) << "no console row for " << m.pid << "." << m.tid << " " << m.name << " = "
                                  << m.ret << " " << file << (e.two ? " -> " + new_file : "") << "\n"
                                  << run.out;
    EXPECT_EQ(run.rows[i].notice, notice_words(e.first.notice)) << m.name << " " << file;
    next[m.tid] = i + 1;
  }
}

TEST(AbsolutePathsE2E, EveryRowNamesTheAbsolutePathAndKeepsTheNameAsPassed) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  TempDir out;
  const std::string parquet = out.path() + "/trace.parquet";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-console", "-parquet", "-parquet-file", parquet},
                          {WORKLOAD_BINARY, "abspaths", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto manifest = parse_manifest(run.workload_out);
  ASSERT_EQ(manifest.size(), 102u) << run.workload_out;
  std::vector<Expected> want;
  for (const auto& m : manifest) want.push_back(expected_of(m));

  expect_console_rows(run, want);
  // Processes: the workload, its forked child, the exec'd child, the child
  // forked by a thread with its own cwd, the child exec'd from such a
  // thread, the child that joins a mount namespace, the two chrooted
  // children, the program exec'd with fds marked by ioctl, the SCM_RIGHTS
  // sender, the child sharing the fd table.
  std::map<std::uint32_t, int> pids;
  for (const auto& m : manifest) ++pids[m.pid];
  EXPECT_EQ(pids.size(), 11u);

  // Parquet: the same rows with the name exactly as passed beside the path.
  const std::string sql =
      "SELECT pid, tid, syscall_name AS s, ret_value AS r, lower(hex(filename)) AS f, "
      "lower(hex(pathname)) AS p, lower(hex(oldname)) AS o, lower(hex(newname)) AS n, "
      "lower(hex(passed_name)) AS pn, lower(hex(passed_newname)) AS pnn, notice FROM file('" +
      parquet + "', Parquet) WHERE comm = 'ior_workload' ORDER BY timestamp_ns";
  auto lines = reader_query("chdb", sql);
  ASSERT_GE(lines.size(), manifest.size());
  // Parquet columns are text: a row with a name that is not UTF-8 has its
  // names escaped and notice bit 64.
  std::vector<Expected> stored = want;
  std::size_t escaped_rows = 0;
  for (auto& e : stored) {
    if (!(has_high_byte(e.first.abs_hex) || has_high_byte(e.first.passed_hex) || has_high_byte(e.second.abs_hex) ||
          has_high_byte(e.second.passed_hex))) {
      continue;
    }
    ++escaped_rows;
    for (Name* n : {&e.first, &e.second}) {
      n->abs_hex = escaped_hex(n->abs_hex);
      n->passed_hex = escaped_hex(n->passed_hex);
      n->notice |= 64;
    }
  }
  EXPECT_EQ(escaped_rows, 3u);  // open, close and rename of the odd name
  std::map<std::uint32_t, std::size_t> at;
  for (const auto& e : stored) {
    const ManifestLine& m = *e.m;
    std::size_t i = at[m.tid];
    for (; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      if (json_field(l, "tid") != std::to_string(m.tid) || json_field(l, "s") != m.name ||
          json_field(l, "r") != std::to_string(m.ret)) {
        continue;
      }
      bool names = e.two ? json_field(l, "o") == e.first.abs_hex && json_field(l, "n") == e.second.abs_hex &&
                               json_field(l, "pn") == e.first.passed_hex &&
                               json_field(l, "pnn") == e.second.passed_hex
                         : json_field(l, name_column(m.name)) == e.first.abs_hex &&
                               json_field(l, "pn") == e.first.passed_hex && json_field(l, "pnn").empty();
      if (names) break;
    }
    ASSERT_LT(i, lines.size()) << "no Parquet row for " << m.tid << " " << m.name << " = " << m.ret << " "
                               << workload_unhex(e.first.abs_hex) << " passed as '" << workload_unhex(e.first.passed_hex) << "'";
    EXPECT_EQ(json_field(lines[i], "pid"), std::to_string(m.pid)) << m.name;
    EXPECT_EQ(json_field(lines[i], "notice"), std::to_string(e.first.notice)) << m.name;
    at[m.tid] = i + 1;
  }

  // DuckDB reads the same file as text, and the reversal docs/PARQUET.md
  // gives turns the escaped names back into the bytes the workload used.
  auto original = [](const std::string& col) {
    return "lower(hex(CASE WHEN (notice & 64) = 0 THEN encode(" + col + ") ELSE list_reduce(list_transform("
           "regexp_extract_all(" + col + ", '\\\\\\\\|\\\\x[0-9a-f]{2}|[^\\\\]+'), t -> CASE WHEN t = '\\\\' THEN "
           "encode('\\') WHEN t[1:2] = '\\x' THEN unhex(t[3:]) ELSE encode(t) END), (a, b) -> a || b, ''::BLOB) "
           "END)) AS " + col;
  };
  auto duck = reader_query("duckdb", "SELECT syscall_name AS s, tid, " + original("filename") + ", " +
                                         original("oldname") + ", " + original("newname") + ", " +
                                         original("passed_name") + ", " + original("passed_newname") +
                                         " FROM read_parquet('" + parquet +
                                         "') WHERE (notice & 64) != 0 ORDER BY timestamp_ns");
  std::vector<std::string> got, expected;
  for (const auto& l : duck) {
    got.push_back(json_field(l, "s") + " " + json_field(l, "tid") + " " + json_field(l, "filename") + " " +
                  json_field(l, "oldname") + " " + json_field(l, "newname") + " " + json_field(l, "passed_name") +
                  " " + json_field(l, "passed_newname"));
  }
  for (const auto& e : want) {
    if (!has_high_byte(e.first.abs_hex)) continue;
    const std::string f = e.two ? "" : e.first.abs_hex;
    expected.push_back(e.m->name + " " + std::to_string(e.m->tid) + " " + f + " " + (e.two ? e.first.abs_hex : "") +
                       " " + (e.two ? e.second.abs_hex : "") + " " + e.first.passed_hex + " " +
                       (e.two ? e.second.passed_hex : ""));
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
}

// An fd passed over SCM_RIGHTS is named from /proc when ior handles its
// first row, after the syscall. Here the process has closed it and opened
// another file on its number long before: the rows of the passed fd must
// never carry the later file's name. They say fd-unknown, or (should ior
// have read /proc in time) the passed file.
TEST(AbsolutePathsE2E, APassedFdClosedAndReusedBeforeProcIsReadIsNotNamedAfterTheNextFile) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  constexpr int kRounds = 20;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload"},
                          {WORKLOAD_BINARY, "passedreuse", dir.path(), std::to_string(kRounds)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.workload_out);
  std::uint32_t pid = 0;
  int fd = -1, round = -1, dropped = 0, rounds = 0;
  std::size_t at = 0;
  while (lines >> pid >> fd >> round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ++rounds;
    const std::string passed = dir.path() + "/passed-" + std::to_string(round);
    const std::string reused = dir.path() + "/reused-" + std::to_string(round);
    // The workload's rows on the fd in order: lseek, close (the passed
    // file), then after the open that reused the number, lseek and close.
    std::vector<const ConsoleRow*> on_fd;
    for (; at < run.rows.size() && on_fd.size() < 5; ++at) {
      const ConsoleRow& r = run.rows[at];
      if (r.pid != pid) continue;
      if ((r.name == "lseek" || r.name == "close") && r.file != reused && r.file != passed && !r.file.empty()) continue;
      if (r.name == "lseek" || r.name == "close" || (r.name == "openat" && r.file == reused)) on_fd.push_back(&r);
    }
    ASSERT_EQ(on_fd.size(), 5u) << run.out;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_NE(on_fd[i]->file, reused) << on_fd[i]->name;
      if (on_fd[i]->file.empty()) {
        EXPECT_EQ(on_fd[i]->notice, "fd-unknown");
        ++dropped;
      } else {
        EXPECT_EQ(on_fd[i]->file, passed);
        EXPECT_EQ(on_fd[i]->notice, "fd-from-proc");
      }
    }
    EXPECT_EQ(on_fd[2]->name, "openat");
    for (std::size_t i = 3; i < 5; ++i) {
      EXPECT_EQ(on_fd[i]->file, reused) << on_fd[i]->name;
      EXPECT_EQ(on_fd[i]->notice, "");
    }
  }
  EXPECT_EQ(rounds, kRounds) << run.workload_out;
  // ior handles a row milliseconds after the syscall, the workload reuses
  // the number within microseconds: most rounds are caught.
  EXPECT_GT(dropped, kRounds);
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
}

// A shell started before ior redirecting its output: fd b (named from
// /proc) dup2'ed onto fd a (named from /proc too), then written through
// a. The write names b's file; it had lost its name whenever a's /proc
// read was found stale (the check dropped every waiting row of the number).
TEST(AbsolutePathsE2E, AWriteThroughADupOfAnFdFromProcNamesItsFile) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  constexpr int kRounds = 10;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload"},
                          {WORKLOAD_BINARY, "passeddup", dir.path(), std::to_string(kRounds)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.workload_out);
  std::uint32_t pid = 0;
  int fa = -1, fb = -1, round = -1, rounds = 0;
  std::size_t at = 0;
  while (lines >> pid >> fa >> fb >> round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ++rounds;
    const std::string a = dir.path() + "/a-" + std::to_string(round);
    const std::string b = dir.path() + "/b-" + std::to_string(round);
    // This round's rows of the parent, in order, from its fsync on.
    std::vector<const ConsoleRow*> rows;
    for (; at < run.rows.size() && rows.size() < 5; ++at) {
      const ConsoleRow& r = run.rows[at];
      if (r.pid != pid) continue;
      if (r.name == "fsync" || r.name == "dup2" || r.name == "write" || (r.name == "close" && !rows.empty())) {
        rows.push_back(&r);
      }
    }
    ASSERT_EQ(rows.size(), 5u) << run.out;
    EXPECT_EQ(rows[0]->name, "fsync");
    if (rows[0]->file.empty()) {
      EXPECT_EQ(rows[0]->notice, "fd-unknown");
    } else {
      EXPECT_EQ(rows[0]->file, a);
    }
    EXPECT_EQ(rows[1]->name, "dup2");
    EXPECT_EQ(rows[2]->name, "write");
    EXPECT_EQ(rows[2]->ret, 4);
    EXPECT_EQ(rows[3]->name, "close");
    EXPECT_EQ(rows[4]->name, "close");
    for (std::size_t i = 1; i < 5; ++i) EXPECT_EQ(rows[i]->file, b) << rows[i]->name;
  }
  EXPECT_EQ(rounds, kRounds) << run.workload_out;
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
}

// With -tps selecting only openat, chdir and fchdir are still recorded (the
// cwd needs them) but print no row: every open is still absolute.
TEST(AbsolutePathsE2E, ACwdChangeIsSeenWhenTpsDoesNotSelectIt) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-tps", "^sys_enter_openat$"},
                          {WORKLOAD_BINARY, "abspaths", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<Expected> opens;
  auto manifest = parse_manifest(run.workload_out);
  for (const auto& m : manifest) {
    if (m.name == "openat") opens.push_back(expected_of(m));
  }
  ASSERT_EQ(opens.size(), 15u);
  expect_console_rows(run, opens);
  // Only opens (the dynamic loader's too), and those in DIR are the workload's.
  const auto is_in_dir = [&](const std::string& file) {
    return file.rfind(dir.path() + "/", 0) == 0 || file == dir.path();
  };
  std::size_t in_dir = 0;
  for (const auto& r : run.rows) {
    EXPECT_EQ(r.name, "openat") << r.file;
    in_dir += is_in_dir(r.file);
  }
  std::size_t opens_in_dir = 0;
  for (const auto& e : opens) opens_in_dir += is_in_dir(workload_unhex(e.first.abs_hex));
  EXPECT_EQ(opens_in_dir, 14u);  // all but /proc/self/ns/mnt
  EXPECT_EQ(in_dir, opens_in_dir) << run.out;
}

}  // namespace
}  // namespace ior::testing
