#include "event/proc_fd_lookup.hpp"

#include <unistd.h>

#include <fstream>

namespace ior::event {

std::optional<ProcFd> ProcFdLookup::lookup(std::uint32_t pid, std::int32_t fd) const {
  std::string base = root_ + "/" + std::to_string(pid);
  std::string n = std::to_string(fd);
  char target[4096];
  ssize_t len = ::readlink((base + "/fd/" + n).c_str(), target, sizeof target);
  if (len <= 0) return std::nullopt;
  ProcFd out;
  out.name.assign(target, static_cast<std::size_t>(len));
  std::ifstream info(base + "/fdinfo/" + n);
  std::string key;
  while (info >> key) {
    if (key == "flags:") {
      std::string octal;
      info >> octal;
      out.flags = static_cast<std::int32_t>(std::stoul(octal, nullptr, 8));
      break;
    }
  }
  return out;
}

bool ProcFdLookup::thread_exists(std::uint32_t pid, std::uint32_t tid) const {
  std::string path = root_ + "/" + std::to_string(pid) + "/task/" + std::to_string(tid);
  return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace ior::event
