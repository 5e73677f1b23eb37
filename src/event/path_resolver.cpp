#include "event/path_resolver.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/inotify.h>

#include <cerrno>
#include <optional>
#include <string>

#include "event/fd_link.hpp"
#include "event/lexical_path.hpp"
#include "event/path_args.hpp"
#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

std::int32_t dirfd_in(const PendingEnter& e, std::int8_t slot) {
  return slot == kNoSlot ? AT_FDCWD : static_cast<std::int32_t>(e.args[static_cast<std::size_t>(slot)]);
}

bool names_dirfd_when_empty(const PendingEnter& e, const PathArgs& a) {
  return a.empty_names_dirfd || (a.flags != kNoSlot && (e.args[static_cast<std::size_t>(a.flags)] & a.empty_flag) != 0);
}

// The directory fd's file, or the cwd for AT_FDCWD; nullopt when unknown.
// An fd's name is whatever the table holds (for an fd from /proc it may be
// "pipe:[12]"): callers that join a name to it check it is absolute.
std::optional<std::string_view> dir_of(std::uint32_t pid, std::uint32_t tid, std::int32_t dirfd, std::int64_t ret, FdTable& fds,
                                       std::uint8_t& notice, NameSource& source) {
  if (dirfd == AT_FDCWD) {
    auto cwd = fds.cwd(pid, tid);
    if (!cwd) return std::nullopt;
    if (cwd->from_proc) notice |= schema::kNoticeCwdFromProc;
    source = cwd->source;
    return cwd->path;
  }
  const FdEntry* f = fds.resolve(pid, dirfd, fd_use_of(ret));
  // A name cut at -strMax is a prefix of the real path: nothing to join to.
  if (f == nullptr || f->unknown || f->unresolved || f->truncated) return std::nullopt;
  if (f->from_proc) notice |= schema::kNoticeFdFromProc;
  source = f->source;
  return f->name.view();
}

// Whether the syscall follows a symlink that is the last component of its
// first name, as the kernel does (fd links included). Those that act on the
// link itself (readlink, lstat, unlink, rename, link's old name without
// AT_SYMLINK_FOLLOW, ...) or are told not to (O_NOFOLLOW, O_CREAT|O_EXCL,
// AT_SYMLINK_NOFOLLOW, IN_DONT_FOLLOW) do not.
bool follows_last_link(const PendingEnter& e, const PathArgs& a) {
  switch (e.syscall) {
    case IOR_SC_readlink:
    case IOR_SC_readlinkat:
    case IOR_SC_newlstat:
    case IOR_SC_lchown:
    case IOR_SC_lgetxattr:
    case IOR_SC_llistxattr:
    case IOR_SC_lremovexattr:
    case IOR_SC_lsetxattr:
    case IOR_SC_unlink:
    case IOR_SC_unlinkat:
    case IOR_SC_rmdir:
    case IOR_SC_rename:
    case IOR_SC_renameat:
    case IOR_SC_renameat2:
    case IOR_SC_link:
    case IOR_SC_mkdir:
    case IOR_SC_mkdirat:
    case IOR_SC_mknod:
    case IOR_SC_mknodat:
    case IOR_SC_umount2:
      return false;
    case IOR_SC_linkat:
    case IOR_SC_name_to_handle_at:
      return (e.args[static_cast<std::size_t>(a.flags)] & AT_SYMLINK_FOLLOW) != 0;
    case IOR_SC_inotify_add_watch:
      return (e.args[1] & IN_DONT_FOLLOW) == 0;
    case IOR_SC_fspick:
      return (e.args[static_cast<std::size_t>(a.flags)] & FSPICK_SYMLINK_NOFOLLOW) == 0;
    case IOR_SC_open:
    case IOR_SC_openat:
    case IOR_SC_openat2: {
      const std::uint64_t flags = e.args[0];
      return (flags & O_NOFOLLOW) == 0 && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
    }
    default:
      return a.flags == kNoSlot || (e.args[static_cast<std::size_t>(a.flags)] & AT_SYMLINK_NOFOLLOW) == 0;
  }
}

}  // namespace

std::string_view PathResolver::resolve(std::uint32_t pid, std::uint32_t tid, std::int32_t dirfd, std::string_view name,
                                       bool empty_names_dirfd, bool follows_last_link, std::int64_t ret,
                                       FdTable& fds, std::string& buf, std::uint8_t& notice, NameSource& source) {
  if (name.empty()) {
    // Without AT_EMPTY_PATH an empty name is no file (ENOENT): nothing to name.
    if (!empty_names_dirfd) return {};
    if (dirfd != AT_FDCWD) {
      // The fd's own file, named as in its fd rows: a name cut at -strMax
      // or kept relative says so (nothing is joined to it here).
      const FdEntry* f = fds.resolve(pid, dirfd, fd_use_of(ret));
      if (f != nullptr && !f->unknown && (f->truncated || f->unresolved)) {
        notice |= f->truncated ? schema::kNoticeTruncated : schema::kNoticePathUnresolved;
        if (f->from_proc) notice |= schema::kNoticeFdFromProc;
        source = f->source;
        buf.assign(f->name.view());
        return buf;
      }
    }
    auto dir = dir_of(pid, tid, dirfd, ret, fds, notice, source);
    if (!dir) {
      notice |= schema::kNoticePathUnresolved;
      return {};
    }
    // A copy: resolving the row's other name may evict this fd's entry.
    buf.assign(*dir);
    return buf;
  }
  if (name.front() == '/') {
    if (is_clean_absolute(name)) return through_fd_link(pid, tid, name, follows_last_link, ret, fds, buf, notice, source);
    // The kernel follows an fd or cwd link before it applies a ".." after
    // it: cleaning the text first would cancel the link itself
    // ("/proc/self/fd/3/.." is the directory above fd 3's, not /proc/self/fd).
    if (auto link = parse_fd_link(name, pid); link && link->rest < name.size()) {
      std::uint8_t link_notice = 0;
      // Not followed, it comes back as it was; followed, it is clean.
      const std::string_view followed = through_fd_link(pid, tid, name, true, ret, fds, buf, link_notice, source);
      if (followed != name) {
        notice |= link_notice;
        return followed;
      }
      notice |= schema::kNoticePathUnresolved;
      return name;
    }
    if (join_clean(buf, "/", name, kMaxPath)) {
      return through_fd_link(pid, tid, buf, follows_last_link, ret, fds, buf, notice, source);
    }
    notice |= schema::kNoticePathUnresolved;
    return name;
  }
  auto dir = dir_of(pid, tid, dirfd, ret, fds, notice, source);
  if (!dir || dir->empty() || dir->front() != '/' || !join_clean(buf, *dir, name, kMaxPath)) {
    notice |= schema::kNoticePathUnresolved;
    source = {};
    return name;
  }
  return through_fd_link(pid, tid, buf, follows_last_link, ret, fds, buf, notice, source);
}

// A path through one of the caller's fd links (/proc/self/fd/N, /dev/fd/N,
// /dev/stdout, ...; fd_link.hpp) names that fd's file: the fd's name from
// the table takes the link's place (the cwd for /proc/self/cwd, "/" for
// /proc/self/root: the process's root, as its names are). Left as it
// is when the link is the last component of a syscall that acts on the link
// itself (readlink, lstat, unlink, O_NOFOLLOW, ...), when the fd or cwd is
// unknown, its name was cut or unresolved, or a rest cannot be joined to it
// (a "pipe:[12]" has no files below it).
std::string_view PathResolver::through_fd_link(std::uint32_t pid, std::uint32_t tid, std::string_view path, bool follows_last_link,
                                               std::int64_t ret, FdTable& fds, std::string& buf,
                                               std::uint8_t& notice, NameSource& source) {
  const auto link = parse_fd_link(path, pid);
  if (!link || (link->rest == path.size() && !follows_last_link)) return path;
  std::string_view file;
  std::uint8_t via_proc = 0;
  NameSource link_source;
  if (link->fd == kRootLink) {
    file = "/";
  } else if (link->fd == kCwdLink || link->fd == kThreadCwdLink) {
    const auto cwd = fds.cwd(pid, link->fd == kThreadCwdLink ? tid : pid);
    if (!cwd) return path;
    file = cwd->path;
    if (cwd->from_proc) via_proc = schema::kNoticeCwdFromProc;
    link_source = cwd->source;
  } else {
    // ENOENT through such a link: no fd N; nothing to ask /proc about.
    const FdUse use = ret == -ENOENT ? FdUse::kBadFd : fd_use_of(ret);
    const FdEntry* f = fds.resolve(pid, link->fd, use);
    if (f == nullptr || f->unknown || f->unresolved || f->truncated) return path;
    file = f->name.view();
    if (f->from_proc) via_proc = schema::kNoticeFdFromProc;
    link_source = f->source;
  }
  const std::string whole(path);  // path may be buf itself
  const std::string_view rest = std::string_view(whole).substr(link->rest);
  if (rest.empty()) {
    buf.assign(file);
  } else if (!is_clean_absolute(file) || !join_clean(buf, file, rest.substr(1), kMaxPath)) {
    buf.assign(whole);
    return buf;
  }
  notice |= via_proc;
  // What the link named replaces everything before it: a directory the
  // name was joined to first no longer counts.
  source = link_source;
  return buf;
}

void PathResolver::fill(std::uint32_t pid, std::uint32_t tid, const PendingEnter& e, std::int64_t ret, FdTable& fds,
                        schema::EventRow& row) {
  const PathArgs& a = path_args(e.syscall);
  const bool empty_is_dirfd = names_dirfd_when_empty(e, a);
  const bool str0_ok = (e.str_flags & IOR_STR0_FAULT) == 0;
  const bool str1_ok = (e.str_flags & IOR_STR1_FAULT) == 0;
  row.passed_name = e.str0;
  source0_ = {};
  source1_ = {};
  // An unreadable name arrives empty, which must not read as AT_EMPTY_PATH:
  // it is left as it came.
  std::string_view name0 = e.str0;
  if (str0_ok && ret == 0 && !e.str0.empty() && e.str0.front() != '/' &&
      syscall_info(e.syscall).effect == FdEffect::kChdir && !fds.cwd_read(pid, tid)) {
    // ior meets the process at a relative chdir that has already happened:
    // /proc/PID/cwd is now where it went, not where it started, and joining
    // the name to it again would name a directory below the real one.
    if (auto now = fds.cwd(pid, tid); now && is_clean_absolute(now->path)) {
      buf0_.assign(now->path);
      row.notice |= schema::kNoticeCwdFromProc;
      source0_ = now->source;
      row.pathname = buf0_;
      return;
    }
  }
  if (str0_ok && !a.str0_is_link_target) {
    name0 = resolve(pid, tid, dirfd_in(e, a.dirfd0), e.str0, empty_is_dirfd, follows_last_link(e, a), ret, fds, buf0_,
                    row.notice, source0_);
  }
  switch (syscall_info(e.syscall).cls) {
    case IOR_CLASS_OPEN:
      row.filename = name0;
      return;
    case IOR_CLASS_PATH:
      row.pathname = name0;
      return;
    case IOR_CLASS_NAME:
      break;
    default:
      return;
  }
  row.passed_newname = e.str1;
  std::uint8_t new_notice = 0;
  row.newname = e.str1;
  // A new name (rename's, link's, symlink's) is never followed.
  if (str1_ok) {
    row.newname = resolve(pid, tid, dirfd_in(e, a.dirfd1), e.str1, false, false, ret, fds, buf1_, new_notice, source1_);
  }
  row.notice |= new_notice;
  if (!a.str0_is_link_target) {
    row.oldname = name0;
    return;
  }
  // A symlink's text is resolved, when followed, against the link's own
  // directory: the old name is the absolute path the link points at.
  row.oldname = e.str0;
  if (!str0_ok || e.str0.empty()) return;
  if (e.str0.front() == '/' || (!row.newname.empty() && (new_notice & schema::kNoticePathUnresolved) == 0)) {
    if (join_clean(buf0_, parent_of(row.newname), e.str0, kMaxPath)) {
      row.oldname = buf0_;
      return;
    }
  }
  row.notice |= schema::kNoticePathUnresolved;
}

}  // namespace ior::event
