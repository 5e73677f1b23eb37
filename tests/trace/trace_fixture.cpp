#include "trace_fixture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "ior_event.h"

namespace ior::testing {
namespace {

// Indexed by the stable ids of syscalls.def; an unused id is "".
constexpr std::array<std::string_view, IOR_SC_COUNT> make_names() {
  std::array<std::string_view, IOR_SC_COUNT> names{};
#define IOR_SYSCALL(id, name, nr, cls, ret, fx, s0, s1, n0, n1, n2) names[id] = #name;
#include "syscalls.def"
#undef IOR_SYSCALL
  return names;
}
constexpr auto kNames = make_names();

std::string comm_of(const char* c) { return std::string(c, strnlen(c, IOR_COMM_LEN)); }

// The two strings after a fixed part of `fixed` bytes, which must be all the
// record holds: strings come with their exact lengths, no padding after.
bool take_strings(std::span<const std::byte> b, std::size_t fixed, std::size_t len0, std::size_t len1, Record& r) {
  if (b.size() != fixed + len0 + len1) return false;
  const char* s = reinterpret_cast<const char*>(b.data()) + fixed;
  r.str0.assign(s, len0);
  r.str1.assign(s + len0, len1);
  return true;
}

bool decode_enter(std::span<const std::byte> b, Record& r) {
  ior_enter_event e;
  if (b.size() < sizeof e) return false;
  std::memcpy(&e, b.data(), sizeof e);
  if (!take_strings(b, sizeof e, e.str_len[0], e.str_len[1], r)) return false;
  for (int i = 0; i < 3; ++i) r.args[i] = e.args[i];
  r.comm = comm_of(e.comm);
  r.str_flags = e.str_flags;
  return true;
}

bool decode_exit(std::span<const std::byte> b, Record& r) {
  ior_exit_event e;
  if (b.size() != sizeof e) return false;
  std::memcpy(&e, b.data(), sizeof e);
  r.ret = e.ret;
  return true;
}

bool decode_exit_fds(std::span<const std::byte> b, Record& r) {
  ior_exit_fds_event e;
  if (b.size() != sizeof e) return false;
  std::memcpy(&e, b.data(), sizeof e);
  r.ret = e.exit.ret;
  return true;
}

// An exit with the strings the enter could not read: exactly its strings follow.
bool decode_exit_str(std::span<const std::byte> b, Record& r) {
  ior_exit_str_event e;
  if (b.size() < sizeof e) return false;
  std::memcpy(&e, b.data(), sizeof e);
  if (e.pad[0] != 0 || e.pad[1] != 0 || !take_strings(b, sizeof e, e.str_len[0], e.str_len[1], r)) return false;
  r.ret = e.exit.ret;
  r.str_flags = e.str_flags;
  r.reread = e.reread;
  return true;
}

// The kernel pairs only syscalls without strings: the record has no tail.
bool decode_paired(std::span<const std::byte> b, Record& enter, Record& exit) {
  ior_paired_event e;
  if (b.size() != sizeof e) return false;
  std::memcpy(&e, b.data(), sizeof e);
  if (e.enter.str_len[0] != 0 || e.enter.str_len[1] != 0) return false;
  for (int i = 0; i < 3; ++i) enter.args[i] = e.enter.args[i];
  enter.comm = comm_of(e.enter.comm);
  enter.str_flags = e.enter.str_flags;
  enter.kind = IOR_EVENT_ENTER;
  enter.paired = true;
  exit.kind = IOR_EVENT_EXIT;
  exit.syscall = enter.syscall;
  exit.pid = enter.pid;
  exit.tid = enter.tid;
  exit.time_ns = e.exit_time_ns;
  exit.ret = e.ret;
  exit.paired = true;
  return true;
}

bool decode_task(std::span<const std::byte> b, Record& r) {
  ior_task_event e;
  if (b.size() != sizeof e) return false;
  std::memcpy(&e, b.data(), sizeof e);
  r.parent_pid = e.parent_pid;
  r.task_flags = e.flags;
  r.comm = comm_of(e.comm);
  return true;
}

// Fills r (and, for a paired record, second); returns how many records it
// decoded, 0 for a malformed one.
int decode(std::span<const std::byte> b, Record& r, Record& second) {
  ior_event_header h;
  if (b.size() < sizeof h) return 0;
  std::memcpy(&h, b.data(), sizeof h);
  r.kind = h.kind;
  r.syscall = h.syscall;
  r.pid = h.pid;
  r.tid = h.tid;
  r.time_ns = h.time_ns;
  if (h.reserved != 0) return 0;
  switch (h.kind) {
    case IOR_EVENT_PAIRED:
      return h.syscall > 0 && h.syscall < IOR_SC_COUNT && decode_paired(b, r, second) ? 2 : 0;
    case IOR_EVENT_ENTER:
      return h.syscall > 0 && h.syscall < IOR_SC_COUNT && decode_enter(b, r) ? 1 : 0;
    case IOR_EVENT_EXIT:
      return h.syscall > 0 && h.syscall < IOR_SC_COUNT && decode_exit(b, r) ? 1 : 0;
    case IOR_EVENT_EXIT_FDS:
      return h.syscall > 0 && h.syscall < IOR_SC_COUNT && decode_exit_fds(b, r) ? 1 : 0;
    case IOR_EVENT_EXIT_STR:
      return h.syscall > 0 && h.syscall < IOR_SC_COUNT && decode_exit_str(b, r) ? 1 : 0;
    case IOR_EVENT_FORK:
    case IOR_EVENT_TASK_EXIT:
    case IOR_EVENT_EXEC:
      return h.syscall == 0 && decode_task(b, r) ? 1 : 0;
    default:
      return 0;
  }
}

}  // namespace

std::string_view syscall_name(std::uint16_t id) { return id < IOR_SC_COUNT ? kNames[id] : ""; }

bool Record::is_enter() const { return kind == IOR_EVENT_ENTER; }
bool Record::is_exit() const {
  return kind == IOR_EVENT_EXIT || kind == IOR_EVENT_EXIT_FDS || kind == IOR_EVENT_EXIT_STR;
}
std::string_view Record::name() const { return syscall_name(syscall); }

void Collector::on_record(std::span<const std::byte> bytes) noexcept {
  ++seen;
  Record r, second;
  const int n = decode(bytes, r, second);
  if (n == 0) {
    ++malformed;
    return;
  }
  if (!keep || keep(r)) records.push_back(std::move(r));
  if (n == 2 && (!keep || keep(second))) records.push_back(std::move(second));
}

TreeCollector::TreeCollector(std::uint32_t root) : pids_{root} {
  keep = [this](const Record& r) {
    if (r.kind == IOR_EVENT_FORK && pids_.count(r.parent_pid)) pids_.insert(r.pid);
    return pids_.count(r.pid) > 0;
  };
}

HeldChild::HeldChild(std::vector<std::string> argv) {
  int gate[2], out[2];
  if (pipe2(gate, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Only async-signal-safe calls here; poll() is not a traced syscall, so
    // nothing is half-done (an enter without exit) when tracing starts.
    ::close(gate[1]);
    dup2(out[1], STDOUT_FILENO);
    struct pollfd p = {gate[0], POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    execv(args[0], args.data());
    _exit(127);
  }
  ::close(gate[0]);
  ::close(out[1]);
  gate_ = gate[1];
  out_ = out[0];
}

HeldChild::~HeldChild() {
  if (gate_ >= 0) ::close(gate_);
  if (out_ >= 0) ::close(out_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void HeldChild::release() {
  ::close(gate_);
  gate_ = -1;
}

std::string HeldChild::finish() {
  if (gate_ >= 0) release();
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "workload status " << status;
  return text;
}

trace::TracerOptions this_thread_only() {
  trace::TracerOptions o;
  o.self_pid = 0;  // the test process is the traced one
  o.pid = static_cast<std::uint32_t>(getpid());
  o.tid = static_cast<std::uint32_t>(syscall(SYS_gettid));
  o.ring_bytes = 1u << 20;
  return o;
}

}  // namespace ior::testing
