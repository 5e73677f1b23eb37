#include "event/cgroup_names.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "event/container_id.hpp"

namespace ior::event {
namespace {

// cgroup2 (kernfs) file handles: type FILEID_KERNFS, 8 bytes holding the
// node id, which is the id bpf_get_current_cgroup_id() returns.
constexpr int kFileIdKernfs = 0xfe;

// Per-entry overhead besides the two strings' bytes: the node, its bucket,
// two string headers and malloc headers (estimated).
constexpr std::size_t kEntryBytes = 128;

std::string read_text(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string cgroup2_mount_point(std::string_view mountinfo) {
  while (!mountinfo.empty()) {
    std::size_t eol = mountinfo.find('\n');
    std::string_view line = mountinfo.substr(0, eol);
    mountinfo = eol == std::string_view::npos ? std::string_view() : mountinfo.substr(eol + 1);
    // "id parent maj:min root mount-point options [optional...] - fstype source super-options"
    std::size_t dash = line.find(" - ");
    if (dash == std::string_view::npos || !line.substr(dash + 3).starts_with("cgroup2 ")) continue;
    std::string_view f = line;
    for (int skip = 0; skip < 4; ++skip) {
      std::size_t sp = f.find(' ');
      if (sp == std::string_view::npos) return "";
      f.remove_prefix(sp + 1);
    }
    return unescape(f.substr(0, f.find(' ')));
  }
  return "";
}

CgroupNames::CgroupNames(CgroupNamesOptions options) : options_(std::move(options)) {
  mount_point_ = options_.mount_point.empty() ? cgroup2_mount_point(read_text("/proc/self/mountinfo"))
                                              : options_.mount_point == "-" ? "" : options_.mount_point;
  if (!mount_point_.empty()) {
    mount_fd_.reset(::open(mount_point_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!mount_fd_) mount_point_.clear();
  }
  names_.reserve(256);
}

const CgroupName& CgroupNames::lookup(std::uint64_t id) {
  if (id == 0) return unknown_;
  if (id == last_id_ && last_ != nullptr) return *last_;
  auto it = names_.find(id);
  if (it == names_.end()) {
    CgroupName name = resolve(id);
    ++stats_.resolved;
    if (name.path.empty()) ++stats_.unresolved;
    std::size_t add = kEntryBytes + name.path.size() + name.container_id.size();
    if (names_.size() >= options_.max_entries || bytes_ + add > options_.max_bytes) {
      names_.clear();
      bytes_ = 0;
      ++stats_.cache_resets;
    }
    it = names_.emplace(id, std::move(name)).first;
    bytes_ += add;
  }
  last_id_ = id;
  last_ = &it->second;
  return it->second;
}

CgroupName CgroupNames::resolve(std::uint64_t id) const {
  CgroupName out;
  if (!mount_fd_) return out;
  // struct file_handle ends in a flexible array: build it in aligned bytes.
  alignas(file_handle) unsigned char buf[sizeof(file_handle) + sizeof id] = {};
  auto* fh = reinterpret_cast<file_handle*>(buf);
  fh->handle_bytes = sizeof id;
  fh->handle_type = kFileIdKernfs;
  std::memcpy(buf + sizeof(file_handle), &id, sizeof id);
  UniqueFd dir(::open_by_handle_at(mount_fd_.get(), fh, O_PATH | O_CLOEXEC));
  if (!dir) return out;
  char target[4096];
  std::string link = "/proc/self/fd/" + std::to_string(dir.get());
  ssize_t len = ::readlink(link.c_str(), target, sizeof target);
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof target) return out;
  std::string_view path(target, static_cast<std::size_t>(len));
  // The path as /proc/PID/cgroup prints it: relative to the cgroup2 root.
  if (!path.starts_with(mount_point_)) return out;
  path.remove_prefix(mount_point_.size());
  if (!path.empty() && path.front() != '/') return out;  // a sibling sharing the mount point's prefix
  out.path = path.empty() ? "/" : std::string(path);
  out.container_id = std::string(container_id_of(out.path));
  return out;
}

}  // namespace ior::event
