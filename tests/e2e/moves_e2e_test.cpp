// The syscalls that move bytes between two fds or create fds without a path
// (pipes, memfds, sockets, epoll sets, eventfds, ...), end to end: the real ior with real BPF traces `ior_workload moves`; every
// syscall of its manifest must be a row with exactly its return value, fd,
// file, second fd and file (two-fd syscalls name both files, pipes both
// ends), path and notice, in the Parquet file (read back by chDB), and the
// console names both files of a two-fd row.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "manifest_rows.hpp"
#include "reader_runner.hpp"
#include "trace_fixture.hpp"
#include "workload_hex.hpp"

namespace ior::testing {
namespace {

// "FD:FILE:FD2:FILE2:PATH:NOTICE" (files and path in hex).
struct Want {
  const ManifestLine* m = nullptr;
  std::string fd, file, fd2, file2, path, notice;
};

Want want_of(const ManifestLine& m) {
  Want w;
  w.m = &m;
  std::vector<std::string> f;
  std::size_t at = 0;
  for (;;) {
    auto colon = m.file.find(':', at);
    f.push_back(m.file.substr(at, colon - at));
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  EXPECT_EQ(f.size(), 6u) << m.file;
  f.resize(6);
  w.fd = f[0];
  w.file = f[1];
  w.fd2 = f[2];
  w.file2 = f[3];
  w.path = f[4];
  w.notice = f[5];
  return w;
}

// ret_type per syscall of the manifest (schema::RetType): bytes for the
// transfers, reads and writes, an address for mremap, an fd for the opens
// and the new sockets.
std::string ret_type_of(const std::string& name) {
  if (name == "copy_file_range" || name == "sendfile64" || name == "splice" || name == "tee" || name == "write" ||
      name == "read") {
    return "2";
  }
  if (name == "mremap") return "4";
  if (name == "memfd_create" || name == "open_by_handle_at" || name == "socket" || name == "accept4" ||
      name == "epoll_create1" || name == "eventfd2" || name == "timerfd_create" || name == "signalfd4" ||
      name == "inotify_init1" || name == "pidfd_open" || name == "openat" || name == "openat2") {
    return "1";
  }
  return "0";
}

TEST(MovesE2E, EveryRowNamesItsFilesFdsAndBytes) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_READERS();
  TempDir dir;
  TempDir out;
  const std::string parquet = out.path() + "/trace.parquet";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-console", "-parquet", "-parquet-file", parquet},
                          {WORKLOAD_BINARY, "moves", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto manifest = parse_manifest(run.workload_out);
  // file_getattr and file_setattr (three rows) where the kernel has them (6.17).
  const bool file_attrs = ::syscall(468, AT_FDCWD, "/", nullptr, 0, 0) != -1 || errno != ENOSYS;
  ASSERT_EQ(manifest.size(), file_attrs ? 60u : 57u) << run.workload_out;
  if (in_ci()) {
    EXPECT_TRUE(file_attrs) << "the CI machine's kernel (6.18) has file_getattr";
  }
  std::vector<Want> want;
  for (const auto& m : manifest) want.push_back(want_of(m));

  const std::string sql =
      "SELECT pid, tid, syscall_name AS s, ret_value AS r, ret_type AS t, bytes AS b, byte_class AS bc, fd, fd2, "
      "lower(hex(filename)) AS f, "
      "lower(hex(filename2)) AS f2, lower(hex(pathname)) AS p, notice FROM file('" +
      parquet + "', Parquet) WHERE comm = 'ior_workload' ORDER BY timestamp_ns";
  auto lines = reader_query("chdb", sql);
  ASSERT_GE(lines.size(), manifest.size());
  std::size_t i = 0;
  for (const auto& w : want) {
    const ManifestLine& m = *w.m;
    i = find_manifest_row(lines, i, m);
    ASSERT_LT(i, lines.size()) << "no Parquet row for " << m.name << " = " << m.ret;
    const std::string& l = lines[i++];
    const std::string what = m.name + " = " + std::to_string(m.ret);
    EXPECT_EQ(json_field(l, "pid"), std::to_string(m.pid)) << what;
    EXPECT_EQ(json_field(l, "t"), ret_type_of(m.name)) << what;
    // Bytes moved: between two fds a transfer, a write or read a write or read.
    const bool moves_bytes = ret_type_of(m.name) == "2";
    EXPECT_EQ(json_field(l, "b"), moves_bytes ? std::to_string(m.ret) : "0") << what;
    EXPECT_EQ(json_field(l, "bc"), !moves_bytes                              ? "none"
                                   : m.name == "write" || m.name == "read" ? m.name
                                                                           : "transfer")
        << what;
    EXPECT_EQ(json_field(l, "fd"), w.fd) << what;
    EXPECT_EQ(json_field(l, "f"), w.file) << what << ": " << workload_unhex(json_field(l, "f")) << " != " << workload_unhex(w.file);
    EXPECT_EQ(json_field(l, "fd2"), w.fd2) << what;
    EXPECT_EQ(json_field(l, "f2"), w.file2) << what << ": " << workload_unhex(json_field(l, "f2"));
    EXPECT_EQ(json_field(l, "p"), w.path) << what << ": " << workload_unhex(json_field(l, "p"));
    EXPECT_EQ(json_field(l, "notice"), w.notice) << what;
  }

  // The console prints a two-fd row as 'source' -> 'destination'.
  std::size_t two_fd = 0;
  for (const auto& w : want) {
    if (w.fd2 == "-1") continue;
    ++two_fd;
    bool found = false;
    for (const auto& r : run.rows) {
      found = found || (r.tid == w.m->tid && r.name == w.m->name && r.ret == w.m->ret && r.two_names &&
                        r.file == workload_unhex(w.file) && r.new_file == workload_unhex(w.file2));
    }
    EXPECT_TRUE(found) << "no console row " << w.m->name << " '" << workload_unhex(w.file) << "' -> '" << workload_unhex(w.file2)
                       << "'\n"
                       << run.out;
  }
  EXPECT_EQ(two_fd, 9u);

  // The summary's files by bytes credit a transfer to both of its files:
  // the source, and the destination, which it makes as hot.
  std::map<std::string, std::uint64_t> transferred;
  for (const auto& w : want) {
    if (w.fd2 == "-1" || ret_type_of(w.m->name) != "2" || w.m->ret <= 0) continue;
    const auto bytes = static_cast<std::uint64_t>(w.m->ret);
    transferred[workload_unhex(w.file)] += bytes;
    if (w.file2 != w.file) transferred[workload_unhex(w.file2)] += bytes;
  }
  const std::string src = dir.path() + "/src";
  const std::string dst = dir.path() + "/dst";
  ASSERT_GT(transferred[dst], 0u);
  auto by_file = top_files_by_bytes(run.err);
  for (const auto& file : {src, dst}) {
    ASSERT_TRUE(by_file.count(file)) << file << " not in the summary's files by bytes:\n" << run.err;
    EXPECT_EQ(by_file[file][3], transferred[file]) << file << "\n" << run.err;
  }
  EXPECT_EQ(summary_value(run.err, "ring-buffer drops"), 0u);
}

// A server already waiting in accept when ior attaches: that accept's enter
// was never seen, so it makes no row, but its exit still names the
// connection's socket, whose read and close (at once, before ior could ask
// /proc) are rows naming it.
TEST(MovesE2E, AConnectionAcceptedByAWaitWhichBeganBeforeIorIsNamed) {
  using namespace std::chrono_literals;
  IOR_REQUIRE_ROOT();
  Subprocess server({WORKLOAD_BINARY, "acceptwait"});
  ASSERT_TRUE(server.wait_for_stderr("listening ", 10s)) << server.err();
  const int port = std::stoi(server.err().substr(server.err().find("listening ") + 10));
  usleep(100'000);  // well inside its accept by now
  Subprocess ior({IOR_BINARY, "-pid", std::to_string(server.pid()), "-duration", "60"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 30s)) << ior.err();

  const int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(c, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(write(c, "hello", 5), 5);
  ASSERT_EQ(server.wait(10s), 0) << server.err();
  close(c);
  usleep(300'000);  // the rows are read every 10 ms
  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(30s), 0) << ior.err();

  const auto manifest = parse_manifest(server.out());
  ASSERT_EQ(manifest.size(), 2u) << server.out();
  const auto rows = parse_console(ior.out());
  for (const auto& m : manifest) {
    const std::string name = workload_unhex(want_of(m).file);
    ASSERT_TRUE(name.starts_with("socket:[")) << name;
    bool found = false;
    for (const auto& r : rows) {
      if (r.name == m.name && r.ret == m.ret && static_cast<pid_t>(r.pid) == server.pid()) {
        found = true;
        EXPECT_EQ(r.file, name) << m.name;
        EXPECT_EQ(r.notice, "") << m.name;
      }
    }
    EXPECT_TRUE(found) << "no row " << m.name << " = " << m.ret << "\n" << ior.out();
  }
  // The accept itself: its enter came before ior, so no row.
  for (const auto& r : rows) EXPECT_NE(r.name, "accept4") << ior.out();
  EXPECT_EQ(summary_value(ior.err(), "ring-buffer drops"), 0u);
}

// A workload's JSON rows (the -json-file) and its manifest: for each
// manifest line in order, the next row of its thread, syscall and result.
// Empty (with a test failure) when one has no row.
struct JsonRun {
  std::vector<std::string> rows;  ///< every row of the file
  std::vector<ManifestLine> manifest;
  std::vector<std::string> matched;  ///< the row of each manifest line
  std::string err;                   ///< ior's standard error (the summary)
};

JsonRun trace_to_json(const std::vector<std::string>& workload, std::size_t manifest_lines) {
  TempDir out;
  const std::string json = out.path() + "/rows.json";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-json-file", json}, workload);
  JsonRun r;
  r.err = run.err;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  r.manifest = parse_manifest(run.workload_out);
  EXPECT_EQ(r.manifest.size(), manifest_lines) << run.workload_out;
  std::ifstream in(json);
  for (std::string l; std::getline(in, l);) r.rows.push_back(l);
  std::size_t i = 0;
  for (const auto& m : r.manifest) {
    while (i < r.rows.size() && !(json_field(r.rows[i], "tid") == std::to_string(m.tid) &&
                                  json_field(r.rows[i], "syscall_name") == m.name &&
                                  json_field(r.rows[i], "ret_value") == std::to_string(m.ret))) {
      ++i;
    }
    if (i == r.rows.size()) {
      ADD_FAILURE() << "no row for " << m.name << " = " << m.ret;
      r.matched.clear();
      return r;
    }
    r.matched.push_back(r.rows[i++]);
  }
  return r;
}

// The status flags of an open file description, end to end: F_SETFL through
// one fd shows in the rows of its dup and, made by a forked child, in the
// parent's rows, and ioctl FIONBIO and FIOASYNC (read
// in the kernel: their int is in user memory) set and clear O_NONBLOCK and
// O_ASYNC as F_SETFL does. The manifest's flags are what F_GETFL said right
// after each call. (The dup's row had kept the flags of the moment it was
// made, and FIONBIO was not followed at all.)
TEST(MovesE2E, StatusFlagsFollowFSetflThroughDupsAndFionbioAndFioasync) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const JsonRun run = trace_to_json({WORKLOAD_BINARY, "statusflags", dir.path()}, 7);
  for (std::size_t k = 0; k < run.matched.size(); ++k) {
    const auto& m = run.manifest[k];
    EXPECT_EQ(json_field(run.matched[k], "flags"), m.file) << m.name << " = " << m.ret << ": " << run.matched[k];
  }
}

// Renames made in mount namespaces of their own, end to end: one over a
// tmpfs that namespace mounted on the directory names nothing of the
// host's (its cwd and log keep their names), one on the file system both
// see moves the host's fd to the new name. (A user in a user and mount
// namespace of its own had renamed a root daemon's log and cwd in ior's
// rows: the text alone decided, and a namespace made with unshare -m has
// the host's root.)
TEST(MovesE2E, RenamesInAnotherMountNamespaceMoveOnlyTheFilesTheyRename) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const JsonRun run = trace_to_json({WORKLOAD_BINARY, "nsrename", dir.path()}, 3);
  bool hijack_seen = false;
  for (const auto& r : run.rows) {
    if (json_field(r, "syscall_name").starts_with("rename")) hijack_seen |= r.find("HIJACKED") != std::string::npos;
  }
  EXPECT_TRUE(hijack_seen) << "the other namespace's rename is a row too";
  for (std::size_t k = 0; k < run.matched.size(); ++k) {
    const auto& m = run.manifest[k];
    EXPECT_EQ(json_field(run.matched[k], "filename"), m.file) << m.name << " = " << m.ret << ": " << run.matched[k];
  }
}

// Syscalls a seccomp filter refuses, end to end: the kernel never runs
// their enter tracepoint, yet each one is a row (its arguments from the
// registers at its exit), naming its file and its EPERM, flagged
// enter-unseen with duration 0; the summary counts them as such. (They
// had no row at all, counted only as exits without an enter, and ior
// exited 0.)
TEST(MovesE2E, SyscallsASeccompFilterRefusesAreRowsToo) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const JsonRun run = trace_to_json({WORKLOAD_BINARY, "seccomp", dir.path(), "200"}, 201);
  ASSERT_EQ(run.matched.size(), 201u);
  for (std::size_t k = 0; k < run.matched.size(); ++k) {
    const auto& m = run.manifest[k];
    const std::string& row = run.matched[k];
    EXPECT_EQ(json_field(row, "filename"), m.file) << row;
    const bool refused = m.name == "pread64";
    EXPECT_EQ(m.ret, refused ? -EPERM : 0) << m.name;
    EXPECT_EQ(json_field(row, "notice"), refused ? "128" : "0") << row;
    if (refused) {
      EXPECT_EQ(json_field(row, "duration_ns"), "0") << row;
    }
  }
  EXPECT_NE(run.err.find("+ enter unseen "), std::string::npos) << run.err;
}

}  // namespace
}  // namespace ior::testing
