#include "event/row_effects.hpp"

#include <fcntl.h>
#include <sys/mman.h>

#include <string>

namespace ior::event {

namespace {

std::int32_t name_entry(const FdEntry* f, std::string_view& name, std::uint8_t& notice) {
  if (f == nullptr) return 0;
  if (f->unknown) {
    notice |= schema::kNoticeFdUnknown;
    return 0;
  }
  name = f->name;
  if (f->from_proc) notice |= schema::kNoticeFdFromProc;
  if (f->unresolved) notice |= schema::kNoticePathUnresolved;
  if (f->truncated) notice |= schema::kNoticeTruncated;
  return f->flags;
}

}  // namespace

std::int32_t name_fd(std::uint32_t pid, std::int32_t fd, std::int64_t ret, FdTable& fds, std::string_view& name,
                     std::uint8_t& notice) {
  return name_entry(fds.resolve(pid, fd, fd_use_of(ret)), name, notice);
}

std::int32_t name_closed_fd(std::uint32_t pid, std::int32_t fd, std::int64_t ret, std::uint64_t enter_ns,
                            FdTable& fds, std::string_view& name, std::uint8_t& notice) {
  return name_entry(fds.resolve_for_close(pid, fd, fd_use_of(ret), enter_ns), name, notice);
}

void fill_two_fds(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, FdTable& fds, schema::EventRow& row) {
  row.fd = static_cast<std::int32_t>(e.args[0]);
  row.flags = name_fd(pid, row.fd, ret, fds, row.filename, row.notice);
  // Names are interned apart from the entries: filename stays valid while
  // resolving fd2 adds an entry.
  row.fd2 = static_cast<std::int32_t>(e.args[1]);
  name_fd(pid, row.fd2, ret, fds, row.filename2, row.notice);
}

namespace {

// The name an fd added here got in the table (the table owns the text).
std::string_view table_name(std::uint32_t pid, std::int32_t fd, FdTable& fds) {
  const FdEntry* f = fds.find(pid, fd);
  return f != nullptr ? std::string_view(f->name) : std::string_view();
}

}  // namespace

void fill_pipe(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
               schema::EventRow& row) {
  if (ret != 0 || e.out_fds[0] < 0 || e.out_fds[1] < 0) return;
  // pipe2's flags: O_CLOEXEC and O_NONBLOCK apply to both ends.
  const auto shared = static_cast<std::int32_t>(e.args[1] & (O_CLOEXEC | O_NONBLOCK));
  std::string name = "pipe:";
  if (e.out_ino != 0) {
    name += "[" + std::to_string(e.out_ino) + "]";
  } else {
    row.notice |= schema::kNoticeFdUnknown;  // the kernel side could not read the inode
  }
  row.fd = e.out_fds[0];
  row.fd2 = e.out_fds[1];
  row.flags = O_RDONLY | shared;
  fds.add(pid, row.fd, name, row.flags, exit_ns);
  fds.add(pid, row.fd2, name, O_WRONLY | shared, exit_ns);
  row.filename = table_name(pid, row.fd, fds);
  row.filename2 = table_name(pid, row.fd2, fds);
}

void fill_memfd(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                schema::EventRow& row) {
  row.passed_name = e.str0;
  row.flags = O_RDWR | ((e.args[0] & MFD_CLOEXEC) != 0 ? O_CLOEXEC : 0);
  if (ret < 0) return;
  row.fd = static_cast<std::int32_t>(ret);
  fds.add(pid, row.fd, "memfd:" + e.str0, row.flags, exit_ns, row.notice);
  row.filename = table_name(pid, row.fd, fds);
}

void fill_by_handle(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, FdTable& fds,
                    schema::EventRow& row) {
  row.flags = static_cast<std::int32_t>(e.args[0]);
  if (ret < 0) return;
  row.fd = static_cast<std::int32_t>(ret);
  // The kernel just gave this number out: what the table held for it is
  // stale, and only /proc can name the file behind a handle.
  fds.close(pid, row.fd);
  name_fd(pid, row.fd, ret, fds, row.filename, row.notice);
}

void fill_getcwd(std::uint32_t pid, FdTable& fds, schema::EventRow& row) {
  if (auto cwd = fds.cwd(pid)) {
    row.pathname = cwd->path;
    if (cwd->from_proc) row.notice |= schema::kNoticeCwdFromProc;
  } else {
    row.notice |= schema::kNoticePathUnresolved;
  }
}

}  // namespace ior::event
