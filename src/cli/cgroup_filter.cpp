#include "cli/cgroup_filter.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/error.hpp"

namespace ior::cli {
namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC, linux/magic.h

[[noreturn]] void bad_cgroup(const std::string& text, const std::string& why) {
  throw UsageError("flag -cgroup: \"" + text + "\" " + why);
}

// mountinfo writes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool octal = true;
      for (std::size_t k = 1; k <= 3; ++k) {
        char c = s[i + k];
        if (c < '0' || c > '7') octal = false;
        v = v * 8 + (c - '0');
      }
      if (octal) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::uint32_t uid_of(std::string_view item) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
  if (ec == std::errc() && p == item.data() + item.size()) {
    // (uid_t)-1 is no one's: setuid(-1) means "unchanged" and the kernel
    // gives it to no task, so it would match nothing.
    if (v == UINT32_MAX) throw UsageError("flag -uid: 4294967295 is no user id ((uid_t)-1)");
    return v;
  }
  std::string name(item);
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwnam_r(name.c_str(), &pw, buf, sizeof buf, &found) != 0 || found == nullptr) {
    throw UsageError("flag -uid: \"" + name + "\" is neither a user id nor a user name");
  }
  return found->pw_uid;
}

}  // namespace

std::string cgroup2_mount(const std::string& mountinfo) {
  // "36 25 0:30 / /sys/fs/cgroup rw,... shared:9 - cgroup2 cgroup2 rw,...":
  // the mount point is field 5, the type the first field after " - ".
  std::ifstream in(mountinfo);
  for (std::string line; std::getline(in, line);) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string f, point;
    for (int i = 0; i < 5 && fields >> f; ++i) point = f;
    return unescape_octal(point);
  }
  return "";
}

CgroupTarget open_cgroup(const std::string& text, const std::string& mountinfo) {
  if (text.empty() || text[0] != '/') bad_cgroup(text, "is not an absolute path");
  const std::string mount = cgroup2_mount(mountinfo);
  if (mount.empty()) throw UsageError("flag -cgroup: no cgroup v2 hierarchy is mounted (cgroup v1 is not supported)");
  // The path itself when it is a cgroup v2 directory, else relative to the mount.
  CgroupTarget t;
  for (const std::string& candidate : {text, mount + (text == "/" ? "" : text)}) {
    UniqueFd dir(::open(candidate.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    struct statfs fs {};
    if (dir && ::fstatfs(dir.get(), &fs) == 0 && fs.f_type == kCgroup2Magic) {
      t.path = candidate;
      t.dir = std::move(dir);
      break;
    }
  }
  if (!t.dir) bad_cgroup(text, "is not a directory of the cgroup v2 hierarchy (mounted at " + mount + ")");
  struct stat st {};
  if (::fstat(t.dir.get(), &st) != 0) bad_cgroup(text, std::string("cannot be read: ") + std::strerror(errno));
  t.id = st.st_ino;
  return t;
}

std::vector<std::uint32_t> parse_uids(const std::string& text, std::size_t max) {
  std::vector<std::uint32_t> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find(',', start);
    std::string_view item(text.data() + start, (end == std::string::npos ? text.size() : end) - start);
    if (item.empty()) throw UsageError("flag -uid: empty item in \"" + text + "\"");
    out.push_back(uid_of(item));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (out.size() > max) throw UsageError("flag -uid: at most " + std::to_string(max) + " users");
  return out;
}

}  // namespace ior::cli
