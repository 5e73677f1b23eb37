// ior against strace, a tracer that has nothing in common with it (ptrace,
// not BPF; names from /proc, not an fd table of its own): the same shell
// script of real programs (cp, tar, find, cat, ln, dd, gzip, sha256sum, a
// two-thread xz, mv, rm) runs once under
// `strace -f` and once under `ior --`, from the same starting state. For
// every syscall both trace, each call must be in both with the same result
// on the same file: the multisets of (syscall, return value, file) are equal.
//
// Normalised only where the two tools name one thing two ways: strace
// resolves symlinks through /proc (ior keeps the path as written: the
// script's one symlinked directory and the system's /lib are mapped to
// their targets), the inode numbers of pipes, sockets and O_TMPFILE files
// differ from run to run, and so does mmap's address (only whether it failed is compared).
// Anonymous memory is left out (anonymous_memory below).

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reader_runner.hpp"
#include "subprocess.hpp"
#include "workload_manifest.hpp"
#include "event/syscall_table.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;

// strace's name for each of ior's syscalls (the kernel's entry names differ
// for four), each behind "?" so that a syscall this strace does not know is
// no error.
std::string strace_syscall_list() {
  std::string list;
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    std::string name(event::syscall_name(id));
    if (name.empty()) continue;
    if (name == "newstat") name = "stat";
    if (name == "newlstat") name = "lstat";
    if (name == "newfstat") name = "fstat";
    if (name == "sendfile64") name = "sendfile";
    list += (list.empty() ? "?" : ",?") + name;
  }
  return list;
}

std::string ior_syscall_name(std::string name) {
  if (name == "newstat") return "stat";
  if (name == "newlstat") return "lstat";
  if (name == "newfstat") return "fstat";
  if (name == "sendfile64") return "sendfile";
  return name;
}

std::map<std::string, int> errno_numbers() {
  std::map<std::string, int> by_name;
  for (int e = 1; e < 200; ++e) {
    if (const char* n = strerrorname_np(e)) by_name.emplace(n, e);
  }
  return by_name;
}

std::string clean(const std::string& path) {
  std::string s = std::filesystem::path(path).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// One file named two ways by the two tools becomes one name.
std::string normal_name(std::string n) {
  static const std::regex kInode(R"(^(pipe|socket):\[\d+\]$)");
  n = std::regex_replace(n, kInode, "$1:[]");
  static const std::regex kTmpfileInode(R"(/#\d+( \(deleted\))?$)");  // O_TMPFILE's DIR/#INODE
  n = std::regex_replace(n, kTmpfileInode, "/#");
  constexpr std::string_view kDeleted = " (deleted)";
  if (n.size() > kDeleted.size() && n.ends_with(kDeleted)) n.resize(n.size() - kDeleted.size());
  if (n.starts_with("/memfd:")) n.erase(0, 1);  // /proc's link text; ior names it as /proc/PID/fd lists it
  if (n.empty() || n.front() != '/') return n;
  n = clean(n);
  if (n.starts_with("/proc/")) return n;  // /proc/self is the test itself here
  char real[PATH_MAX];
  if (realpath(n.c_str(), real) != nullptr) return real;
  // Gone by now (the script removes what it made): its directory may be left.
  const auto slash = n.rfind('/');
  if (slash != 0 && slash != std::string::npos && realpath(n.substr(0, slash).c_str(), real) != nullptr) {
    return std::string(real) + n.substr(slash);
  }
  return n;
}

// What each row says, as "syscall ret file".
using Calls = std::map<std::string, int>;

// Anonymous memory (mmap without a file, munmap, mremap): how often a
// multi-threaded program's malloc maps and trims its arenas depends on
// timing, not on the files it works with, so these are not compared.
bool anonymous_memory(const std::string& syscall, const std::string& file) {
  return (syscall == "mmap" && file.empty()) || syscall == "munmap" || syscall == "mremap";
}

std::string call_key(const std::string& syscall, long long ret, const std::string& file) {
  const bool address = syscall == "mmap" || syscall == "mremap";
  const std::string r = address && !(ret < 0 && ret >= -4095) ? "address" : std::to_string(ret);
  // strace (6.1) prints no name for the fd open_by_handle_at returns (its
  // file is compared through the later rows of that fd) nor for
  // close_range's first fd, a bound of the range to it.
  if (syscall == "open_by_handle_at" || syscall == "close_range") return syscall + " " + r;
  return syscall + " " + r + " " + normal_name(file);
}

// The calls of one strace -ff file: one process. Its cwd is followed from
// `start` through chdir and fchdir, and its fds from the names strace gives
// them, to make its relative names and its /proc/self/fd/N links absolute
// as ior does.
void parse_strace_file(const std::string& path, const std::string& start, const std::set<std::string>& path_syscalls,
                       const std::map<std::string, int>& errnos, Calls& calls, std::string& unparsed,
                       std::set<std::string>& undecoded) {
  static const std::regex kLine(R"(^([a-z0-9_]+)\((.*)\)\s+= (0x[0-9a-f]+|-?\d+)(?:<([^>]*)>)?(?: ([A-Z0-9]+) \(.*\))?.*$)");
  static const std::regex kFirstFd(R"(^(-?\d+)<([^>]*)>)");
  static const std::regex kAnyFd(R"((?:^|, |\[)(\d+)<([^>]*)>)");
  // strace 6.1 writes a deleted file's fd as N</path>(deleted).
  static const std::regex kPathArgs(R"re(^(?:(AT_FDCWD|-?\d+)(?:<([^>]*)>(?:\(deleted\))?)?, )?(?:"([^"]*)"|NULL))re");
  static const std::regex kSelfFd(R"(^/proc/self/fd/(\d+)(/.*)?$)");
  std::ifstream in(path);
  std::string line;
  std::string cwd = start;
  const std::string own_proc = "/proc/" + path.substr(path.rfind('.') + 1) + "/";  // strace -ff: PREFIX.PID
  std::map<std::string, std::string> fds;
  while (std::getline(in, line)) {
    // The data strace prints for reads and writes makes long lines, which
    // std::regex matches recursively, one frame per character: only the
    // first arguments and the result are needed.
    if (const auto result = line.rfind(") = "); line.size() > 1024 && result != std::string::npos && result > 512) {
      line = line.substr(0, 512) + "...\"" + line.substr(result);
    }
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) {
      if (line.find("+++") == std::string::npos) unparsed += line + "\n";
      continue;
    }
    std::string name = m[1];
    const std::string args = m[2];
    const std::string ret_text = m[3];
    long long ret = ret_text.starts_with("0x") ? static_cast<long long>(std::stoull(ret_text, nullptr, 16))
                                               : std::stoll(ret_text);
    if (ret == -1 && m[5].matched) ret = -errnos.at(m[5]);
    // A syscall newer than this strace (6.1: file_getattr, 6.17) is
    // printed as syscall_0xNR with its arguments as numbers: compared by
    // name and result only.
    if (name.starts_with("syscall_0x")) {
      const int nr = std::stoi(name.substr(10), nullptr, 16);
      for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
        if (event::syscall_info(id).unified_nr == nr) name = ior_syscall_name(std::string(event::syscall_info(id).name));
      }
      undecoded.insert(name);
      ++calls[name + " " + std::to_string(ret) + " "];
      continue;
    }
    for (auto it = std::sregex_iterator(args.begin(), args.end(), kAnyFd); it != std::sregex_iterator(); ++it) {
      fds[(*it)[1]] = (*it)[2];
    }
    std::string file;
    if (m[4].matched) fds[ret_text] = m[4];
    // Where ior's row takes its file from when strace prints it elsewhere:
    // accept's listening socket (not the new one), sendfile's source (its
    // second argument), mount's target (its second), the first of the fds
    // pipe2 and socketpair wrote.
    static const std::regex kSecondFd(R"(^-?\d+<[^>]*>, (-?\d+)<([^>]*)>)");
    static const std::regex kWrittenFd(R"(\[(\d+)<([^>]*)>)");
    static const std::regex kSecondString(R"re(^[^,]*, "([^"]*)")re");
    std::smatch x;
    if ((name == "accept" || name == "accept4") && std::regex_search(args, x, kFirstFd)) {
      file = x[2];
    } else if (name == "sendfile" && std::regex_search(args, x, kSecondFd)) {
      file = x[2];
    } else if (name == "mount" && std::regex_search(args, x, kSecondString)) {
      file = x[1];
    } else if ((name == "pipe" || name == "pipe2" || name == "socketpair") && std::regex_search(args, x, kWrittenFd)) {
      file = x[2];
    } else if (m[4].matched) {
      file = m[4];  // the fd it returned, as /proc names it
    } else if (path_syscalls.count(name)) {
      std::smatch p;
      if (std::regex_search(args, p, kPathArgs)) {
        const std::string dir = p[2].matched ? std::string(p[2]) : cwd;
        const std::string s = p[3];  // C-escaped by strace: the script's names need none
        file = !p[3].matched || s.empty() ? dir : s.front() == '/' ? s : dir + "/" + s;
      }
      // Through the process's own fd link to the fd's file, where the kernel
      // follows it: not as the last component of a call on the link itself.
      static const std::set<std::string> kOnTheLink = {"readlink", "readlinkat", "lstat", "lchown", "unlink",
                                                       "unlinkat", "rmdir",      "rename", "renameat", "renameat2"};
      std::smatch link;
      if (std::regex_match(file, link, kSelfFd) && fds.count(link[1]) && (link[2].length() > 0 || !kOnTheLink.count(name))) {
        file = fds[link[1]] + std::string(link[2]);
      }
    } else if (name == "mmap") {
      std::smatch f;  // the fd is the fifth argument; the kernel ignores it for an anonymous map
      if (args.find("MAP_ANONYMOUS") == std::string::npos && std::regex_search(args, f, kAnyFd)) file = f[2];
    } else {
      std::smatch f;
      if (std::regex_search(args, f, kFirstFd)) file = f[2];
    }
    if (ret == 0 && (name == "chdir" || name == "fchdir")) cwd = clean(file);
    // strace names an fd of /proc/self/maps by the pid it stood for; ior
    // keeps /proc/self as written (docs/ARCHITECTURE.md, "Absolute paths").
    if (file.starts_with(own_proc)) file = "/proc/self/" + file.substr(own_proc.size());
    if (!anonymous_memory(name, file)) ++calls[call_key(name, ret, file)];
  }
}

std::set<std::string> path_class_syscalls() {
  std::set<std::string> names;
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    const auto& info = event::syscall_info(id);
    if (info.name.empty()) continue;
    if (info.cls == IOR_CLASS_OPEN || info.cls == IOR_CLASS_PATH || info.cls == IOR_CLASS_NAME) {
      names.insert(ior_syscall_name(std::string(info.name)));
    }
  }
  return names;
}

// ior keeps a path through a symlink as written, strace gives where it
// leads: ior's names through the script's one symlink (link -> target) are
// compared as the target's.
Calls parse_ior_json(const std::string& path, const std::string& link, const std::string& target) {
  Calls calls;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::string file = json_field(line, "filename");
    if (file.empty()) file = json_field(line, "pathname");
    if (file.empty()) file = json_field(line, "oldname");
    if (file.starts_with(link + "/")) file = target + file.substr(link.size());
    const std::string name = ior_syscall_name(json_field(line, "syscall_name"));
    if (!anonymous_memory(name, file)) ++calls[call_key(name, std::stoll(json_field(line, "ret_value")), file)];
  }
  return calls;
}

// What is in a and not in b, one line each ("N x key").
std::string missing_from(const Calls& a, const Calls& b) {
  std::ostringstream out;
  for (const auto& [key, n] : a) {
    auto it = b.find(key);
    const int have = it == b.end() ? 0 : it->second;
    if (n > have) out << "  " << (n - have) << " x " << key << "\n";
  }
  return out.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Both tracers' calls of one command, run from the state `reset` makes.
struct BothTraces {
  Calls by_strace;
  Calls by_ior;
  std::size_t processes = 0;
  int strace_calls = 0;
  std::string unparsed;
  std::set<std::string> undecoded;  ///< syscalls strace printed by number only
};

BothTraces trace_both(const std::vector<std::string>& command, const std::string& reset, const std::string& cwd,
                      const std::string& out, const std::string& link = "", const std::string& target = "") {
  BothTraces both;
  EXPECT_EQ(system(reset.c_str()), 0);
  std::vector<std::string> argv = {"/usr/bin/strace", "-ff", "-qq", "-y", "-s", "256", "-e", "signal=none", "-e",
                                   "trace=" + strace_syscall_list(), "-o", out + "/strace"};
  argv.insert(argv.end(), command.begin(), command.end());
  Subprocess strace(argv);
  EXPECT_EQ(strace.wait(120s), 0) << strace.err();

  EXPECT_EQ(system(reset.c_str()), 0);
  const std::string json = out + "/ior.json";
  argv = {IOR_BINARY, "-quiet", "-json-file", json, "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  Subprocess ior(argv);
  EXPECT_EQ(ior.wait(120s), 0) << ior.err();

  const auto errnos = errno_numbers();
  const auto path_syscalls = path_class_syscalls();
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    if (entry.path().filename().string().rfind("strace.", 0) != 0) continue;
    ++both.processes;
    parse_strace_file(entry.path(), cwd, path_syscalls, errnos, both.by_strace, both.unparsed, both.undecoded);
  }
  both.by_ior = parse_ior_json(json, link, target);
  // ior's rows of the syscalls strace could not decode: by name and result.
  Calls by_ior;
  for (const auto& [key, n] : both.by_ior) {
    const auto name_end = key.find(' ');
    const auto ret_end = key.find(' ', name_end + 1);
    by_ior[both.undecoded.contains(key.substr(0, name_end)) ? key.substr(0, ret_end + 1) : key] += n;
  }
  both.by_ior = std::move(by_ior);
  for (const auto& [key, n] : both.by_strace) both.strace_calls += n;
  return both;
}

// Every strace line understood, and the two traces the same calls.
void expect_agreement(const BothTraces& both) {
  EXPECT_EQ(both.unparsed, "");
  EXPECT_EQ(missing_from(both.by_strace, both.by_ior), "") << "in strace's trace, not in ior's";
  EXPECT_EQ(missing_from(both.by_ior, both.by_strace), "") << "in ior's trace, not in strace's";
}

bool strace_installed() { return access("/usr/bin/strace", X_OK) == 0; }

#define IOR_REQUIRE_STRACE()                                                          \
  do {                                                                                \
    if (!strace_installed()) {                                                        \
      if (in_ci()) FAIL() << "strace is not installed (scripts/packages-test.txt)";  \
      GTEST_SKIP() << "strace is not installed";                                      \
    }                                                                                 \
  } while (0)

// The test workload in one of its modes, in a directory of its own, traced
// by both.
BothTraces trace_workload(const std::string& mode) {
  TempDir work;
  TempDir out;
  const std::string d = work.path();
  return trace_both({WORKLOAD_BINARY, mode, d}, "rm -rf " + d + "/*", "/", out.path());
}

TEST(StraceAgreementE2E, RealProgramsMakeTheSameCallsWithTheSameResultsOnTheSameFiles) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_STRACE();
  TempDir work;
  TempDir out;
  const std::string d = work.path();
  // A small tree of real files for the programs to copy, pack and read.
  std::filesystem::create_directories(d + "/src/sub");
  for (int i = 0; i < 6; ++i) {
    write_file(d + "/src/f" + std::to_string(i), std::string(static_cast<std::size_t>(1000 * i + 17), char('a' + i)));
  }
  write_file(d + "/src/sub/deep.txt", "deep\n");
  const std::string reset = "rm -rf " + d + "/x " + d + "/y " + d + "/z " + d + "/x.tar " + d + "/list " + d + "/yl " + d + "/x.dd " + d + "/x.dd.gz " + d + "/big " + d + "/big.xz " + d + "/big2";
  const std::string script = "set -e; cd " + d + "; cp -r " + d + "/src x; tar cf x.tar x; mkdir y; tar xf x.tar -C y; find " +
                             d + " -type f > list; cat list x/f3 > /dev/null; ln -s y yl; cat yl/x/sub/deep.txt > /dev/null; " +
                             "dd if=x/f5 of=x.dd bs=1024 conv=fsync status=none; gzip -kn x.dd; sha256sum x.dd x.dd.gz >> list; " +
                             "seq 1 300000 > big; xz -T2 -k -0 big; xz -dc big.xz > big2; cmp big big2; " +
                             "mv y z; rm -r z x yl x.dd x.dd.gz big big.xz big2";
  // Every process of the script starts in d: the shell's cd comes first.
  const BothTraces both = trace_both({"/bin/sh", "-c", script}, reset, d, out.path(), d + "/yl", d + "/y");
  // cp, tar (twice), mkdir, find, cat (twice), ln, dd, gzip, sha256sum, seq, xz (twice,
  // the first with a thread per CPU of two), mv, rm and the shell.
  EXPECT_GE(both.processes, 17u);
  EXPECT_GT(both.strace_calls, 500);
  expect_agreement(both);
}

// The test workload's syscalls that make fds without a path or move bytes
// between two (pipes, sockets, memfds, epoll sets, eventfds, sendfile,
// splice, mounts in a namespace of its own): every fd named as /proc names
// it, the way strace shows it.
TEST(StraceAgreementE2E, FdsWithoutPathsAreNamedAsStraceNamesThem) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_STRACE();
  const BothTraces both = trace_workload("moves");
  EXPECT_EQ(both.processes, 1u);
  EXPECT_GT(both.strace_calls, 60);
  expect_agreement(both);
}

// The end-to-end scenario of the test workload: every class of syscall
// (opens and paths relative to dirfds, reads and writes of every kind, dups,
// fcntl, renames of open files, close_range, failures).
TEST(StraceAgreementE2E, TheWorkloadScenarioAgrees) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_STRACE();
  const BothTraces both = trace_workload("scenario");
  EXPECT_GT(both.strace_calls, 60);
  expect_agreement(both);
}

}  // namespace
}  // namespace ior::testing
