#include "event/proc_fd_lookup.hpp"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <string_view>

#include "base/unique_fd.hpp"

namespace ior::event {
namespace {

// The entries of a /proc directory named by numbers (fds, thread ids), at
// most max of them; empty when the directory is gone.
template <class Number>
std::vector<Number> numbered_entries(const std::string& dir, std::size_t max) {
  std::vector<Number> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    if (out.size() >= max) break;
    std::string_view n = e->d_name;
    Number v{};
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
    if (ec == std::errc() && end == n.data() + n.size()) out.push_back(v);  // /proc names them without a sign
  }
  ::closedir(d);
  return out;
}

// The "flags:" line of /proc/PID/fdinfo/N: the file's O_* flags in octal.
// Anything unreadable or malformed gives 0 (flags unknown), never an error.
std::int32_t fdinfo_flags(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  char buf[512];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0) return 0;
  std::string_view text(buf, static_cast<std::size_t>(n));
  constexpr std::string_view kKey = "flags:";
  std::size_t at = text.find(kKey);
  if (at == std::string_view::npos) return 0;
  text.remove_prefix(at + kKey.size());
  while (!text.empty() && (text.front() == '\t' || text.front() == ' ')) text.remove_prefix(1);
  std::uint32_t flags = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), flags, 8);
  return ec == std::errc() ? static_cast<std::int32_t>(flags) : 0;
}

// The kernel keeps O_LARGEFILE in every file's flags on 64-bit hosts
// (force_o_largefile), though no process passed it; fdinfo shows it. Its
// value differs by architecture, and the C library's O_LARGEFILE is 0 there.
#if defined(__x86_64__)
constexpr std::int32_t kKernelLargefile = 0100000;
#elif defined(__aarch64__)
constexpr std::int32_t kKernelLargefile = 0400000;
#else
constexpr std::int32_t kKernelLargefile = 0;
#endif

// /proc names a memfd "/memfd:NAME (deleted)": the name ior gives it when
// it sees memfd_create is "memfd:NAME", so that one query finds both.
void name_memfd_as_traced(std::string& name) {
  constexpr std::string_view kPrefix = "/memfd:", kSuffix = " (deleted)";
  if (name.size() > kPrefix.size() + kSuffix.size() && name.starts_with(kPrefix) && name.ends_with(kSuffix)) {
    name = name.substr(1, name.size() - 1 - kSuffix.size());
  }
}

std::optional<std::string> directory_link(const std::string& link) {
  char target[4096];
  ssize_t len = ::readlink(link.c_str(), target, sizeof target);
  // A full buffer may be a cut path: readlink does not say.
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof target) return std::nullopt;
  return std::string(target, static_cast<std::size_t>(len));
}

}  // namespace

std::optional<ProcFd> ProcFdLookup::lookup(std::uint32_t pid, std::int32_t fd) const {
  if (fd < 0) return std::nullopt;
  std::string base = root_ + "/" + std::to_string(pid);
  std::string n = std::to_string(fd);
  char target[4096];
  ssize_t len = ::readlink((base + "/fd/" + n).c_str(), target, sizeof target);
  if (len <= 0) return std::nullopt;
  ProcFd out;
  out.name.assign(target, static_cast<std::size_t>(len));
  name_memfd_as_traced(out.name);
  out.flags = fdinfo_flags(base + "/fdinfo/" + n) & ~kKernelLargefile;
  return out;
}

std::optional<std::string> ProcFdLookup::cwd(std::uint32_t pid) const {
  return directory_link(root_ + "/" + std::to_string(pid) + "/cwd");
}

std::optional<std::string> ProcFdLookup::thread_cwd(std::uint32_t pid, std::uint32_t tid) const {
  return directory_link(root_ + "/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/cwd");
}

std::vector<std::int32_t> ProcFdLookup::open_fds(std::uint32_t pid, std::size_t max) const {
  return numbered_entries<std::int32_t>(root_ + "/" + std::to_string(pid) + "/fd", max);
}

std::vector<std::uint32_t> ProcFdLookup::thread_ids(std::uint32_t pid, std::size_t max) const {
  return numbered_entries<std::uint32_t>(root_ + "/" + std::to_string(pid) + "/task", max);
}

std::vector<std::uint32_t> ProcFdLookup::process_ids(std::size_t max) const {
  return numbered_entries<std::uint32_t>(root_, max);
}

bool ProcFdLookup::thread_exists(std::uint32_t pid, std::uint32_t tid) const {
  std::string path = root_ + "/" + std::to_string(pid) + "/task/" + std::to_string(tid);
  return ::access(path.c_str(), F_OK) == 0;
}

bool ProcFdLookup::process_exists(std::uint32_t pid) const {
  return ::access((root_ + "/" + std::to_string(pid)).c_str(), F_OK) == 0;
}

std::optional<RootId> ProcFdLookup::dir_id(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  return RootId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

std::optional<std::uint32_t> ProcFdLookup::mnt_ns(std::uint32_t pid) const {
  struct stat st {};
  const std::string path = root_ + "/" + std::to_string(pid) + "/ns/mnt";
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<std::uint32_t>(st.st_ino);  // the namespace's inum
}

bool ProcFdLookup::same_file(std::uint32_t pid, std::string_view name, std::string_view held) const {
  const std::string dir = root_ + "/" + std::to_string(pid) + "/";
  std::string named = dir + "root";
  named += name;
  std::string holder = dir;
  holder += held;
  struct stat by_name {}, by_holder {};
  if (::stat(named.c_str(), &by_name) != 0 || ::stat(holder.c_str(), &by_holder) != 0) return false;
  return by_name.st_dev == by_holder.st_dev && by_name.st_ino == by_holder.st_ino;
}

std::optional<RootId> ProcFdLookup::root_id(std::uint32_t pid) const {
  struct stat st {};
  const std::string path = root_ + "/" + std::to_string(pid) + "/root";
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return RootId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace ior::event
