#include "cli/target_watch.hpp"

#include <dirent.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "base/error.hpp"
#include "trace/tracer.hpp"

namespace ior::cli {
namespace {

constexpr std::uint64_t kProcCheckNs = 1'000'000'000;

struct ProcStat {
  char state = 0;
  std::uint32_t ppid = 0;
};

// /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and
// parentheses, so the fields after it start after the last ')'.
bool read_stat(const std::string& proc_root, std::uint32_t pid, ProcStat& out) {
  std::ifstream in(proc_root + "/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos || close + 4 > text.size()) return false;
  std::istringstream rest(text.substr(close + 2));
  long ppid = 0;
  if (!(rest >> out.state >> ppid) || ppid < 0) return false;
  out.ppid = static_cast<std::uint32_t>(ppid);
  return true;
}

std::optional<std::uint32_t> pid_of_name(const char* name) {
  std::uint32_t v = 0;
  const char* end = name + std::char_traits<char>::length(name);
  auto [p, ec] = std::from_chars(name, end, v);
  if (ec != std::errc() || p != end || v == 0) return std::nullopt;
  return v;
}

// The Tgid line of /proc/PID/status: the process a thread id belongs to.
std::optional<std::uint32_t> process_of(const std::string& proc_root, std::uint32_t pid) {
  std::ifstream in(proc_root + "/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Tgid:", 0) != 0) continue;
    long v = std::strtol(line.c_str() + 5, nullptr, 10);
    if (v > 0) return static_cast<std::uint32_t>(v);
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::uint32_t> descendants_in_proc(const std::string& proc_root, std::uint32_t root) {
  std::unordered_multimap<std::uint32_t, std::uint32_t> children;
  if (DIR* d = ::opendir(proc_root.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      auto pid = pid_of_name(e->d_name);
      ProcStat st;
      if (pid && read_stat(proc_root, *pid, st)) children.emplace(st.ppid, *pid);
    }
    ::closedir(d);
  }
  std::unordered_set<std::uint32_t> seen = {root};  // pid reuse could make a cycle
  std::vector<std::uint32_t> out;
  std::vector<std::uint32_t> todo = {root};
  while (!todo.empty()) {
    std::uint32_t p = todo.back();
    todo.pop_back();
    auto [b, e] = children.equal_range(p);
    for (auto it = b; it != e; ++it) {
      if (!seen.insert(it->second).second) continue;
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

bool exited_in_proc(const std::string& proc_root, std::uint32_t pid) {
  ProcStat st;
  if (!read_stat(proc_root, pid, st)) return true;
  return st.state == 'Z' || st.state == 'X' || st.state == 'x';
}

TargetWatch::TargetWatch(std::uint32_t pid, bool follow, std::string proc_root)
    : pid_(pid), follow_(follow), proc_root_(std::move(proc_root)) {
  // /proc also answers for a thread's id; the kernel filters on process ids.
  if (auto tgid = process_of(proc_root_, pid_); tgid && *tgid != pid_) {
    throw UsageError("flag -pid: " + std::to_string(pid_) + " is a thread of process " + std::to_string(*tgid) +
                     " (use -pid " + std::to_string(*tgid) + ", or -tid " + std::to_string(pid_) + ")");
  }
  if (follow_) {
    if (exited_in_proc(proc_root_, pid_)) throw UsageError("flag -pid: no process " + std::to_string(pid_));
    unsure_.push_back(pid_);
    return;
  }
  pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  if (!pidfd_) {
    if (errno == ESRCH) throw UsageError("flag -pid: no process " + std::to_string(pid_));
    throw SystemError("cannot watch process " + std::to_string(pid_), errno);
  }
}

std::vector<std::uint32_t> TargetWatch::follow_running_descendants(trace::Tracer& tracer) {
  std::vector<std::uint32_t> added;
  const auto self = static_cast<std::uint32_t>(::getpid());  // ior never ends while it runs
  for (std::uint32_t d : descendants_in_proc(proc_root_, pid_)) {
    if (d != self && tracer.follow(d)) {
      unsure_.push_back(d);
      added.push_back(d);
    }
  }
  return added;
}

bool TargetWatch::all_exited(trace::Tracer& tracer, std::uint64_t now_ns) {
  if (!follow_) {
    struct pollfd p {pidfd_.get(), POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  if (tracer.followed_count() == 0) return true;
  if (now_ns < next_check_ns_ || unsure_.empty()) return false;
  next_check_ns_ = now_ns + kProcCheckNs;
  std::erase_if(unsure_, [&](std::uint32_t p) {
    if (!tracer.is_followed(p)) return true;  // the kernel saw it exit
    if (!exited_in_proc(proc_root_, p)) return false;
    tracer.unfollow(p);
    return true;
  });
  return tracer.followed_count() == 0;
}

}  // namespace ior::cli
