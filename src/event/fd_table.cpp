#include "event/fd_table.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "event/clock.hpp"
#include "event/lexical_path.hpp"
#include "schema/event_row.hpp"

namespace ior::event {
namespace {

// F_SETFL may change only these (fs/fcntl.c SETFL_MASK).
constexpr std::int32_t kSetflMask = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;

// A process's threads asked for a cwd of their own, at most.
constexpr std::size_t kMaxThreadsAsked = 4096;

// Heap cost estimates (libstdc++ node + bucket pointer + malloc header),
// what max_bytes is compared with. An entry: a 72-byte map node (the key,
// the 56-byte FdEntry, the next pointer), its bucket and malloc's header;
// a process: its node in procs_ plus an empty fd map.
constexpr std::size_t kEntryBytes = 96;
static_assert(sizeof(std::pair<const std::int32_t, FdEntry>) + sizeof(void*) /* next */ + sizeof(void*) /* bucket */ +
                      16 /* malloc header */ <= kEntryBytes,
              "the estimate of an fd entry's heap bytes is below its size");
constexpr std::size_t kProcessBytes = 160;
// Replaced entries a process keeps for their closes: those arrive within
// microseconds, so a few suffice; past that the oldest-hashed one goes.
constexpr std::size_t kMaxReleased = 16;
// Closed entries kept among them for syscalls still running on the file
// (a thread blocked in read while another closes the fd): a server shutting
// down closes a few fds at a time.
constexpr std::size_t kMaxClosed = 4;
// A thread's own cwd: its node in thread_cwds_. Threads that have one are
// rare (unshare(CLONE_FS)); past this many, one is forgotten per new one.
constexpr std::size_t kThreadCwdBytes = 96;
constexpr std::size_t kMaxThreadCwds = std::size_t{1} << 16;
// A process sharing another's fd table: its node in files_owner_.
constexpr std::size_t kSharingBytes = 64;

}  // namespace

FdUse fd_use_of(std::int64_t ret) {
  if (ret >= 0) return FdUse::kSucceeded;
  return ret == -EBADF ? FdUse::kBadFd : FdUse::kFailed;
}

FdTable::FdTable(const ProcFdLookup& proc, FdTableLimits limits, Counter& evictions)
    : proc_(proc), limits_(limits), evictions_(evictions) {
  unknown_.unknown = true;
}

std::size_t FdTable::bytes() const {
  return (entries_ + released_entries_) * kEntryBytes + procs_.size() * kProcessBytes +
         thread_cwds_.size() * kThreadCwdBytes + files_owner_.size() * kSharingBytes + names_.bytes();
}

std::size_t FdTable::take_peak_bytes() {
  std::size_t peak = std::max(peak_bytes_, bytes());
  peak_bytes_ = bytes();
  return peak;
}

FdTable::Fds::iterator FdTable::erase(Process& p, Fds::iterator it) {
  forget_last_found();
  p.name_bytes -= it->second.name.view().size();
  --entries_;
  return p.fds.erase(it);
}

void FdTable::evict_some(Process& p, std::size_t n) {
  for (auto it = p.fds.begin(); n > 0 && it != p.fds.end(); --n) {
    it = erase(p, it);
    evictions_.add();
  }
}

void FdTable::make_room(std::size_t incoming) {
  if (bytes() + incoming <= limits_.max_bytes) return;
  // Down to three quarters, so the sort below runs once per quarter of the
  // budget, not once per new entry.
  const std::size_t target = limits_.max_bytes - limits_.max_bytes / 4;
  while (bytes() + incoming > target && entries_ > 0) {
    std::vector<std::pair<std::size_t, std::uint32_t>> by_size;
    by_size.reserve(procs_.size());
    for (const auto& [pid, p] : procs_) by_size.emplace_back(p.fds.size() * kEntryBytes + p.name_bytes, pid);
    std::sort(by_size.begin(), by_size.end(), std::greater<>());
    for (const auto& [size, pid] : by_size) {
      Process& p = procs_.at(pid);
      evict_some(p, std::max<std::size_t>(1, p.fds.size() / 2));
      if (bytes() + incoming <= target) break;
    }
  }
  // Tables emptied above cost their process overhead for nothing; one that
  // still knows its cwd stays, unless the budget is still exceeded (the cwd
  // is then read again from /proc when needed).
  const bool over = bytes() + incoming > target;
  forget_last_found();
  std::erase_if(procs_, [this, over](const auto& kv) {
    const bool drop = kv.second.fds.empty() && (over || kv.second.cwd.state == CwdState::kUnread);
    if (drop) released_entries_ -= kv.second.released.size();
    return drop;
  });
}

FdEntry& FdTable::put(std::uint32_t pid, std::int32_t fd, FdEntry entry) {
  make_room(kEntryBytes + kProcessBytes);
  Process& p = procs_[pid];
  auto it = p.fds.find(fd);
  if (it == p.fds.end()) {
    if (p.fds.size() >= limits_.max_fds_per_process) evict_some(p, 1);
    it = p.fds.try_emplace(fd).first;
    ++entries_;
  } else {
    p.name_bytes -= it->second.name.view().size();
    if (entry.since_ns != 0) {
      if (p.released.size() >= kMaxReleased) {
        p.released.erase(p.released.begin());
        --released_entries_;
      }
      p.released.push_back({fd, entry.since_ns, std::move(it->second)});
      ++released_entries_;
    }
  }
  p.name_bytes += entry.name.view().size();
  it->second = std::move(entry);
  peak_bytes_ = std::max(peak_bytes_, bytes());
  return it->second;
}

void FdTable::add(std::uint32_t pid, std::int32_t fd, std::string_view name, std::int32_t flags,
                  std::uint64_t since_ns, std::uint8_t name_notice, NameSource source) {
  FdEntry e;
  e.description = ++next_description_;
  e.since_ns = since_ns;
  e.source = source.made_from();
  e.name = names_.intern(name);
  e.flags = flags;
  e.unresolved = (name_notice & schema::kNoticePathUnresolved) != 0;
  e.truncated = (name_notice & schema::kNoticeTruncated) != 0;
  put(files_of(pid), fd, std::move(e));
}

const FdEntry* FdTable::find(std::uint32_t pid, std::int32_t fd) const {
  pid = files_of(pid);
  if (last_found_ != nullptr && last_pid_ == pid && last_fd_ == fd) return last_found_;
  auto p = procs_.find(pid);
  if (p == procs_.end()) return nullptr;
  auto f = p->second.fds.find(fd);
  if (f == p->second.fds.end()) return nullptr;
  last_pid_ = pid;
  last_fd_ = fd;
  last_found_ = &f->second;
  return last_found_;
}

const FdEntry* FdTable::resolve(std::uint32_t pid, std::int32_t fd, FdUse use) {
  if (fd < 0) return nullptr;
  if (const FdEntry* known = find(pid, fd)) return known;
  if (use == FdUse::kBadFd) return &unknown_;
  auto found = proc_.lookup(pid, fd);
  // After the lookup: whatever it saw was done before this time.
  const std::uint64_t read_ns = monotonic_now_ns();
  if (!found && use == FdUse::kFailed) return &unknown_;
  FdEntry e;
  e.description = ++next_description_;
  if (found) {
    e.name = names_.intern(found->name);
    e.flags = found->flags;
    e.from_proc = true;
    e.source = NameSource{pid, fd, read_ns, false};
    last_proc_read_ns_ = std::max(last_proc_read_ns_, read_ns);
  } else {
    e.unknown = true;  // the fd exists (the syscall succeeded) but /proc no longer shows it
  }
  return &put(files_of(pid), fd, std::move(e));
}

void FdTable::dup(std::uint32_t pid, std::int32_t oldfd, std::int32_t newfd, bool cloexec, std::uint64_t since_ns) {
  if (oldfd == newfd) return;
  const FdEntry* src = resolve(pid, oldfd, FdUse::kSucceeded);
  if (src == nullptr) return;
  const_cast<FdEntry*>(src)->dup_shared = true;
  FdEntry copy = *src;  // shares the name and the description
  copy.since_ns = since_ns;
  copy.source = copy.source.made_from();
  copy.flags = cloexec ? (copy.flags | O_CLOEXEC) : (copy.flags & ~O_CLOEXEC);
  put(files_of(pid), newfd, std::move(copy));
}

void FdTable::set_status_flags(std::uint32_t pid, std::int32_t fd, std::int32_t flags) {
  auto* e = const_cast<FdEntry*>(find(pid, fd));
  if (e == nullptr) return;
  const auto set = [flags](FdEntry& entry) { entry.flags = (entry.flags & ~kSetflMask) | (flags & kSetflMask); };
  set(*e);
  // Only an fd that was dup'ed looks for the others: an accepted socket
  // made non-blocking costs no walk over a server's thousands of fds.
  const std::uint32_t description = e->description;
  const std::uint32_t owner = files_of(pid);
  const auto set_every_copy = [&](Fds& fds) {
    for (auto& [other_fd, other] : fds) {
      if (other.description == description) set(other);
    }
  };
  if (e->dup_shared) {
    if (auto p = procs_.find(owner); p != procs_.end()) set_every_copy(p->second.fds);
  }
  // A description a fork shares: the same fd number in the other processes
  // (where fork put it), one lookup per process, and the dups there of the
  // fd found (a copy kept only at another number is not looked for).
  if (e->fork_shared) {
    for (auto& [other_pid, p] : procs_) {
      if (other_pid == owner) continue;
      auto f = p.fds.find(fd);
      if (f == p.fds.end() || f->second.description != description) continue;
      if (f->second.dup_shared) {
        set_every_copy(p.fds);
      } else {
        set(f->second);
      }
    }
  }
}

void FdTable::set_status_flag(std::uint32_t pid, std::int32_t fd, std::int32_t flag, bool on) {
  const FdEntry* e = find(pid, fd);
  if (e == nullptr) return;
  set_status_flags(pid, fd, on ? (e->flags | flag) : (e->flags & ~flag));
}

void FdTable::set_cloexec(std::uint32_t pid, std::int32_t fd, bool on) {
  if (auto* e = const_cast<FdEntry*>(find(pid, fd))) e->flags = on ? (e->flags | O_CLOEXEC) : (e->flags & ~O_CLOEXEC);
}

void FdTable::close(std::uint32_t pid, std::int32_t fd) {
  close_entered_at(pid, fd, std::numeric_limits<std::uint64_t>::max());
}

// A few at most: a replaced entry lives from a reopen that raced a close
// until that close's record, microseconds later (or, its close lost, until
// kMaxReleased newer ones push it out); a closed one until kMaxClosed newer
// closes of the process push it out. The one a syscall that entered at
// enter_ns ran on, when the number's entry now held was given out later:
// the released or closed one given out last before enter_ns whose number
// was taken again (or closed) after it. A long close may see its number
// given out and closed again, by other threads, more than once.
FdTable::ReleasedFds::iterator FdTable::released_for(Process& p, std::int32_t fd, std::uint64_t enter_ns) {
  auto best = p.released.end();
  for (auto r = p.released.begin(); r != p.released.end(); ++r) {
    if (r->fd != fd || r->entry.since_ns > enter_ns || r->replaced_ns <= enter_ns) continue;
    if (best == p.released.end() || r->entry.since_ns >= best->entry.since_ns) best = r;
  }
  return best;
}

void FdTable::keep_closed(Process& p, std::int32_t fd, std::uint64_t close_enter_ns, FdEntry entry) {
  auto oldest_closed = p.released.end();
  std::size_t closed = 0;
  for (auto r = p.released.begin(); r != p.released.end(); ++r) {
    if (!r->closed) continue;
    if (closed++ == 0) oldest_closed = r;
  }
  if (closed >= kMaxClosed || p.released.size() >= kMaxReleased) {
    // Replaced entries awaiting their closes come first.
    if (oldest_closed == p.released.end()) return;
    p.released.erase(oldest_closed);
    --released_entries_;
  }
  p.released.push_back({fd, close_enter_ns, std::move(entry), true});
  ++released_entries_;
}

void FdTable::close_entered_at(std::uint32_t pid, std::int32_t fd, std::uint64_t enter_ns) {
  auto p = procs_.find(files_of(pid));
  if (p == procs_.end()) return;
  Process& proc = p->second;
  // close() (enter_ns unknown) keeps nothing: its entry would match every
  // syscall that entered before the end of time.
  const bool keep = enter_ns != std::numeric_limits<std::uint64_t>::max();
  const auto f = proc.fds.find(fd);
  if (f == proc.fds.end() || f->second.since_ns > enter_ns) {
    if (auto r = released_for(proc, fd, enter_ns); r != proc.released.end()) {
      FdEntry entry = std::move(r->entry);
      proc.released.erase(r);
      --released_entries_;
      if (keep) keep_closed(proc, fd, enter_ns, std::move(entry));
      return;
    }
  }
  // The close is of the entry the table holds. Released entries of the
  // number stay: their closes, entered earlier, may still be on the way.
  if (f != proc.fds.end()) {
    if (keep) keep_closed(proc, fd, enter_ns, f->second);
    erase(proc, f);
  }
}

std::string_view FdTable::hold_for_row(std::size_t slot, const SharedName& name) {
  // Every fd row comes here, and a thread's rows come in runs on one fd:
  // the name already held costs no reference count.
  SharedName& held = row_names_.at(slot);
  if (!held.same(name)) held = name;
  return held.view();
}

const FdEntry* FdTable::resolve_at(std::uint32_t pid, std::int32_t fd, FdUse use, std::uint64_t enter_ns) {
  // Every fd row comes here: the entry held since before the call, found
  // by find()'s remembered answer, is the answer nearly always.
  const FdEntry* held = find(pid, fd);
  if (held != nullptr && held->since_ns <= enter_ns) return held;
  if (auto p = procs_.find(files_of(pid)); p != procs_.end() && fd >= 0) {
    if (auto r = released_for(p->second, fd, enter_ns); r != p->second.released.end()) return &r->entry;
  }
  if (held != nullptr) return &unknown_;  // given out while the call ran, and the older entry is gone
  return resolve(pid, fd, use);
}

void FdTable::close_range(std::uint32_t pid, std::uint32_t lo, std::uint32_t hi,
                          std::uint32_t flags) {
  if (flags & CLOSE_RANGE_UNSHARE) unshare_files(pid);  // the range is closed in the copy
  auto p = procs_.find(files_of(pid));
  if (p == procs_.end()) return;
  Fds& fds = p->second.fds;
  for (auto it = fds.begin(); it != fds.end();) {
    auto fd = static_cast<std::uint32_t>(it->first);
    if (it->first < 0 || fd < lo || fd > hi) {
      ++it;
    } else if (flags & CLOSE_RANGE_CLOEXEC) {
      it->second.flags |= O_CLOEXEC;
      ++it;
    } else {
      it = erase(p->second, it);
    }
  }
}

void FdTable::fork(std::uint32_t parent, std::uint32_t parent_tid, std::uint32_t child) {
  fork_with(parent, parent_tid, child, false);
}

void FdTable::fork_sharing_files(std::uint32_t parent, std::uint32_t parent_tid, std::uint32_t child) {
  fork_with(parent, parent_tid, child, true);
}

void FdTable::fork_with(std::uint32_t parent, std::uint32_t parent_tid, std::uint32_t child, bool share_files) {
  drop_process(child);  // a recycled pid must not keep a dead process's fds
  // The child's cwd is the forking thread's. A parent that ran before
  // tracing (a shell) usually outlives its children, which may be gone
  // before their first relative name is handled: learn the cwd from the
  // parent now.
  cwd(parent, parent_tid);
  CwdSlot slot;  // unread unless known: the child's own /proc entry may say
  if (const ThreadCwd* own = own_cwd(parent, parent_tid)) {
    slot = own->cwd;
  } else if (auto p = procs_.find(parent); p != procs_.end()) {
    slot = p->second.cwd;
  }
  // A parent whose cwd /proc could not give (it is gone): the child's own may.
  if (slot.state == CwdState::kUnknown) slot = CwdSlot{};
  const std::uint32_t owner = files_of(parent);
  Process* to = nullptr;
  if (share_files) {
    make_room(kProcessBytes + kSharingBytes);
    to = &procs_[child];
    files_owner_[child] = owner;
  } else {
    to = &copy_files_into(owner, child);
    // The copies share their open file descriptions with the parent's fds:
    // F_SETFL through either reaches the other (set_status_flags).
    for (auto& [fd, entry] : to->fds) entry.fork_shared = true;
    if (auto p = procs_.find(owner); p != procs_.end()) {
      for (auto& [fd, entry] : p->second.fds) entry.fork_shared = true;
    }
  }
  to->name_bytes += slot.name.view().size();
  to->cwd = std::move(slot);
  if (auto p = procs_.find(parent); p != procs_.end()) {  // the child starts in its parent's root
    to->root_read = p->second.root_read;
    to->root = p->second.root;
    to->mnt_ns = p->second.mnt_ns;  // unless its fork record says another (clone with CLONE_NEWNS)
  }
  peak_bytes_ = std::max(peak_bytes_, bytes());
}

FdTable::Process& FdTable::copy_files_into(std::uint32_t owner, std::uint32_t pid) {
  auto f = procs_.find(owner);
  make_room((f == procs_.end() ? 0 : f->second.fds.size() * kEntryBytes) + kProcessBytes);
  f = procs_.find(owner);  // make_room may have emptied and removed it
  const Process* from = f == procs_.end() ? nullptr : &f->second;  // survives the insertion below
  Process& to = procs_[pid];
  if (from != nullptr) copy_files(*from, to);
  return to;
}

void FdTable::clear_files(Process& p) {
  forget_last_found();
  entries_ -= p.fds.size();
  released_entries_ -= p.released.size();
  p.name_bytes = p.cwd.name.view().size();  // its fds' names go with them
  p.fds.clear();
  p.released.clear();
}

void FdTable::copy_files(const Process& from, Process& to) {
  clear_files(to);
  to.fds = from.fds;  // the names are shared, not copied
  to.released = from.released;
  entries_ += to.fds.size();
  released_entries_ += to.released.size();
  to.name_bytes += from.name_bytes - from.cwd.name.view().size();
}

void FdTable::hand_over_files(std::uint32_t owner, bool copy) {
  if (files_owner_.empty()) return;
  auto heir_it = std::find_if(files_owner_.begin(), files_owner_.end(),
                              [owner](const auto& kv) { return kv.second == owner; });
  if (heir_it == files_owner_.end()) return;
  const std::uint32_t heir = heir_it->first;
  files_owner_.erase(heir_it);
  for (auto& [pid, o] : files_owner_) {
    if (o == owner) o = heir;
  }
  auto f = procs_.find(owner);
  if (f == procs_.end()) return;  // its table was emptied to make room: nothing to hand over
  Process* from = &f->second;     // survives the insertion below
  copy_files(*from, procs_[heir]);
  if (!copy) clear_files(*from);
}

void FdTable::unshare_files(std::uint32_t pid) {
  if (files_owner_.empty()) return;
  auto it = files_owner_.find(pid);
  if (it == files_owner_.end()) {
    hand_over_files(pid, true);  // the others keep the table, pid its copy
    return;
  }
  const std::uint32_t owner = it->second;
  files_owner_.erase(it);
  copy_files_into(owner, pid);
  peak_bytes_ = std::max(peak_bytes_, bytes());
}

void FdTable::exec(std::uint32_t pid, std::uint32_t old_tid) {
  unshare_files(pid);  // the kernel gives an exec'ing process a table of its own first
  if (const ThreadCwd* own = own_cwd(pid, old_tid)) put_cwd(pid, own->cwd);
  drop_thread_cwds(pid);
  auto p = procs_.find(pid);
  if (p == procs_.end()) return;
  Fds& fds = p->second.fds;
  for (auto it = fds.begin(); it != fds.end();) {
    if ((it->second.flags & O_CLOEXEC) || it->second.unknown) {
      it = erase(p->second, it);
    } else {
      ++it;
    }
  }
}

std::optional<RootId> FdTable::root_of(std::uint32_t pid) {
  auto p = procs_.find(pid);
  if (p != procs_.end() && p->second.root_read) return p->second.root;
  std::optional<RootId> root = proc_.root_id(pid);
  if (p != procs_.end()) {
    p->second.root = root;
    p->second.root_read = true;
  }
  return root;
}

std::uint32_t FdTable::mnt_ns_of(std::uint32_t pid) {
  auto p = procs_.find(pid);
  if (p != procs_.end() && p->second.mnt_ns != 0) return p->second.mnt_ns;
  const std::uint32_t ns = proc_.mnt_ns(pid).value_or(0);
  if (p != procs_.end()) p->second.mnt_ns = ns;
  return ns;
}

void FdTable::root_changed(std::uint32_t pid) {
  if (auto p = procs_.find(pid); p != procs_.end()) {
    p->second.root_read = false;
    p->second.root.reset();
    p->second.mnt_ns = 0;
  }
}

void FdTable::set_mnt_ns(std::uint32_t pid, std::uint32_t mnt_ns) {
  if (mnt_ns == 0) return;
  if (auto p = procs_.find(pid); p != procs_.end()) p->second.mnt_ns = mnt_ns;
}

void FdTable::chrooted(std::uint32_t pid, std::string_view dir) {
  if (dir == "/") return;  // the root it had, as it names it
  std::optional<RootId> id = proc_.dir_id(std::string(dir));
  if (!id) id = RootId{UINT64_MAX, ++roots_made_up_};
  make_room(kProcessBytes);
  Process& p = procs_[pid];
  p.root_read = true;
  p.root = id;
}

void FdTable::rename(std::uint32_t pid, std::uint32_t ppid, std::uint32_t mnt_ns, std::string_view from,
                     std::string_view to, bool exchange) {
  // Held until the pass ends: the last entry renamed must not free the
  // name the others are compared with.
  const SharedName old_from = names_.find(from);
  const SharedName old_to = exchange ? names_.find(to) : SharedName();
  // A directory: the names below it move with it.
  const bool below = names_.holds_below(from) || (exchange && names_.holds_below(to));
  if (old_from.empty() && old_to.empty() && !below) return;
  const SharedName new_from = old_to.empty() ? SharedName() : names_.intern(from);
  const SharedName new_to = old_from.empty() ? SharedName() : names_.intern(to);
  std::string moved;
  // reaches(new name): whether this entry's file is the one renamed.
  const auto renamed = [&](SharedName& name, std::size_t& name_bytes, const auto& reaches) {
    if (const SharedName* now = name.same(old_from) ? &new_to : name.same(old_to) ? &new_from : nullptr) {
      if (!reaches(now->view())) return;
      name_bytes = name_bytes - name.view().size() + now->view().size();
      name = *now;
      return;
    }
    if (!below) return;
    const std::string_view v = name.view();
    const auto under = [v](std::string_view dir) {
      return v.size() > dir.size() && v[dir.size()] == '/' && v.starts_with(dir);
    };
    const bool under_from = under(from);
    if (!under_from && !(exchange && under(to))) return;
    const std::string_view rest = v.substr((under_from ? from : to).size());
    moved.assign(under_from ? to : from);
    if (moved.size() + rest.size() > kMaxMadePath) return;  // kept as it was rather than cut
    moved += rest;
    if (!reaches(moved)) return;
    SharedName now = names_.intern(moved);
    name_bytes = name_bytes - v.size() + now.view().size();
    name = std::move(now);
  };
  // Another process's root and namespace are asked only when one of its
  // names would change, once per rename at most.
  std::optional<RootId> renamer_root = root_of(pid);
  if (!renamer_root && ppid != 0 && ppid != pid) renamer_root = root_of(ppid);
  if (mnt_ns != 0) set_mnt_ns(pid, mnt_ns);
  const std::uint32_t renamer_ns = mnt_ns != 0 ? mnt_ns : mnt_ns_of(pid);
  enum class Reach : std::uint8_t { kRenamed, kNot, kIfSameFile };
  std::unordered_map<std::uint32_t, Reach> reach_of;
  const auto reach = [&](std::uint32_t other) {
    if (other == pid) return Reach::kRenamed;
    auto [it, fresh] = reach_of.try_emplace(other, Reach::kRenamed);
    if (!fresh) return it->second;
    if (renamer_root) {
      const std::optional<RootId> root = root_of(other);
      if (root && *root != *renamer_root) return it->second = Reach::kNot;
    }
    // Same root, another namespace: the same text names the same file
    // only where the mounts on its way are the same. Unknown (gone): as
    // before, renamed.
    const std::uint32_t ns = renamer_ns == 0 ? 0 : mnt_ns_of(other);
    if (ns != 0 && ns != renamer_ns) it->second = Reach::kIfSameFile;
    return it->second;
  };
  const auto reaches = [&](std::uint32_t other, std::string_view now, const auto& held) {
    const Reach r = reach(other);
    return r == Reach::kRenamed || (r == Reach::kIfSameFile && proc_.same_file(other, now, held()));
  };
  for (auto& [owner, p] : procs_) {
    const std::uint32_t of = owner;
    for (auto& [fd, e] : p.fds) {
      const std::int32_t number = fd;
      renamed(e.name, p.name_bytes,
              [&](std::string_view now) { return reaches(of, now, [&] { return "fd/" + std::to_string(number); }); });
    }
    if (p.cwd.named()) {
      renamed(p.cwd.name, p.name_bytes, [&](std::string_view now) {
        return reaches(of, now, [] { return std::string("cwd"); });
      });
    }
  }
  std::size_t not_counted = 0;  // a thread's cwd is no process's name_bytes
  for (auto& [tid, t] : thread_cwds_) {
    const std::uint32_t of = t.pid;
    const std::uint32_t thread = tid;
    if (t.cwd.named()) {
      renamed(t.cwd.name, not_counted, [&](std::string_view now) {
        return reaches(of, now, [&] { return "task/" + std::to_string(thread) + "/cwd"; });
      });
    }
  }
  peak_bytes_ = std::max(peak_bytes_, bytes());
}

namespace {

// Anything but an absolute path (a path outside ior's root, a cut one)
// would make every name under it wrong.
bool usable_cwd(const std::optional<std::string>& found) {
  return found && !found->empty() && found->front() == '/';
}

}  // namespace

const FdTable::ThreadCwd* FdTable::own_cwd(std::uint32_t pid, std::uint32_t tid) const {
  if (thread_cwds_.empty()) return nullptr;
  auto t = thread_cwds_.find(tid);
  return t != thread_cwds_.end() && t->second.pid == pid ? &t->second : nullptr;
}

FdTable::ThreadCwd* FdTable::own_cwd(std::uint32_t pid, std::uint32_t tid) {
  return const_cast<ThreadCwd*>(std::as_const(*this).own_cwd(pid, tid));
}

bool FdTable::cwd_read(std::uint32_t pid, std::uint32_t tid) const {
  if (const ThreadCwd* own = own_cwd(pid, tid)) return own->cwd.state != CwdState::kUnread;
  auto p = procs_.find(pid);
  return p != procs_.end() && p->second.cwd.state != CwdState::kUnread;
}

std::optional<Cwd> FdTable::cwd(std::uint32_t pid, std::uint32_t tid) {
  ThreadCwd* own = own_cwd(pid, tid);
  if (own == nullptr) {
    auto process = process_cwd(pid);
    // Reading the process's from /proc may have found the thread's own.
    if (tid == pid || (own = own_cwd(pid, tid)) == nullptr) return process;
  }
  if (own->cwd.state == CwdState::kUnread) {
    auto found = proc_.thread_cwd(pid, tid);
    if (usable_cwd(found)) {
      keep_thread_cwd(*own, *found, CwdState::kFromProc);
    } else {
      own->cwd.state = CwdState::kUnknown;
    }
  }
  return own->cwd.known();
}

std::optional<Cwd> FdTable::process_cwd(std::uint32_t pid) {
  auto p = procs_.find(pid);
  if (p == procs_.end() || p->second.cwd.state == CwdState::kUnread) {
    auto found = proc_.cwd(pid);
    const std::uint64_t read_ns = monotonic_now_ns();
    if (usable_cwd(found)) {
      last_proc_read_ns_ = std::max(last_proc_read_ns_, read_ns);
      put_cwd(pid, CwdSlot{names_.intern(*found), CwdState::kFromProc, NameSource{pid, NameSource::kCwd, read_ns, false}});
      learn_thread_cwds(pid, *found);
    } else {
      put_cwd(pid, CwdSlot{SharedName(), CwdState::kUnknown, NameSource{}});
    }
    p = procs_.find(pid);
  }
  return p->second.cwd.known();
}

// A process ior meets running may have threads with a cwd of their own
// (unshare(CLONE_FS) before tracing: Samba's workers): /proc/PID/cwd is
// only the main thread's. Each thread's is read once with it, and one
// that differs is kept as its own. The main thread's is read again after
// them: had it moved meanwhile, a thread that shares it would look like
// one with its own, so then none is taken. At most kMaxThreadsAsked
// threads per process.
void FdTable::learn_thread_cwds(std::uint32_t pid, const std::string& main_cwd) {
  const auto tids = proc_.thread_ids(pid, kMaxThreadsAsked);
  if (tids.size() < 2) return;
  std::vector<std::pair<std::uint32_t, std::string>> own;
  for (const std::uint32_t tid : tids) {
    if (tid == pid || own_cwd(pid, tid) != nullptr) continue;
    auto found = proc_.thread_cwd(pid, tid);
    if (usable_cwd(found) && *found != main_cwd) own.emplace_back(tid, std::move(*found));
  }
  if (own.empty() || proc_.cwd(pid) != main_cwd) return;
  for (auto& [tid, path] : own) {
    put_thread_cwd(pid, tid, CwdSlot{});
    if (ThreadCwd* t = own_cwd(pid, tid)) keep_thread_cwd(*t, path, CwdState::kFromProc);
  }
}

void FdTable::learn_own_thread_cwds(std::uint32_t pid) {
  if (cwd_read(pid, pid)) return;
  const auto tids = proc_.thread_ids(pid, kMaxThreadsAsked);
  if (tids.size() < 2) return;
  const auto main = proc_.cwd(pid);
  if (!usable_cwd(main)) return;
  const bool any_own = std::any_of(tids.begin(), tids.end(), [&](std::uint32_t tid) {
    if (tid == pid) return false;
    const auto found = proc_.thread_cwd(pid, tid);
    return usable_cwd(found) && *found != *main;
  });
  if (any_own) (void)process_cwd(pid);  // reads them again, as a first use would (learn_thread_cwds)
}

void FdTable::put_cwd(std::uint32_t pid, CwdSlot cwd) {
  make_room(kProcessBytes);
  Process& p = procs_[pid];
  p.name_bytes -= p.cwd.name.view().size();
  p.name_bytes += cwd.name.view().size();
  p.cwd = std::move(cwd);
  peak_bytes_ = std::max(peak_bytes_, bytes());
}

void FdTable::set_cwd(std::uint32_t pid, std::uint32_t tid, std::string_view path, bool via_proc,
                      NameSource source) {
  const CwdState state = via_proc ? CwdState::kFromProc : CwdState::kTraced;
  if (ThreadCwd* own = own_cwd(pid, tid)) {
    keep_thread_cwd(*own, path, state);
    own->cwd.source = source.made_from();
    return;
  }
  put_cwd(pid, {names_.intern(path), state, source.made_from()});
}

NameSource FdTable::cwd_source(std::uint32_t pid) const {
  auto p = procs_.find(pid);
  if (p == procs_.end() || p->second.cwd.state != CwdState::kFromProc) return {};
  return p->second.cwd.source;
}

// Rare (a name /proc gave that a syscall from before the read had already
// changed): a pass over the whole table.
void FdTable::forget_from(const NameSource& read) {
  forget_last_found();
  for (auto& [pid, p] : procs_) {
    for (auto it = p.fds.begin(); it != p.fds.end();) {
      it = it->second.source.same_read(read) ? erase(p, it) : std::next(it);
    }
    if (p.cwd.source.same_read(read)) p.name_bytes -= p.cwd.forget();
  }
  for (auto& [tid, t] : thread_cwds_) {
    if (t.cwd.source.same_read(read)) t.cwd.forget();
  }
}

// Within the table's byte budget, after making room as any entry does; past
// it the thread's cwd is unknown (its relative names say path-unresolved),
// and no other thread's is taken from it.
void FdTable::keep_thread_cwd(ThreadCwd& own, std::string_view path, CwdState state) {
  own.cwd = CwdSlot{};  // its old name no longer counts
  make_room(kThreadCwdBytes + path.size());
  if (bytes() + path.size() > limits_.max_bytes) {
    own.cwd.state = CwdState::kUnknown;
    evictions_.add();
    return;
  }
  own.cwd = {names_.intern(path), state, NameSource{}};
  peak_bytes_ = std::max(peak_bytes_, bytes());
}

void FdTable::forget_cwd(std::uint32_t pid, std::uint32_t tid) {
  // Unknown stays unknown (CwdSlot::forget): /proc already failed for this
  // process, and asking it again at every relative chdir would let a loop
  // of chdir(".") cost ior a readlink per syscall.
  if (ThreadCwd* own = own_cwd(pid, tid)) {
    own->cwd.forget();
    return;
  }
  if (auto p = procs_.find(pid); p != procs_.end()) p->second.name_bytes -= p->second.cwd.forget();
}

void FdTable::put_thread_cwd(std::uint32_t pid, std::uint32_t tid, CwdSlot from) {
  // Unread or unknown to the sharer: the thread's own /proc entry may know.
  if (!from.named()) from = CwdSlot{};
  if (thread_cwds_.size() >= kMaxThreadCwds && !thread_cwds_.contains(tid)) {
    thread_cwds_.erase(thread_cwds_.begin());
    evictions_.add();
  }
  thread_cwds_[tid] = ThreadCwd{pid, std::move(from), false};
  peak_bytes_ = std::max(peak_bytes_, bytes());
}

void FdTable::unshare_cwd(std::uint32_t pid, std::uint32_t tid) {
  if (own_cwd(pid, tid) != nullptr) return;  // already its own: unshare copies nothing
  auto p = procs_.find(pid);
  put_thread_cwd(pid, tid, p == procs_.end() ? CwdSlot{} : p->second.cwd);
}

void FdTable::new_thread_cwd(std::uint32_t pid, std::uint32_t parent_tid, std::uint32_t tid) {
  if (const ThreadCwd* own = own_cwd(pid, parent_tid)) {
    put_thread_cwd(pid, tid, own->cwd);
    return;
  }
  thread_cwds_.erase(tid);  // a recycled tid's
  unshare_cwd(pid, tid);
}

void FdTable::drop_thread(std::uint32_t pid, std::uint32_t tid) {
  if (own_cwd(pid, tid) != nullptr) thread_cwds_.erase(tid);
}

void FdTable::drop_thread_cwds(std::uint32_t pid) {
  if (thread_cwds_.empty()) return;
  std::erase_if(thread_cwds_, [pid](const auto& kv) { return kv.second.pid == pid; });
}

void FdTable::drop_process(std::uint32_t pid) {
  drop_thread_cwds(pid);
  // Its table lives on in the processes that share it.
  if (!files_owner_.empty() && files_owner_.erase(pid) == 0) hand_over_files(pid, false);
  auto p = procs_.find(pid);
  if (p == procs_.end()) return;
  entries_ -= p->second.fds.size();
  released_entries_ -= p->second.released.size();
  forget_last_found();
  procs_.erase(p);
}

void FdTable::drop_dead_processes() {
  // Dead at two sweeps in a row: records of a task that just ended may
  // still wait in the ring buffer, and they need its table or cwd.
  const auto dead_twice = [](bool& dead_at_last_sweep, bool dead) {
    const bool drop = dead && dead_at_last_sweep;
    dead_at_last_sweep = dead;
    return drop;
  };
  std::vector<std::uint32_t> dead;
  for (auto& [pid, p] : procs_) {
    if (dead_twice(p.dead_at_last_sweep, !proc_.process_exists(pid))) dead.push_back(pid);
  }
  // A process sharing a table that make_room left without a Process entry.
  for (const auto& [pid, owner] : files_owner_) {
    if (!procs_.contains(pid) && !proc_.process_exists(pid)) dead.push_back(pid);
  }
  for (std::uint32_t pid : dead) drop_process(pid);
  for (auto it = thread_cwds_.begin(); it != thread_cwds_.end();) {
    const bool drop = dead_twice(it->second.dead_at_last_sweep, !proc_.thread_exists(it->second.pid, it->first));
    it = drop ? thread_cwds_.erase(it) : std::next(it);
  }
}

}  // namespace ior::event
