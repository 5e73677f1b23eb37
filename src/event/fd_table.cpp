#include "event/fd_table.hpp"

#include <fcntl.h>
#include <linux/close_range.h>

#include <vector>

namespace ior::event {
namespace {

// F_SETFL may change only these (fs/fcntl.c SETFL_MASK).
constexpr std::int32_t kSetflMask = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;

}  // namespace

void FdTable::add(std::uint32_t pid, std::int32_t fd, std::string_view name, std::int32_t flags) {
  FdEntry& e = procs_[pid][fd];
  e.name.assign(name);
  e.flags = flags;
  e.from_proc = false;
  e.unknown = false;
  e.probe_on_success = false;
}

const FdEntry* FdTable::find(std::uint32_t pid, std::int32_t fd) const {
  auto p = procs_.find(pid);
  if (p == procs_.end()) return nullptr;
  auto f = p->second.find(fd);
  return f == p->second.end() ? nullptr : &f->second;
}

const FdEntry* FdTable::resolve(std::uint32_t pid, std::int32_t fd, bool fd_valid) {
  if (fd < 0) return nullptr;
  Fds& fds = procs_[pid];
  auto it = fds.find(fd);
  if (it != fds.end() && !(it->second.probe_on_success && fd_valid)) return &it->second;
  FdEntry& e = it != fds.end() ? it->second : fds[fd];
  if (auto found = proc_.lookup(pid, fd)) {
    e.name = std::move(found->name);
    e.flags = found->flags;
    e.from_proc = true;
    e.unknown = false;
  } else {
    e.unknown = true;
  }
  e.probe_on_success = e.unknown && !fd_valid;
  return &e;
}

void FdTable::dup(std::uint32_t pid, std::int32_t oldfd, std::int32_t newfd, bool cloexec) {
  if (oldfd == newfd) return;
  const FdEntry* src = resolve(pid, oldfd, true);
  if (src == nullptr) return;
  FdEntry copy = *src;
  copy.flags = cloexec ? (copy.flags | O_CLOEXEC) : (copy.flags & ~O_CLOEXEC);
  procs_[pid][newfd] = std::move(copy);
}

void FdTable::set_status_flags(std::uint32_t pid, std::int32_t fd, std::int32_t flags) {
  auto p = procs_.find(pid);
  if (p == procs_.end()) return;
  auto f = p->second.find(fd);
  if (f == p->second.end()) return;
  f->second.flags = (f->second.flags & ~kSetflMask) | (flags & kSetflMask);
}

void FdTable::set_cloexec(std::uint32_t pid, std::int32_t fd, bool on) {
  auto p = procs_.find(pid);
  if (p == procs_.end()) return;
  auto f = p->second.find(fd);
  if (f == p->second.end()) return;
  f->second.flags = on ? (f->second.flags | O_CLOEXEC) : (f->second.flags & ~O_CLOEXEC);
}

void FdTable::close(std::uint32_t pid, std::int32_t fd) {
  auto p = procs_.find(pid);
  if (p != procs_.end()) p->second.erase(fd);
}

void FdTable::close_range(std::uint32_t pid, std::uint32_t lo, std::uint32_t hi,
                          std::uint32_t flags) {
  auto p = procs_.find(pid);
  if (p == procs_.end()) return;
  for (auto it = p->second.begin(); it != p->second.end();) {
    auto fd = static_cast<std::uint32_t>(it->first);
    if (it->first < 0 || fd < lo || fd > hi) {
      ++it;
    } else if (flags & CLOSE_RANGE_CLOEXEC) {
      it->second.flags |= O_CLOEXEC;
      ++it;
    } else {
      it = p->second.erase(it);
    }
  }
}

void FdTable::fork(std::uint32_t parent, std::uint32_t child) {
  auto p = procs_.find(parent);
  if (p == procs_.end()) {
    procs_.erase(child);  // a recycled pid must not keep a dead process's fds
    return;
  }
  Fds copy = p->second;
  procs_[child] = std::move(copy);
}

void FdTable::exec(std::uint32_t pid) {
  auto p = procs_.find(pid);
  if (p == procs_.end()) return;
  for (auto it = p->second.begin(); it != p->second.end();) {
    if ((it->second.flags & O_CLOEXEC) || it->second.unknown) {
      it = p->second.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace ior::event
